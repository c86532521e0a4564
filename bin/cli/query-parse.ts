/**
 * The pieces of `query`'s validation that read the range, the parameters and the filter, each
 * error a {@link UsageError} that names the option typed.
 */
import { checkAccount, checkRegion, show } from '../../lambda/core/shared/names';
import { DEFAULTS } from '../../lambda/core/run/settings';
import { FilterError, partitionFilter, renderFilter } from '../../lambda/core/query/filter';
import { type Preset, PresetError } from '../../lambda/core/query/presets';
import { parseQueryWindow, type QueryWindow, QueryWindowError } from '../../lambda/core/query/query-window';
import { namedDay, sinceRange } from '../../lambda/core/query/relative-range';
import { type PartitionScheme, SchemeError } from '../../lambda/core/partitions/scheme';
import { listFlag } from './cli-values';
import { str, UsageError, type Values } from './options';

/** Runs `fn`, turning the core's validation errors into usage errors (exit 2). */
export function usage<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (
      error instanceof FilterError ||
      error instanceof PresetError ||
      error instanceof QueryWindowError ||
      error instanceof SchemeError
    ) {
      throw new UsageError(error.message);
    }
    throw error;
  }
}

/** `key=value` pairs; the value may hold `=`. */
export function parseParams(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`invalid --param ${show(pair)}: expected key=value`);
    const key = pair.slice(0, at);
    if (key in out) throw new UsageError(`invalid --param ${show(pair)}: ${key} is given twice`);
    out[key] = pair.slice(at + 1);
  }
  return out;
}

/** `--since AGE`, or `--from`/`--to` (dates, instants, `today`, `yesterday`), as a query window. */
export function resolveRange(values: Values, now: Date): QueryWindow {
  const [since, from, to] = [str(values, 'since'), str(values, 'from'), str(values, 'to')];
  if (since !== undefined) {
    if (from !== undefined || to !== undefined)
      throw new UsageError('invalid options: give --since or --from/--to, not both');
    const range = usage(() => sinceRange(since, now, DEFAULTS.maxRangeDays));
    return usage(() => parseQueryWindow(range.from, range.to));
  }
  if (from === undefined || to === undefined) {
    throw new UsageError(
      'missing --from or --to: query needs both, YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (or --since 7d)',
    );
  }
  return usage(() => parseQueryWindow(namedDay(from, now), namedDay(to, now)));
}

/**
 * The partition filter for the range, accounts and regions (a preset's default regions apply),
 * reading `lateDays` more days of folders, and its partition-key part alone (what Glue evaluates).
 */
export function presetFilter(
  values: Values,
  scheme: PartitionScheme,
  window: QueryWindow,
  preset: Preset | undefined,
  lateDays: number,
): { sql: string; partitionExpression: string; accounts?: readonly string[]; regions?: readonly string[] } {
  // Checked here first so a message names the flag: `invalid --accounts entry "123"`.
  const accounts = listFlag('accounts', str(values, 'accounts'), checkAccount);
  const regions = listFlag('regions', str(values, 'regions'), checkRegion) ?? preset?.defaultRegions;
  const filter = usage(() => partitionFilter({ scheme, window, accounts, regions, lateDays }));
  return { sql: filter.sql, partitionExpression: renderFilter(filter.partitions), accounts, regions };
}
