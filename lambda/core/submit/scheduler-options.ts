/** What the scheduler is given, and what it keeps for each statement in flight. */
import type { Statement } from '../partitions/ddl';
import type { HedgeEvent } from './hedge';
import type { HistoryTable } from './history';
import type { CarriedQuery, StatementOutcome } from './outcomes';
import type { LatencySample } from './latency';
import type { PollTiming } from './poll-plan';
import type { Clock, PortError } from '../shared/ports';

export interface SubmitOptions extends PollTiming {
  /** Upper bound on queries in flight (Athena counts queued and running DDL toward its quota of 20). */
  readonly maxConcurrent: number;
  /** Stable per invocation: retried invocations derive the same ClientRequestTokens. */
  readonly tokenSeed: string;
  /** Distinguishes this submission's retry tokens from an earlier invocation's. @default a random UUID */
  readonly nonce?: string;
  /** Attempts per statement for transient failures. @default 4 */
  readonly maxAttempts?: number;
  /** No statement is started at or after this instant (ms since epoch). */
  readonly startDeadline?: number;
  /** In-flight queries still running at this instant are reported unconfirmed. */
  readonly waitDeadline?: number;
  /** How long a start or status call may keep failing (or Athena refuse every start) before the run stops. @default 5 minutes */
  readonly apiPatienceMs?: number;
  /** Quiet ms after Athena's active-query refusals before the concurrency limit doubles back. @default 500 */
  readonly recoveryQuietMs?: number;
  /**
   * Earlier statements' latencies from Athena's history (newest first, see `history.ts`): the
   * first checks land at their expected end instead of probing. This run's own ends replace it.
   */
  readonly latencyHistory?: readonly LatencySample[];
  /**
   * Give a statement far past what Athena's recent timings predict a second execution
   * (lambda/core/submit/hedge.ts). @default true
   */
  readonly hedging?: boolean;
  /**
   * Queries an earlier invocation started and handed on (a Step Functions lane's tail): they hold
   * slots and are polled with this run's own, and are hedged or retried once a status answer
   * gives their text and it adds their partitions to `table` (carry.ts).
   */
  readonly adopted?: readonly CarriedQuery[];
  /** The table an adopted query's text must add partitions to. Without it, none is run again. */
  readonly table?: HistoryTable;
  /**
   * Return as soon as every statement has started, handing the queries still running on (the
   * next chunk of a lane confirms them), unless an adopted query failed. @default false
   */
  readonly handTailOn?: boolean;
  readonly clock: Clock;
  readonly onOutcome?: (outcome: StatementOutcome) => void;
  readonly onThrottle?: (where: 'start' | 'poll', error: PortError) => void;
  /** A hedge started, settled its statement, or could not start or stop (for the structured log). */
  readonly onHedge?: (event: HedgeEvent) => void;
}

export interface Flight {
  readonly statement: Statement;
  /** 1-based; a new attempt (and token) only after Athena ran the query and it failed. */
  readonly attempt: number;
  readonly queryIds: string[];
  /** StartQueryExecution errors other than throttling, for this attempt. */
  readonly startErrors: number;
  /** Set for a query adopted from an earlier invocation (it has no SQL of its own). */
  readonly adopted?: CarriedQuery;
}
