/**
 * Keeping the copy, after a run's conversions: `OPTIMIZE … REWRITE DATA USING BIN_PACK` over the
 * last OPTIMIZE_DAYS complete days (each conversion adds small files; bin packing merges them),
 * the retention `DELETE` of days before the first kept one (then their coverage is removed, so
 * `query --source auto` reads nothing from days the copy no longer holds), and `VACUUM` every
 * VACUUM_EVERY_DAYS days (expires snapshots older than the table's one day, deletes the files
 * only they referenced, and orphan files). Each statement is independent: one that fails is
 * logged and counted, and the next run tries again.
 */
import { type EpochDay, formatIsoDate, parseIsoDate } from '../shared/dates';
import { COVERAGE_PARAMETER, formatCoverage, parseCoverage } from '../columnar/coverage';
import { FAILURES_PARAMETER, formatFailures, parseFailures } from '../columnar/failures';
import { renderOptimize, renderRetentionDelete, renderVacuum } from '../columnar/statements';
import type { ColumnarTable } from '../columnar/table';
import type { ColumnarPorts, Submit } from './columnar-ports';

/** Recent complete days compacted by every run (the late-delivery days add files until complete). */
export const OPTIMIZE_DAYS = 3;
/** Days between VACUUMs. */
export const VACUUM_EVERY_DAYS = 7;
/** The Glue table parameter holding the day of the last successful VACUUM. */
export const LAST_VACUUM_PARAMETER = 'cloudtrail_partitioner.last_vacuum';

export interface ColumnarUpkeepReport {
  readonly optimized: boolean;
  /** The retention DELETE ran (days before `keepFrom` left the copy). */
  readonly deletedBefore?: string;
  readonly vacuumed: boolean;
  /** Upkeep statements that failed or did not finish (logged; retried by the next run). */
  readonly failed: number;
}

export interface UpkeepOptions {
  readonly submit: Submit;
  readonly today: EpochDay;
  readonly lateDays: number;
  readonly firstKept?: EpochDay;
  readonly startDeadline?: number;
  readonly waitDeadline?: number;
}

export async function keepColumnar(
  table: ColumnarTable,
  ports: Pick<ColumnarPorts, 'copy' | 'logger'>,
  options: UpkeepOptions,
): Promise<ColumnarUpkeepReport> {
  const params = (await ports.copy.getParameters(table.database, table.table)) ?? {};
  const lastComplete = options.today - options.lateDays - 1;
  const covered = parseCoverage(params[COVERAGE_PARAMETER]);
  const expired =
    options.firstKept !== undefined && [...covered].some((day) => day < (options.firstKept as number));
  const lastVacuum = parseIsoDate(params[LAST_VACUUM_PARAMETER] ?? '');
  const vacuum = lastVacuum === undefined || options.today - lastVacuum >= VACUUM_EVERY_DAYS;
  // Order matters: the DELETE before VACUUM, so VACUUM can remove the deleted days' files later.
  const steps: { name: 'optimize' | 'delete' | 'vacuum'; sql: string }[] = [
    { name: 'optimize', sql: renderOptimize(table, lastComplete - OPTIMIZE_DAYS + 1, lastComplete) },
    ...(expired
      ? [{ name: 'delete' as const, sql: renderRetentionDelete(table, options.firstKept as number) }]
      : []),
    ...(vacuum ? [{ name: 'vacuum' as const, sql: renderVacuum(table) }] : []),
  ];
  const ok = new Set<string>();
  let failed = 0;
  // One at a time: each commits a new snapshot of the same table, and concurrent commits conflict.
  for (const step of steps) {
    const [outcome] = await options.submit([step.sql], step.name, upkeepStart(options));
    if (outcome.status === 'succeeded') ok.add(step.name);
    else {
      failed++;
      ports.logger?.warn('columnar upkeep statement did not succeed', {
        step: step.name,
        status: outcome.status,
        reason: outcome.reason,
      });
    }
  }
  if (ok.has('delete') || ok.has('vacuum')) {
    const keep = options.firstKept;
    await ports.copy.updateParameters(table.database, table.table, (old) => ({
      ...old,
      ...(ok.has('delete') && keep !== undefined
        ? {
            [COVERAGE_PARAMETER]: formatCoverage(
              [...parseCoverage(old[COVERAGE_PARAMETER])].filter((d) => d >= keep),
            ),
            [FAILURES_PARAMETER]: formatFailures(
              new Map([...parseFailures(old[FAILURES_PARAMETER])].filter(([d]) => d >= keep)),
            ),
          }
        : {}),
      ...(ok.has('vacuum') ? { [LAST_VACUUM_PARAMETER]: formatIsoDate(options.today) } : {}),
    }));
  }
  return {
    optimized: ok.has('optimize'),
    ...(ok.has('delete') && options.firstKept !== undefined
      ? { deletedBefore: formatIsoDate(options.firstKept) }
      : {}),
    vacuumed: ok.has('vacuum'),
    failed,
  };
}

/** Upkeep starts only with a conversion's reserve left, like the conversions themselves. */
function upkeepStart(options: UpkeepOptions): number | undefined {
  const reserve = 5 * 60_000;
  const candidates = [
    options.startDeadline,
    options.waitDeadline === undefined ? undefined : options.waitDeadline - reserve,
  ].filter((v): v is number => v !== undefined);
  return candidates.length === 0 ? undefined : Math.min(...candidates);
}
