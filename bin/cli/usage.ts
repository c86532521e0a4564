/**
 * Every command's flags, as specs: the parser (bin/flags.ts) and the help text both read
 * them, so what `--help` lists is exactly what a command accepts.
 */
import { type CommandSpec, flagLines } from './flags';
import { QUERY_SPEC } from './query-spec';

export const PROGRAM = 'cloudtrail-partitioner';

const bucket = { name: 'bucket', type: 'string', value: 'NAME', help: 'trail bucket (required)' } as const;
const prefix = {
  name: 'prefix',
  type: 'string',
  value: 'P',
  help: 'key prefix before AWSLogs/ (default: none)',
} as const;
const orgId = {
  name: 'org-id',
  type: 'string',
  value: 'o-xxxxxxxxxx',
  help: 'organization id, for organization trails',
} as const;
const date = {
  name: 'date',
  type: 'string',
  value: 'YYYY-MM-DD',
  help: 'one day, UTC (default: yesterday to tomorrow, the scheduled run window)',
} as const;
const from = {
  name: 'from',
  type: 'string',
  value: 'YYYY-MM-DD',
  help: 'first day, UTC, with --to',
} as const;
const to = {
  name: 'to',
  type: 'string',
  value: 'YYYY-MM-DD',
  help: 'last day, inclusive, with --from',
} as const;
const database = { name: 'database', type: 'string', value: 'NAME', help: 'default cloudtrail' } as const;
const table = { name: 'table', type: 'string', value: 'NAME', help: 'default cloudtrail_logs' } as const;
const maxPartitions = {
  name: 'max-partitions-per-statement',
  type: 'string',
  value: 'N',
  help: 'default none: statements are bound by bytes (261,120)',
} as const;
const includeEmpty = {
  name: 'include-empty-days',
  type: 'boolean',
  help: 'register past days even when S3 holds no logs for them',
} as const;

function list(name: 'accounts' | 'regions', what: string, plan: boolean) {
  return {
    name,
    type: 'string',
    value: name === 'accounts' ? 'a,b' : 'r1,r2',
    help: plan ? `${what} (required without --discover)` : `${what} (default: discovered in S3)`,
  } as const;
}

export const PLAN_SPEC = {
  name: 'plan',
  summary: 'print the statements for a day or range, without touching AWS (--discover reads S3)',
  flags: [
    bucket,
    prefix,
    orgId,
    list('accounts', '12-digit account ids', true),
    list('regions', 'region names', true),
    date,
    from,
    to,
    database,
    table,
    {
      name: 'partition-keys',
      type: 'string',
      value: 'k1,k2',
      help: 'default account,region,year,month,day',
    },
    maxPartitions,
    includeEmpty,
    {
      name: 'discover',
      type: 'boolean',
      help: 'read accounts, regions and empty days from S3 (read-only: what a deploy would do)',
    },
    { name: 'format', type: 'string', choices: ['sql', 'json'], help: 'default sql' },
  ],
} as const satisfies CommandSpec;

export const RUN_SPEC = {
  name: 'run',
  summary: "discover, read the table's partition keys, run the statements in Athena, wait, summarize",
  flags: [
    bucket,
    prefix,
    orgId,
    list('accounts', '12-digit account ids', false),
    list('regions', 'region names', false),
    date,
    from,
    to,
    database,
    table,
    { name: 'workgroup', type: 'string', value: 'NAME', help: 'athena workgroup (required)' },
    maxPartitions,
    {
      name: 'max-concurrent-queries',
      type: 'string',
      value: 'N',
      help: "default 18 (Athena's 20 active-DDL slots less 2 kept for the schedule)",
    },
    {
      name: 'api-patience-seconds',
      type: 'string',
      value: 'N',
      help: 'stop when an AWS call keeps failing this long (default 300)',
    },
    includeEmpty,
    {
      name: 'retention-days',
      type: 'string',
      value: 'N',
      help: 'also drop partitions more than N days before today, UTC (default: keep all)',
    },
    { name: 'dry-run', type: 'boolean', help: 'discover and plan, submit nothing' },
    { name: 'format', type: 'string', choices: ['text', 'json'], help: 'default text' },
  ],
} as const satisfies CommandSpec;

export const BACKFILL_SPEC = {
  name: 'backfill',
  summary: "start the deployed stack's Step Functions backfill for --from/--to and show its progress",
  flags: [
    { ...from, help: 'first day, UTC (required)' },
    { ...to, help: 'last day, inclusive (required)' },
    list('accounts', '12-digit account ids', false),
    list('regions', 'region names', false),
    {
      name: 'chunk-days',
      type: 'string',
      value: 'N',
      help: 'days per chunk (default: sized from the account-regions)',
    },
    includeEmpty,
    {
      name: 'stack',
      type: 'string',
      value: 'NAME',
      help: 'the deployed stack (default CloudTrailPartitioner)',
    },
    {
      name: 'state-machine-arn',
      type: 'string',
      value: 'ARN',
      help: "use this state machine instead of the stack's output",
    },
    { name: 'no-wait', type: 'boolean', help: 'print the execution arn and return' },
  ],
} as const satisfies CommandSpec;

export const AUDIT_SPEC = {
  name: 'audit',
  summary: 'compare days with logs in S3 (past days) with the partitions in Glue: missing, orphaned, covered',
  flags: [
    bucket,
    prefix,
    orgId,
    list('accounts', '12-digit account ids', false),
    list('regions', 'region names', false),
    { ...from, help: 'first day, UTC (required)' },
    { ...to, help: 'last day, inclusive, up to yesterday (required)' },
    database,
    table,
    { name: 'workgroup', type: 'string', value: 'NAME', help: 'athena workgroup (required with --repair)' },
    maxPartitions,
    { name: 'max-concurrent-queries', type: 'string', value: 'N', help: 'with --repair; default 18, as run' },
    {
      name: 'retention-days',
      type: 'string',
      value: 'N',
      help: 'also report partitions more than N days before today (UTC); --repair drops them',
    },
    { name: 'repair', type: 'boolean', help: 'add the missing partitions through athena' },
    { name: 'format', type: 'string', choices: ['text', 'json'], help: 'default text' },
  ],
  details:
    'exit codes: 0 nothing missing, 1 partitions still missing or the audit failed, 2 bad usage\n(orphaned partitions are reported but do not fail it)',
} as const satisfies CommandSpec;

/** Every command, in the order the help lists them. Add a new command's spec here. */
export const COMMANDS: CommandSpec[] = [PLAN_SPEC, RUN_SPEC, BACKFILL_SPEC, QUERY_SPEC, AUDIT_SPEC];

/** The overall help: every command, and every command's flags. */
export function usage(commands: readonly CommandSpec[] = COMMANDS): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return [
    `usage: ${PROGRAM} <${commands.map((c) => c.name).join('|')}> [options]`,
    '',
    ...commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    ...commands.flatMap((c) => ['', `${c.name} options:`, ...flagLines(c)]),
    '',
    `${PROGRAM} COMMAND --help shows one command's options.`,
    'exit codes: 0 ok, 1 the run failed, 2 bad usage',
  ].join('\n');
}

/** The CLI's help text. */
export const USAGE = usage();
