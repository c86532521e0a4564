/**
 * The bounded waits of the deploy-time custom resources (lambda/deploy-resources.ts): a call
 * retried while IAM or Lake Formation still refuses it, and a change retried while Glue is busy
 * with another index of the table. Each has its own bound, and all share the invocation's
 * deadline, so the nested bounds never outlast the function and the answer is always sent.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { isIndexBusy } from './core/catalog/index-plan';
import {
  DEPLOY_ACCESS_RETRY,
  isAccessDenied,
  retryWhileDenied,
  StillDeniedError,
  type AccessRetryOptions,
} from './core/shared/access-retry';
import { PortError, type Clock, type PartitionIndexSummary } from './core/shared/ports';

/**
 * How long a change waits while the table's indexes are busy (Glue changes one index at a time per
 * table, and answers ConflictException meanwhile), e.g. a rollback deleting an index still CREATING.
 */
export const INDEX_BUSY_WAIT = { limitMs: 600_000, pauseMs: 15_000 } as const;

/** Raised when the invocation's deadline stops a wait: what was being waited for is in the message. */
export class DeadlineReachedError extends Error {
  override readonly name = 'DeadlineReachedError';
}

export interface WaitDeps {
  readonly clock: Clock;
  readonly logger: Pick<Logger, 'warn'>;
  readonly accessRetry?: AccessRetryOptions;
  /** When every wait ends, in `clock` milliseconds. */
  readonly deadlineMs: number;
}

/** Denied by IAM, Lake Formation or KMS, as an SDK error or as an adapter's classified PortError. */
function denied(error: unknown): boolean {
  return isAccessDenied(error) || (error instanceof PortError && error.kind === 'access-denied');
}

/** Retries a call while access is denied, bounded by the retry's limit and by the deadline. */
export async function withAccess<T>(deps: WaitDeps, what: string, call: () => Promise<T>): Promise<T> {
  const options = deps.accessRetry ?? DEPLOY_ACCESS_RETRY;
  const leftMs = deps.deadlineMs - deps.clock.now();
  if (leftMs <= 0) throw new DeadlineReachedError(`the invocation's deadline came before ${what}`);
  try {
    return await retryWhileDenied(
      call,
      denied,
      deps.clock,
      { ...options, limitMs: Math.min(options.limitMs, leftMs) },
      (attempt, pauseMs, error) =>
        deps.logger.warn(
          'access denied, retrying: IAM or Lake Formation may not have the new permission yet',
          { call: what, attempt, pauseSeconds: pauseMs / 1000, error: (error as Error).message },
        ),
    );
  } catch (error) {
    // The deadline, not the retry's own bound, cut the retry short.
    if (error instanceof StillDeniedError && leftMs < options.limitMs)
      throw new DeadlineReachedError(`the invocation's deadline came while ${error.message}`);
    throw error;
  }
}

/**
 * Runs `change`, waiting and trying again while Glue says another index change is under way:
 * up to {@link INDEX_BUSY_WAIT} (then a ConflictException) or the deadline (DeadlineReachedError).
 */
export async function whileBusy(
  deps: WaitDeps,
  indexes: () => Promise<PartitionIndexSummary[]>,
  change: () => Promise<void>,
): Promise<void> {
  const start = deps.clock.now();
  for (;;) {
    const busy = isIndexBusy(await withAccess(deps, 'glue:GetPartitionIndexes', indexes));
    if (!busy) {
      try {
        return await change();
      } catch (error) {
        if ((error as Error).name !== 'ConflictException') throw error;
        if (deps.clock.now() - start + INDEX_BUSY_WAIT.pauseMs > INDEX_BUSY_WAIT.limitMs) throw error;
      }
    } else if (deps.clock.now() - start + INDEX_BUSY_WAIT.pauseMs > INDEX_BUSY_WAIT.limitMs) {
      const error = new Error(
        `the table's partition indexes stayed busy for ${INDEX_BUSY_WAIT.limitMs / 1000} s`,
      );
      error.name = 'ConflictException';
      throw error;
    }
    if (deps.clock.now() + INDEX_BUSY_WAIT.pauseMs > deps.deadlineMs)
      throw new DeadlineReachedError(
        "the invocation's deadline came while the table's partition indexes were busy",
      );
    await deps.clock.sleep(INDEX_BUSY_WAIT.pauseMs);
  }
}
