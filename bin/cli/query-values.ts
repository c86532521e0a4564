/**
 * The values of `query`'s newer options, validated: cost (`--max-scan`, `--price-per-tb`),
 * readable results (`--columns`, `--limit`), and the options whose behaviour other modules own
 * (`--late-days`, `--require-complete`, `--offline`, `--source`), passed through as fields.
 */
import { type QuerySource, QUERY_SOURCES } from '../../lambda/core/query/columnar-source';
import type { Preset } from '../../lambda/core/query/presets';
import { show } from '../../lambda/core/shared/names';
import { presetOutputs } from './query-columns';
import { bool, str, UsageError, type Values } from './options';

export interface QueryExtras {
  /** `--late-days N`: days read after the range for late delivery, 0–7 (default 1). */
  readonly lateDays: number;
  /** `--require-complete`: refuse when a day of the range is not registered. */
  readonly requireComplete: boolean;
  /** `--offline`: no AWS call for the coverage and cost checks (nor the columnar copy's coverage). */
  readonly offline: boolean;
  /** `--source`: the raw logs, the columnar copy, or each day from where it is (default auto). */
  readonly source: QuerySource;
  /** USD per TB scanned, for the estimate and the closing line (default 5, Athena's list price). */
  readonly pricePerTb: number;
  /** `--max-scan GB` in bytes: a larger estimate refuses the query. */
  readonly maxScanBytes?: number;
  /** `--columns`: the columns to show, in order. */
  readonly columns?: readonly string[];
  /** `--limit N`: at most N rows are printed. */
  readonly limit?: number;
}

/** Athena's price per TB scanned in most regions (https://aws.amazon.com/athena/pricing/). */
export const DEFAULT_PRICE_PER_TB = 5;
/** `--source`'s values (commander checks them: exit 2 naming the three). */
export const SOURCE_CHOICES: readonly string[] = QUERY_SOURCES;
const GB = 1024 ** 3;
const NUMBER = /^(\d+(\.\d*)?|\.\d+)$/;

function positive(flag: string, text: string, what: string, allowZero = false): number {
  const value = NUMBER.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(value) || (!allowZero && value <= 0))
    throw new UsageError(`invalid --${flag} ${show(text)}: expected ${what}`);
  return value;
}

function wholeNumber(flag: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max)
    throw new UsageError(`invalid --${flag} ${show(text)}: expected a whole number from ${min} to ${max}`);
  return Number(text);
}

/** Levenshtein distance, for "did you mean" on column names (commander covers options). */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    previous = current;
  }
  return previous[b.length];
}

export function nearest(word: string, candidates: readonly string[]): string | undefined {
  const ranked = candidates.map((name) => ({ name, d: distance(word, name) })).sort((x, y) => x.d - y.d);
  return ranked.length > 0 && ranked[0].d <= Math.max(2, Math.floor(word.length / 3))
    ? ranked[0].name
    : undefined;
}

/** `--columns a,b`: each a column the preset outputs (any name for --sql, checked on the result). */
export function parseColumns(text: string, known: readonly string[] | undefined): string[] {
  const names = text.split(',').map((name) => name.trim().toLowerCase());
  for (const name of names) {
    if (!/^[a-z_][a-z0-9_]*$/.test(name))
      throw new UsageError(
        `invalid --columns entry ${show(name)}: expected column names separated by commas`,
      );
    if (known !== undefined && !known.includes(name)) {
      const near = nearest(name, known);
      throw new UsageError(
        `invalid --columns entry ${show(name)}${near ? `; did you mean ${near}?` : ''} (columns: ${known.join(', ')})`,
      );
    }
  }
  return names;
}

export function queryOptionValues(
  values: Values,
  preset: Preset | undefined,
  params: Readonly<Record<string, string | undefined>> | undefined,
): QueryExtras {
  const lateDays = str(values, 'late-days');
  const maxScan = str(values, 'max-scan');
  const price = str(values, 'price-per-tb');
  const columns = str(values, 'columns');
  const limit = str(values, 'limit');
  const known = preset && params ? presetOutputs(preset.sql(params)) : undefined;
  return {
    lateDays: lateDays === undefined ? 1 : wholeNumber('late-days', lateDays, 0, 7),
    requireComplete: bool(values, 'require-complete'),
    offline: bool(values, 'offline'),
    source: (str(values, 'source') as QuerySource | undefined) ?? 'auto',
    pricePerTb:
      price === undefined
        ? DEFAULT_PRICE_PER_TB
        : positive('price-per-tb', price, 'USD per TB, 0 or more', true),
    ...(maxScan !== undefined
      ? { maxScanBytes: positive('max-scan', maxScan, 'a positive number of gigabytes, such as 10') * GB }
      : {}),
    ...(columns !== undefined ? { columns: parseColumns(columns, known) } : {}),
    ...(limit !== undefined ? { limit: wholeNumber('limit', limit, 1, 1_000_000) } : {}),
  };
}
