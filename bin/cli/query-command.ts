/**
 * `cloudtrail-partitioner query`: its options (commander) and their values as a validated
 * {@link QueryCommand}. Every problem is a {@link UsageError} (exit 2) before anything reads a
 * file or touches AWS. Running it is bin/cli/query.ts.
 */
import { Argument } from 'commander';
import { checkIdentifier, show } from '../../lambda/core/shared/names';
import { DEFAULTS } from '../../lambda/core/run/settings';
import { type PartitionScheme, schemeFromKeyList } from '../../lambda/core/partitions/scheme';
import { findPreset, parsePresetParams, type Preset } from '../../lambda/core/query/presets';
import type { QueryWindow } from '../../lambda/core/query/query-window';
import * as layout from './layout-options';
import { StrictCommand, examples, flagOption, repeatableOption, valueOption } from './options';
import { queryOptionValues, SOURCE_CHOICES, type QueryExtras } from './query-values';
import { resolveRange, usage, parseParams, presetFilter } from './query-parse';
import { bool, str, strs, UsageError, type Values } from './options';

export type QueryFormat = 'sql' | 'json' | 'table' | 'csv';

export type QueryCommand = { readonly command: 'query-list'; readonly format: 'table' | 'json' } | QueryRun;

export interface QueryRun extends QueryExtras {
  readonly command: 'query';
  /** A preset and its validated parameters, or the user's SQL file (`-` is standard input). */
  readonly statement:
    | { readonly preset: Preset; readonly params: Readonly<Record<string, string | undefined>> }
    | { readonly sqlFile: string };
  readonly window: QueryWindow;
  readonly scheme: PartitionScheme;
  readonly database: string;
  readonly table: string;
  /** The rendered partition filter (Trino), ready to AND in. */
  readonly filterSql: string;
  /** The partition-key part of the filter (no eventtime): the Glue GetPartitions expression. */
  readonly partitionExpression: string;
  readonly allowFullScan: boolean;
  readonly dryRun: boolean;
  readonly format: QueryFormat;
  /** Absent: the deployed stack (`stackName`) supplies the workgroup, database, table and keys. */
  readonly workgroup?: string;
  /** Which of database, table and partition keys the user gave, so the stack's fill only the rest. */
  readonly given: { readonly database: boolean; readonly table: boolean; readonly partitionKeys: boolean };
  readonly stackName: string;
  /** The accounts and regions the filter selects (undefined: every one). */
  readonly accounts?: readonly string[];
  readonly regions?: readonly string[];
}

const WORKGROUP = /^[a-zA-Z0-9._-]{1,128}$/;
const day = 'YYYY-MM-DD, today, yesterday, or YYYY-MM-DDTHH:MM:SSZ (UTC) inside a day';

export function queryDefinition(): StrictCommand {
  const summary = 'run a preset investigation or your own SELECT, reading only the days in the range';
  return new StrictCommand('query')
    .summary(summary)
    .description(summary)
    .usage(
      '--list | PRESET --since 7d [options] [--param key=value]... | --sql FILE|- --from D --to D [options]',
    )
    .addArgument(new Argument('[PRESET]', 'a preset name (see --list)'))
    .addOption(flagOption('list', 'print the presets, their parameters and notes'))
    .addOption(valueOption('since', 'AGE', 'the range ending now: 12h, 7d, 2w (instead of --from/--to)'))
    .addOption(valueOption('from', 'D', `first day of the range: ${day}`))
    .addOption(valueOption('to', 'D', `last day, inclusive: ${day}`))
    .addOption(valueOption('accounts', 'a,b', '12-digit account ids (default: every account)'))
    .addOption(
      valueOption('regions', 'r1,r2', 'region names (default: every region; route53-changes: us-east-1)'),
    )
    .addOption(repeatableOption('param', 'key=value', 'a preset parameter (repeat for more; see --list)'))
    .addOption(valueOption('sql', 'FILE|-', 'your own SELECT, from a file or - for stdin'))
    .addOption(
      flagOption('allow-full-scan', 'run --sql even though it reads the table without a partition filter'),
    )
    .addOption(valueOption('database', 'NAME', "default: the stack's (cloudtrail)"))
    .addOption(valueOption('table', 'NAME', "default: the stack's (cloudtrail_logs)"))
    .addOption(
      valueOption(
        'partition-keys',
        'k1,k2',
        "the table's keys: account,region,year,month,day (default), account,region,year,month, or region,year,month,day",
      ),
    )
    .addOption(valueOption('workgroup', 'NAME', "the Athena workgroup (default: the stack's)"))
    .addOption(layout.stackOption())
    .addOption(
      flagOption('dry-run', 'print the statement (and, with credentials, the estimated cost); run nothing'),
    )
    .addOption(
      valueOption(
        'format',
        'FORMAT',
        'live: table (default), csv or json; --dry-run: sql (default) or json; --list: table or json',
        ['table', 'csv', 'json', 'sql'],
      ),
    )
    .addOption(
      valueOption('columns', 'a,b', 'the columns to show (default in a table: a compact set per preset)'),
    )
    .addOption(valueOption('limit', 'N', 'at most N rows (the last line says when rows were cut)'))
    .addOption(valueOption('max-scan', 'GB', 'refuse to run when the estimate is above GB gigabytes'))
    .addOption(valueOption('price-per-tb', 'USD', 'price per TB scanned, for the estimate (default 5)'))
    .addOption(
      valueOption('late-days', 'N', 'days of late delivery read after the range, 0 to 7 (default 1)'),
    )
    .addOption(flagOption('require-complete', 'refuse to answer when a day of the range is not registered'))
    .addOption(
      valueOption(
        'source',
        'SOURCE',
        'raw, columnar or auto (default): auto reads the days the columnar copy holds from it, the rest from the raw logs',
        SOURCE_CHOICES,
      ),
    )
    .addOption(flagOption('offline', "no AWS call for the coverage, cost and the columnar copy's checks"))
    .addHelpText(
      'after',
      [
        '',
        'The query gets the exact partition filter for the range: only the days in it are read, so a',
        'query costs what those days hold. With --sql the filter goes at {{partitions}}, or is ANDed',
        'into the WHERE of a query that reads the table once.',
        '',
        "exit codes: 0 ok, 1 the query failed (Athena's reason on stderr), 2 bad usage",
      ].join('\n') +
        examples(
          'query route53-changes --since 7d --param name=www.example.com',
          'query console-logins --from yesterday --to today --param result=failure --max-scan 10',
          'query --sql my.sql --since 2w --dry-run --format json',
        ),
    );
}

/** The values of `query`'s options to a validated command; `now` resolves relative ranges. */
export function parseQuery(values: Values, now: Date): QueryCommand {
  if (bool(values, 'list')) {
    const format = str(values, 'format') ?? 'table';
    if (format !== 'table' && format !== 'json')
      throw new UsageError(`invalid --format ${show(format)}: expected table or json with --list`);
    return { command: 'query-list', format };
  }
  const name = str(values, 'argument');
  const sqlFile = str(values, 'sql');
  if ((name === undefined) === (sqlFile === undefined)) {
    throw new UsageError('missing query: give a PRESET name (see query --list) or --sql FILE, not both');
  }
  if (sqlFile !== undefined && strs(values, 'param') !== undefined)
    throw new UsageError('--param is for presets; --sql takes none');
  if (sqlFile !== undefined && str(values, 'source') === 'columnar')
    throw new UsageError('--source columnar is for presets: --sql reads the raw table');
  const window = resolveRange(values, now);
  const keys = str(values, 'partition-keys');
  const scheme = usage(() => schemeFromKeyList(keys ?? 'account,region,year,month,day'));
  const database = str(values, 'database') ?? DEFAULTS.database;
  const table = str(values, 'table') ?? DEFAULTS.table;
  for (const [kind, value] of [
    ['database', database],
    ['table', table],
  ] as const) {
    const problem = checkIdentifier(kind, value);
    if (problem) throw new UsageError(problem.replace(`${kind} name`, `--${kind}`));
  }
  const preset = name === undefined ? undefined : usage(() => findPreset(name));
  const params = preset
    ? usage(() => parsePresetParams(preset, parseParams(strs(values, 'param') ?? [])))
    : undefined;
  const extras = queryOptionValues(values, preset, params);
  const filter = presetFilter(values, scheme, window, preset, extras.lateDays);
  const dryRun = bool(values, 'dry-run');
  const format = str(values, 'format') ?? (dryRun ? 'sql' : 'table');
  const formats = dryRun ? ['sql', 'json'] : ['table', 'csv', 'json'];
  if (!formats.includes(format))
    throw new UsageError(
      `invalid --format ${show(format)}: expected ${formats.join(', ')}${dryRun ? ' with --dry-run' : ''}`,
    );
  const workgroup = str(values, 'workgroup');
  if (workgroup !== undefined && !WORKGROUP.test(workgroup)) {
    throw new UsageError(
      `invalid --workgroup ${show(workgroup)}: expected 1 to 128 letters, digits, dots, hyphens or underscores`,
    );
  }
  return {
    command: 'query',
    statement: preset && params ? { preset, params } : { sqlFile: sqlFile as string },
    window,
    scheme,
    database,
    table,
    filterSql: filter.sql,
    partitionExpression: filter.partitionExpression,
    ...(filter.accounts !== undefined ? { accounts: filter.accounts } : {}),
    ...(filter.regions !== undefined ? { regions: filter.regions } : {}),
    allowFullScan: bool(values, 'allow-full-scan'),
    dryRun,
    format: format as QueryFormat,
    ...(workgroup !== undefined ? { workgroup } : {}),
    given: {
      database: str(values, 'database') !== undefined,
      table: str(values, 'table') !== undefined,
      partitionKeys: keys !== undefined,
    },
    stackName: layout.stackName(values),
    ...extras,
  };
}
