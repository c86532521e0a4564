/**
 * Retention and the catalog-size estimate over the ports: read the expired partitions from Glue
 * (an expression on the keys, so the list is exact, includes accounts that stopped delivering
 * long ago, and holds nothing that does not exist), drop them through the same submission as the
 * adds, and estimate the table's size. The `audit` command calls {@link runRetention} directly.
 */
import { type EpochDay, formatIsoDate } from '../shared/dates';
import { packDropStatements } from '../partitions/drop';
import { accountsRootKey } from '../partitions/layout';
import type { LifecyclePort, PartitionValuesPort } from '../catalog/catalog-reads';
import type { AthenaPort, Clock } from '../shared/ports';
import { nextMonthStart } from '../partitions/plan-month';
import {
  atOrBeforeMonthExpression,
  estimateCatalogPartitions,
  expiredExpression,
  isExpired,
  retentionCutoff,
  specsFromValues,
} from '../catalog/retention';
import type { PartitionScheme } from '../partitions/scheme';
import type { Settings } from './settings';
import { submitStatements } from '../submit/submit';

/** Expired partitions one run reads and drops at most; the rest go on the next run. */
export const DEFAULT_MAX_DROPS_PER_RUN = 100_000;
/** CloudTrail began delivering in November 2013: no partition can be older. */
const FIRST_LOG_DAY = Date.UTC(2013, 10, 1) / 86_400_000;

export interface RetentionLogger {
  info(message: string, extra: Record<string, unknown>): void;
  warn(message: string, extra: Record<string, unknown>): void;
}

export interface RetentionPorts {
  readonly partitions: PartitionValuesPort;
  readonly athena: AthenaPort;
  readonly clock: Clock;
  readonly lifecycle?: LifecyclePort;
  readonly logger?: RetentionLogger;
}

export interface RetentionOptions {
  readonly now: Date;
  readonly tokenSeed: string;
  readonly dryRun: boolean;
  readonly startDeadline?: number;
  readonly waitDeadline?: number;
  /** @default DEFAULT_MAX_DROPS_PER_RUN */
  readonly maxDrops?: number;
  /** DDL queries the drops keep active (the run's share). @default settings.maxConcurrentQueries */
  readonly maxConcurrent?: number;
}

export interface RetentionReport {
  readonly retentionDays: number;
  /** The first day kept (`YYYY-MM-DD`): partitions whose (last) day is before it were dropped. */
  readonly keepFrom: string;
  /** Expired partitions the catalog returned this run. */
  readonly expired: number;
  readonly statements: number;
  readonly dropped: number;
  readonly failed: number;
  /** Expired partitions not dropped: failed, unconfirmed or out of time. */
  readonly notDropped: number;
  /** More expired partitions remain than one run reads: the next run goes on. */
  readonly more: boolean;
  /** Catalog values that failed the allow-lists: never rendered into SQL. */
  readonly rejected: number;
  /** The logs expire before their partitions would: partitions over deleted logs. */
  readonly warning?: string;
  /** Dry runs only. */
  readonly firstStatement?: string;
}

export async function runRetention(
  settings: Settings,
  scheme: PartitionScheme,
  retentionDays: number,
  ports: RetentionPorts,
  options: RetentionOptions,
): Promise<RetentionReport> {
  const today = Math.floor(options.now.getTime() / 86_400_000);
  const cutoff = retentionCutoff(today, retentionDays);
  const maxDrops = options.maxDrops ?? DEFAULT_MAX_DROPS_PER_RUN;
  const warning = await lifecycleWarning(settings, retentionDays, ports);
  const page = await ports.partitions.listPartitionValues(
    settings.database,
    settings.table,
    expiredExpression(scheme, cutoff),
    maxDrops,
  );
  const { specs, rejected } = specsFromValues(scheme, page.values);
  // The expression already selects these; the check here is the second wall against a wide match.
  const expired = specs.filter((spec) => isExpired(scheme, spec, cutoff));
  if (rejected.length > 0) {
    ports.logger?.warn('catalog partitions with unexpected values left alone', {
      count: rejected.length,
      sample: rejected.slice(0, 3),
    });
  }
  const statements = [...packDropStatements(expired, scheme, settings, settings)];
  const base = {
    retentionDays,
    keepFrom: formatIsoDate(cutoff),
    expired: expired.length,
    statements: statements.length,
    more: page.more,
    rejected: rejected.length,
    ...(warning ? { warning } : {}),
  };
  if (options.dryRun || statements.length === 0) {
    return { ...base, dropped: 0, failed: 0, notDropped: 0, firstStatement: statements[0]?.sql };
  }
  const result = await submitStatements(statements, ports.athena, {
    maxConcurrent: options.maxConcurrent ?? settings.maxConcurrentQueries,
    apiPatienceMs: settings.apiPatienceSeconds * 1000,
    tokenSeed: `${options.tokenSeed}:retention`,
    startDeadline: options.startDeadline,
    waitDeadline: options.waitDeadline,
    clock: ports.clock,
  });
  return {
    ...base,
    dropped: result.partitionsAdded,
    failed: result.failed.length,
    notDropped: expired.length - result.partitionsAdded,
  };
}

/** A warning when the bucket expires logs sooner than retention drops their partitions. */
async function lifecycleWarning(
  settings: Settings,
  retentionDays: number,
  ports: RetentionPorts,
): Promise<string | undefined> {
  if (!ports.lifecycle) return undefined;
  const logsRoot = accountsRootKey(settings.layout);
  let days: number | undefined;
  try {
    days = await ports.lifecycle.logExpirationDays(logsRoot);
  } catch (error) {
    // Reading the lifecycle is a courtesy check: without the permission, retention still runs.
    ports.logger?.info('trail bucket lifecycle not readable', { error: (error as Error).message });
    return undefined;
  }
  if (days === undefined || retentionDays <= days) return undefined;
  return `retention of ${retentionDays} days outlives the trail bucket's lifecycle, which expires logs after ${days} days: partitions older than ${days} days point at deleted logs; set retentionDays to ${days} or less`;
}

/**
 * The month of the oldest partition in the catalog, by binary search over months with
 * "any partition at or before this month?" probes (about 8 one-item reads), or undefined for an
 * empty table.
 */
export async function oldestPartitionMonth(
  partitions: PartitionValuesPort,
  settings: Pick<Settings, 'database' | 'table'>,
  today: EpochDay,
): Promise<EpochDay | undefined> {
  const months: EpochDay[] = [];
  for (let day = FIRST_LOG_DAY; day <= nextMonthStart(today); day = nextMonthStart(day)) months.push(day);
  const any = async (i: number): Promise<boolean> =>
    (
      await partitions.listPartitionValues(
        settings.database,
        settings.table,
        atOrBeforeMonthExpression(months[i]),
        1,
      )
    ).values.length > 0;
  if (!(await any(months.length - 1))) return undefined;
  let lo = 0;
  let hi = months.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (await any(mid)) hi = mid;
    else lo = mid + 1;
  }
  return months[lo];
}

/**
 * Estimated partitions in the table: discovery's account-regions over the span the table holds,
 * from the oldest partition's month in the catalog (or the retention cutoff within that month).
 */
export async function catalogEstimate(
  partitions: PartitionValuesPort,
  settings: Pick<Settings, 'database' | 'table'>,
  scheme: PartitionScheme,
  input: { readonly accountRegions: number; readonly today: EpochDay; readonly retentionDays?: number },
): Promise<number> {
  const oldest = (await oldestPartitionMonth(partitions, settings, input.today)) ?? input.today;
  // The oldest month is month-precise; within the cutoff's month, the cutoff is the better bound.
  const cutoff =
    input.retentionDays === undefined ? undefined : retentionCutoff(input.today, input.retentionDays);
  const firstDay =
    cutoff !== undefined && nextMonthStart(oldest) > cutoff ? Math.max(oldest, cutoff) : oldest;
  return estimateCatalogPartitions({
    accountRegions: input.accountRegions,
    granularity: scheme.granularity,
    today: input.today,
    firstDay,
  });
}
