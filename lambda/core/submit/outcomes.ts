/** How each statement of a submission ended, and the totals a report is built from. */
import type { Statement } from '../partitions/ddl';
import type { LatencySample } from './latency';
import type { HedgeCounts } from './hedge';
import { type PartitionRange, RangeCollector } from '../partitions/ranges';

export type OutcomeStatus = 'succeeded' | 'failed' | 'not-submitted' | 'unconfirmed';

export interface StatementOutcome {
  readonly statement: Statement;
  readonly status: OutcomeStatus;
  readonly attempts: number;
  readonly queryIds: readonly string[];
  /** Athena's reason for the last failure, or why it was not submitted. */
  readonly reason?: string;
}

/** A statement that did not succeed, without its SQL (the ranges say what it covered). */
export interface StatementProblem {
  readonly index: number;
  readonly partitions: number;
  readonly attempts: number;
  readonly queryIds: readonly string[];
  readonly reason: string;
  readonly ranges: readonly PartitionRange[];
}

export interface SubmitResult {
  readonly statements: number;
  readonly succeeded: number;
  readonly partitionsAdded: number;
  /** Statements that failed after every allowed attempt. */
  readonly failed: readonly StatementProblem[];
  /** Statements still running in Athena at the wait deadline: likely fine, not confirmed. */
  readonly unconfirmed: readonly StatementProblem[];
  /** Work never started because the deadline came first. */
  readonly notSubmitted: {
    readonly statements: number;
    readonly partitions: number;
    readonly ranges: readonly PartitionRange[];
  };
  /** Statements resubmitted after a transient failure. */
  readonly retried: number;
  readonly throttled: number;
  readonly startCalls: number;
  readonly pollCalls: number;
  /** Second executions of stragglers: started, won (settled their statement), losers stopped. */
  readonly hedges: Readonly<HedgeCounts>;
  /** Adopted queries' ends and the tail handed on (Step Functions lanes). */
  readonly carry?: CarryResult;
  /** Why the submission stopped before every statement ended (an API that kept failing, a refusal). */
  readonly stopReason?: string;
}

/** Counts outcomes as the scheduler hands them in, and builds the {@link SubmitResult}. */
export class OutcomeTally {
  statements = 0;
  succeeded = 0;
  partitionsAdded = 0;
  retried = 0;
  throttled = 0;
  startCalls = 0;
  pollCalls = 0;
  readonly hedges: HedgeCounts = { started: 0, won: 0, stopped: 0 };
  private notSubmittedStatements = 0;
  private readonly failed: StatementProblem[] = [];

  /** True once a statement failed for good (a chunk about to fail keeps its tail). */
  get anyFailed(): boolean {
    return this.failed.length > 0;
  }

  private readonly unconfirmed: StatementProblem[] = [];
  private readonly undone = new RangeCollector();

  constructor(private readonly onOutcome?: (outcome: StatementOutcome) => void) {}

  record(outcome: StatementOutcome): void {
    const { statement, status } = outcome;
    this.onOutcome?.(outcome);
    if (status === 'succeeded') {
      this.succeeded++;
      this.partitionsAdded += statement.partitions.length;
    } else if (status === 'not-submitted') {
      this.notSubmittedStatements++;
      this.undone.addAll(statement.partitions);
    } else {
      const problem = {
        index: statement.index,
        partitions: statement.partitions.length,
        attempts: outcome.attempts,
        queryIds: outcome.queryIds,
        reason: outcome.reason ?? status,
        ranges: new RangeCollector().addAll(statement.partitions).list(),
      };
      (status === 'failed' ? this.failed : this.unconfirmed).push(problem);
    }
  }

  result(stopReason?: string): SubmitResult {
    return {
      statements: this.statements,
      succeeded: this.succeeded,
      partitionsAdded: this.partitionsAdded,
      failed: this.failed,
      unconfirmed: this.unconfirmed,
      notSubmitted: {
        statements: this.notSubmittedStatements,
        partitions: this.undone.count,
        ranges: this.undone.list(),
      },
      retried: this.retried,
      throttled: this.throttled,
      startCalls: this.startCalls,
      pollCalls: this.pollCalls,
      hedges: { ...this.hedges },
      ...(stopReason !== undefined ? { stopReason } : {}),
    };
  }
}

export interface AdoptedFailure {
  readonly ids: readonly string[];
  readonly partitions: number;
  /** 'unconfirmed': still running when this invocation ran out of time (a retry adopts it again). */
  readonly status: 'failed' | 'unconfirmed';
  readonly reason: string;
}

export interface CarryResult {
  /** Adopted queries that ended SUCCEEDED, and the partitions they held. */
  readonly confirmed: number;
  readonly partitionsConfirmed: number;
  /** Adopted queries that ended any other way (their window needs a repair). */
  readonly failed: readonly AdoptedFailure[];
  /** Queries (own or adopted) still running when this invocation handed them on. */
  readonly handedOn: readonly CarriedQuery[];
  /** Of those, adopted ones handed on again (their days are the earlier chunks'). */
  readonly adoptedHandedOn: number;
  /**
   * With a tail handed on: the latency samples this run's estimate stood on, newest first, so
   * the lane's next invocation starts from them instead of reading the workgroup's history (in a
   * busy lane the newest queries there are mostly still running).
   */
  readonly latency: readonly LatencySample[];
}

/** One statement's executions still running when its invocation handed it on. */
export interface CarriedQuery {
  /** Its execution IDs: one, or two for a hedged statement (the first to succeed settles it). */
  readonly ids: readonly string[];
  readonly partitions: number;
  /** Epoch ms its earliest execution in `ids` started. */
  readonly startedAt: number;
  /** Epoch ms each execution in `ids` started, in the same order. @default startedAt for each */
  readonly starts?: readonly number[];
  /** Its attempt (a retry is attempt 2 and on), so a lane never grants more than maxAttempts. @default 1 */
  readonly attempt?: number;
  /** It had its one hedge already: it gets no other. */
  readonly hedged?: boolean;
  /**
   * A loser asked to stop (its statement is settled): it holds its slot until Athena ends it,
   * so the next invocation counts it, but its end decides nothing.
   */
  readonly orphan?: boolean;
}
