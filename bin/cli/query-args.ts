/**
 * Parses `cloudtrail-partitioner query ...` into a validated command. Every problem is a
 * {@link UsageError} (exit code 2) before anything reads a file or touches AWS.
 */
import {
  checkLateDays,
  DEFAULT_LATE_DAYS,
  FilterError,
  MAX_LATE_DAYS,
  partitionFilter,
  renderFilter,
} from '../../lambda/core/query/filter';
import { checkAccount, checkIdentifier, checkRegion, show } from '../../lambda/core/shared/names';
import { findPreset, parsePresetParams, type Preset, PresetError } from '../../lambda/core/query/presets';
import { parseQueryWindow, type QueryWindow, QueryWindowError } from '../../lambda/core/query/query-window';
import { type PartitionScheme, schemeFromKeyList, SchemeError } from '../../lambda/core/partitions/scheme';
import { DEFAULTS } from '../../lambda/core/run/settings';
import { listFlag } from './cli-values';
import { type FlagValues, parseFlags, UsageError } from './flags';
import { QUERY_SPEC } from './query-spec';

export type QueryFormat = 'sql' | 'json' | 'table' | 'csv';

export type QueryCommand = { readonly command: 'query-list'; readonly format: 'table' | 'json' } | QueryRun;

export interface QueryRun {
  readonly command: 'query';
  /** A preset and its validated parameters, or the user's SQL file (`-` is standard input). */
  readonly source:
    | { readonly preset: Preset; readonly params: Readonly<Record<string, string | undefined>> }
    | { readonly sqlFile: string };
  readonly window: QueryWindow;
  readonly scheme: PartitionScheme;
  readonly database: string;
  readonly table: string;
  /** The rendered partition filter (Trino), ready to AND in. */
  readonly filterSql: string;
  readonly allowFullScan: boolean;
  readonly dryRun: boolean;
  readonly format: QueryFormat;
  readonly workgroup?: string;
  /** Days of folders read past the last day (`--late-days`, 0–7, default 1). */
  readonly lateDays: number;
  /** `--require-complete`: exit 1 when the catalog misses selected days. */
  readonly requireComplete: boolean;
  /** `--offline`: no AWS call for the coverage check. */
  readonly offline: boolean;
  /** The selection as given (regions: the preset's default when none), for the coverage check. */
  readonly accounts?: readonly string[];
  readonly regions?: readonly string[];
  /** The partition-key part of the filter (no eventtime): the Glue GetPartitions expression. */
  readonly partitionExpression: string;
}

const WORKGROUP = /^[a-zA-Z0-9._-]{1,128}$/;

function usage<T>(fn: () => T): T {
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

function parseLateDays(text: string | undefined): number {
  if (text === undefined) return DEFAULT_LATE_DAYS;
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (checkLateDays(value) !== undefined)
    throw new UsageError(
      `invalid --late-days ${show(text)}: expected a whole number from 0 to ${MAX_LATE_DAYS}`,
    );
  return value;
}

/** `key=value` pairs; the value may hold `=`. */
function parseParams(pairs: readonly string[]): Record<string, string> {
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

/** argv after the word `query` (the CLI itself goes through parseCli, which handles --help). */
export function parseQueryArgs(argv: readonly string[]): QueryCommand {
  return queryCommand(parseFlags(QUERY_SPEC, argv));
}

/** The flags of `query`, parsed by its spec, to a validated command. */
export function queryCommand(values: FlagValues<typeof QUERY_SPEC>): QueryCommand {
  if (values.list) {
    const format = values.format ?? 'table';
    if (format !== 'table' && format !== 'json')
      throw new UsageError(`invalid --format ${show(format)}: expected table or json with --list`);
    return { command: 'query-list', format };
  }
  const name = values.argument;
  if ((name === undefined) === (values.sql === undefined)) {
    throw new UsageError('missing query: give a PRESET name (see query --list) or --sql FILE, not both');
  }
  if (values.sql !== undefined && values.param !== undefined)
    throw new UsageError('--param is for presets; --sql takes none');
  if (values.from === undefined || values.to === undefined) {
    throw new UsageError('missing --from or --to: query needs both, YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ');
  }
  const window = usage(() => parseQueryWindow(values.from as string, values.to as string));
  const scheme = usage(() => schemeFromKeyList(values['partition-keys'] ?? 'account,region,year,month,day'));
  const database = values.database ?? DEFAULTS.database;
  const table = values.table ?? DEFAULTS.table;
  for (const [kind, value] of [
    ['database', database],
    ['table', table],
  ] as const) {
    const problem = checkIdentifier(kind, value);
    if (problem) throw new UsageError(problem.replace(`${kind} name`, `--${kind}`));
  }
  const preset = name === undefined ? undefined : usage(() => findPreset(name));
  const params = preset ? usage(() => parsePresetParams(preset, parseParams(values.param ?? []))) : undefined;
  // Checked here first so a message names the flag: `invalid --accounts entry "123"`.
  const accounts = listFlag('accounts', values.accounts, checkAccount);
  const regions = listFlag('regions', values.regions, checkRegion) ?? preset?.defaultRegions;
  const lateDays = parseLateDays(values['late-days']);
  const filter = usage(() => partitionFilter({ scheme, window, accounts, regions, lateDays }));
  const dryRun = values['dry-run'] ?? false;
  const format = values.format ?? (dryRun ? 'sql' : 'table');
  const formats = dryRun ? ['sql', 'json'] : ['table', 'csv', 'json'];
  if (!formats.includes(format))
    throw new UsageError(
      `invalid --format ${show(format)}: expected ${formats.join(', ')}${dryRun ? ' with --dry-run' : ''}`,
    );
  const workgroup = values.workgroup;
  if (!dryRun && workgroup === undefined)
    throw new UsageError('missing --workgroup: query needs the athena workgroup (or --dry-run)');
  if (workgroup !== undefined && !WORKGROUP.test(workgroup)) {
    throw new UsageError(
      `invalid --workgroup ${show(workgroup)}: expected 1 to 128 letters, digits, dots, hyphens or underscores`,
    );
  }
  return {
    command: 'query',
    source: preset && params ? { preset, params } : { sqlFile: values.sql as string },
    window,
    scheme,
    database,
    table,
    filterSql: filter.sql,
    allowFullScan: values['allow-full-scan'] ?? false,
    dryRun,
    format: format as QueryFormat,
    ...(workgroup !== undefined ? { workgroup } : {}),
    lateDays,
    requireComplete: values['require-complete'] ?? false,
    offline: values.offline ?? false,
    ...(accounts !== undefined ? { accounts } : {}),
    ...(regions !== undefined ? { regions } : {}),
    partitionExpression: renderFilter(filter.partitions),
  };
}
