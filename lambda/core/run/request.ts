/**
 * What one run is asked to do. Every entry point (schedule, invoke payload, Step Functions
 * chunk, CLI flags) becomes a {@link RunRequest} here, and nothing reaches S3 or Athena
 * until this validation has passed.
 */
import { z } from 'zod';
import {
  type DayWindow,
  defaultWindow,
  formatIsoDate,
  parseIsoDate,
  utcDay,
  windowLength,
} from '../shared/dates';
import type { Settings } from './settings';
import type { CarriedQuery } from '../submit/carry';
import type { LatencySample } from '../submit/latency';
import { DEFAULT_LATE_DAYS } from '../query/columnar-source';
import { MAX_LANES } from '../partitions/split';
import {
  accountList,
  describeIssues,
  intInRange,
  isoDate,
  regionList,
  ValidationError,
} from '../shared/validation';

/** CloudTrail launched in November 2013: no log can be older. */
export const EARLIEST_DAY = parseIsoDate('2013-11-01') as number;

export interface RunRequest {
  /** A Step Functions chunk ('chunk') takes its part of the backfill's concurrency. */
  readonly kind: 'scheduled' | 'backfill' | 'chunk';
  readonly window: DayWindow;
  readonly accounts?: readonly string[];
  readonly regions?: readonly string[];
  readonly dryRun: boolean;
  readonly includeEmptyDays: boolean;
  /** Also convert the window's complete days into the columnar copy (`backfill --columnar`). */
  readonly columnar?: boolean;
  /**
   * With `columnar`: the days to convert, the payload's own window. `window` (what is registered)
   * then reaches lateDays further, because day D's conversion reads the partitions of D … D + lateDays.
   */
  readonly columnarWindow?: DayWindow;
  /** A Step Functions lane's tail from the chunk before: queries to confirm (chunks only). */
  readonly carry?: LaneCarry;
  /** Another chunk follows in this lane: once everything has started, hand what runs on to it. */
  readonly carryTail?: boolean;
}

/** Queries handed on within a lane, and the days of the chunks they belong to. */
export interface LaneCarry {
  readonly window: DayWindow;
  readonly queries: readonly CarriedQuery[];
  /** Athena's latency as the chunk before measured it, newest first. */
  readonly latency?: readonly LatencySample[];
}

export interface SplitRequest {
  readonly window: DayWindow;
  readonly accounts?: readonly string[];
  readonly regions?: readonly string[];
  readonly includeEmptyDays: boolean;
  /** Days per chunk, or undefined to size chunks from the number of account-regions. */
  readonly chunkDays?: number;
  /** Every chunk also converts its days into the columnar copy. */
  readonly columnar?: boolean;
  /**
   * Lanes to cut the window into: the state machine's Map concurrency. Absent (the CLI's check,
   * any caller without a Map): one lane, every chunk in order.
   */
  readonly lanes?: number;
}

const selection = {
  accounts: accountList.optional(),
  regions: regionList.optional(),
  includeEmptyDays: z.boolean({ error: 'expected true or false' }).optional(),
  /** Convert into the columnar copy too; carried by the split's selection to every chunk. */
  columnar: z.boolean({ error: 'expected true or false' }).optional(),
};

/** Athena's QueryExecutionId: 1 to 128 of letters, digits, '_' and '-' (API reference). */
const queryExecutionId = z
  .string({ error: 'expected an athena query execution id' })
  .regex(/^[A-Za-z0-9_-]{1,128}$/, { error: 'expected an athena query execution id' });

/** What the chunk before handed on: as the function returned it, see lambda/core/submit/carry.ts. */
const carrySchema = z.strictObject({
  from: isoDate,
  to: isoDate,
  queries: z
    .array(
      z
        .strictObject({
          ids: z.array(queryExecutionId).min(1).max(2, { error: 'expected 1 or 2 query ids' }),
          partitions: intInRange('partitions', 0, 1_000_000),
          // The clock's own reading: whole on Lambda, fractional on a simulated clock.
          startedAt: z
            .number({ error: 'expected epoch milliseconds' })
            .nonnegative({ error: 'expected epoch milliseconds' }),
          starts: z
            .array(
              z
                .number({ error: 'expected epoch milliseconds' })
                .nonnegative({ error: 'expected epoch milliseconds' }),
            )
            .max(2, { error: 'expected 1 or 2 start times' })
            .optional(),
          attempt: intInRange('attempt', 1, 10).optional(),
          hedged: z.boolean({ error: 'expected true or false' }).optional(),
          orphan: z.boolean({ error: 'expected true or false' }).optional(),
        })
        .refine((query) => query.starts === undefined || query.starts.length === query.ids.length, {
          error: 'expected one start time per query id',
          path: ['starts'],
        }),
    )
    .max(100, { error: 'expected at most 100 carried queries' }),
  latency: z
    .array(
      z.strictObject({
        partitions: intInRange('partitions', 0, 1_000_000),
        ms: z.number({ error: 'expected milliseconds' }).nonnegative({ error: 'expected milliseconds' }),
      }),
    )
    .max(50, { error: 'expected at most 50 latency samples' })
    .optional(),
});

const backfillSchema = z.strictObject({
  from: isoDate,
  to: isoDate,
  dryRun: z.boolean({ error: 'expected true or false' }).optional(),
  /** Set by the state machine (through the split's selection) on every chunk it invokes. */
  chunk: z.boolean({ error: 'expected true or false' }).optional(),
  /** Set by the state machine's lane loop: the previous chunk's tail (null: none). */
  carry: carrySchema.nullable().optional(),
  carryTail: z.boolean({ error: 'expected true or false' }).optional(),
  ...selection,
});

const splitSchema = z.strictObject({
  action: z.literal('split'),
  from: isoDate.optional(),
  to: isoDate.optional(),
  daysBack: intInRange('days back', 0, 7305).optional(),
  chunkDays: intInRange('chunk days', 1, 366).optional(),
  /** Set by the state machine to its Map concurrency, after the execution input is merged. */
  lanes: intInRange('lanes', 1, MAX_LANES).optional(),
  ...selection,
});

/** An EventBridge scheduled event, or an empty invoke: both mean "the default window". */
function isScheduleTrigger(payload: unknown): boolean {
  if (payload === undefined || payload === null) return true;
  if (typeof payload !== 'object' || Array.isArray(payload)) return false;
  const record = payload as Record<string, unknown>;
  if (Object.keys(record).length === 0) return true;
  return record.source === 'aws.events' && record['detail-type'] === 'Scheduled Event';
}

/** Checks a window against the calendar and the settings' limits. */
export function checkWindow(
  window: DayWindow,
  now: Date,
  settings: Pick<Settings, 'maxRangeDays'>,
): DayWindow {
  const tomorrow = utcDay(now) + 1;
  const from = formatIsoDate(window.from);
  const to = formatIsoDate(window.to);
  if (window.from > window.to) throw new ValidationError(`invalid range: from ${from} is after to ${to}`);
  if (window.to > tomorrow) {
    throw new ValidationError(`invalid range: to ${to} is after tomorrow (${formatIsoDate(tomorrow)} utc)`);
  }
  if (window.from < EARLIEST_DAY) {
    throw new ValidationError(
      `invalid range: from ${from} is before cloudtrail existed (${formatIsoDate(EARLIEST_DAY)})`,
    );
  }
  if (windowLength(window) > settings.maxRangeDays) {
    throw new ValidationError(
      `invalid range: ${from} to ${to} is ${windowLength(window)} days; at most ${settings.maxRangeDays} are allowed in one request`,
    );
  }
  return window;
}

/** The lane fields of a chunk: a carry must come before the chunk, and only chunks have one. */
function laneFields(
  data: z.infer<typeof backfillSchema>,
  window: DayWindow,
): Pick<RunRequest, 'carry' | 'carryTail'> {
  const { carry, carryTail, chunk } = data;
  if ((carry || carryTail) && chunk !== true)
    throw new ValidationError(
      'invalid backfill payload: carry and carryTail belong to a chunk (chunk: true)',
    );
  if (!carry) return carryTail ? { carryTail } : {};
  const carried = { from: parseIsoDate(carry.from) as number, to: parseIsoDate(carry.to) as number };
  if (carried.from > carried.to || carried.to >= window.from)
    throw new ValidationError(
      `invalid backfill payload: carry ${carry.from} to ${carry.to} must be a range before the chunk's from ${formatIsoDate(window.from)}`,
    );
  const latency = carry.latency?.length ? { latency: carry.latency } : {};
  return {
    carry: { window: carried, queries: carry.queries, ...latency },
    ...(carryTail ? { carryTail } : {}),
  };
}

/** Parses an invoke payload (or a scheduled event) into a run request. */
export function parseRunPayload(payload: unknown, now: Date, settings: Settings): RunRequest {
  if (isScheduleTrigger(payload)) {
    return {
      kind: 'scheduled',
      window: defaultWindow(now, settings.lookbackDays),
      dryRun: false,
      includeEmptyDays: false,
    };
  }
  const parsed = backfillSchema.safeParse(payload);
  if (!parsed.success) {
    throw new ValidationError(
      describeIssues('backfill payload', parsed.error, payload) +
        ' (expected {"from":"YYYY-MM-DD","to":"YYYY-MM-DD"} with optional accounts, regions, dryRun, includeEmptyDays, columnar)',
    );
  }
  const { from, to, accounts, regions, dryRun, includeEmptyDays, chunk, columnar } = parsed.data;
  const window = checkWindow(
    { from: parseIsoDate(from) as number, to: parseIsoDate(to) as number },
    now,
    settings,
  );
  const lane = laneFields(parsed.data, window);
  if (columnar === true && settings.columnarCopy !== true)
    throw new ValidationError(
      'invalid backfill payload: columnar needs the columnar copy: deploy the stack with -c columnarCopy=true',
    );
  return {
    kind: chunk === true ? 'chunk' : 'backfill',
    window,
    accounts,
    regions,
    dryRun: dryRun ?? false,
    includeEmptyDays: includeEmptyDays ?? false,
    ...lane,
    ...(columnar === true
      ? {
          columnar: true,
          columnarWindow: window,
          window: { from: window.from, to: Math.min(window.to + DEFAULT_LATE_DAYS, utcDay(now) + 1) },
        }
      : {}),
  };
}

/**
 * The instant a run counts the catalog from (see registered.ts): an EventBridge event's `time`,
 * the same in every delivery and retry of that event, never later than now; otherwise now.
 */
export function referenceTime(payload: unknown, now: Date): number {
  const time =
    typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>).time : undefined;
  const at = typeof time === 'string' ? Date.parse(time) : Number.NaN;
  return Number.isFinite(at) ? Math.min(at, now.getTime()) : now.getTime();
}

export function isSplitPayload(payload: unknown): boolean {
  return (
    typeof payload === 'object' && payload !== null && (payload as Record<string, unknown>).action === 'split'
  );
}

/** Parses the Step Functions split step's input: `{action:'split', from|daysBack, to?, ...}`. */
export function parseSplitPayload(
  payload: unknown,
  now: Date,
  settings: Pick<Settings, 'maxRangeDays'>,
): SplitRequest {
  const parsed = splitSchema.safeParse(payload);
  if (!parsed.success) throw new ValidationError(describeIssues('split payload', parsed.error, payload));
  const { from, to, daysBack, chunkDays, lanes, accounts, regions, includeEmptyDays, columnar } = parsed.data;
  if ((from === undefined) === (daysBack === undefined)) {
    throw new ValidationError('invalid split payload: give exactly one of from or daysBack');
  }
  const tomorrow = utcDay(now) + 1;
  const window = checkWindow(
    {
      // "N days back" means all history up to N days: clamp to CloudTrail's start rather than refuse.
      from:
        from !== undefined
          ? (parseIsoDate(from) as number)
          : Math.max(EARLIEST_DAY, utcDay(now) - (daysBack as number)),
      to: to !== undefined ? (parseIsoDate(to) as number) : tomorrow,
    },
    now,
    settings,
  );
  return {
    window,
    accounts,
    regions,
    chunkDays,
    lanes,
    includeEmptyDays: includeEmptyDays ?? false,
    ...(columnar === true ? { columnar: true } : {}),
  };
}
