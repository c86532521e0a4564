/**
 * When a straggling statement earns a second execution ("hedged requests", Dean & Barroso,
 * The Tail at Scale). `ALTER TABLE … ADD IF NOT EXISTS PARTITION` is idempotent and Athena
 * charges nothing for DDL, so running a statement twice costs one active-DDL slot for a while
 * and one start call; the first execution to succeed settles the statement and the other is
 * stopped. A heavy-tailed Athena (queueing, Glue calls) draws each execution's latency afresh,
 * so a second draw usually ends long before a statement already 3 × past its median.
 *
 * Pure: the scheduler hands in what it knows (how long the execution has been seen running,
 * what Athena's recent timings predict, its slots) and starts the hedge this module allows.
 * The reasons behind each number are in docs/design.md ("Hedged re-execution of stragglers").
 */

/**
 * A statement is a straggler once seen running past this multiple of its expected latency.
 * Athena's latency is roughly log-normal: at σ 0.6 the 95th percentile is 2.7 × the median, so
 * past 3 × only about one statement in 30 of the body qualifies, and most heavy-tail draws do.
 */
export const HEDGE_FACTOR = 3;
/** ...and past its expected latency by at least this much: short statements are not hedged on poll jitter. */
export const HEDGE_MIN_EXTRA_MS = 5000;
/**
 * While statements still wait for a slot, a hedge takes a slot ahead of them only past this
 * multiple: a slot given to a hedge delays new work, so it wants stronger evidence than an
 * otherwise idle slot in the tail does.
 */
export const HEDGE_PRIORITY_FACTOR = 4;
/** Ends measured by Athena's clock in this run before any hedge: a median of fewer is not a prediction. */
export const HEDGE_MIN_SAMPLES = 5;
/** While work waits, hedges in flight stay within this share of the limit (at least one). */
export const HEDGE_CAP_SHARE = 0.25;

/** Run time past which an execution expected to take `expectedMs` is a straggler. */
export function hedgeAfterMs(expectedMs: number): number {
  return Math.max(HEDGE_FACTOR * expectedMs, expectedMs + HEDGE_MIN_EXTRA_MS);
}

/** Run time past which a straggler's hedge may take a slot ahead of statements not yet started. */
export function priorityAfterMs(expectedMs: number): number {
  return Math.max(HEDGE_PRIORITY_FACTOR * expectedMs, expectedMs + HEDGE_MIN_EXTRA_MS);
}

/** Hedges allowed in flight at once while statements still wait for a slot. */
export function hedgeCap(limit: number): number {
  return Math.max(1, Math.floor(HEDGE_CAP_SHARE * limit));
}

/** One execution of a statement, as the scheduler last saw it. */
export interface HedgeCandidate {
  /** Ms from its start to the last status call that saw it RUNNING (a queued one is no straggler). */
  readonly seenRunningMs: number;
  /** What Athena's recent timings predict for a statement of its size. */
  readonly expectedMs: number;
  /** True when the statement already had its one hedge (or one was refused for good). */
  readonly hedged: boolean;
}

/** The scheduler's slots and clock at the moment of the decision. */
export interface HedgeSlots {
  readonly now: number;
  /** No statement (and no hedge) starts at or after this instant. */
  readonly startDeadline: number;
  /** Executions in flight, hedges included (each holds an active-DDL slot). */
  readonly inFlight: number;
  /** The run's current limit (its quota share, after throttling cut it). */
  readonly limit: number;
  readonly hedgesInFlight: number;
  /** Statements (or retries) still waiting to start. */
  readonly workWaiting: boolean;
  /** Ends this run measured by Athena's own clock (not the prior, not a window we observed). */
  readonly measuredEnds: number;
}

/** True when `candidate` should get its second execution now. */
export function shouldHedge(candidate: HedgeCandidate, slots: HedgeSlots): boolean {
  if (candidate.hedged || slots.measuredEnds < HEDGE_MIN_SAMPLES) return false;
  if (slots.now >= slots.startDeadline || slots.inFlight >= slots.limit) return false;
  if (!(candidate.expectedMs > 0)) return false;
  if (!slots.workWaiting) return candidate.seenRunningMs >= hedgeAfterMs(candidate.expectedMs);
  return (
    candidate.seenRunningMs >= priorityAfterMs(candidate.expectedMs) &&
    slots.hedgesInFlight < hedgeCap(slots.limit)
  );
}

/** What the report and the log say about hedging. */
export interface HedgeCounts {
  /** Second executions started. */
  started: number;
  /** Statements settled by their hedge (it succeeded first). */
  won: number;
  /** Stops of losing executions Athena accepted (StopQueryExecution; it also accepts one that had just ended). */
  stopped: number;
}

export type HedgeEvent =
  | { readonly kind: 'started'; readonly statement: number; readonly queryId: string; readonly of: string }
  | {
      readonly kind: 'settled';
      readonly statement: number;
      readonly winner: string;
      readonly hedgeWon: boolean;
    }
  | {
      readonly kind: 'stop-failed';
      readonly statement: number;
      readonly queryId: string;
      readonly reason: string;
    }
  | { readonly kind: 'start-refused'; readonly statement: number; readonly reason: string };
