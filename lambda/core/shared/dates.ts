/**
 * UTC calendar days as integers (days since 1970-01-01). Integers keep windows cheap to
 * compare and iterate: planning a million partitions must not allocate a Date per partition.
 */

/** Days since the Unix epoch, UTC. */
export type EpochDay = number;

const MS_PER_DAY = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses a real calendar date `YYYY-MM-DD`; undefined for anything else (2023-02-29, 2024-13-01, 2024-1-1). */
export function parseIsoDate(text: string): EpochDay | undefined {
  const match = ISO_DATE.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const ms = Date.UTC(year, month - 1, day);
  const back = new Date(ms);
  // Date.UTC rolls 2023-02-29 over to March: a round trip catches every impossible date.
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) {
    return undefined;
  }
  return ms / MS_PER_DAY;
}

/** The day containing `instant`, in UTC. */
export function utcDay(instant: Date): EpochDay {
  return Math.floor(instant.getTime() / MS_PER_DAY);
}

export interface DayParts {
  /** Four digits. */
  readonly year: string;
  /** Two digits, zero-padded. */
  readonly month: string;
  /** Two digits, zero-padded. */
  readonly day: string;
}

/** Zero-padded year, month and day strings, as CloudTrail writes them in S3 keys. */
export function dayParts(day: EpochDay): DayParts {
  const date = new Date(day * MS_PER_DAY);
  return {
    year: String(date.getUTCFullYear()).padStart(4, '0'),
    month: String(date.getUTCMonth() + 1).padStart(2, '0'),
    day: String(date.getUTCDate()).padStart(2, '0'),
  };
}

/** `YYYY-MM-DD`. */
export function formatIsoDate(day: EpochDay): string {
  const parts = dayParts(day);
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/** An inclusive range of UTC days. */
export interface DayWindow {
  readonly from: EpochDay;
  readonly to: EpochDay;
}

/** Number of days in an inclusive window (0 when reversed). */
export function windowLength(window: DayWindow): number {
  return Math.max(0, window.to - window.from + 1);
}

/** The scheduled run's window: `lookbackDays` before today through tomorrow, so a missed day heals itself. */
export function defaultWindow(now: Date, lookbackDays: number): DayWindow {
  const today = utcDay(now);
  return { from: today - lookbackDays, to: today + 1 };
}

export function formatWindow(window: DayWindow): { from: string; to: string } {
  return { from: formatIsoDate(window.from), to: formatIsoDate(window.to) };
}
