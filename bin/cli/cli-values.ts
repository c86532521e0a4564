/**
 * Flag values to typed values, for the CLI's commands: each error names the flag the user
 * typed (`--date`, not the core's `to`; `--accounts entry "…"`, not `accounts.0`).
 */
import { type DayWindow, defaultWindow, parseIsoDate } from '../../lambda/core/shared/dates';
import { namedDay } from '../../lambda/core/query/relative-range';

export { namedDay } from '../../lambda/core/query/relative-range';
import { show } from '../../lambda/core/shared/names';
import { checkWindow } from '../../lambda/core/run/request';
import type { Settings } from '../../lambda/core/run/settings';
import { splitList } from '../../lambda/core/shared/validation';
import { UsageError } from './options';

export function integer(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`invalid ${flag} ${show(value)}: expected a whole number`);
  return Number(value);
}

/** The checkWindow messages say `from` and `to`; this says the flags the user typed. */
export function inFlags<T>(fn: () => T, flags: { readonly from: string; readonly to: string }): T {
  try {
    return fn();
  } catch (error) {
    const message = (error as Error).message
      .replace(/^invalid range: (\d{4}-\d{2}-\d{2}) to /, 'invalid range: from $1 to ')
      .replace(/\b(from|to) (?=\d{4}-\d{2}-\d{2})/g, (_m, key: 'from' | 'to') => `${flags[key]} `);
    throw new UsageError(message, { cause: error });
  }
}

export function parseWindow(
  values: { date?: string; from?: string; to?: string },
  now: Date,
  settings: Settings,
): DayWindow {
  const day = (flag: string, text: string): number => {
    const parsed = parseIsoDate(namedDay(text, now));
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
  if (values.date !== undefined) {
    const one = day('--date', values.date);
    return inFlags(() => checkWindow({ from: one, to: one }, now, settings), {
      from: '--date',
      to: '--date',
    });
  }
  if (values.from !== undefined && values.to !== undefined) {
    const window = { from: day('--from', values.from), to: day('--to', values.to) };
    return inFlags(() => checkWindow(window, now, settings), { from: '--from', to: '--to' });
  }
  // The scheduled function's own default window (lookbackDays before today through tomorrow),
  // so `plan` and `run` without dates show and do what the deployed function does each day.
  return defaultWindow(now, settings.lookbackDays);
}

export function rethrow<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw new UsageError((error as Error).message, { cause: error });
  }
}

/** A comma-separated flag value, each entry checked, so the message names the flag and the entry. */
export function listFlag(
  flag: string,
  text: string | undefined,
  check: (value: string) => string | undefined,
): string[] | undefined {
  const items = splitList(text);
  for (const [index, item] of (items ?? []).entries()) {
    const problem = check(item);
    if (problem !== undefined)
      throw new UsageError(problem.replace(/^invalid (account|region) /, `invalid --${flag} entry `));
    if (items?.indexOf(item) !== index)
      throw new UsageError(`invalid --${flag}: ${show(item)} is listed twice`);
  }
  return items;
}

/** Each settings field as the flag the user typed, for error messages (run, plan and audit). */
export const LABELS: Record<string, string> = {
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
  retentionDays: '--retention-days',
  apiPatienceSeconds: '--api-patience-seconds',
};
