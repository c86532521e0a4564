/** How each statement of a submission ended, and the totals a report is built from. */
import type { Statement } from './ddl';
import type { PartitionRange } from './ranges';

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
}
