/**
 * Which result columns the terminal table shows: a compact default per preset (what a person
 * reads first; csv and json keep every column), or the user's `--columns`. A listed column a
 * preset does not output is skipped, never an error, so presets can change their SQL freely.
 */
import type { PresetSql } from '../../lambda/core/query/presets';

/** The table's default columns per preset, in order. */
export const COMPACT_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  'route53-changes': [
    'eventtime',
    'principal',
    'action',
    'record_name',
    'record_type',
    'record_values',
    'errorcode',
  ],
  'iam-changes': ['eventtime', 'principal', 'eventname', 'errorcode'],
  'trail-tampering': ['eventtime', 'principal', 'eventname', 'awsregion', 'errorcode'],
  'security-group-changes': ['eventtime', 'principal', 'eventname', 'group_id', 'errorcode'],
  'kms-key-disable': ['eventtime', 'principal', 'eventname', 'key_id', 'pending_days', 'errorcode'],
  's3-bucket-policy-changes': ['eventtime', 'principal', 'eventname', 'bucket', 'errorcode'],
  'console-logins': ['eventtime', 'user_name', 'principal', 'result', 'mfa_used', 'sourceipaddress'],
  'root-activity': ['eventtime', 'eventsource', 'eventname', 'sourceipaddress', 'errorcode'],
  'who-did': ['eventtime', 'eventsource', 'eventname', 'awsregion', 'access_key', 'errorcode'],
  'access-denied': ['principal', 'eventsource', 'eventname', 'errorcode', 'events', 'last_seen'],
  'what-happened-to': ['eventtime', 'principal', 'eventsource', 'eventname', 'errorcode'],
};

/** The output name of one SELECT expression: its alias, or the last part of a column path. */
export function outputName(expression: string): string {
  const alias = /\sAS\s+"?([A-Za-z_][A-Za-z0-9_]*)"?\s*$/i.exec(expression);
  if (alias) return alias[1].toLowerCase();
  return (expression.split('.').at(-1) ?? expression).replace(/"/g, '').trim().toLowerCase();
}

/** Every column a preset's statement outputs, in order. */
export const presetOutputs = (sql: PresetSql): string[] => sql.select.map(outputName);

/** The columns to show, as indexes into the result's columns, in the order asked for. */
export function pickColumns(available: readonly string[], wanted: readonly string[] | undefined): number[] {
  if (wanted === undefined) return available.map((_, i) => i);
  const picked = wanted.map((name) => available.indexOf(name)).filter((i) => i >= 0);
  // A preset whose SQL no longer outputs any of its compact columns still shows something.
  return picked.length > 0 ? picked : available.map((_, i) => i);
}

export interface Shaped {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | null)[])[];
  /** Rows in the result before --limit. */
  readonly total: number;
}

/**
 * The result as printed: `--columns` in every format, else the preset's compact set in the
 * table only; then `--limit`. Columns an --sql result lacks are named in `warn` and skipped.
 */
export function shapeResult(
  result: { readonly columns: readonly string[]; readonly rows: readonly (readonly (string | null)[])[] },
  options: {
    readonly format: string;
    readonly columns?: readonly string[];
    readonly limit?: number;
    readonly preset?: string;
  },
  warn: (text: string) => void,
): Shaped {
  const missing = (options.columns ?? []).filter((name) => !result.columns.includes(name));
  if (missing.length > 0)
    warn(`--columns ${missing.join(', ')} not in the result (columns: ${result.columns.join(', ')})\n`);
  const compact = options.format === 'table' && options.preset ? COMPACT_COLUMNS[options.preset] : undefined;
  const picked = pickColumns(result.columns, options.columns ?? compact);
  const rows = result.rows
    .slice(0, options.limit ?? result.rows.length)
    .map((row) => picked.map((i) => row[i] ?? null));
  return { columns: picked.map((i) => result.columns[i]), rows, total: result.rows.length };
}
