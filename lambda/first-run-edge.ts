/**
 * The deploy-time first run's edge (issue 17): its own deadline, a bounded wait for IAM and
 * Lake Formation to let the role read the table, and its outcome in one log line the dashboard
 * shows. The heartbeat datapoint the alarm needs is published by the stack right after the run
 * (lib/first-run.ts), so nothing waits here for the EMF metric.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { FIRST_RUN, firstRunDeadlineMs, isFirstRunEvent, waitForAccess } from './core/run/first-run';
import type { RunPorts } from './core/run/run';
import type { Settings } from './core/run/settings';
import type { Clock } from './core/shared/ports';

type Invocation = Pick<Context, 'awsRequestId' | 'getRemainingTimeInMillis'>;

/** Time left for this invocation: Lambda's, or the first run's own budget when shorter. */
export function remainingMs(event: unknown, context: Invocation, startedMs: number, nowMs: number): number {
  const budget = firstRunDeadlineMs(event);
  const lambdaLeft = context.getRemainingTimeInMillis();
  return budget === undefined ? lambdaLeft : Math.min(lambdaLeft, budget - (nowMs - startedMs));
}

/** Before the first run: wait (bounded) until the catalog read the run starts with is allowed. */
export async function awaitFirstRunAccess(
  event: unknown,
  ports: RunPorts,
  settings: Settings,
  clock: Clock,
  logger: Logger,
): Promise<void> {
  if (!isFirstRunEvent(event)) return;
  const wait = await waitForAccess(
    () => ports.catalog.getPartitionKeys(settings.database, settings.table),
    clock,
  );
  if (wait.probes > 1)
    logger.warn('first run waited for access to the table', {
      granted: wait.granted,
      waitedSeconds: Math.round(wait.waitedMs / 1000),
      limitSeconds: FIRST_RUN.accessWaitSeconds,
    });
}

/** Wraps the handler: for the first-run event, records the outcome in the log. */
export function withFirstRunOutcome<R>(
  handle: (event: unknown, context: Invocation) => Promise<R>,
  logger: Logger,
): (event: unknown, context: Invocation) => Promise<R> {
  return async (event, context) => {
    if (!isFirstRunEvent(event)) return handle(event, context);
    try {
      const result = await handle(event, context);
      logger.info(FIRST_RUN.logMessage, { outcome: 'succeeded' });
      return result;
    } catch (error) {
      logger.error(FIRST_RUN.logMessage, { outcome: 'failed', error: (error as Error).message });
      throw error;
    }
  };
}
