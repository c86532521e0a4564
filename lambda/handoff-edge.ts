/**
 * The Lambda edge of the daily run's hand-off (lambda/core/run/handoff.ts): after a scheduled
 * run that ran out of time, start the backfill execution for the remainder, log it and count it
 * (PartitionsHandedOff, zero on every scheduled run that did not hand off). A failed start
 * leaves the report as it was: the invocation fails, and Lambda's retry tries the same name again.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { ENV, LOG_MESSAGE, METRIC } from './core/shared/contract';
import { type BackfillStartPort, handOff, STATE_MACHINE_ARN } from './core/run/handoff';
import type { Report } from './core/run/report';
import type { RunRequest } from './core/run/request';
import { ValidationError } from './core/shared/validation';

/** The state machine's ARN from the environment, checked at cold start; undefined turns hand-off off. */
export function handoffTarget(env: Record<string, string | undefined>): string | undefined {
  const arn = env[ENV.backfillStateMachineArn];
  if (arn === undefined || arn === '') return undefined;
  if (!STATE_MACHINE_ARN.test(arn)) {
    throw new ValidationError(
      `invalid ${ENV.backfillStateMachineArn} ${JSON.stringify(arn)}: expected arn:aws:states:REGION:ACCOUNT:stateMachine:NAME`,
    );
  }
  return arn;
}

export async function handOffRemainder(
  report: Report,
  request: RunRequest,
  target: {
    readonly stateMachineArn?: string;
    readonly port?: BackfillStartPort;
    readonly referenceTime: number;
  },
  metrics: Metrics,
  logger: Logger,
): Promise<Report> {
  if (request.kind !== 'scheduled' || report.dryRun) return report;
  let result = report;
  if (target.stateMachineArn && target.port) {
    try {
      result = await handOff(report, target.port, target.stateMachineArn, target.referenceTime);
    } catch (error) {
      logger.error('daily run hand-off failed', {
        error: (error as Error).message,
        name: (error as Error).name,
      });
    }
  }
  if (result.handedOff) logger.warn(LOG_MESSAGE.handedOff, { handedOff: result.handedOff });
  metrics.addMetric(METRIC.partitionsHandedOff, MetricUnit.Count, result.handedOff?.partitions ?? 0);
  return result;
}
