/**
 * `query --source raw|columnar|auto`: where a preset reads each day. `auto` reads the columnar
 * copy's coverage (its Glue table parameter `cloudtrail_partitioner.converted_days`) and plans
 * one statement over the copy and the raw table (lambda/core/query/columnar-source.ts); stderr
 * says which days came from which. Without a lookup (--offline, or a dry run without
 * credentials) `auto` reads the raw logs and `columnar` reads the copy unchecked. A copy that
 * does not exist or cannot be read sends `auto` to the raw logs and refuses `columnar` (exit 2).
 */
import type { GlueClient } from '@aws-sdk/client-glue';
import { CLOUDTRAIL_COLUMNS } from '../../lambda/core/shared/cloudtrail-schema';
import { createGlueClient } from '../../lambda/aws/clients';
import { glueTable } from '../../lambda/aws/glue-table';
import { COVERAGE_PARAMETER, parseCoverage } from '../../lambda/core/columnar/coverage';
import { copyTableName } from '../../lambda/core/columnar/table';
import {
  type DayRun,
  dayRuns,
  describeSource,
  formatRuns,
  planSource,
  type SourcePlan,
  type SourceTable,
} from '../../lambda/core/query/columnar-source';
import { type EpochDay, formatIsoDate } from '../../lambda/core/shared/dates';
import { whatToDo } from './hints';
import { UsageError } from './options';
import type { QueryRun } from './query-command';
import type { StackNames } from './stack-names';

export interface SourceIo {
  readonly stderr: (text: string) => void;
  readonly glue?: () => GlueClient;
}

/** What the CLI knows before planning: whether it may call AWS, and why not. */
export interface SourceLookup {
  /** undefined: the copy's coverage may be read; otherwise why it is not (`--offline`, …). */
  readonly skipped?: string;
}

type Coverage = { readonly days: ReadonlySet<string> } | { readonly problem: string };

/**
 * The copy's name, or why there is none. For the stack's own table the stack says: its
 * `ColumnarTableName` output, and no output means it keeps no copy (nothing to look up, so a
 * stack without the option pays no call and prints no line). Without the stack's names (given
 * `--workgroup`) or for another `--table`, the copy is `<table>_columnar` if it exists.
 */
export function copyTableFor(run: QueryRun, names: StackNames | undefined): CopyName {
  if (names === undefined || run.table !== names.table) return { table: copyTableName(run.table) };
  if (names.columnarTable !== undefined) return { table: names.columnarTable };
  return { none: `stack ${names.stackName} keeps no columnar copy (no ColumnarTableName output)` };
}

export type CopyName = { readonly table: string } | { readonly none: string };

const say = (io: SourceIo, line: string): void => io.stderr(`source: ${line}\n`);

/** The copy's covered days, or why they could not be read (never throws). */
async function readCoverage(database: string, table: string, io: SourceIo): Promise<Coverage> {
  const client = io.glue?.() ?? createGlueClient();
  try {
    const info = await glueTable(client, database, table);
    const days = parseCoverage(info.parameters[COVERAGE_PARAMETER]);
    return { days: new Set([...days].map(formatIsoDate)) };
  } catch (error) {
    const e = error as Error;
    if (e.name === 'EntityNotFoundException')
      return { problem: `no columnar copy: table ${database}.${table} not found` };
    return { problem: `columnar copy ${database}.${table} not read: ${e.message}${whatToDo(e.message)}` };
  } finally {
    if (!io.glue) client.destroy();
  }
}

function sourceTable(run: QueryRun, copy: string): SourceTable {
  return {
    database: run.database,
    rawTable: run.table,
    table: copy,
    columns: CLOUDTRAIL_COLUMNS,
    accountKey: run.scheme.columns.includes('account'),
  };
}

function plan(run: QueryRun, copy: string, covered: ReadonlySet<string>): SourcePlan {
  return planSource({
    source: run.source,
    table: sourceTable(run, copy),
    scheme: run.scheme,
    window: run.window,
    lateDays: run.lateDays,
    covered,
    ...(run.accounts ? { accounts: run.accounts } : {}),
    ...(run.regions ? { regions: run.regions } : {}),
  });
}

/** The window's days the copy does not cover, as runs. */
function uncovered(run: QueryRun, covered: ReadonlySet<string>): DayRun[] {
  const days: EpochDay[] = [];
  for (let day: EpochDay = run.window.from; day <= run.window.to; day++)
    if (!covered.has(formatIsoDate(day))) days.push(day);
  return dayRuns(days);
}

/**
 * The plan for a preset, or undefined when every day reads the raw logs (the plain raw
 * statement, as `--source raw` sends). Refuses `--source columnar` for days the copy lacks.
 */
export async function resolveSource(
  run: QueryRun,
  copyName: CopyName,
  lookup: SourceLookup,
  io: SourceIo,
): Promise<SourcePlan | undefined> {
  if ('sqlFile' in run.statement || run.source === 'raw') return undefined;
  if ('none' in copyName) {
    if (run.source === 'columnar')
      throw new UsageError(
        `--source columnar: ${copyName.none}; deploy it with columnarCopy=true, or use --source auto`,
      );
    return undefined;
  }
  const copy = copyName.table;
  const name = `${run.database}.${copy}`;
  if (lookup.skipped !== undefined) {
    if (run.source === 'auto') {
      say(io, `raw logs (the columnar copy's coverage not read: ${lookup.skipped})`);
      return undefined;
    }
    const all = plan(run, copy, new Set());
    say(io, `${describeSource(all)} (${name}; coverage not checked: ${lookup.skipped})`);
    return all;
  }
  const coverage = await readCoverage(run.database, copy, io);
  if ('problem' in coverage) {
    if (run.source === 'columnar')
      throw new UsageError(`--source columnar: ${coverage.problem}; --source auto reads the raw logs`);
    say(io, `raw logs (${coverage.problem})`);
    return undefined;
  }
  if (run.source === 'columnar') {
    const missing = uncovered(run, coverage.days);
    if (missing.length > 0)
      throw new UsageError(
        `--source columnar: the copy ${name} does not cover ${formatRuns(missing)}; nothing was submitted. --source auto reads those days from the raw logs`,
      );
  }
  const chosen = plan(run, copy, coverage.days);
  say(io, `${describeSource(chosen)}${chosen.columnarDays.length > 0 ? ` (${name})` : ''}`);
  return chosen.columnarDays.length > 0 ? chosen : undefined;
}
