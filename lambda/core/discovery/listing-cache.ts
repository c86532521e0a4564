/**
 * Remembers S3 listings for the length of one invocation, so the scheduled run's audit and
 * silent-trail check reuse what the run's own discovery already listed instead of listing the
 * same folders again. Failures are not remembered: the next caller tries again.
 */
import type { S3ListingPort } from '../shared/ports';

export function cachingS3(port: S3ListingPort): S3ListingPort {
  const names = new Map<string, Promise<string[]>>();
  const any = new Map<string, Promise<boolean>>();
  const remember = <T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> => {
    let pending = cache.get(key);
    if (!pending) {
      pending = load();
      cache.set(key, pending);
      pending.catch(() => cache.delete(key));
    }
    return pending;
  };
  return {
    listChildNames: (prefix) =>
      remember(names, prefix, () => port.listChildNames(prefix)).then((list) => [...list]),
    hasAnyObject: (prefix) => remember(any, prefix, () => port.hasAnyObject(prefix)),
  };
}
