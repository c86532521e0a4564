/**
 * The columnar copy's pass of a run (`columnarCopy=true`), pure orchestration over ports: create
 * the Iceberg table if it does not exist, read the coverage and failure streaks from its Glue
 * parameters, convert the due days (schedule.ts) with statements sized by account ranges
 * (sizing.ts), record a day as converted only when all its statements succeeded, grow the streak
 * of a failed day, then keep the copy (columnar-upkeep.ts). Conversions start only while there is
 * time for one to finish: days left over go to the next run.
 */
import { type DayWindow, type EpochDay, formatIsoDate, utcDay } from '../shared/dates';
import { schemeFromColumns } from '../partitions/scheme';
import { submitStatements, type OutcomeStatus } from '../submit/submit';
import { addCoverage, COVERAGE_PARAMETER, parseCoverage } from '../columnar/coverage';
import { FAILURES_PARAMETER, formatFailures, parseFailures } from '../columnar/failures';
import { conversionSchedule, FAILING_RUNS, nextFailures } from '../columnar/schedule';
import { DEFAULT_STATEMENT_BUDGET_BYTES } from '../columnar/sizing';
import { type ColumnarTable, copyTableName, renderCreateTable } from '../columnar/table';
import { DEFAULT_LATE_DAYS } from '../query/columnar-source';
import { conversionStatements, dayOutcomes } from './columnar-plan';
import { type ColumnarUpkeepReport, keepColumnar } from './columnar-upkeep';
import { daySizes } from './columnar-sizes';
import type { ColumnarPorts, Submit, SubmittedOutcome } from './columnar-ports';

export type { ColumnarPorts, CopyTablePort, PrefixBytesPort } from './columnar-ports';
import type { Settings } from './settings';

/** Days back the daily run looks for unconverted days; older ones are `backfill --columnar`'s. */
export const COLUMNAR_LOOKBACK_DAYS = 7;
/** No conversion starts when less than this is left before the wait deadline: a MERGE takes minutes. */
export const CONVERSION_RESERVE_MS = 5 * 60_000;

export interface ColumnarRunOptions {
  readonly now: Date;
  readonly tokenSeed: string;
  readonly startDeadline?: number;
  readonly waitDeadline?: number;
  /** DML statements kept running at once. */
  readonly maxConcurrent: number;
  /** Convert the complete, unconverted days of this window (a backfill) instead of the schedule's. */
  readonly window?: DayWindow;
  /** Run the upkeep (OPTIMIZE, retention DELETE, VACUUM) after the conversions. @default true */
  readonly upkeep?: boolean;
}

export interface ColumnarReport {
  /** `database.table` of the copy. */
  readonly table: string;
  /** The table was created by this run. */
  readonly created: boolean;
  readonly statements: number;
  readonly converted: readonly string[];
  readonly failed: readonly string[];
  /** Not finished before the deadline: the next run converts them. */
  readonly pending: readonly string[];
  /** Days that failed FAILING_RUNS runs in a row or more, with their streak (the alarm's saved query). */
  readonly failing: readonly { readonly day: string; readonly runs: number }[];
  readonly upkeep?: ColumnarUpkeepReport;
}

export class ColumnarRunError extends Error {
  override readonly name = 'ColumnarRunError';
}

export async function runColumnar(
  settings: Settings,
  ports: ColumnarPorts,
  options: ColumnarRunOptions,
): Promise<ColumnarReport> {
  if (!settings.columnarLocation)
    throw new ColumnarRunError('invalid settings: columnarCopy needs the copy location (COLUMNAR_LOCATION)');
  const { database } = settings;
  const name = copyTableName(settings.table);
  const scheme = schemeFromColumns(
    await ports.catalog.getPartitionKeys(database, settings.table),
    `${database}.${settings.table}`,
  );
  const table: ColumnarTable = {
    database,
    rawTable: settings.table,
    table: name,
    location: settings.columnarLocation,
    // Glue keeps the types as written (`struct<principalId:string>`); Hive names are case-insensitive.
    columns: (await ports.copy.getColumns(database, settings.table)).map((c) => ({
      name: c.name.toLowerCase(),
      type: c.type.toLowerCase().replace(/\s+/g, ''),
    })),
    accountKey: scheme.columns.includes('account'),
  };
  const submit = submitter(settings, ports, options);
  let params = await ports.copy.getParameters(database, name);
  const created = params === undefined;
  if (params === undefined) {
    const [outcome] = await submit([renderCreateTable(table)], 'create', options.startDeadline);
    if (outcome.status !== 'succeeded')
      throw new ColumnarRunError(`could not create ${database}.${name}: ${outcome.reason ?? outcome.status}`);
    params = {};
  }
  const today = utcDay(options.now);
  const lateDays = DEFAULT_LATE_DAYS;
  const before = parseFailures(params[FAILURES_PARAMETER]);
  const schedule = conversionSchedule({
    today,
    lateDays,
    lookbackDays: COLUMNAR_LOOKBACK_DAYS,
    retentionDays: settings.retentionDays,
    covered: parseCoverage(params[COVERAGE_PARAMETER]),
    failures: before,
  });
  const days = options.window
    ? windowDays(options.window, schedule.firstKept, today, lateDays, params)
    : schedule.due;
  const budget = settings.columnarStatementBytes ?? DEFAULT_STATEMENT_BUDGET_BYTES;
  const start = Math.min(
    options.startDeadline ?? Infinity,
    options.waitDeadline === undefined ? Infinity : options.waitDeadline - CONVERSION_RESERVE_MS,
  );
  const deadline = Number.isFinite(start) ? start : undefined;
  const sizes =
    table.accountKey && days.length > 0
      ? await daySizes(settings, ports, options, days, budget, sizingDeadline(ports.clock.now(), deadline))
      : undefined;
  // A day the sizing had no time for is converted by a later run, never unsized.
  const sized = sizes ? days.filter((day) => sizes.has(day)) : days;
  const statements = conversionStatements({
    table,
    scheme,
    lateDays,
    days: sized,
    sizes,
    budgetBytes: budget,
  });
  const outcomes = await submit(
    statements.map((s) => s.sql),
    'convert',
    deadline,
  );
  const statuses = new Map<number, OutcomeStatus>(outcomes.map((o, i) => [i, o.status]));
  const outcome = dayOutcomes(statements, statuses);
  const unsized = days.filter((day) => !sized.includes(day));
  const result = { ...outcome, pending: [...outcome.pending, ...unsized].sort((a, b) => a - b) };
  let after = nextFailures(before, result);
  if (result.converted.length > 0 || result.failed.length > 0) {
    await ports.copy.updateParameters(database, name, (old) => {
      // Re-read inside the update: a backfill chunk may have recorded other days meanwhile.
      after = nextFailures(parseFailures(old[FAILURES_PARAMETER]), result);
      return {
        ...old,
        [COVERAGE_PARAMETER]: addCoverage(old[COVERAGE_PARAMETER], result.converted),
        [FAILURES_PARAMETER]: formatFailures(after),
      };
    });
  }
  const upkeep =
    options.upkeep === false
      ? undefined
      : await keepColumnar(table, ports, {
          ...options,
          submit,
          today,
          lateDays,
          firstKept: schedule.firstKept,
        });
  return {
    table: `${database}.${name}`,
    created,
    statements: statements.length,
    converted: result.converted.map(formatIsoDate),
    failed: result.failed.map(formatIsoDate),
    pending: result.pending.map(formatIsoDate),
    failing: [...after]
      .filter(([, runs]) => runs >= FAILING_RUNS)
      .sort(([a], [b]) => a - b)
      .map(([day, runs]) => ({ day: formatIsoDate(day), runs })),
    ...(upkeep ? { upkeep } : {}),
  };
}

/** A backfill's days: complete (the margin has passed), kept by retention, not yet converted. */
function windowDays(
  window: DayWindow,
  firstKept: EpochDay | undefined,
  today: EpochDay,
  lateDays: number,
  params: Readonly<Record<string, string>>,
): EpochDay[] {
  const covered = parseCoverage(params[COVERAGE_PARAMETER]);
  const days: EpochDay[] = [];
  const last = Math.min(window.to, today - lateDays - 1);
  for (let day = Math.max(window.from, firstKept ?? -Infinity); day <= last; day++)
    if (!covered.has(day)) days.push(day);
  return days;
}

function submitter(settings: Settings, ports: ColumnarPorts, options: ColumnarRunOptions): Submit {
  return async (sql, step, startDeadline) => {
    const outcomes: SubmittedOutcome[] = sql.map(() => ({ status: 'not-submitted' }));
    if (sql.length === 0) return outcomes;
    await submitStatements(
      sql.map((text, index) => ({
        index,
        sql: text,
        bytes: Buffer.byteLength(text, 'utf8'),
        partitions: [],
      })),
      ports.athena,
      {
        maxConcurrent: options.maxConcurrent,
        apiPatienceMs: settings.apiPatienceSeconds * 1000,
        tokenSeed: `${options.tokenSeed}:columnar:${step}`,
        startDeadline,
        waitDeadline: options.waitDeadline,
        clock: ports.clock,
        onOutcome: (outcome) => {
          outcomes[outcome.statement.index] = { status: outcome.status, reason: outcome.reason };
          if (outcome.status === 'failed')
            ports.logger?.warn('columnar statement failed', {
              step,
              queryIds: outcome.queryIds,
              reason: outcome.reason,
              sql: outcome.statement.sql.slice(0, 300),
            });
        },
      },
    );
    return outcomes;
  };
}

/** The sizing may take half the time left before the last start: the statements need the rest. */
function sizingDeadline(now: number, startDeadline: number | undefined): number | undefined {
  return startDeadline === undefined ? undefined : now + Math.max(0, startDeadline - now) / 2;
}
