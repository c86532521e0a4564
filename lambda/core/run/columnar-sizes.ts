/** The raw bytes per account a conversion reads, from the trail bucket's listing, for the sizing. */
import { type EpochDay, formatIsoDate } from '../shared/dates';
import { dayKey } from '../partitions/layout';
import { retryingS3 } from '../submit/retry';
import { mapLimit } from '../shared/concurrency';
import type { AccountBytes } from '../columnar/sizing';
import { DEFAULT_LATE_DAYS } from '../query/columnar-source';
import { resolveTargets } from './run';
import type { ColumnarPorts } from './columnar-ports';
import type { Settings } from './settings';

/**
 * Raw bytes per account of each day's read (days D … D + lateDays), summed over the trail's
 * day folders. If a listing fails, every account is given the whole budget: one statement per
 * account, more statements but none over the workgroup's scan cutoff. Days not sized before the
 * deadline are left out of the map.
 */
export async function daySizes(
  settings: Settings,
  ports: ColumnarPorts,
  options: { readonly now: Date },
  days: readonly EpochDay[],
  budget: number,
  /** No day is sized past it (epoch ms): the days left out wait for the next run. */
  deadline?: number,
): Promise<Map<EpochDay, AccountBytes[]>> {
  const late = DEFAULT_LATE_DAYS;
  const targets = await resolveTargets(
    retryingS3(ports.s3, ports.clock),
    settings,
    { window: { from: days[0], to: days[days.length - 1] + late }, includeEmptyDays: false },
    options.now,
  );
  const out = new Map<EpochDay, AccountBytes[]>();
  const accounts = [...new Set(targets.map((t) => t.account))];
  const sizes = ports.sizes;
  for (const day of days) {
    // An organization's listing takes minutes: it must not eat the time its statements need.
    if (deadline !== undefined && ports.clock.now() >= deadline) break;
    let bytes: Map<string, number> | undefined = new Map(accounts.map((a) => [a, 0]));
    if (sizes) {
      const reads = targets.flatMap((t) =>
        Array.from({ length: late + 1 }, (_, k) => ({ ...t, day: day + k })),
      );
      try {
        const counted = await mapLimit(reads, 16, (r) =>
          sizes.prefixBytes(dayKey(settings.layout, r.account, r.region, r.day)),
        );
        reads.forEach((r, i) => bytes?.set(r.account, (bytes.get(r.account) ?? 0) + counted[i]));
      } catch (error) {
        ports.logger?.warn('columnar sizing failed: one statement per account', {
          day: formatIsoDate(day),
          error: (error as Error).message,
        });
        bytes = undefined;
      }
    }
    if (!sizes || bytes === undefined) bytes = new Map(accounts.map((a) => [a, budget]));
    out.set(
      day,
      [...bytes].map(([account, b]) => ({ account, bytes: b })),
    );
  }
  return out;
}
