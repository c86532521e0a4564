/**
 * The `query` command's flags and help, as a spec for bin/flags.ts. Its own file because the
 * help of a preset run needs more words than the layout flags shared in bin/usage.ts.
 */
import type { CommandSpec } from './flags';

const day = 'YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SSZ (UTC) inside a day';

export const QUERY_SPEC = {
  name: 'query',
  summary: 'run a preset investigation or your own SELECT, reading only the days in --from/--to',
  argument: 'PRESET',
  synopsis: [
    '--list',
    'PRESET --from D --to D [options] [--param key=value]...',
    '--sql FILE|- --from D --to D [options]',
  ],
  flags: [
    { name: 'list', type: 'boolean', help: 'print the presets, their parameters and notes' },
    { name: 'from', type: 'string', value: 'D', help: `first day of the range: ${day}` },
    { name: 'to', type: 'string', value: 'D', help: `last day, inclusive: ${day}` },
    {
      name: 'accounts',
      type: 'string',
      value: 'a,b',
      help: '12-digit account ids (default: every account)',
    },
    {
      name: 'regions',
      type: 'string',
      value: 'r1,r2',
      help: 'region names (default: every region; route53-changes: us-east-1)',
    },
    {
      name: 'param',
      type: 'repeatable',
      value: 'key=value',
      help: 'a preset parameter (repeat for more; see --list)',
    },
    { name: 'sql', type: 'string', value: 'FILE|-', help: 'your own SELECT, from a file or - for stdin' },
    {
      name: 'allow-full-scan',
      type: 'boolean',
      help: 'run --sql even though it reads the table without a partition filter',
    },
    { name: 'database', type: 'string', value: 'NAME', help: 'default cloudtrail' },
    { name: 'table', type: 'string', value: 'NAME', help: 'default cloudtrail_logs' },
    {
      name: 'partition-keys',
      type: 'string',
      value: 'k1,k2',
      help: "the table's keys: account,region,year,month,day (default), account,region,year,month, or region,year,month,day",
    },
    {
      name: 'late-days',
      type: 'string',
      value: 'N',
      help: 'days of folders read after --to for records delivered after midnight, 0 to 7 (default 1)',
    },
    {
      name: 'require-complete',
      type: 'boolean',
      help: 'exit 1 when the catalog lacks partitions for some selected days (see coverage below)',
    },
    { name: 'offline', type: 'boolean', help: 'no AWS call to check coverage (says it was not checked)' },
    { name: 'dry-run', type: 'boolean', help: 'print the statement; touch nothing' },
    {
      name: 'format',
      type: 'string',
      choices: ['table', 'csv', 'json', 'sql'],
      help: 'live: table (default), csv or json; --dry-run: sql (default) or json; --list: table or json',
    },
    {
      name: 'workgroup',
      type: 'string',
      value: 'NAME',
      help: 'the Athena workgroup (required without --dry-run)',
    },
  ],
  details: [
    'The query gets the exact partition filter for the range: only the days in it are read, so a',
    'query costs what those days hold. With --sql the filter goes at {{partitions}}, or is ANDed',
    'into the WHERE of a query that reads the table once.',
    '',
    'CloudTrail files a record under the day its log file was delivered, minutes after the event,',
    'so the folders of --late-days more days (default 1) are read and eventtime keeps the range exact.',
    'Before running (and with --dry-run when credentials are found) the Glue catalog is checked for',
    'the selected days; missing ones are listed on stderr with the backfill command that adds them.',
    '',
    "exit codes: 0 ok, 1 the query failed (Athena's reason on stderr), 2 bad usage",
  ].join('\n'),
} as const satisfies CommandSpec;
