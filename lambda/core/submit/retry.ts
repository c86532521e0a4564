/**
 * Retries port calls that failed for a passing reason (throttling, a timeout, a 5xx) after
 * the SDK's own retries gave up: a single Glue timeout or S3 SlowDown burst must not fail a
 * run that one more try would finish. Waits run on the injected clock.
 */
import { type CatalogPort, type Clock, PortError, type S3ListingPort } from '../shared/ports';

export interface RetryOptions {
  /** Tries in all, the first included. @default 4 */
  readonly attempts?: number;
  /** First wait; doubles each time, with jitter. @default 1000 */
  readonly baseDelayMs?: number;
  /** No retry starts once the call has kept failing this long: the run ends with the error. @default no bound beyond `attempts` */
  readonly patienceMs?: number;
}

export function isPassing(error: unknown): boolean {
  return error instanceof PortError && (error.kind === 'throttled' || error.kind === 'transient');
}

export async function retrying<T>(
  fn: () => Promise<T>,
  clock: Clock,
  options: RetryOptions = {},
): Promise<T> {
  const attempts = options.attempts ?? 4;
  const base = options.baseDelayMs ?? 1000;
  const giveUpAt = clock.now() + (options.patienceMs ?? Number.POSITIVE_INFINITY);
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!isPassing(error) || attempt >= attempts) throw error;
      const delay = base * 2 ** (attempt - 1) * (0.5 + Math.random() / 2);
      if (clock.now() + delay >= giveUpAt) throw error;
      await clock.sleep(delay);
    }
  }
}

export function retryingS3(port: S3ListingPort, clock: Clock, options?: RetryOptions): S3ListingPort {
  return {
    listChildNames: (prefix) => retrying(() => port.listChildNames(prefix), clock, options),
    hasAnyObject: (prefix) => retrying(() => port.hasAnyObject(prefix), clock, options),
  };
}

export function retryingCatalog(port: CatalogPort, clock: Clock, options?: RetryOptions): CatalogPort {
  return {
    getPartitionKeys: (database, table) =>
      retrying(() => port.getPartitionKeys(database, table), clock, options),
  };
}
