/**
 * The deploy-time first run's edge (issue 17): its own deadline, a bounded wait for IAM and
 * Lake Formation to let the role read the table, its outcome in one log line the dashboard
 * shows, and a short hold after the metrics so the heartbeat alarm created next sees them.
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

/** Wraps the handler: for the first-run event, records the outcome and holds for the metrics. */
export function withFirstRunOutcome<R>(
  handle: (event: unknown, context: Invocation) => Promise<R>,
  clock: Clock,
  logger: Logger,
): (event: unknown, context: Invocation) => Promise<R> {
  return async (event, context) => {
    if (!isFirstRunEvent(event)) return handle(event, context);
    const end = clock.now() + context.getRemainingTimeInMillis();
    try {
      const result = await handle(event, context);
      logger.info(FIRST_RUN.logMessage, { outcome: 'succeeded' });
      return result;
    } catch (error) {
      logger.error(FIRST_RUN.logMessage, { outcome: 'failed', error: (error as Error).message });
      throw error;
    } finally {
      // Never past Lambda's own end: 5 s stay for the runtime to return the answer.
      await clock.sleep(Math.max(0, Math.min(FIRST_RUN.settleSeconds * 1000, end - clock.now() - 5000)));
    }
  };
}
