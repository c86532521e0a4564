/**
 * Finds what to partition from the bucket itself: the accounts under the accounts root,
 * the regions each account delivered to, and which past days hold any object. Names that
 * are not accounts or regions (CloudTrail-Digest, CloudTrail-Insight, Config, …) never
 * match the allow-lists, so they are ignored.
 */
import { mapLimit } from './concurrency';
import { dayParts, type DayWindow, type EpochDay } from './dates';
import { accountsRootKey, dayKey, type Layout, regionKey, regionsRootKey } from './layout';
import { ACCOUNT_ID, REGION_NAME } from './names';
import type { S3ListingPort } from './ports';

/** One account and region whose days should be registered. */
export interface Target {
  readonly account: string;
  readonly region: string;
  /** Past days (before today) within the window to register: those holding objects, ascending, or 'all'. */
  readonly pastDays: readonly EpochDay[] | 'all';
}

export interface DiscoveryRequest {
  readonly layout: Layout;
  /** Inclusive window of days to register. */
  readonly window: DayWindow;
  /** Today, UTC: days from here on are always registered, their logs are still to come. */
  readonly today: EpochDay;
  /** Given accounts are used as they are; otherwise listed from S3. */
  readonly accounts?: readonly string[];
  /** Given regions are used for every account; otherwise listed per account from S3. */
  readonly regions?: readonly string[];
  /** Register past days even when S3 holds nothing for them. */
  readonly includeEmptyDays: boolean;
  /** Parallel S3 calls. */
  readonly concurrency: number;
}

/** Past-day windows up to this many days are probed day by day; longer ones walk the year/month/day folders. */
const PROBE_MAX_DAYS = 4;

export async function listAccounts(s3: S3ListingPort, layout: Layout): Promise<string[]> {
  const names = await s3.listChildNames(accountsRootKey(layout));
  return names.filter((name) => ACCOUNT_ID.test(name)).sort();
}

export async function listRegions(s3: S3ListingPort, layout: Layout, account: string): Promise<string[]> {
  const names = await s3.listChildNames(regionsRootKey(layout, account));
  return names.filter((name) => REGION_NAME.test(name)).sort();
}

/** Days in [from, to] (all before today) that hold at least one object. */
export async function findDaysWithLogs(
  s3: S3ListingPort,
  layout: Layout,
  account: string,
  region: string,
  past: DayWindow,
): Promise<EpochDay[]> {
  if (past.to < past.from) return [];
  if (past.to - past.from + 1 <= PROBE_MAX_DAYS) {
    const days: EpochDay[] = [];
    for (let day = past.from; day <= past.to; day++) {
      if (await s3.hasAnyObject(dayKey(layout, account, region, day))) days.push(day);
    }
    return days;
  }
  return walkDays(s3, regionKey(layout, account, region), past);
}

/** Walks YYYY/ → MM/ → DD/ folders, descending only into those that overlap the window. */
async function walkDays(s3: S3ListingPort, root: string, past: DayWindow): Promise<EpochDay[]> {
  const first = dayParts(past.from);
  const last = dayParts(past.to);
  const startMonth = `${first.year}/${first.month}`;
  const endMonth = `${last.year}/${last.month}`;
  const days: EpochDay[] = [];
  const years = (await s3.listChildNames(root)).filter(
    (y) => /^\d{4}$/.test(y) && y >= first.year && y <= last.year,
  );
  for (const year of years.sort()) {
    const months = (await s3.listChildNames(`${root}${year}/`)).filter((m) => {
      const ym = `${year}/${m}`;
      return /^\d{2}$/.test(m) && ym >= startMonth && ym <= endMonth;
    });
    for (const month of months.sort()) {
      const names = await s3.listChildNames(`${root}${year}/${month}/`);
      for (const name of names.sort()) {
        if (!/^\d{2}$/.test(name)) continue;
        const day = Date.UTC(Number(year), Number(month) - 1, Number(name)) / 86_400_000;
        // Rejects impossible folders such as 02/31 as well as days outside the window.
        const parts = dayParts(day);
        if (parts.month === month && parts.day === name && day >= past.from && day <= past.to) days.push(day);
      }
    }
  }
  return days;
}

/** Resolves accounts, regions and non-empty past days into targets. */
export async function discoverTargets(s3: S3ListingPort, request: DiscoveryRequest): Promise<Target[]> {
  const { layout, window, today } = request;
  const accounts = request.accounts ? [...request.accounts] : await listAccounts(s3, layout);
  const regionsByAccount = await mapLimit(accounts, request.concurrency, async (account) =>
    request.regions ? [...request.regions] : listRegions(s3, layout, account),
  );
  const pairs = accounts.flatMap((account, i) => regionsByAccount[i].map((region) => ({ account, region })));
  const past: DayWindow = { from: window.from, to: Math.min(window.to, today - 1) };
  if (request.includeEmptyDays) return pairs.map((pair) => ({ ...pair, pastDays: 'all' }));
  return mapLimit(pairs, request.concurrency, async ({ account, region }) => ({
    account,
    region,
    pastDays: await findDaysWithLogs(s3, layout, account, region, past),
  }));
}

/** Targets for given accounts and regions with every day, no S3 involved (the CLI's offline plan). */
export function explicitTargets(accounts: readonly string[], regions: readonly string[]): Target[] {
  return accounts.flatMap((account) =>
    regions.map((region) => ({ account, region, pastDays: 'all' as const })),
  );
}
