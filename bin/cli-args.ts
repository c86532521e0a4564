/**
 * Parses `cloudtrail-partitioner <command> [options]` into a validated command. Every
 * value goes through the same validators as the Lambda's settings and payloads, and any
 * problem is a {@link UsageError} (exit code 2) before anything touches AWS.
 */
import { parseArgs } from 'node:util';
import { type DayWindow, parseIsoDate, utcDay } from '../lambda/core/dates';
import { show, STACK_NAME } from '../lambda/core/names';
import { DEFAULT_STACK_NAME } from '../lambda/core/contract';
import { checkWindow, parseSplitPayload } from '../lambda/core/request';
import { type PartitionScheme, schemeFromKeyList } from '../lambda/core/scheme';
import { DEFAULTS, parseSettings, type Settings } from '../lambda/core/settings';
import { splitList } from '../lambda/core/validation';

export { USAGE } from './usage';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export type Format = 'sql' | 'json' | 'text';

export interface PlanCommand {
  readonly command: 'plan';
  readonly settings: Settings;
  readonly window: DayWindow;
  readonly scheme: PartitionScheme;
  readonly discover: boolean;
  readonly includeEmptyDays: boolean;
  readonly format: Format;
}

export interface RunCommand {
  readonly command: 'run';
  readonly settings: Settings & { readonly workgroup: string };
  readonly window: DayWindow;
  readonly includeEmptyDays: boolean;
  readonly dryRun: boolean;
  readonly format: Format;
}

export interface BackfillCommand {
  readonly command: 'backfill';
  /** The state machine's input, validated like the split step will validate it. */
  readonly input: {
    readonly from: string;
    readonly to: string;
    readonly accounts?: readonly string[];
    readonly regions?: readonly string[];
    readonly chunkDays?: number;
    readonly includeEmptyDays?: boolean;
  };
  readonly stackName: string;
  readonly stateMachineArn?: string;
  readonly wait: boolean;
}

export type CliCommand = PlanCommand | RunCommand | BackfillCommand | { readonly command: 'help' };

const OPTIONS = {
  bucket: { type: 'string' },
  prefix: { type: 'string' },
  'org-id': { type: 'string' },
  accounts: { type: 'string' },
  regions: { type: 'string' },
  date: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  database: { type: 'string' },
  table: { type: 'string' },
  workgroup: { type: 'string' },
  'partition-keys': { type: 'string' },
  'max-partitions-per-statement': { type: 'string' },
  'max-concurrent-queries': { type: 'string' },
  'api-patience-seconds': { type: 'string' },
  format: { type: 'string' },
  discover: { type: 'boolean' },
  'include-empty-days': { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  stack: { type: 'string' },
  'state-machine-arn': { type: 'string' },
  'chunk-days': { type: 'string' },
  'no-wait': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const LABELS: Record<string, string> = {
  bucket: '--bucket',
  prefix: '--prefix',
  orgId: '--org-id',
  accounts: '--accounts',
  regions: '--regions',
  database: '--database',
  table: '--table',
  workgroup: '--workgroup',
  maxPartitionsPerStatement: '--max-partitions-per-statement',
  maxConcurrentQueries: '--max-concurrent-queries',
  apiPatienceSeconds: '--api-patience-seconds',
};

function integer(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`invalid ${flag} ${show(value)}: expected a whole number`);
  return Number(value);
}

function parseWindow(
  values: { date?: string; from?: string; to?: string },
  now: Date,
  settings: Settings,
): DayWindow {
  const day = (flag: string, text: string): number => {
    const parsed = parseIsoDate(text);
    if (parsed === undefined)
      throw new UsageError(`invalid ${flag} ${show(text)}: expected a real calendar date YYYY-MM-DD`);
    return parsed;
  };
  if (values.date !== undefined && (values.from !== undefined || values.to !== undefined)) {
    throw new UsageError('invalid options: give --date or --from/--to, not both');
  }
  if ((values.from === undefined) !== (values.to === undefined)) {
    throw new UsageError('invalid options: --from and --to go together');
  }
  const tomorrow = utcDay(now) + 1;
  const window =
    values.date !== undefined
      ? { from: day('--date', values.date), to: day('--date', values.date) }
      : values.from !== undefined && values.to !== undefined
        ? { from: day('--from', values.from), to: day('--to', values.to) }
        : { from: tomorrow, to: tomorrow };
  return rethrow(() => checkWindow(window, now, settings));
}

function rethrow<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export function parseCli(argv: readonly string[], now: Date): CliCommand {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    const message = (error as Error).message.replace(/\n/g, ' ');
    throw new UsageError(`invalid options: ${message.charAt(0).toLowerCase()}${message.slice(1)}`);
  }
  const { values, positionals } = parsed;
  if (values.help) return { command: 'help' };
  if (positionals.length === 0) throw new UsageError('missing command: expected plan, run or backfill');
  const [command, ...extra] = positionals;
  if (command !== 'plan' && command !== 'run' && command !== 'backfill') {
    throw new UsageError(`unknown command ${show(command)}: expected plan, run or backfill`);
  }
  if (extra.length > 0) throw new UsageError(`unexpected argument ${show(extra[0])}`);
  const only = (flag: keyof typeof OPTIONS, where: CliCommand['command']): void => {
    if (values[flag] !== undefined && command !== where)
      throw new UsageError(`--${flag} is for ${where} only`);
  };
  for (const flag of ['stack', 'state-machine-arn', 'chunk-days', 'no-wait'] as const) only(flag, 'backfill');
  if (command === 'backfill') return parseBackfill(values, now);
  only('partition-keys', 'plan');
  only('discover', 'plan');
  only('workgroup', 'run');
  only('max-concurrent-queries', 'run');
  only('api-patience-seconds', 'run');
  only('dry-run', 'run');
  if (values.bucket === undefined) throw new UsageError('missing --bucket: expected the trail bucket name');
  const input = Object.fromEntries(
    Object.entries({
      bucket: values.bucket,
      prefix: values.prefix,
      orgId: values['org-id'],
      accounts: splitList(values.accounts),
      regions: splitList(values.regions),
      database: values.database,
      table: values.table,
      workgroup: values.workgroup,
      maxPartitionsPerStatement: integer(
        '--max-partitions-per-statement',
        values['max-partitions-per-statement'],
      ),
      maxConcurrentQueries: integer('--max-concurrent-queries', values['max-concurrent-queries']),
      apiPatienceSeconds: integer('--api-patience-seconds', values['api-patience-seconds']),
    }).filter(([, value]) => value !== undefined),
  );
  const settings = rethrow(() => parseSettings(input, 'options', LABELS));
  const window = parseWindow(values, now, settings);
  const includeEmptyDays = values['include-empty-days'] ?? false;
  const format = values.format ?? (command === 'plan' ? 'sql' : 'text');
  const formats = command === 'plan' ? ['sql', 'json'] : ['text', 'json'];
  if (!formats.includes(format))
    throw new UsageError(`invalid --format ${show(format)}: expected ${formats.join(' or ')}`);
  if (command === 'run') {
    if (settings.workgroup === undefined)
      throw new UsageError('missing --workgroup: run needs the athena workgroup');
    return {
      command,
      settings: { ...settings, workgroup: settings.workgroup },
      window,
      includeEmptyDays,
      dryRun: values['dry-run'] ?? false,
      format: format as Format,
    };
  }
  const discover = values.discover ?? false;
  if (!discover && (settings.accounts === undefined || settings.regions === undefined)) {
    throw new UsageError(
      'missing --accounts or --regions: plan needs both, or --discover to read them from s3',
    );
  }
  const scheme = rethrow(() =>
    schemeFromKeyList(values['partition-keys'] ?? 'account,region,year,month,day'),
  );
  if (scheme.singleAccount && (settings.accounts?.length ?? 0) > 1) {
    throw new UsageError(
      `invalid --accounts: --partition-keys ${scheme.columns.join(',')} is a single-account table; give exactly one account`,
    );
  }
  return { command, settings, window, scheme, discover, includeEmptyDays, format: format as Format };
}

const BACKFILL_FLAGS = new Set([
  'from',
  'to',
  'accounts',
  'regions',
  'chunk-days',
  'include-empty-days',
  'stack',
  'state-machine-arn',
  'no-wait',
  'help',
]);
const STATE_MACHINE_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/;

function parseBackfill(
  values: ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'],
  now: Date,
): BackfillCommand {
  // The deployed stack knows its layout and limits: any other flag is a mistake, not a no-op.
  const extra = Object.keys(values).find((flag) => !BACKFILL_FLAGS.has(flag));
  if (extra !== undefined)
    throw new UsageError(`--${extra} is not for backfill: the deployed stack decides it`);
  if (values.from === undefined || values.to === undefined) {
    throw new UsageError('missing --from or --to: backfill needs both, YYYY-MM-DD');
  }
  const input = {
    from: values.from,
    to: values.to,
    ...(values.accounts !== undefined ? { accounts: splitList(values.accounts) } : {}),
    ...(values.regions !== undefined ? { regions: splitList(values.regions) } : {}),
    ...(values['chunk-days'] !== undefined
      ? { chunkDays: integer('--chunk-days', values['chunk-days']) }
      : {}),
    ...(values['include-empty-days'] ? { includeEmptyDays: true } : {}),
  };
  // The same validation the split step runs, so a bad range never starts an execution.
  try {
    parseSplitPayload({ action: 'split', ...input }, now, DEFAULTS);
  } catch (error) {
    // Same words, in the flags the user typed.
    const message = (error as Error).message
      .replace(/^invalid split payload: /, 'invalid options: ')
      .replace(/\b(chunkDays|accounts|regions|from|to)([.:])/g, (_m, key: string, end: string) => {
        const flag = key === 'chunkDays' ? 'chunk-days' : key;
        return `--${flag}${end}`;
      });
    throw new UsageError(message);
  }
  const stackName = values.stack ?? DEFAULT_STACK_NAME;
  if (!STACK_NAME.test(stackName)) {
    throw new UsageError(
      `invalid --stack ${show(stackName)}: expected a letter, then letters, digits or hyphens`,
    );
  }
  const arn = values['state-machine-arn'];
  if (arn !== undefined && !STATE_MACHINE_ARN.test(arn)) {
    throw new UsageError(
      `invalid --state-machine-arn ${show(arn)}: expected arn:aws:states:REGION:ACCOUNT:stateMachine:NAME`,
    );
  }
  return { command: 'backfill', input, stackName, stateMachineArn: arn, wait: !values['no-wait'] };
}
