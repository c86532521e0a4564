/**
 * Turns targets and a window into the partitions to register, lazily: one account ×
 * region × day at a time, with each day's folder string computed once per window.
 */
import { dayParts, type DayWindow, type EpochDay, windowLength } from '../shared/dates';
import type { PartitionSpec } from './ddl';
import type { Target } from '../shared/targets';
import { type Layout, regionKey, s3Url } from './layout';
import { countMonthPlan, planMonthPartitions } from './plan-month';

export interface PlanCounts {
  /** Partitions the plan will register. */
  readonly partitions: number;
  /** Past days left out because S3 held nothing for them. */
  readonly skippedEmpty: number;
}

function pastDayCount(window: DayWindow, today: EpochDay): number {
  return windowLength({ from: window.from, to: Math.min(window.to, today - 1) });
}

/** Counts without rendering anything. */
export function countPlan(
  targets: readonly Target[],
  window: DayWindow,
  today: EpochDay,
  granularity: 'day' | 'month' = 'day',
): PlanCounts {
  if (granularity === 'month') return countMonthPlan(targets, window, today);
  const total = windowLength(window);
  const past = pastDayCount(window, today);
  let partitions = 0;
  let skippedEmpty = 0;
  for (const target of targets) {
    const kept = target.pastDays === 'all' ? past : target.pastDays.length;
    partitions += total - past + kept;
    skippedEmpty += past - kept;
  }
  return { partitions, skippedEmpty };
}

/** Every partition of the plan, account by account, region by region, day by day. */
export function* planPartitions(
  layout: Layout,
  targets: readonly Target[],
  window: DayWindow,
  today: EpochDay,
  granularity: 'day' | 'month' = 'day',
): Generator<PartitionSpec> {
  if (granularity === 'month') {
    yield* planMonthPartitions(layout, targets, window, today);
    return;
  }
  const days = Array.from({ length: windowLength(window) }, (_, i) => {
    const parts = dayParts(window.from + i);
    return { ...parts, path: `${parts.year}/${parts.month}/${parts.day}/` };
  });
  for (const { account, region, pastDays } of targets) {
    const base = s3Url(layout, regionKey(layout, account, region));
    const keep = pastDays === 'all' ? undefined : new Set(pastDays);
    for (let i = 0; i < days.length; i++) {
      const day = window.from + i;
      if (keep && day < today && !keep.has(day)) continue;
      const { year, month, day: dd, path } = days[i];
      yield { account, region, year, month, day: dd, location: base + path };
    }
  }
}
