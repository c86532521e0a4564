/** The CLI's help text: every command and flag, with its default. */
export const USAGE = `usage: cloudtrail-partitioner <plan|run|backfill> [options]

  plan      print the statements for a date or range, without touching AWS
            (with --discover, accounts, regions and empty days come from S3)
  run       discover, read the table's partition keys, run the statements in Athena, wait, summarize
  backfill  start the deployed stack's Step Functions backfill for --from/--to and show its progress

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
  --max-partitions-per-statement N   default none: statements are bound by bytes (261,120)
  --max-concurrent-queries N         run only; default 18 (Athena's 20 DDL slots less 2 for the schedule)
  --api-patience-seconds N           run only; stop when an AWS call keeps failing this long (default 300)
  --include-empty-days       register past days even when S3 holds no logs for them
  --dry-run                  run only: discover and plan, submit nothing
  --discover                 plan only: read accounts, regions and empty days from S3
  --format sql|json|text     plan: sql (default) or json; run: text (default) or json
  --stack NAME               backfill: the deployed stack (default CloudTrailPartitioner)
  --state-machine-arn ARN    backfill: use this state machine instead of the stack's output
  --chunk-days N             backfill: days per chunk (default: sized from the account-regions)
  --no-wait                  backfill: print the execution arn and return

exit codes: 0 ok, 1 the run failed, 2 bad usage`;
