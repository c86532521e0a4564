/**
 * Finds what to partition from the bucket itself: the accounts under the accounts root,
 * the regions each account delivered to, and which past days hold any object. Names that
 * are not accounts or regions (CloudTrail-Digest, CloudTrail-Insight, Config, …) never
 * match the allow-lists, so they are ignored.
 *
 * Calls stay at the floor: one listing of the accounts root (per page), one of each
 * account's region folder, and per account-region one listing of each month folder that
 * overlaps the past window, or one probe per past day where that is fewer calls. Year and
 * month folders are never listed to find folders the window already names.
 */
import { mapLimit } from '../shared/concurrency';
import { dayParts, type DayWindow, type EpochDay } from '../shared/dates';
import { accountsRootKey, dayKey, type Layout, regionKey, regionsRootKey } from '../partitions/layout';
import { ACCOUNT_ID, REGION_NAME } from '../shared/names';
import { PortError, type S3ListingPort } from '../shared/ports';
import type { Target } from '../shared/targets';

export interface DiscoveryRequest {
  readonly layout: Layout;
  /** Inclusive window of days to register. */
  readonly window: DayWindow;
  /** Today, UTC: days from here on are always registered, their logs are still to come. */
  readonly today: EpochDay;
  /** Given accounts are used as they are (and checked against S3); otherwise listed from S3. */
  readonly accounts?: readonly string[];
  /** Given regions are used for every account (and checked against S3); otherwise listed per account. */
  readonly regions?: readonly string[];
  /** Register past days even when S3 holds nothing for them. */
  readonly includeEmptyDays: boolean;
  /** Parallel S3 calls. */
  readonly concurrency: number;
}

export interface UnreadableAccount {
  readonly account: string;
  readonly reason: string;
}

export interface Discovery {
  readonly targets: Target[];
  /** Accounts whose folders S3 refused to list: left out, so every other account is still registered. */
  readonly unreadable: UnreadableAccount[];
  /** Configured accounts with no folder under the accounts root. */
  readonly missingAccounts: string[];
  /** Configured regions with no folder, and the accounts that lack it. */
  readonly missingRegions: { readonly region: string; readonly accounts: string[] }[];
}

export async function listAccounts(s3: S3ListingPort, layout: Layout): Promise<string[]> {
  const names = await s3.listChildNames(accountsRootKey(layout));
  return names.filter((name) => ACCOUNT_ID.test(name)).sort();
}

export async function listRegions(s3: S3ListingPort, layout: Layout, account: string): Promise<string[]> {
  const names = await s3.listChildNames(regionsRootKey(layout, account));
  return names.filter((name) => REGION_NAME.test(name)).sort();
}

/** `YYYY/MM/` of every month that overlaps the window, in order. */
export function monthsOf(window: DayWindow): string[] {
  const months: string[] = [];
  for (let day = window.from; day <= window.to;) {
    const { year, month } = dayParts(day);
    months.push(`${year}/${month}/`);
    day = Date.UTC(Number(year), Number(month), 1) / 86_400_000;
  }
  return months;
}

/** Days in [from, to] (all before today) that hold at least one object, by whichever costs fewer calls. */
export async function findDaysWithLogs(
  s3: S3ListingPort,
  layout: Layout,
  account: string,
  region: string,
  past: DayWindow,
): Promise<EpochDay[]> {
  if (past.to < past.from) return [];
  const months = monthsOf(past);
  // A month listing never costs more calls than probing its days; where both cost the same
  // (each month holds one day of the window), a one-key probe answers the exact question.
  if (past.to - past.from + 1 <= months.length) return probeDays(s3, layout, account, region, past);
  const root = regionKey(layout, account, region);
  const days: EpochDay[] = [];
  for (const month of months) {
    const names = await s3.listChildNames(`${root}${month}`);
    const [year, mm] = month.split('/');
    for (const name of names.sort()) {
      if (!/^\d{2}$/.test(name)) continue;
      const day = Date.UTC(Number(year), Number(mm) - 1, Number(name)) / 86_400_000;
      // Rejects impossible folders such as 02/31 as well as days outside the window.
      const parts = dayParts(day);
      if (parts.month === mm && parts.day === name && day >= past.from && day <= past.to) days.push(day);
    }
  }
  return days;
}

async function probeDays(
  s3: S3ListingPort,
  layout: Layout,
  account: string,
  region: string,
  past: DayWindow,
): Promise<EpochDay[]> {
  const days: EpochDay[] = [];
  for (let day = past.from; day <= past.to; day++) {
    if (await s3.hasAnyObject(dayKey(layout, account, region, day))) days.push(day);
  }
  return days;
}

const isDenied = (error: unknown): error is PortError =>
  error instanceof PortError && error.kind === 'access-denied';

/** One account's regions and days; access denied makes the account unreadable, never the run. */
async function discoverAccount(
  s3: S3ListingPort,
  request: DiscoveryRequest,
  account: string,
  hasFolder: boolean,
): Promise<{ targets: Target[]; missingRegions: string[]; unreadable?: string }> {
  const { layout, window, today } = request;
  try {
    // Given regions with every day registered need nothing from the region folder: no listing.
    const skipListing = !hasFolder || (request.regions !== undefined && request.includeEmptyDays);
    const found = skipListing ? [] : await listRegions(s3, layout, account);
    const regions = request.regions ? [...request.regions] : found;
    const present = new Set(found);
    const missingRegions = skipListing ? [] : regions.filter((region) => !present.has(region));
    const past: DayWindow = { from: window.from, to: Math.min(window.to, today - 1) };
    const targets: Target[] = [];
    for (const region of regions) {
      const pastDays = request.includeEmptyDays
        ? ('all' as const)
        : present.has(region)
          ? await findDaysWithLogs(s3, layout, account, region, past)
          : [];
      targets.push({ account, region, pastDays });
    }
    return { targets, missingRegions };
  } catch (error) {
    if (!isDenied(error)) throw error;
    return { targets: [], missingRegions: [], unreadable: error.message };
  }
}

/** Resolves accounts, regions and non-empty past days, and says what could not be read or was not there. */
export async function discover(s3: S3ListingPort, request: DiscoveryRequest): Promise<Discovery> {
  const listed = await listAccounts(s3, request.layout);
  const accounts = request.accounts ? [...request.accounts] : listed;
  const inBucket = new Set(listed);
  // Accounts run in parallel; each account's own calls run in order, so the bound holds.
  const results = await mapLimit(accounts, request.concurrency, (account) =>
    discoverAccount(s3, request, account, inBucket.has(account)),
  );
  const unreadable: UnreadableAccount[] = [];
  const missingByRegion = new Map<string, string[]>();
  results.forEach((result, i) => {
    if (result.unreadable !== undefined) unreadable.push({ account: accounts[i], reason: result.unreadable });
    for (const region of result.missingRegions) {
      missingByRegion.set(region, [...(missingByRegion.get(region) ?? []), accounts[i]]);
    }
  });
  return {
    targets: results.flatMap((result) => result.targets),
    unreadable,
    missingAccounts: accounts.filter((account) => !inBucket.has(account)),
    missingRegions: [...missingByRegion].map(([region, lacking]) => ({ region, accounts: lacking })),
  };
}

/** Targets only, for callers that cannot leave an account out: an unreadable account fails the call. */
export async function discoverTargets(s3: S3ListingPort, request: DiscoveryRequest): Promise<Target[]> {
  const found = await discover(s3, request);
  const first = found.unreadable[0];
  if (first) throw new PortError('access-denied', first.reason);
  return found.targets;
}

/** Targets for given accounts and regions with every day, no S3 involved (the CLI's offline plan). */
export function explicitTargets(accounts: readonly string[], regions: readonly string[]): Target[] {
  return accounts.flatMap((account) =>
    regions.map((region) => ({ account, region, pastDays: 'all' as const })),
  );
}
