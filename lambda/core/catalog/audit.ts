/**
 * The catalog audit, pure: the partitions the logs in S3 call for against the partitions Glue
 * holds, within one window of past days. Missing partitions are returned as specs that the
 * normal statement path adds; orphaned ones are reported, never dropped (a human decides).
 */
import { dayParts, type DayWindow, type EpochDay, parseIsoDate } from '../shared/dates';
import type { PartitionSpec } from '../partitions/ddl';
import { type Layout, regionKey, s3Url } from '../partitions/layout';
import type { CatalogPartitionEntry } from '../shared/ports';
import type { PartitionField, PartitionScheme } from '../partitions/scheme';

/** Days with logs for one account-region, as discovery found them. */
export interface LoggedDays {
  readonly account: string;
  readonly region: string;
  readonly days: readonly EpochDay[];
}

export interface OrphanedPartition {
  readonly values: readonly string[];
  readonly location?: string;
  /** `no-logs`: nothing in S3 for it; `wrong-location`: it points elsewhere than the layout says. */
  readonly reason: 'no-logs' | 'wrong-location';
  /** The location the layout implies, for `wrong-location`. */
  readonly expectedLocation?: string;
}

export interface AuditDiff {
  /** Partitions the logs call for. */
  readonly expected: number;
  /** Expected partitions registered at the layout's location. */
  readonly covered: number;
  readonly missing: readonly PartitionSpec[];
  readonly orphaned: readonly OrphanedPartition[];
}

export interface DiffInput {
  readonly layout: Layout;
  readonly scheme: PartitionScheme;
  /** Past days only: today's and tomorrow's partitions are registered before their logs exist. */
  readonly window: DayWindow;
  readonly logged: readonly LoggedDays[];
  readonly catalog: readonly CatalogPartitionEntry[];
  /** Only these accounts and regions are judged (catalog entries outside are ignored). */
  readonly accounts?: readonly string[];
  readonly regions?: readonly string[];
}

const keyOf = (scheme: PartitionScheme, spec: Readonly<Record<PartitionField, string>>): string =>
  scheme.columns.map((column) => spec[column]).join('/');

/** The partitions a window's logs call for, one per day (or per month for month tables). */
export function expectedPartitions(
  layout: Layout,
  scheme: PartitionScheme,
  window: DayWindow,
  logged: readonly LoggedDays[],
): PartitionSpec[] {
  const out: PartitionSpec[] = [];
  for (const { account, region, days } of logged) {
    const base = s3Url(layout, regionKey(layout, account, region));
    const seen = new Set<string>();
    for (const day of [...days].sort((a, b) => a - b)) {
      if (day < window.from || day > window.to) continue;
      const { year, month, day: dd } = dayParts(day);
      if (scheme.granularity === 'month') {
        if (seen.has(`${year}/${month}`)) continue;
        seen.add(`${year}/${month}`);
        out.push({ account, region, year, month, day: '01', location: `${base}${year}/${month}/` });
      } else {
        out.push({ account, region, year, month, day: dd, location: `${base}${year}/${month}/${dd}/` });
      }
    }
  }
  return out;
}

/** The day a catalog partition stands for (the first of the month for month tables), or undefined. */
function entryDay(scheme: PartitionScheme, values: Record<string, string>): EpochDay | undefined {
  const day = scheme.granularity === 'month' ? '01' : values.day;
  return parseIsoDate(`${values.year}-${values.month}-${day}`);
}

function inWindow(scheme: PartitionScheme, day: EpochDay, window: DayWindow): boolean {
  if (scheme.granularity === 'day') return day >= window.from && day <= window.to;
  // A month partition is judged only when the window holds the whole month: logs outside the
  // window may be all that month has.
  const parts = dayParts(day);
  const next = Date.UTC(Number(parts.year), Number(parts.month), 1) / 86_400_000;
  return day >= window.from && next - 1 <= window.to;
}

export function diffCatalog(input: DiffInput): AuditDiff {
  const { scheme } = input;
  const expected = expectedPartitions(input.layout, scheme, input.window, input.logged);
  const byKey = new Map(expected.map((spec) => [keyOf(scheme, spec), spec]));
  const accounts = input.accounts ? new Set(input.accounts) : undefined;
  const regions = input.regions ? new Set(input.regions) : undefined;
  const registered = new Set<string>();
  const orphaned: OrphanedPartition[] = [];
  let covered = 0;
  for (const entry of input.catalog) {
    const values = Object.fromEntries(scheme.columns.map((column, i) => [column, entry.values[i] ?? '']));
    if (accounts && values.account !== undefined && !accounts.has(values.account)) continue;
    if (regions && !regions.has(values.region)) continue;
    const day = entryDay(scheme, values);
    if (day !== undefined && !inWindow(scheme, day, input.window)) continue;
    const key = entry.values.join('/');
    const spec = byKey.get(key);
    if (!spec) {
      orphaned.push({ values: entry.values, location: entry.location, reason: 'no-logs' });
      continue;
    }
    registered.add(key);
    if (normalizeLocation(entry.location) === spec.location) covered++;
    else {
      orphaned.push({
        values: entry.values,
        location: entry.location,
        reason: 'wrong-location',
        expectedLocation: spec.location,
      });
    }
  }
  const missing = expected.filter((spec) => !registered.has(keyOf(scheme, spec)));
  return { expected: expected.length, covered, missing, orphaned };
}

/** Glue may hand back a location without its trailing slash; the folder is the same. */
function normalizeLocation(location: string | undefined): string | undefined {
  if (location === undefined) return undefined;
  return location.endsWith('/') ? location : `${location}/`;
}
