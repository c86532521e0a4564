/**
 * How often an EventBridge schedule expression fires, so the heartbeat alarm can be sized
 * from the schedule instead of a second, drifting setting. Pure: no CDK imports.
 */

/** The schedule used when none is given: every day at 00:15 UTC. */
export const DEFAULT_SCHEDULE_EXPRESSION = 'cron(15 0 * * ? *)';

const RATE = /^rate\((\d{1,6}) (minute|minutes|hour|hours|day|days)\)$/;
const CRON = /^cron\(([^()]+)\)$/;

const HOURS_PER_UNIT: Record<string, number> = {
  minute: 1 / 60,
  minutes: 1 / 60,
  hour: 1,
  hours: 1,
  day: 24,
  days: 24,
};

/** A cron field that places no restriction. */
function isEvery(field: string): boolean {
  return field === '*' || field === '?';
}

/** Hours of the day a cron hours field selects, or undefined for syntax this parser does not model. */
function cronHours(field: string): number[] | undefined {
  const hours = new Set<number>();
  for (const item of field.split(',')) {
    const range = /^(\d{1,2})(?:-(\d{1,2}))?$/.exec(item);
    if (!range) return undefined;
    const first = Number(range[1]);
    const last = range[2] === undefined ? first : Number(range[2]);
    if (first > 23 || last > 23 || last < first) return undefined;
    for (let hour = first; hour <= last; hour += 1) hours.add(hour);
  }
  return [...hours].sort((a, b) => a - b);
}

/** Longest gap between consecutive selected hours, wrapping past midnight. */
function longestGapHours(hours: readonly number[]): number {
  let longest = 24 - hours[hours.length - 1] + hours[0];
  for (let i = 1; i < hours.length; i += 1) longest = Math.max(longest, hours[i] - hours[i - 1]);
  return longest;
}

/**
 * The longest time, in hours, between two runs of `expression`, or undefined when the
 * expression is not one this function can reason about (weekly or monthly crons, day-of-week
 * lists, `L`/`W`/`#` syntax, unknown formats). Callers then need an explicit window.
 *
 * - `rate(N unit)`: N expressed in hours.
 * - `cron(m h * * ? *)` and the like, running every day: the widest gap between the selected
 *   hours (`*` is 1, `* /N` and `0/N` are N).
 */
export function scheduleIntervalHours(expression: string): number | undefined {
  const rate = RATE.exec(expression);
  if (rate) {
    const count = Number(rate[1]);
    return count > 0 ? count * HOURS_PER_UNIT[rate[2]] : undefined;
  }
  const cron = CRON.exec(expression);
  if (!cron) return undefined;
  const fields = cron[1].trim().split(/\s+/);
  if (fields.length !== 6) return undefined;
  const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = fields;
  if (![dayOfMonth, month, dayOfWeek, year].every(isEvery)) return undefined;
  if (!/^[\d,*/-]+$/.test(minutes)) return undefined;
  if (hours === '*') return 1;
  const step = /^(?:\*|0)\/(\d{1,2})$/.exec(hours);
  if (step) {
    const every = Number(step[1]);
    return every >= 1 && every <= 24 ? every : undefined;
  }
  const selected = cronHours(hours);
  return selected && selected.length > 0 ? longestGapHours(selected) : undefined;
}
