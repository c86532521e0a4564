/**
 * The parts of prop validation about time: the heartbeat window the schedule implies, and the
 * initial backfill's range, checked as the split step will check it after deploy. Also the
 * collector every prop check reports into.
 */
import { show } from '../lambda/core/shared/names';
import { formatIsoDate, parseIsoDate, utcDay } from '../lambda/core/shared/dates';
import { checkWindow, EARLIEST_DAY } from '../lambda/core/run/request';
import { scheduleIntervalHours } from './schedule-interval';

/** Hours added to the schedule interval before the heartbeat alarm fires: run time, EMF ingestion, jitter. */
export const HEARTBEAT_SLACK_HOURS = 2;
/** CloudWatch caps Period x EvaluationPeriods at 7 days for periods of an hour or more. */
export const MAX_HEARTBEAT_WINDOW_HOURS = 168;
/** What the first deployment starts: a backfill from a date, or of a number of days back. */
export type InitialBackfill = { readonly from: string } | { readonly daysBack: number };

/** Collects every problem with the props, so one synth names them all. */
export class Collector {
  readonly errors: string[] = [];

  add(error: string | undefined): void {
    if (error) this.errors.push(error);
  }

  /** An integer in [min, max], or the default; records an error otherwise. */
  integer(name: string, value: number | undefined, fallback: number, min: number, max: number): number {
    if (value === undefined) return fallback;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      this.errors.push(`invalid ${name} ${show(value)}: expected an integer from ${min} to ${max}`);
      return fallback;
    }
    return value;
  }

  list(
    name: string,
    values: readonly string[] | undefined,
    check: (v: string) => string | undefined,
  ): string[] {
    if (values === undefined) return [];
    if (!Array.isArray(values)) {
      this.errors.push(`invalid ${name} ${show(values)}: expected a list of strings`);
      return [];
    }
    values.forEach((value) =>
      this.add(typeof value === 'string' ? check(value) : `invalid ${name} entry ${show(value)}`),
    );
    const duplicates = values.filter((value, index) => values.indexOf(value) !== index);
    if (duplicates.length > 0) this.errors.push(`invalid ${name}: ${show(duplicates[0])} is listed twice`);
    return [...values];
  }
}

export function resolveHeartbeat(expression: string, explicit: number | undefined, c: Collector): number {
  if (explicit !== undefined)
    return c.integer('heartbeatWindowHours', explicit, 26, 2, MAX_HEARTBEAT_WINDOW_HOURS);
  const interval = scheduleIntervalHours(expression);
  if (interval === undefined) {
    c.add(
      `cannot tell how often schedule ${show(expression)} runs: set heartbeatWindowHours (2 to ${MAX_HEARTBEAT_WINDOW_HOURS}) to the longest expected gap between successful runs`,
    );
    return MAX_HEARTBEAT_WINDOW_HOURS;
  }
  const window = Math.ceil(interval) + HEARTBEAT_SLACK_HOURS;
  if (window > MAX_HEARTBEAT_WINDOW_HOURS) {
    c.add(
      `invalid schedule ${show(expression)}: runs ${interval} hours apart, but the heartbeat alarm can watch at most ${MAX_HEARTBEAT_WINDOW_HOURS} hours including ${HEARTBEAT_SLACK_HOURS} hours of slack; schedule it at least every ${MAX_HEARTBEAT_WINDOW_HOURS - HEARTBEAT_SLACK_HOURS} hours`,
    );
    return MAX_HEARTBEAT_WINDOW_HOURS;
  }
  return window;
}

/**
 * The initial backfill is checked now, as the split step will check it after deploy: a date
 * from CloudTrail's start to today, or a number of days whose window (plus today and
 * tomorrow) fits `maxRangeDays`. Otherwise the deploy would succeed and the backfill fail.
 */
export function resolveInitialBackfill(
  value: string | number | undefined,
  maxRangeDays: number,
  c: Collector,
  now: Date,
): InitialBackfill | undefined {
  if (value === undefined || value === '') return undefined;
  const expected = `expected a date from ${formatIsoDate(EARLIEST_DAY)} to today as YYYY-MM-DD, or a number of days back from 1 to ${maxRangeDays - 2}`;
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && value >= 1 && value <= maxRangeDays - 2) return { daysBack: value };
    c.add(`invalid initialBackfillFrom ${show(value)}: ${expected}`);
    return undefined;
  }
  const day = typeof value === 'string' ? parseIsoDate(value) : undefined;
  if (day === undefined || day < EARLIEST_DAY || day > utcDay(now)) {
    c.add(`invalid initialBackfillFrom ${show(value)}: ${expected}`);
    return undefined;
  }
  try {
    checkWindow({ from: day, to: utcDay(now) + 1 }, now, { maxRangeDays });
  } catch (error) {
    c.add(`invalid initialBackfillFrom ${show(value)}: ${(error as Error).message}`);
    return undefined;
  }
  return { from: value as string };
}
