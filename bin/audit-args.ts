/**
 * Parses `cloudtrail-partitioner audit --from D --to D [options]` into a validated command:
 * the same settings validation as `run`, and any problem is a {@link UsageError} (exit 2)
 * before anything touches AWS.
 */
import { parseArgs } from 'node:util';
import { type DayWindow, parseIsoDate, utcDay } from '../lambda/core/dates';
import { show } from '../lambda/core/names';
import { checkWindow } from '../lambda/core/request';
import { parseSettings, type Settings } from '../lambda/core/settings';
import { splitList } from '../lambda/core/validation';
import { UsageError } from './cli-args';

export interface AuditCommand {
  readonly command: 'audit';
  /** `workgroup` is set whenever `repair` is. */
  readonly settings: Settings;
  readonly window: DayWindow;
  readonly repair: boolean;
  readonly format: 'text' | 'json';
  /** Days of partitions to keep, for the retention workstream; the audit itself ignores it. */
  readonly retentionDays?: number;
}

const OPTIONS = {
  bucket: { type: 'string' },
  prefix: { type: 'string' },
  'org-id': { type: 'string' },
  accounts: { type: 'string' },
  regions: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  database: { type: 'string' },
  table: { type: 'string' },
  workgroup: { type: 'string' },
  'max-partitions-per-statement': { type: 'string' },
  'max-concurrent-queries': { type: 'string' },
  'retention-days': { type: 'string' },
  repair: { type: 'boolean' },
  format: { type: 'string' },
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
};

/** True when the command word (the first positional) is `audit`. */
export function isAuditCommand(argv: readonly string[]): boolean {
  try {
    const { positionals } = parseArgs({
      args: [...argv],
      options: OPTIONS,
      allowPositionals: true,
      strict: false,
    });
    return positionals[0] === 'audit';
  } catch {
    return false;
  }
}

function wholeNumber(flag: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`invalid ${flag} ${show(value)}: expected a whole number from ${min} to ${max}`);
  }
  return Number(value);
}

function day(flag: string, text: string | undefined): number {
  if (text === undefined) throw new UsageError('missing --from or --to: audit needs both, YYYY-MM-DD');
  const parsed = parseIsoDate(text);
  if (parsed === undefined)
    throw new UsageError(`invalid ${flag} ${show(text)}: expected a real calendar date YYYY-MM-DD`);
  return parsed;
}

export function parseAuditCli(
  argv: readonly string[],
  now: Date,
): AuditCommand | { readonly command: 'help' } {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    const message = (error as Error).message.replace(/\n/g, ' ');
    throw new UsageError(`invalid options for audit: ${message.charAt(0).toLowerCase()}${message.slice(1)}`);
  }
  const { values, positionals } = parsed;
  if (values.help) return { command: 'help' };
  if (positionals.length > 1) throw new UsageError(`unexpected argument ${show(positionals[1])}`);
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
      maxPartitionsPerStatement: wholeNumber(
        '--max-partitions-per-statement',
        values['max-partitions-per-statement'],
        1,
        5000,
      ),
      maxConcurrentQueries: wholeNumber('--max-concurrent-queries', values['max-concurrent-queries'], 1, 20),
    }).filter(([, value]) => value !== undefined),
  );
  let settings: Settings;
  let window: DayWindow;
  try {
    settings = parseSettings(input, 'options', LABELS);
    window = { from: day('--from', values.from), to: day('--to', values.to) };
    // Partitions from today on are registered before their logs exist: the audit ends yesterday.
    if (window.to >= utcDay(now)) {
      throw new UsageError(
        `invalid --to ${show(values.to)}: the audit covers past days, up to yesterday (utc)`,
      );
    }
    checkWindow(window, now, settings);
  } catch (error) {
    throw error instanceof UsageError ? error : new UsageError((error as Error).message);
  }
  const repair = values.repair ?? false;
  if (repair && settings.workgroup === undefined) {
    throw new UsageError('missing --workgroup: audit --repair adds partitions through athena');
  }
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') {
    throw new UsageError(`invalid --format ${show(format)}: expected text or json`);
  }
  const retentionDays = wholeNumber('--retention-days', values['retention-days'], 1, 7305);
  return {
    command: 'audit',
    settings,
    window,
    repair,
    format,
    ...(retentionDays !== undefined ? { retentionDays } : {}),
  };
}
