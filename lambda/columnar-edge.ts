/**
 * The Lambda edge of the columnar pass: runs it, emits ColumnarDaysConverted and
 * ColumnarDaysFailed (zeros included, so the alarm sees data), logs one `columnar day failing`
 * line per day that failed FAILING_RUNS runs in a row (the alarm's saved Logs Insights query lists
 * them) and the pass's report. A failed day does not fail the invocation: Lambda's retries would
 * read the raw logs again at Athena's price, and the next run retries the day anyway.
 */
import type { ScheduledEdgeResult } from './scheduled-edge';
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { LOG_MESSAGE, METRIC } from './core/shared/contract';
import {
  type ColumnarPorts,
  type ColumnarReport,
  type ColumnarRunOptions,
  runColumnar,
} from './core/run/columnar-run';
import type { Settings } from './core/run/settings';
import type { RunRequest } from './core/run/request';
import type { Report } from './core/run/report';
import { concurrencyFor } from './core/shared/concurrency';

export interface ColumnarEdgeResult {
  readonly report?: ColumnarReport;
  /** Set when the pass could not run: the table could not be created, Glue could not be read. */
  readonly error?: Error;
}

export async function columnarPass(
  settings: Settings,
  ports: ColumnarPorts,
  options: ColumnarRunOptions,
  metrics: Metrics,
  logger: Logger,
): Promise<ColumnarEdgeResult> {
  let report: ColumnarReport;
  try {
    report = await runColumnar(settings, ports, options);
  } catch (error) {
    logger.error('columnar copy failed', { error: (error as Error).message, name: (error as Error).name });
    metrics.addMetric(METRIC.columnarDaysConverted, MetricUnit.Count, 0);
    // The alarm fires for a pass that could not run at all, not only for failed days.
    metrics.addMetric(METRIC.columnarDaysFailed, MetricUnit.Count, 1);
    return { error: error as Error };
  }
  metrics.addMetric(METRIC.columnarDaysConverted, MetricUnit.Count, report.converted.length);
  metrics.addMetric(METRIC.columnarDaysFailed, MetricUnit.Count, report.failed.length);
  for (const { day, runs } of report.failing)
    logger.error(LOG_MESSAGE.columnarDayFailing, { day, runs, table: report.table });
  logger.info(LOG_MESSAGE.columnarCopy, {
    columnar: { ...report, converted: report.converted.length, convertedDays: report.converted.slice(-20) },
  });
  return { report };
}

/**
 * The columnar pass that follows a run, if any: the scheduled run's with `columnarCopy` (due days
 * and upkeep), or a backfill chunk's with `columnar` (its window's days, no upkeep). It runs only
 * after every partition was registered: a day converted over a missing partition would be
 * recorded complete without the records that partition holds. Returns `incomplete` for a chunk
 * that left days unconverted, so Step Functions retries and then records it.
 */
export async function columnarAfter(
  request: RunRequest,
  run: { readonly report: Report; readonly scheduled: ScheduledEdgeResult },
  settings: Settings,
  ports: () => ColumnarPorts,
  options: Pick<ColumnarRunOptions, 'now' | 'tokenSeed' | 'startDeadline' | 'waitDeadline'>,
  telemetry: { readonly metrics: Metrics; readonly logger: Logger },
): Promise<{ readonly incomplete?: string } | undefined> {
  const scheduled = request.kind === 'scheduled' && settings.columnarCopy === true;
  if (!(scheduled || request.columnar === true) || request.dryRun) return undefined;
  if (!run.report.ok || partitionsMissing(request, run)) {
    telemetry.logger.warn('columnar conversion skipped: partitions are missing', {});
    return { incomplete: 'columnar conversion skipped: partitions are missing' };
  }
  const result = await columnarPass(
    settings,
    ports(),
    {
      ...options,
      maxConcurrent: concurrencyFor(request.kind, settings),
      ...(scheduled ? {} : { window: request.columnarWindow ?? request.window, upkeep: false }),
    },
    telemetry.metrics,
    telemetry.logger,
  );
  const report = result.report;
  if (result.error) return { incomplete: `columnar copy failed: ${result.error.message}` };
  if (report && (report.failed.length > 0 || report.pending.length > 0))
    return {
      incomplete: `columnar copy: ${report.failed.length} days failed (${report.failed.slice(0, 5).join(', ')}), ${report.pending.length} not finished`,
    };
  return {};
}

/**
 * Whether some partition the conversion reads may be missing: handed-off partitions are
 * registered later, by the backfill; a scheduled audit that did not run (out of time) proves
 * nothing, so unknown counts as missing; an audit that failed or still misses some, too.
 */
function partitionsMissing(
  request: RunRequest,
  run: { readonly report: Report; readonly scheduled: ScheduledEdgeResult },
): boolean {
  const { checks, error } = run.scheduled;
  return (
    run.report.handedOff !== undefined ||
    (request.kind === 'scheduled' && checks === undefined) ||
    (checks?.audit?.stillMissing ?? 0) > 0 ||
    error !== undefined
  );
}
