/**
 * The query executions a scheduler has in flight. Usually one per statement; a hedged
 * statement has two (its original and its hedge), and a loser whose stop failed (or that
 * could not be stopped) stays as an orphan: it still holds an active-DDL slot in Athena, so it
 * counts toward the limit and is polled until it ends, but its end settles nothing.
 */
import { type HedgeSlots, shouldHedge } from './hedge';
import { type AthenaPort, PortError } from '../shared/ports';
import type { Flight } from './scheduler-options';

export interface Execution {
  readonly flight: Flight;
  readonly startedAt: number;
  /** True for a statement's second execution. */
  readonly hedge: boolean;
  /** Last time a status call saw it RUNNING. */
  seenRunningAt?: number;
  /** The statement was settled by another execution: this one's end means nothing. */
  orphan: boolean;
  /** StopQueryExecution was accepted: it still holds its slot until Athena reports it ended. */
  stopRequested?: boolean;
  /** Stop calls refused for a passing reason (throttled, transient), for the retry cap. */
  stopErrors?: number;
}

/** Partitions a flight holds: an adopted query's statement lists none, its carry says how many. */
export function flightPartitions(flight: Flight): number {
  return flight.adopted?.partitions ?? flight.statement.partitions.length;
}

/** False for an adopted query whose text is not known yet (carry.ts): it cannot be started again. */
export function canRestart(flight: Flight): boolean {
  return flight.statement.sql !== '';
}

/** Stop calls per loser before it is left to end on its own (polled, counted against the limit). */
const MAX_STOP_ATTEMPTS = 3;

export class Executions {
  private readonly byId = new Map<string, Execution>();
  /** Statements (by index) that had their one hedge, or whose hedge was refused for good. */
  private readonly hedged = new Set<number>();
  private readonly hedgeStartErrors = new Map<number, number>();

  /** Executions holding a slot, orphans included. */
  get size(): number {
    return this.byId.size;
  }

  ids(): string[] {
    return [...this.byId.keys()];
  }

  get(queryId: string): Execution | undefined {
    return this.byId.get(queryId);
  }

  has(queryId: string): boolean {
    return this.byId.has(queryId);
  }

  add(queryId: string, flight: Flight, startedAt: number, hedge = false): void {
    this.byId.set(queryId, { flight, startedAt, hedge, orphan: false });
    if (hedge) this.hedged.add(flight.statement.index);
  }

  entries(): [string, Execution][] {
    return [...this.byId.entries()];
  }

  delete(queryId: string): void {
    this.byId.delete(queryId);
  }

  /** Executions that still decide a statement's outcome (orphans do not). */
  get deciding(): number {
    let count = 0;
    for (const execution of this.byId.values()) if (!execution.orphan) count++;
    return count;
  }

  /** The executions of a statement attempt that still decide it. */
  of(flight: Flight): string[] {
    const out: string[] = [];
    for (const [id, execution] of this.byId)
      if (execution.flight === flight && !execution.orphan) out.push(id);
    return out;
  }

  /** Marks executions as orphans (their statement is settled); returns their IDs. */
  orphan(queryIds: readonly string[]): string[] {
    for (const id of queryIds) {
      const execution = this.byId.get(id);
      if (execution) execution.orphan = true;
    }
    return [...queryIds];
  }

  /**
   * Asks Athena to stop orphans (best effort). An accepted stop does not free the slot at once:
   * Athena answers before the query is CANCELLED (and answers the same for one that had just
   * ended), so the orphan stays, polled, until a status call sees it end. A stop refused for a
   * passing reason is returned in `retry` (up to MAX_STOP_ATTEMPTS); any other refusal, or a
   * port without stopQuery, leaves the orphan to end on its own. Returns the IDs asked to stop.
   */
  async stop(
    queryIds: readonly string[],
    athena: AthenaPort,
    failed: (statement: number, queryId: string, error: unknown) => void,
  ): Promise<{ readonly requested: string[]; readonly retry: string[] }> {
    const requested: string[] = [];
    const retry: string[] = [];
    for (const id of queryIds) {
      const execution = this.byId.get(id);
      if (!execution || execution.stopRequested) continue;
      if (!athena.stopQuery) {
        failed(execution.flight.statement.index, id, new Error('the Athena port cannot stop queries'));
        continue;
      }
      try {
        await athena.stopQuery(id);
        execution.stopRequested = true;
        requested.push(id);
      } catch (error) {
        failed(execution.flight.statement.index, id, error);
        execution.stopErrors = (execution.stopErrors ?? 0) + 1;
        const passing =
          error instanceof PortError && (error.kind === 'throttled' || error.kind === 'transient');
        if (passing && execution.stopErrors < MAX_STOP_ATTEMPTS) retry.push(id);
      }
    }
    return { requested, retry };
  }

  /** Each statement attempt still undecided, once (a hedged one has two executions). */
  flights(): Flight[] {
    const flights = new Set<Flight>();
    for (const execution of this.byId.values()) if (!execution.orphan) flights.add(execution.flight);
    return [...flights];
  }

  /** Counts a hedge start that failed for a transient reason; returns the count so far. */
  hedgeStartFailed(statementIndex: number): number {
    const count = (this.hedgeStartErrors.get(statementIndex) ?? 0) + 1;
    this.hedgeStartErrors.set(statementIndex, count);
    return count;
  }

  /** True when the statement had its one hedge (or one was refused for good). */
  hadHedge(statementIndex: number): boolean {
    return this.hedged.has(statementIndex);
  }

  /** A hedge's start failed for good (not a throttle): the statement gets no other. */
  refuseHedge(statementIndex: number): void {
    this.hedged.add(statementIndex);
  }

  private hedgesInFlight(): number {
    let count = 0;
    for (const execution of this.byId.values()) if (execution.hedge && !execution.orphan) count++;
    return count;
  }

  /**
   * The execution to hedge now, if any: the one furthest past its expected latency among those
   * {@link shouldHedge} allows. `expectedMs` is what Athena's recent timings predict for a size.
   */
  pickHedge(
    slots: Omit<HedgeSlots, 'inFlight' | 'hedgesInFlight'>,
    expectedMs: (partitions: number) => number,
  ): Flight | undefined {
    const view = { ...slots, inFlight: this.size, hedgesInFlight: this.hedgesInFlight() };
    let best: { flight: Flight; overrun: number } | undefined;
    for (const execution of this.byId.values()) {
      // An adopted query whose text no status answer has told yet cannot run a second time.
      if (execution.orphan || execution.seenRunningAt === undefined || !canRestart(execution.flight))
        continue;
      const { statement } = execution.flight;
      const candidate = {
        seenRunningMs: execution.seenRunningAt - execution.startedAt,
        expectedMs: expectedMs(flightPartitions(execution.flight)),
        hedged: this.hedged.has(statement.index) || this.of(execution.flight).length > 1,
      };
      if (!shouldHedge(candidate, view)) continue;
      const overrun = candidate.seenRunningMs / candidate.expectedMs;
      if (!best || overrun > best.overrun) best = { flight: execution.flight, overrun };
    }
    return best?.flight;
  }
}
