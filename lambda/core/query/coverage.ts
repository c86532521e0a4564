/**
 * Does the catalog cover a query? The partitions Glue returns for the query's own partition
 * expression are compared with the days (or months) × account-regions the query selects. A
 * query over days the catalog lacks returns 0 rows without an error, so the gaps are said
 * before it runs, with the backfill command that fills them. Pure: the Glue read is the caller's.
 */
import { dayParts, type EpochDay, formatIsoDate } from '../shared/dates';
import type { PartitionScheme } from '../partitions/scheme';
import type { QueryWindow } from './query-window';

export interface CoverageInput {
  readonly scheme: PartitionScheme;
  readonly window: QueryWindow;
  readonly lateDays: number;
  /** The selection as given; without it, the account-regions the catalog shows in the range. */
  readonly accounts?: readonly string[];
  readonly regions?: readonly string[];
  /** Today (UTC): margin days after it cannot have folders yet and are not asked for. */
  readonly today: EpochDay;
  /** Partition values as Glue returns them, in the scheme's column order. */
  readonly partitions: readonly (readonly string[])[];
}

export interface CoverageGap {
  /** `account/region`, or `region` for a single-account table. */
  readonly place: string;
  readonly account?: string;
  readonly region: string;
  /** The missing days (`YYYY-MM-DD`) or months (`YYYY-MM`), sorted. */
  readonly missing: readonly string[];
}

export interface Coverage {
  /** Days or months × account-regions expected, and how many of them the catalog has. */
  readonly expected: number;
  readonly present: number;
  readonly gaps: readonly CoverageGap[];
  /** No account-region at all: neither given nor found in the catalog for the range. */
  readonly nothing: boolean;
}

/** The period keys (`YYYY-MM-DD` or `YYYY-MM`) whose folders the query reads, up to today. */
export function periodsRead(
  scheme: PartitionScheme,
  window: QueryWindow,
  lateDays: number,
  today: EpochDay,
): string[] {
  const last = Math.max(window.to, Math.min(window.to + lateDays, today));
  const keys: string[] = [];
  for (let day = window.from; day <= last; day++) {
    const p = dayParts(day);
    const key = scheme.granularity === 'day' ? `${p.year}-${p.month}-${p.day}` : `${p.year}-${p.month}`;
    if (keys[keys.length - 1] !== key) keys.push(key);
  }
  return keys;
}

/** A partition's place and period, from its values in the scheme's column order. */
function parse(scheme: PartitionScheme, values: readonly string[]): { place: string; period: string } {
  const v = Object.fromEntries(scheme.columns.map((c, i) => [c, values[i] ?? '']));
  const place = scheme.columns.includes('account') ? `${v.account}/${v.region}` : v.region;
  const period = scheme.granularity === 'day' ? `${v.year}-${v.month}-${v.day}` : `${v.year}-${v.month}`;
  return { place, period };
}

export function checkCoverage(input: CoverageInput): Coverage {
  const { scheme } = input;
  const periods = periodsRead(scheme, input.window, input.lateDays, input.today);
  const have = new Map<string, Set<string>>();
  for (const values of input.partitions) {
    const { place, period } = parse(scheme, values);
    if (!have.has(place)) have.set(place, new Set());
    have.get(place)?.add(period);
  }
  const multi = scheme.columns.includes('account');
  const places =
    input.regions !== undefined && (!multi || input.accounts !== undefined)
      ? (multi ? (input.accounts ?? []) : ['']).flatMap((a) =>
          (input.regions ?? []).map((r) => (multi ? `${a}/${r}` : r)),
        )
      : [...have.keys()].filter((place) => {
          const [a, r] = multi ? place.split('/') : ['', place];
          return (
            (input.accounts === undefined || input.accounts.includes(a)) &&
            (input.regions === undefined || input.regions.includes(r))
          );
        });
  const gaps: CoverageGap[] = [];
  let present = 0;
  for (const place of [...new Set(places)].sort()) {
    const found = have.get(place) ?? new Set<string>();
    const missing = periods.filter((p) => !found.has(p));
    present += periods.length - missing.length;
    const [account, region] = multi ? place.split('/') : [undefined, place];
    if (missing.length > 0) gaps.push({ place, ...(account ? { account } : {}), region, missing });
  }
  return { expected: places.length * periods.length, present, gaps, nothing: places.length === 0 };
}

/** `2024-01-01..2024-01-03, 2024-01-07`: runs of consecutive days (or months) joined. */
export function describePeriods(periods: readonly string[]): string {
  const next = (p: string): string => {
    if (p.length === 7) {
      const [y, m] = p.split('-').map(Number);
      return m === 12 ? `${String(y + 1).padStart(4, '0')}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
    }
    return formatIsoDate(Date.parse(`${p}T00:00:00Z`) / 86_400_000 + 1);
  };
  const runs: string[] = [];
  let start = periods[0];
  let end = periods[0];
  for (const p of [...periods.slice(1), undefined]) {
    if (p !== undefined && p === next(end)) {
      end = p;
      continue;
    }
    if (start !== undefined) runs.push(start === end ? start : `${start}..${end}`);
    start = p as string;
    end = p as string;
  }
  return runs.join(', ');
}

/** First and last day of a gap list, for the backfill command. */
function daySpan(gaps: readonly CoverageGap[]): { from: string; to: string } {
  const all = gaps.flatMap((g) => g.missing).sort();
  const first = all[0];
  const last = all[all.length - 1];
  const lastDay = (month: string): string => {
    const [y, m] = month.split('-').map(Number);
    return formatIsoDate(Date.UTC(y, m, 0) / 86_400_000);
  };
  return {
    from: first.length === 7 ? `${first}-01` : first,
    to: last.length === 7 ? lastDay(last) : last,
  };
}

/** The stderr report: what is missing and the backfill command for it; [] when complete. */
export function coverageReport(coverage: Coverage): string[] {
  if (coverage.nothing) {
    return [
      'coverage: the catalog has no partition for the selected days in any account-region; the query will return no rows.',
      '  add them with: cloudtrail-partitioner backfill --from FIRST-DAY --to LAST-DAY (see backfill --help), or check --accounts/--regions',
    ];
  }
  if (coverage.gaps.length === 0) return [];
  const span = daySpan(coverage.gaps);
  const accounts = [...new Set(coverage.gaps.flatMap((g) => (g.account ? [g.account] : [])))].sort();
  const regions = [...new Set(coverage.gaps.map((g) => g.region))].sort();
  return [
    `coverage: the catalog lacks ${coverage.expected - coverage.present} of ${coverage.expected} partitions the query reads; their events will be missing from the answer:`,
    ...coverage.gaps.map((g) => `  ${g.place}: ${describePeriods(g.missing)}`),
    `  add them with: cloudtrail-partitioner backfill --from ${span.from} --to ${span.to}` +
      (accounts.length > 0 ? ` --accounts ${accounts.join(',')}` : '') +
      ` --regions ${regions.join(',')}`,
  ];
}

/** A range must end by tomorrow (UTC): later days cannot have logs, and a typo'd year would read nothing. */
export function futureRangeProblem(window: QueryWindow, today: EpochDay): string | undefined {
  return window.to > today + 1
    ? `invalid range: it ends ${formatIsoDate(window.to)}, after tomorrow (${formatIsoDate(today + 1)} UTC); no logs exist for it yet`
    : undefined;
}
