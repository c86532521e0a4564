/** The CLI's help text: every command and flag, with its default. */
export const USAGE = `usage: cloudtrail-partitioner <plan|run|backfill> [options]

  plan      print the statements for a date or range, without touching AWS
            (with --discover, accounts, regions and empty days come from S3)
  run       discover, read the table's partition keys, run the statements in Athena, wait, summarize
  backfill  start the deployed stack's Step Functions backfill for --from/--to and show its progress
  query     investigate: run a preset (query --list) or your SQL with the exact partition filter
            (see query --help)

options:
  --bucket NAME              trail bucket (plan and run: required)
  --prefix P                 key prefix before AWSLogs/ (default: none)
  --org-id o-xxxxxxxxxx      organization id, for organization trails
  --accounts a,b             12-digit account ids (plan: required without --discover; run: default discovered)
  --regions r1,r2            region names (plan: required without --discover; run: default discovered)
  --date D | --from D --to D day or inclusive range, YYYY-MM-DD UTC (default: tomorrow)
  --database NAME            default cloudtrail
  --table NAME               default cloudtrail_logs
  --partition-keys k1,k2     plan only; default account,region,year,month,day
  --workgroup NAME           run only; required
  --max-partitions-per-statement N   default 1000
  --max-concurrent-queries N         run only; default 4
  --include-empty-days       register past days even when S3 holds no logs for them
  --dry-run                  run only: discover and plan, submit nothing
  --discover                 plan only: read accounts, regions and empty days from S3
  --format sql|json|text     plan: sql (default) or json; run: text (default) or json
  --stack NAME               backfill: the deployed stack (default CloudTrailPartitioner)
  --state-machine-arn ARN    backfill: use this state machine instead of the stack's output
  --chunk-days N             backfill: days per chunk (default: sized from the account-regions)
  --no-wait                  backfill: print the execution arn and return

exit codes: 0 ok, 1 the run failed, 2 bad usage`;

/** Help for `cloudtrail-partitioner query`. */
export const QUERY_USAGE = `usage: cloudtrail-partitioner query --list
       cloudtrail-partitioner query PRESET --from D --to D [options] [--param key=value]...
       cloudtrail-partitioner query --sql FILE|- --from D --to D [options]

  Runs a ready-made investigation (a preset) or your own SELECT with the exact partition filter
  for the range: only the days in it are read, so a query costs what those days hold.

  --list                     print the presets, their parameters and notes
  --from D --to D            inclusive range: YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SSZ (UTC) inside a day
  --accounts a,b             12-digit account ids (default: every account)
  --regions r1,r2            region names (default: every region; route53-changes: us-east-1)
  --param key=value          a preset parameter (repeat for more; see --list)
  --sql FILE | -             your own SELECT; the filter goes at {{partitions}}, or is ANDed into
                             the WHERE of a query that reads the table once
  --allow-full-scan          run --sql even though it reads the table without a partition filter
  --database NAME            default cloudtrail
  --table NAME               default cloudtrail_logs
  --partition-keys k1,k2     the table's keys: account,region,year,month,day (default),
                             account,region,year,month, or region,year,month,day
  --dry-run                  print the statement; touch nothing
  --format F                 --dry-run: sql (default) or json; live: table (default), csv or json
  --workgroup NAME           the Athena workgroup (required without --dry-run)

exit codes: 0 ok, 1 the query failed (Athena's reason on stderr), 2 bad usage`;
