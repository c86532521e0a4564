/**
 * Reads Athena's latency history once per invocation, just before the first statement is
 * submitted, and hands the scheduler the samples (`SubmitOptions.latencyHistory`). Best
 * effort: an adapter without the read, a role without athena:ListQueryExecutions (a stack
 * deployed before it was granted), a throttle or a timeout all mean the run learns latency
 * from scratch as before, with one structured warning. The adapter bounds the read in real
 * time (AthenaQueriesOptions.historyTimeoutMs), so it costs a run two round trips normally.
 */
import type { Statement } from '../partitions/ddl';
import type { AthenaPort, Clock } from '../shared/ports';
import { PortError } from '../shared/ports';
import { HISTORY_QUERIES, type HistoryTable, type LatencySample, latencyHistory } from '../submit/history';

/** Structured logging (RunLogger's shape; declared here so run.ts and this file import no circle). */
interface HistoryLogger {
  info(message: string, extra: Record<string, unknown>): void;
  warn(message: string, extra: Record<string, unknown>): void;
}

export interface HistoryRead {
  readonly samples: readonly LatencySample[];
  /** Queries the history answered with (0 when it was not read). */
  readonly queries: number;
  /** Why the history was not read, when it was not. */
  readonly skipped?: string;
}

export interface HistoryContext {
  readonly athena: AthenaPort;
  readonly clock: Clock;
  readonly table: HistoryTable;
  readonly logger?: HistoryLogger;
  /** No read at or after this instant: the run has no time to start statements anyway. */
  readonly startDeadline?: number;
}

export async function readLatencyHistory(context: HistoryContext): Promise<HistoryRead> {
  const { athena, clock, logger } = context;
  if (!athena.recentQueries) return { samples: [], queries: 0, skipped: 'the adapter reads no history' };
  if (clock.now() >= (context.startDeadline ?? Number.POSITIVE_INFINITY))
    return { samples: [], queries: 0, skipped: 'past the start deadline' };
  try {
    const queries = await athena.recentQueries(HISTORY_QUERIES);
    const samples = latencyHistory(queries, context.table, { nowMs: clock.now() });
    logger?.info('athena latency history', { queries: queries.length, latencyFromHistory: samples.length });
    return { samples, queries: queries.length };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    logger?.warn('athena latency history unavailable: latency is learned from this run alone', {
      reason,
      kind: error instanceof PortError ? error.kind : 'error',
    });
    return { samples: [], queries: 0, skipped: reason };
  }
}

/**
 * The statements, and the history read only when there is at least one to submit (the
 * first statement is planned, then handed back first: the plan stays one lazy pass).
 */
export async function withLatencyHistory(
  statements: Iterable<Statement>,
  context: HistoryContext,
  carried: readonly LatencySample[] = [],
): Promise<{ readonly statements: Iterable<Statement>; readonly history: HistoryRead }> {
  // A lane's chunk starts from what the chunk before measured: fresher than the workgroup's
  // history, whose newest queries are then mostly the lanes' own, still running.
  if (carried.length > 0)
    return { statements, history: { samples: carried, queries: 0, skipped: 'the lane carried its latency' } };
  const iterator = statements[Symbol.iterator]();
  const first = iterator.next();
  if (first.done)
    return { statements: [], history: { samples: [], queries: 0, skipped: 'nothing to submit' } };
  const history = await readLatencyHistory(context);
  const rest = { [Symbol.iterator]: () => iterator };
  return {
    statements: (function* () {
      yield first.value;
      yield* rest;
    })(),
    history,
  };
}
