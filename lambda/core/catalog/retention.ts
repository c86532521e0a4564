/**
 * Retention, pure: which partitions are past the cutoff, the Glue expression that finds them,
 * and the estimate of how many partitions the table holds. A day partition goes when its day is
 * more than `retentionDays` days before today (UTC); a month partition when its last day does.
 */
import { dayParts, type EpochDay, parseIsoDate } from '../shared/dates';
import type { PartitionSpec } from '../partitions/ddl';
import { ACCOUNT_ID, REGION_NAME } from '../shared/names';
import { nextMonthStart } from '../partitions/plan-month';
import type { PartitionField, PartitionScheme } from '../partitions/scheme';

/** The first day kept: every partition whose (last) day is before it is expired. */
export function retentionCutoff(today: EpochDay, retentionDays: number): EpochDay {
  return today - retentionDays;
}

/** The last day a partition covers: its day, or the last day of its month. */
export function partitionLastDay(scheme: PartitionScheme, partition: PartitionSpec): EpochDay | undefined {
  if (scheme.granularity === 'day') {
    return parseIsoDate(`${partition.year}-${partition.month}-${partition.day}`);
  }
  const first = parseIsoDate(`${partition.year}-${partition.month}-01`);
  return first === undefined ? undefined : nextMonthStart(first) - 1;
}

export function isExpired(scheme: PartitionScheme, partition: PartitionSpec, cutoff: EpochDay): boolean {
  const last = partitionLastDay(scheme, partition);
  return last !== undefined && last < cutoff;
}

/**
 * A Glue GetPartitions expression for the partitions before the cutoff. Keys are zero-padded
 * strings, so string order is date order. A month partition is expired when its month is before
 * the cutoff's month (its last day is then before the cutoff).
 *
 * It leads with `year <= 'Y' AND (…)`: Glue uses a partition index only for conditions ANDed at
 * the top on the index's keys (the index starts with `year`), so an `OR` at the top would read
 * every partition of the table.
 */
export function expiredExpression(scheme: PartitionScheme, cutoff: EpochDay): string {
  const { year, month, day } = dayParts(cutoff);
  const byMonth = `year < '${year}' OR (year = '${year}' AND month < '${month}')`;
  if (scheme.granularity === 'month') return `year <= '${year}' AND (${byMonth})`;
  return `year <= '${year}' AND (${byMonth} OR (year = '${year}' AND month = '${month}' AND day < '${day}'))`;
}

/** Partitions at or before the month holding `day` (the oldest-month search's probe), index-led as above. */
export function atOrBeforeMonthExpression(day: EpochDay): string {
  const { year, month } = dayParts(day);
  return `year <= '${year}' AND (year < '${year}' OR (year = '${year}' AND month <= '${month}'))`;
}

const VALUE_CHECKS: Record<PartitionField, RegExp> = {
  account: ACCOUNT_ID,
  region: REGION_NAME,
  year: /^\d{4}$/,
  month: /^(0[1-9]|1[0-2])$/,
  day: /^(0[1-9]|[12]\d|3[01])$/,
};

/**
 * Partition specs from catalog values, in the scheme's key order. Values come from Glue, not
 * from us, and go into SQL: any that fails the allow-lists is rejected, never rendered.
 */
export function specsFromValues(
  scheme: PartitionScheme,
  rows: readonly (readonly string[])[],
): { specs: PartitionSpec[]; rejected: (readonly string[])[] } {
  const specs: PartitionSpec[] = [];
  const rejected: (readonly string[])[] = [];
  for (const row of rows) {
    const ok =
      row.length === scheme.columns.length &&
      scheme.columns.every((field, i) => VALUE_CHECKS[field].test(row[i]));
    if (!ok) {
      rejected.push(row);
      continue;
    }
    const byField = Object.fromEntries(scheme.columns.map((field, i) => [field, row[i]]));
    specs.push({
      account: byField.account ?? '',
      region: byField.region ?? '',
      year: byField.year,
      month: byField.month,
      day: byField.day ?? '01',
      location: '',
    });
  }
  return { specs, rejected };
}

export interface CatalogEstimateInput {
  /** Account-regions discovery saw (each holds one partition per day or month). */
  readonly accountRegions: number;
  readonly granularity: 'day' | 'month';
  readonly today: EpochDay;
  /** The first day the table holds: the retention cutoff, or the oldest partition's month. */
  readonly firstDay: EpochDay;
}

/**
 * Estimated partitions in the table: account-regions × the days (or months) from the first day
 * the table holds through tomorrow (the run registers tomorrow ahead; month tables next month).
 * An upper bound for account-regions that delivered the whole span, which is what Glue's quota
 * must survive.
 */
export function estimateCatalogPartitions(input: CatalogEstimateInput): number {
  const { accountRegions, today, firstDay } = input;
  if (input.granularity === 'day') return accountRegions * Math.max(0, today + 1 - firstDay + 1);
  const first = dayParts(firstDay);
  const next = dayParts(nextMonthStart(today));
  const months =
    (Number(next.year) - Number(first.year)) * 12 + (Number(next.month) - Number(first.month)) + 1;
  return accountRegions * Math.max(0, months);
}
