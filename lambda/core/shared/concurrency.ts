/** Bounded parallelism, and how a run's share of Athena's active-DDL quota is chosen. */

/** Athena's default active-DDL quota per account and region (L-3CE0BBA0). */
export const DEFAULT_ACTIVE_DDL_QUOTA = 20;

/**
 * Slots of the quota a backfill leaves free by default: the scheduled run's share. Other DDL
 * users of the account get slots back as they need them, because every run narrows its
 * concurrency when Athena answers TooManyRequestsException; who shares the quota for good
 * lowers `maxConcurrentQueries`.
 */
export const SCHEDULED_RUN_SHARE = 2;

/** Default DDL queries a backfill keeps active in all: the quota less the reserve (18 of 20). */
export function defaultBackfillConcurrency(activeDdlQueryQuota = DEFAULT_ACTIVE_DDL_QUOTA): number {
  return Math.max(1, activeDdlQueryQuota - SCHEDULED_RUN_SHARE);
}

export type RunKind = 'scheduled' | 'backfill' | 'chunk';

/**
 * Queries one run keeps active. A person's backfill (`cli run`, a manual invoke) takes the
 * whole backfill share; a Step Functions chunk takes its part of it (the state machine runs
 * `backfillMaxConcurrency` chunks at once); the scheduled run keeps its small share.
 */
export function concurrencyFor(
  kind: RunKind,
  limits: { readonly maxConcurrentQueries: number; readonly backfillMaxConcurrency: number },
): number {
  const all = Math.max(1, limits.maxConcurrentQueries);
  if (kind === 'scheduled') return Math.min(SCHEDULED_RUN_SHARE, all);
  if (kind === 'chunk') return Math.max(1, Math.floor(all / Math.max(1, limits.backfillMaxConcurrency)));
  return all;
}

/** Maps over items with at most `limit` promises in flight, keeping input order in the result. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return results;
}
