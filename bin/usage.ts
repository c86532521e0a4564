/** The CLI's help text: every command and flag, with its default. */
export const USAGE = `usage: cloudtrail-partitioner <plan|run|backfill|audit> [options]

  plan      print the statements for a date or range, without touching AWS
            (with --discover, accounts, regions and empty days come from S3)
  run       discover, read the table's partition keys, run the statements in Athena, wait, summarize
  backfill  start the deployed stack's Step Functions backfill for --from/--to and show its progress
  audit     compare days with logs in S3 (--from/--to, past days) with the partitions in Glue:
            missing, orphaned, covered; --repair adds the missing (needs --workgroup);
            exit code 1 when anything is still missing

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
  --retention-days N         run only: also drop partitions more than N days before today (utc)
  --include-empty-days       register past days even when S3 holds no logs for them
  --dry-run                  run only: discover and plan, submit nothing
  --discover                 plan only: read accounts, regions and empty days from S3
  --format sql|json|text     plan: sql (default) or json; run and audit: text (default) or json
  --stack NAME               backfill: the deployed stack (default CloudTrailPartitioner)
  --state-machine-arn ARN    backfill: use this state machine instead of the stack's output
  --chunk-days N             backfill: days per chunk (default: sized from the account-regions)
  --no-wait                  backfill: print the execution arn and return
  --repair                   audit: add missing partitions through athena
  --retention-days N         audit: days of partitions the table keeps (for the retention check)

exit codes: 0 ok, 1 the run failed, 2 bad usage`;
