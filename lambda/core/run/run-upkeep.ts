/**
 * What a run does after its adds when the ports allow it: drop the partitions past retention and
 * estimate the catalog's size. Kept out of run.ts so the add path reads as it did.
 */
import type { LifecyclePort, PartitionValuesPort } from '../catalog/catalog-reads';
import type { AthenaPort, Clock } from '../shared/ports';
import type { Report } from './report';
import { retrying } from '../submit/retry';
import { catalogEstimate, type RetentionLogger, type RetentionReport, runRetention } from './retention-run';
import type { PartitionScheme } from '../partitions/scheme';
import type { Settings } from './settings';

export interface UpkeepContext {
  readonly settings: Settings;
  readonly scheme: PartitionScheme;
  readonly ports: {
    readonly partitions?: PartitionValuesPort;
    readonly lifecycle?: LifecyclePort;
    readonly athena: AthenaPort;
    readonly clock: Clock;
    readonly logger?: RetentionLogger;
  };
  readonly accountRegions: number;
  readonly now: Date;
  readonly tokenSeed: string;
  /** Overrides the settings' retention (the CLI's `--retention-days`). */
  readonly retentionDays?: number;
  readonly startDeadline?: number;
  readonly waitDeadline?: number;
  /** DDL queries the drops keep active: the run's own share. */
  readonly maxConcurrent: number;
}

/** The report with retention and the catalog estimate added; a failed drop makes the run not ok. */
export async function withUpkeep(report: Report, context: UpkeepContext): Promise<Report> {
  const port = context.ports.partitions;
  if (!port) return report;
  const { clock } = context.ports;
  const partitions: PartitionValuesPort = {
    listPartitionValues: (...args) => retrying(() => port.listPartitionValues(...args), clock),
  };
  const retentionDays = context.retentionDays ?? context.settings.retentionDays;
  let retention: RetentionReport | undefined;
  let retentionError: string | undefined;
  try {
    retention =
      retentionDays === undefined
        ? undefined
        : await runRetention(
            context.settings,
            context.scheme,
            retentionDays,
            { ...context.ports, partitions },
            {
              now: context.now,
              tokenSeed: context.tokenSeed,
              dryRun: report.dryRun,
              startDeadline: context.startDeadline,
              waitDeadline: context.waitDeadline,
              maxConcurrent: context.maxConcurrent,
            },
          );
  } catch (error) {
    // The adds are done: report them (and their metrics) and fail the run for the drops alone.
    retentionError = (error as Error).message;
    context.ports.logger?.warn('retention failed', { error: retentionError });
  }
  if (retention?.warning)
    context.ports.logger?.warn('retention outlives the logs', { warning: retention.warning });
  let catalogPartitions: number | undefined;
  try {
    catalogPartitions = await catalogEstimate(partitions, context.settings, context.scheme, {
      accountRegions: context.accountRegions,
      today: Math.floor(context.now.getTime() / 86_400_000),
      retentionDays,
    });
  } catch (error) {
    // The estimate feeds an alarm; failing the run for it would hide the partitions it added.
    context.ports.logger?.warn('catalog size not estimated', { error: (error as Error).message });
  }
  return {
    ...report,
    ok: report.ok && retentionError === undefined && (retention === undefined || retention.notDropped === 0),
    ...(retentionError !== undefined ? { retentionError } : {}),
    ...(catalogPartitions !== undefined ? { catalogPartitions } : {}),
    ...(retention ? { retention } : {}),
  };
}
