/**
 * Silent trails: an account-region that delivered logs within the `silentAfterDays` days before
 * the last complete day, but nothing on that day. CloudTrail delivers within minutes, so a whole
 * UTC day without one object after recent deliveries means logging stopped (StopLogging, a
 * changed bucket policy, a deleted trail) or the account left. One that never delivered in the
 * window, or that settings exclude (it is never discovered), is not silent.
 */
import { type EpochDay, formatIsoDate } from '../shared/dates';
import type { LoggedDays } from '../catalog/audit';

export interface SilentTrail {
  readonly account: string;
  readonly region: string;
  /** Last day with logs, YYYY-MM-DD. */
  readonly lastDelivery: string;
}

/**
 * Each account-region at most once, sorted. `lastCompleteDay` is yesterday (UTC);
 * `silentAfterDays` 0 turns detection off.
 */
export function findSilentTrails(
  logged: readonly LoggedDays[],
  lastCompleteDay: EpochDay,
  silentAfterDays: number,
): SilentTrail[] {
  if (silentAfterDays <= 0) return [];
  const byTrail = new Map<string, { account: string; region: string; days: Set<EpochDay> }>();
  for (const { account, region, days } of logged) {
    const key = `${account}/${region}`;
    const entry = byTrail.get(key) ?? { account, region, days: new Set<EpochDay>() };
    for (const day of days) entry.days.add(day);
    byTrail.set(key, entry);
  }
  const silent: SilentTrail[] = [];
  for (const { account, region, days } of byTrail.values()) {
    if (days.has(lastCompleteDay)) continue;
    let last: EpochDay | undefined;
    for (let day = lastCompleteDay - 1; day >= lastCompleteDay - silentAfterDays; day--) {
      if (days.has(day)) {
        last = day;
        break;
      }
    }
    if (last !== undefined) silent.push({ account, region, lastDelivery: formatIsoDate(last) });
  }
  return silent.sort((a, b) =>
    a.account === b.account ? (a.region < b.region ? -1 : 1) : a.account < b.account ? -1 : 1,
  );
}
