/**
 * The Lambda edge: reads its settings once at cold start, turns the event into a request,
 * runs the shared core, publishes metrics, and throws when anything was left undone so the
 * Errors alarm, the async retry and the dead-letter queue all see the failure.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { awsPorts } from './aws/ports';
import { METRIC, METRICS_NAMESPACE } from './core/shared/contract';
import { formatWindow } from './core/shared/dates';
import { countsAsHeartbeat } from './core/run/heartbeat';
import { failureHint } from './core/run/hints';
import { type Clock, systemClock } from './core/shared/ports';
import type { Report } from './core/run/report';
import { summarize } from './core/run/report';
import { isSplitPayload, parseRunPayload, parseSplitPayload, referenceTime } from './core/run/request';
import { splitBackfill, type SplitResult } from './core/run/backfill-split';
import { type RunPorts, runPartitions } from './core/run/run';
import { type Settings, settingsFromEnv } from './core/run/settings';
import { emitUpkeepMetrics } from './upkeep-metrics';
import { cachingS3 } from './core/discovery/listing-cache';
import { scheduledChecks } from './scheduled-edge';
import { awaitFirstRunAccess, remainingMs, withFirstRunOutcome } from './first-run-edge';
import { answerFirstRun, isFirstRunRequest } from './first-run-resource';
import { type CfnResponse, putCfnResponse } from './aws/deploy-ports';
import { columnarAfter } from './columnar-edge';
import type { ColumnarPorts } from './core/run/columnar-run';
import { awsColumnarPorts } from './aws/columnar-ports';
import { handoffTarget, handOffRemainder } from './handoff-edge';

/** The run did not add every partition it should have; the message says what is missing. */
export class RunFailedError extends Error {
  override readonly name = 'RunFailedError';
}

export interface HandlerDeps {
  readonly env: Record<string, string | undefined>;
  /** Builds the ports for validated settings; defaults to real SDK clients. */
  readonly ports?: (settings: Settings) => RunPorts;
  /** The columnar pass's own ports (the copy's Glue table, the bucket's sizes); defaults to SDK clients. */
  readonly columnarPorts?: (settings: Settings, clock: Clock) => Pick<ColumnarPorts, 'copy' | 'sizes'>;
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly metrics?: Metrics;
  /** Answers a CloudFormation request (the deploy's first run); defaults to the ResponseURL PUT. */
  readonly respond?: (url: string, response: CfnResponse) => Promise<void>;
}

/** Time kept back after the last statement starts, for polling it to the end and for reporting. */
const WAIT_RESERVE_MS = 15_000;
const START_RESERVE_MS = 90_000;

export function createHandler(deps: HandlerDeps) {
  const logger = deps.logger ?? new Logger();
  const metrics = deps.metrics ?? new Metrics({ namespace: METRICS_NAMESPACE });
  const clock = deps.clock ?? systemClock;
  // Validated once per cold start; a bad value fails every invocation loudly, never silently.
  let settings: Settings | undefined;
  let configError: Error | undefined;
  let stateMachineArn: string | undefined;
  try {
    settings = settingsFromEnv(deps.env);
    stateMachineArn = handoffTarget(deps.env);
  } catch (error) {
    configError = error as Error;
    logger.error('invalid configuration', { error: configError.message });
  }
  const makePorts = deps.ports ?? defaultPorts(clock, logger);
  let ports: RunPorts | undefined;
  let columnarPorts: Pick<ColumnarPorts, 'copy' | 'sizes'> | undefined;

  const handle = withFirstRunOutcome(
    async (
      event: unknown,
      context: Pick<Context, 'awsRequestId' | 'getRemainingTimeInMillis'>,
    ): Promise<Report | SplitResult> => {
      const started = clock.now();
      const now = new Date(started);
      try {
        if (!settings) throw configError as Error;
        ports ??= makePorts(settings);
        if (isSplitPayload(event)) {
          const split = await splitBackfill(parseSplitPayload(event, now, settings), settings, ports, now);
          logger.info('backfill split', {
            window: split.window,
            chunks: split.chunks.length,
            chunkDays: split.chunkDays,
          });
          return split;
        }
        const request = parseRunPayload(event, now, settings);
        logger.info('run requested', {
          kind: request.kind,
          window: formatWindow(request.window),
          accounts: request.accounts?.length,
          regions: request.regions?.length,
          dryRun: request.dryRun,
        });
        await awaitFirstRunAccess(event, ports, settings, clock, logger);
        const deadlines = invocationDeadlines(clock.now(), remainingMs(event, context, started, clock.now()));
        // The scheduled checks list the same folders again: one invocation lists each once.
        const runPorts = request.kind === 'scheduled' ? { ...ports, s3: cachingS3(ports.s3) } : ports;
        const reference = referenceTime(event, now);
        const run = await runPartitions(request, settings, runPorts, {
          now,
          tokenSeed: context.awsRequestId,
          // The token seed's instant: a retry of this event counts the catalog as its first attempt did.
          referenceTime: reference,
          ...deadlines,
        });
        // Out of time with partitions left: the daily run hands them to one Step Functions backfill.
        const handoff = { stateMachineArn, port: ports.backfill, referenceTime: reference };
        const report = await handOffRemainder(run, request, handoff, metrics, logger);
        if (!report.dryRun) emitRunMetrics(metrics, report);
        if (!report.dryRun && countsAsHeartbeat(event, request))
          metrics.addMetric(METRIC.scheduledRunSucceeded, MetricUnit.Count, report.ok ? 1 : 0);
        logger.info(summarize(report), { report: { ...report, failures: report.failures.slice(0, 20) } });
        const scheduled =
          request.kind === 'scheduled'
            ? await scheduledChecks(
                settings,
                runPorts,
                { now, tokenSeed: context.awsRequestId, ...deadlines, repair: report.ok },
                metrics,
                logger,
              )
            : {};
        const columnar = await columnarAfter(
          request,
          { report, scheduled },
          settings,
          () => ({
            ...runPorts,
            ...(columnarPorts ??= (deps.columnarPorts ?? awsColumnarPorts)(settings, clock)),
          }),
          { now, tokenSeed: context.awsRequestId, ...deadlines },
          { metrics, logger },
        );
        if (!report.ok) throw new RunFailedError(summarize(report) + failureHint(report));
        // A scheduled run's failed days have their own alarm; a chunk's must fail it, so it is retried.
        if (request.kind !== 'scheduled' && columnar?.incomplete)
          throw new RunFailedError(columnar.incomplete);
        if (scheduled.error) throw new RunFailedError(`scheduled audit failed: ${scheduled.error.message}`);
        return report;
      } catch (error) {
        if (!(error instanceof RunFailedError)) {
          metrics.addMetric(METRIC.runFailed, MetricUnit.Count, 1);
          metrics.addMetric(METRIC.runSucceeded, MetricUnit.Count, 0);
          logger.error('run failed', { error: (error as Error).message, name: (error as Error).name });
        }
        throw error;
      } finally {
        metrics.publishStoredMetrics();
      }
    },
    logger,
  );
  // The deploy's first run arrives as a CloudFormation request, answered with its outcome.
  return (event: unknown, context: Pick<Context, 'awsRequestId' | 'getRemainingTimeInMillis'>) =>
    isFirstRunRequest(event)
      ? answerFirstRun(
          event,
          (scheduled) => handle(scheduled, context),
          deps.respond ?? putCfnResponse,
          logger,
        )
      : handle(event, context);
}

/**
 * When to stop starting statements and when to stop waiting for them: the last start leaves
 * 90 s for its query to finish (half the time, on short invocations), the wait leaves 15 s to
 * report and publish metrics before Lambda's own timeout.
 */
export function invocationDeadlines(
  nowMs: number,
  remainingMs: number,
): { startDeadline: number; waitDeadline: number } {
  return {
    startDeadline: nowMs + Math.max(remainingMs / 2, remainingMs - START_RESERVE_MS),
    waitDeadline: nowMs + remainingMs - WAIT_RESERVE_MS,
  };
}

/** Every alarmed metric is emitted on every real run, zeros included, so alarms see data rather than gaps. */
export function emitRunMetrics(metrics: Metrics, report: Report): void {
  metrics.addMetric(METRIC.partitionsRequested, MetricUnit.Count, report.partitions);
  metrics.addMetric(METRIC.partitionsSkippedEmpty, MetricUnit.Count, report.skippedEmpty);
  metrics.addMetric(METRIC.statementsSucceeded, MetricUnit.Count, report.succeeded);
  metrics.addMetric(METRIC.statementsFailed, MetricUnit.Count, report.failed);
  metrics.addMetric(METRIC.partitionsNotSubmitted, MetricUnit.Count, report.notSubmitted);
  metrics.addMetric(METRIC.runSucceeded, MetricUnit.Count, report.ok ? 1 : 0);
  metrics.addMetric(METRIC.runFailed, MetricUnit.Count, report.ok ? 0 : 1);
  emitUpkeepMetrics(metrics, report);
}

function defaultPorts(clock: Clock, logger: Logger): (settings: Settings) => RunPorts {
  return (settings) => {
    const { workgroup } = settings;
    if (!workgroup) throw new Error('invalid lambda environment: WORKGROUP is required');
    return awsPorts({ ...settings, workgroup }, clock, logger);
  };
}

let coldStart: ReturnType<typeof createHandler> | undefined;

/**
 * The Lambda entry point, built (and the environment validated) on the first invocation of a
 * cold start, so merely importing this module (tests, tools) logs nothing.
 */
export const handler: ReturnType<typeof createHandler> = (event, context) =>
  (coldStart ??= createHandler({ env: process.env }))(event, context);
