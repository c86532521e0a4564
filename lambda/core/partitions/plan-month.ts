/**
 * Month granularity: one partition per account × region × month, located at the month folder.
 * A past month is registered when any of its days held logs (discovery's `pastDays`); the
 * current and next month are registered whenever the window reaches today, so the daily run on
 * a month table always keeps this month's and next month's partitions ready before their logs land.
 */
import { dayParts, type DayWindow, type EpochDay } from '../shared/dates';
import type { PartitionSpec } from './ddl';
import type { Target } from '../shared/targets';
import { type Layout, monthKey, s3Url } from './layout';

export interface MonthSlot {
  readonly year: string;
  readonly month: string;
  /** `YYYY/MM` for comparisons. */
  readonly key: string;
  /** True when the month holds today or lies after it: registered whatever S3 holds. */
  readonly current: boolean;
}

function monthOf(day: EpochDay): { year: string; month: string; key: string } {
  const { year, month } = dayParts(day);
  return { year, month, key: `${year}/${month}` };
}

/** The first day of the month after the one holding `day`. */
export function nextMonthStart(day: EpochDay): EpochDay {
  const date = new Date(day * 86_400_000);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1) / 86_400_000;
}

/** Months the window touches, ascending; plus next month when the window reaches today. */
export function windowMonths(window: DayWindow, today: EpochDay): MonthSlot[] {
  if (window.to < window.from) return [];
  const todayKey = monthOf(today).key;
  const last = window.to >= today ? Math.max(window.to, nextMonthStart(today)) : window.to;
  const slots: MonthSlot[] = [];
  for (let day = window.from; day <= last; day = nextMonthStart(day)) {
    const { year, month, key } = monthOf(day);
    slots.push({ year, month, key, current: key >= todayKey });
  }
  return slots;
}

/** Month keys (`YYYY/MM`) that hold at least one of the days. */
function monthsWithLogs(days: readonly EpochDay[]): Set<string> {
  return new Set(days.map((day) => monthOf(day).key));
}

function keptMonths(target: Target, slots: readonly MonthSlot[]): MonthSlot[] {
  if (target.pastDays === 'all') return [...slots];
  const withLogs = monthsWithLogs(target.pastDays);
  return slots.filter((slot) => slot.current || withLogs.has(slot.key));
}

export function countMonthPlan(
  targets: readonly Target[],
  window: DayWindow,
  today: EpochDay,
): { partitions: number; skippedEmpty: number } {
  const slots = windowMonths(window, today);
  let partitions = 0;
  for (const target of targets) partitions += keptMonths(target, slots).length;
  // Past months without a single day of logs are what was skipped.
  return { partitions, skippedEmpty: targets.length * slots.length - partitions };
}

/** Every month partition of the plan, account by account, region by region, month by month. */
export function* planMonthPartitions(
  layout: Layout,
  targets: readonly Target[],
  window: DayWindow,
  today: EpochDay,
): Generator<PartitionSpec> {
  const slots = windowMonths(window, today);
  for (const target of targets) {
    for (const { year, month } of keptMonths(target, slots)) {
      // `day` is not a key of a month table; '01' keeps report ranges readable (the month's first day).
      yield {
        account: target.account,
        region: target.region,
        year,
        month,
        day: '01',
        location: s3Url(layout, monthKey(layout, target.account, target.region, year, month)),
      };
    }
  }
}
