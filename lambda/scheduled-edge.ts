/**
 * The Lambda edge of the scheduled checks: runs them when time allows, logs each silent
 * account-region (the SilentTrails alarm's Logs Insights query lists these lines), and emits
 * the audit and silent-trail metrics, zeros included, so their alarms see data.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { LOG_MESSAGE, METRIC } from './core/shared/contract';
import type { RunPorts } from './core/run/run';
import { runScheduledChecks, type ScheduledCheckOptions, type ScheduledChecks } from './core/run/scheduled';
import type { Settings } from './core/run/settings';
import { INDEX_LOG_MESSAGE, indexVerdict } from './core/catalog/index-health';

/** The log message of one silent account-region: the alarm's query filters on it. */
export const SILENT_TRAIL_MESSAGE = LOG_MESSAGE.silentTrail;

export interface ScheduledEdgeResult {
  readonly checks?: ScheduledChecks;
  /** Set when the checks could not run to the end: the invocation must fail loudly. */
  readonly error?: Error;
}

export async function scheduledChecks(
  settings: Settings,
  ports: RunPorts,
  options: ScheduledCheckOptions,
  metrics: Metrics,
  logger: Logger,
): Promise<ScheduledEdgeResult> {
  if (options.startDeadline !== undefined && ports.clock.now() >= options.startDeadline) {
    // What time is left belongs to publishing the run's own metrics; the next run audits.
    logger.warn('scheduled audit skipped: the invocation is out of time', {});
    return {};
  }
  let checks: ScheduledChecks;
  try {
    checks = await runScheduledChecks(settings, ports, options);
  } catch (error) {
    logger.error('scheduled audit failed', { error: (error as Error).message, name: (error as Error).name });
    return { error: error as Error };
  }
  for (const trail of checks.silent) logger.warn(SILENT_TRAIL_MESSAGE, { ...trail });
  metrics.addMetric(METRIC.silentTrails, MetricUnit.Count, checks.silent.length);
  const audit = checks.audit;
  metrics.addMetric(METRIC.partitionsMissing, MetricUnit.Count, audit?.missing ?? 0);
  metrics.addMetric(METRIC.partitionsRepaired, MetricUnit.Count, audit?.repaired ?? 0);
  metrics.addMetric(METRIC.partitionsStillMissing, MetricUnit.Count, audit?.stillMissing ?? 0);
  if (audit) {
    const { missingRanges, stillMissingRanges, orphaned, ...counts } = audit;
    logger.info(LOG_MESSAGE.scheduledAudit, {
      audit: {
        ...counts,
        orphaned: orphaned.length,
        missingRanges: missingRanges.slice(0, 20),
        stillMissingRanges: stillMissingRanges.slice(0, 20),
        orphanedSample: orphaned.slice(0, 20),
      },
      silentTrails: checks.silent.length,
    });
  }
  await logIndexHealth(settings, ports, logger, metrics);
  return { checks };
}

/**
 * The partition index's state in the log and as the PartitionIndexFailed metric (the dashboard's
 * index widgets): never fails the run. A read that fails emits no metric: unknown is not healthy.
 */
export async function logIndexHealth(
  settings: Settings,
  ports: Pick<RunPorts, 'catalog'>,
  logger: Pick<Logger, 'info' | 'warn' | 'error'>,
  metrics: Pick<Metrics, 'addMetric'>,
): Promise<void> {
  const read = ports.catalog.getPartitionIndexes;
  if (!read) return;
  try {
    const indexes = await read.call(ports.catalog, settings.database, settings.table);
    // The table's keys matter only for the advice given when there is no index at all.
    const columns =
      indexes.length === 0 ? await ports.catalog.getPartitionKeys(settings.database, settings.table) : [];
    const where = { database: settings.database, table: settings.table, keys: columns.map((c) => c.name) };
    const verdict = indexVerdict(indexes, where);
    logger[verdict.level](INDEX_LOG_MESSAGE, { verdict: verdict.message, indexes });
    const failed = indexes.some((index) => index.status === 'FAILED');
    metrics.addMetric(METRIC.partitionIndexFailed, MetricUnit.Count, failed ? 1 : 0);
  } catch (error) {
    logger.warn(INDEX_LOG_MESSAGE, {
      verdict: `could not read the partition indexes: ${(error as Error).message}`,
    });
  }
}
