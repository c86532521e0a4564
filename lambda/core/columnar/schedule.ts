/**
 * Which days the daily run converts, and what it reports. A day is due once its late-delivery
 * margin has passed (day D is complete in raw when day D + lateDays has ended), it is inside the
 * look-back and the retention, and the copy does not cover it yet. A day that failed is due again
 * on the next run; one that failed `FAILING_RUNS` runs in a row is named for the alarm's saved query.
 */
import { type EpochDay, formatIsoDate } from '../shared/dates';
import { ColumnarError } from './table';

/** Runs in a row after which a failing day is named in the alarm's saved query. */
export const FAILING_RUNS = 3;

export interface ConversionScheduleInput {
  /** Today (UTC) as the run sees it. */
  readonly today: EpochDay;
  readonly lateDays: number;
  /** How far back the run looks for unconverted days (the backfill covers older ones). */
  readonly lookbackDays: number;
  /** Days older than this many days leave the copy (undefined: kept forever). */
  readonly retentionDays?: number;
  /** Days the copy holds completely. */
  readonly covered: ReadonlySet<EpochDay>;
  /** Failed runs in a row, per day, as recorded by earlier runs. */
  readonly failures: ReadonlyMap<EpochDay, number>;
}

export interface ConversionSchedule {
  /** Days to convert this run, oldest first. */
  readonly due: readonly EpochDay[];
  /** Days that have failed FAILING_RUNS runs in a row or more (ISO), for the alarm's saved query. */
  readonly failing: readonly string[];
  /** The retention DELETE's bound: every day before it leaves the copy (undefined: keep all). */
  readonly firstKept?: EpochDay;
}

export function conversionSchedule(input: ConversionScheduleInput): ConversionSchedule {
  const { today, lateDays, lookbackDays } = input;
  if (!Number.isInteger(lateDays) || lateDays < 0 || lateDays > 7)
    throw new ColumnarError(`invalid lateDays ${lateDays}: expected an integer 0 to 7`);
  if (!Number.isInteger(lookbackDays) || lookbackDays < 1)
    throw new ColumnarError(`invalid lookbackDays ${lookbackDays}: expected an integer >= 1`);
  // Day D's last folder, D + lateDays, is complete once it has ended: D + lateDays < today.
  const lastComplete = today - lateDays - 1;
  const firstKept = input.retentionDays === undefined ? undefined : today - input.retentionDays;
  const first = Math.max(today - lookbackDays, firstKept ?? Number.NEGATIVE_INFINITY);
  const due: EpochDay[] = [];
  for (let day = first; day <= lastComplete; day++) if (!input.covered.has(day)) due.push(day);
  const failing = [...input.failures]
    .filter(([day, runs]) => runs >= FAILING_RUNS && !input.covered.has(day))
    .map(([day]) => day)
    .sort((a, b) => a - b)
    .map(formatIsoDate);
  return { due, failing, ...(firstKept !== undefined ? { firstKept } : {}) };
}

/** The failure streaks after a run: a converted day's streak ends, a failed day's grows by one. */
export function nextFailures(
  before: ReadonlyMap<EpochDay, number>,
  outcome: { readonly converted: readonly EpochDay[]; readonly failed: readonly EpochDay[] },
): Map<EpochDay, number> {
  const after = new Map(before);
  for (const day of outcome.converted) after.delete(day);
  for (const day of outcome.failed) after.set(day, (after.get(day) ?? 0) + 1);
  return after;
}
