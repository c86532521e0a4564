/** The catalog-size and retention metrics of a run, beside the handler's own. */
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRIC } from './core/shared/contract';
import type { Report } from './core/run/report';

/** CatalogPartitions whenever the catalog was read; PartitionsDropped with it (0 without retention). */
export function emitUpkeepMetrics(metrics: Metrics, report: Report): void {
  if (report.catalogPartitions !== undefined) {
    metrics.addMetric(METRIC.catalogPartitions, MetricUnit.Count, report.catalogPartitions);
  }
  // Zero when retention is off, so a dashboard shows "nothing dropped" rather than a gap.
  if (report.catalogPartitions !== undefined || report.retention) {
    metrics.addMetric(METRIC.partitionsDropped, MetricUnit.Count, report.retention?.dropped ?? 0);
  }
}
