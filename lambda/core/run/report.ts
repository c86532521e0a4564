/** What a run did, in the shape the handler returns and the CLI prints. */
import { plural } from '../shared/plural';
import type { PartitionRange } from '../partitions/ranges';
import type { RetentionReport } from './retention-run';
import type { StatementProblem, SubmitResult } from '../submit/submit';
import { type DiscoveryNotes, summarizeNotes } from '../discovery/discovery-notes';

/** The state machine's input: the split step's `{from, to}` (accounts and regions from the settings). */
export interface HandoffInput {
  readonly from: string;
  readonly to: string;
}

export interface Handoff {
  readonly executionName: string;
  readonly executionArn: string;
  /** True when a previous delivery of the same event had started it already. */
  readonly alreadyStarted: boolean;
  readonly window: HandoffInput;
  /** Partitions not submitted plus those of statements still running, handed to the execution. */
  readonly partitions: number;
}

export interface Report extends DiscoveryNotes {
  /** True when every partition was added (or, for a dry run, planned). */
  readonly ok: boolean;
  readonly dryRun: boolean;
  readonly window: { readonly from: string; readonly to: string };
  readonly accounts: number;
  readonly regions: number;
  /** Partitions requested (after empty past days were skipped). */
  readonly partitions: number;
  /** Of those, partitions the catalog already held: not submitted again. */
  readonly alreadyRegistered?: number;
  /** Why the catalog was not read first (the whole window was re-added), when it was not. */
  readonly catalogFallback?: string;
  readonly skippedEmpty: number;
  readonly statements: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly partitionsAdded: number;
  /** Partitions never submitted because time ran out. */
  readonly notSubmitted: number;
  /** Statements still running when time ran out. */
  readonly unconfirmed: number;
  readonly retried: number;
  readonly throttled: number;
  readonly athenaCalls: { readonly start: number; readonly poll: number };
  /** Statements from Athena's recent history that told the scheduler the latency before its first end (0: none). */
  readonly latencyFromHistory?: number;
  /** Stragglers given a second execution: how many, how many of those settled their statement, losers stopped. */
  readonly hedges: { readonly started: number; readonly won: number; readonly stopped: number };
  /** Failed and unconfirmed statements, with Athena's reason and the ranges they covered. */
  readonly failures: readonly (StatementProblem & { readonly status: 'failed' | 'unconfirmed' })[];
  /** Exactly what was not submitted, as account/region day ranges. */
  readonly notSubmittedRanges: readonly PartitionRange[];
  /** Dry runs only: the first statement, as a sample. */
  readonly firstStatement?: string;
  /** What retention dropped, when retention is on. */
  readonly retention?: RetentionReport;
  /** Estimated partitions in the table (the CatalogPartitions metric), when the catalog was readable. */
  readonly catalogPartitions?: number;
  /** Why submission stopped early (an Athena operation that kept failing), when it did. */
  readonly stopReason?: string;
  /** Why retention could not run (its catalog read failed), when it could not. */
  readonly retentionError?: string;
  /** The scheduled run's remainder, handed to a Step Functions backfill, when it ran out of time. */
  readonly handedOff?: Handoff;
}

type Base = Pick<
  Report,
  | 'window'
  | 'dryRun'
  | 'accounts'
  | 'regions'
  | 'partitions'
  | 'skippedEmpty'
  | 'alreadyRegistered'
  | 'catalogFallback'
>;

export function emptyReport(base: Base): Report {
  return {
    ...base,
    ok: true,
    statements: 0,
    succeeded: 0,
    failed: 0,
    partitionsAdded: 0,
    notSubmitted: 0,
    unconfirmed: 0,
    retried: 0,
    throttled: 0,
    athenaCalls: { start: 0, poll: 0 },
    hedges: { started: 0, won: 0, stopped: 0 },
    failures: [],
    notSubmittedRanges: [],
  };
}

export function reportFrom(base: Base, result: SubmitResult): Report {
  const failures = [
    ...result.failed.map((problem) => ({ ...problem, status: 'failed' as const })),
    ...result.unconfirmed.map((problem) => ({ ...problem, status: 'unconfirmed' as const })),
  ];
  return {
    ...base,
    ok: result.failed.length === 0 && result.unconfirmed.length === 0 && result.notSubmitted.statements === 0,
    statements: result.statements,
    succeeded: result.succeeded,
    failed: result.failed.length,
    partitionsAdded: result.partitionsAdded,
    notSubmitted: result.notSubmitted.partitions,
    unconfirmed: result.unconfirmed.length,
    retried: result.retried,
    throttled: result.throttled,
    athenaCalls: { start: result.startCalls, poll: result.pollCalls },
    hedges: { ...result.hedges },
    failures,
    notSubmittedRanges: result.notSubmitted.ranges,
    ...(result.stopReason !== undefined ? { stopReason: result.stopReason } : {}),
  };
}

/** One line for logs and the CLI. */
export function summarize(report: Report): string {
  const head = `${report.window.from}..${report.window.to}: ${plural(report.partitions, 'partition')} in ${plural(report.statements, 'statement')}`;
  const skipped = `${plural(report.skippedEmpty, 'empty day')} skipped`;
  const notes = summarizeNotes(report);
  if (report.dryRun) return `${head} (dry run, nothing submitted; ${skipped})${notes}`;
  const stopped =
    (report.stopReason !== undefined ? `; stopped: ${report.stopReason}` : '') +
    (report.retentionError !== undefined ? `; retention failed: ${report.retentionError}` : '');
  const hedged = report.hedges.started
    ? `; ${plural(report.hedges.started, 'straggler')} hedged (${report.hedges.won} won)`
    : '';
  const registered = report.alreadyRegistered ? `; ${report.alreadyRegistered} already registered` : '';
  const fallback =
    (report.catalogFallback !== undefined ? `; catalog not read: ${report.catalogFallback}` : '') +
    (report.handedOff
      ? `; ${plural(report.handedOff.partitions, 'partition')} handed to backfill ${report.handedOff.executionName} (${report.handedOff.window.from}..${report.handedOff.window.to})`
      : '');
  return `${head}; ${report.succeeded} succeeded, ${report.failed} failed, ${report.unconfirmed} unconfirmed, ${plural(report.notSubmitted, 'partition')} not submitted; ${skipped}${hedged}${registered}${notes}${stopped}${fallback}`;
}
