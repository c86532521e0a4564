/**
 * A tail handed from one invocation to the next (a Step Functions lane; docs/design.md, "Lanes").
 * An invocation that has started every statement and has another chunk after it in its lane
 * returns at once; the queries still running ride to the next invocation, which adopts them: they
 * hold their slots and are polled with its own, so the lane's slots never idle through a tail.
 * An adopted query learns its SQL from Athena's status answer (QueryExecution.Query) and is then
 * hedged or retried like the run's own; one whose text never comes is only watched. A failure
 * that stays is reported, and the run repairs its days from the catalog (run/lane-carry.ts).
 */
import type { Statement } from '../partitions/ddl';
import type { LatencySample } from './latency';
import type { AdoptedFailure, CarriedQuery, CarryResult } from './outcomes';
import { type Executions, flightPartitions } from './executions';
import { addedPartitions, type HistoryTable } from './history';
import type { PollPlanner } from './poll-plan';
import type { Flight } from './scheduler-options';

export type { AdoptedFailure, CarriedQuery, CarryResult } from './outcomes';
export { flightPartitions } from './executions';

/**
 * A flight of its own for each adopted query: a negative index no statement has, and no SQL
 * until a status answer tells it ({@link learnSql}).
 */
export function adoptedFlights(carried: readonly CarriedQuery[]): Flight[] {
  return carried.map((query, i) => {
    const statement: Statement = { index: -1 - i, sql: '', bytes: 0, partitions: [] };
    const attempt = query.attempt ?? 1;
    return { statement, attempt, queryIds: [...query.ids], startErrors: 0, adopted: query };
  });
}

/**
 * An adopted query's text, from Athena's status answer: from then on it can be hedged or
 * retried like the run's own. Only a text that adds exactly its carried partitions to this
 * run's table is taken (a carry names query IDs, and whoever may invoke the function could name
 * any query of the workgroup: that one is watched, never run again). The statement object is the
 * one {@link adoptedFlights} made for this flight alone, so filling it in place changes nothing
 * anyone else holds.
 */
export function learnSql(flight: Flight, sql: string | undefined, table: HistoryTable | undefined): void {
  if (!flight.adopted || flight.statement.sql !== '' || !sql || !table) return;
  if (addedPartitions(sql, table) !== flight.adopted.partitions) return;
  const statement = flight.statement as { sql: string; bytes: number };
  statement.sql = sql;
  statement.bytes = Buffer.byteLength(sql);
}

/** An earlier invocation's tail, in flight from the start, each execution at its own start time. */
export function adoptInto(carried: readonly CarriedQuery[], inFlight: Executions, polls: PollPlanner): void {
  for (const flight of adoptedFlights(carried)) {
    const query = flight.adopted as CarriedQuery;
    if (query.hedged) inFlight.refuseHedge(flight.statement.index);
    for (const [k, id] of flight.queryIds.entries()) {
      if (inFlight.has(id)) continue; // a repeated ID in a hand-written carry
      const startedAt = query.starts?.[k] ?? query.startedAt;
      inFlight.add(id, flight, startedAt);
      polls.started(id, flightPartitions(flight), startedAt, flight.statement.index);
      if (query.orphan) {
        inFlight.orphan([id]);
        // Asked to stop by the invocation before: a CANCELLED end is no latency sample.
        (inFlight.get(id) as { stopRequested?: boolean }).stopRequested = true;
        polls.orphaned(id);
      }
    }
  }
}

/** Everything in flight, handed on: each undecided statement once, then the losers still stopping. */
export function handOnAll(inFlight: Executions, tally: CarryTally): void {
  for (const flight of inFlight.flights()) {
    const executions = inFlight.of(flight).map((id) => ({ id, startedAt: inFlight.get(id)?.startedAt ?? 0 }));
    tally.handOn(flight, executions, inFlight.hadHedge(flight.statement.index));
    for (const { id } of executions) inFlight.delete(id);
  }
  // Losers being stopped still hold slots: the next invocation must count them.
  for (const [id, execution] of inFlight.entries())
    tally.handOnOrphan(execution.flight, id, execution.startedAt);
}

/** What a submission with nothing adopted and nothing handed on reports. */
export const NO_CARRY: CarryResult = {
  confirmed: 0,
  partitionsConfirmed: 0,
  failed: [],
  handedOn: [],
  adoptedHandedOn: 0,
  latency: [],
};

/** Status calls in a row that must leave an adopted ID out before it counts as unknown to Athena. */
export const UNKNOWN_AFTER_CALLS = 3;

/**
 * Adopted IDs Athena does not answer for (BatchGetQueryExecution lists them as unprocessed: a
 * query of another workgroup, or a hand-written carry). Left alone they would be polled until
 * the deadline and fail the chunk three times over; after a few calls they count as failed, so
 * the chunk repairs their days from the catalog instead.
 */
export class UnknownAdopted {
  private readonly misses = new Map<string, number>();

  /** The adopted IDs of `batch` this answer left out for the UNKNOWN_AFTER_CALLS-th time in a row. */
  check(batch: readonly string[], states: readonly { queryId: string }[], inFlight: Executions): string[] {
    const answered = new Set(states.map((state) => state.queryId));
    const unknown: string[] = [];
    for (const id of batch) {
      if (answered.has(id) || !inFlight.get(id)?.flight.adopted) {
        this.misses.delete(id);
        continue;
      }
      const misses = (this.misses.get(id) ?? 0) + 1;
      this.misses.set(id, misses);
      if (misses >= UNKNOWN_AFTER_CALLS) unknown.push(id);
    }
    return unknown;
  }
}

/** Counts what became of adopted queries and collects what is handed on. */
export class CarryTally {
  private confirmed = 0;
  private partitionsConfirmed = 0;
  private readonly failures: AdoptedFailure[] = [];
  private readonly handed: CarriedQuery[] = [];
  private adoptedHandedOn = 0;

  get failedCount(): number {
    return this.failures.length;
  }

  /** An adopted query's end, or `unconfirmed` when the invocation ran out of time first. */
  ended(flight: Flight, status: 'succeeded' | AdoptedFailure['status'], reason: string): void {
    const partitions = flightPartitions(flight);
    if (status === 'succeeded') {
      this.confirmed++;
      this.partitionsConfirmed += partitions;
    } else this.failures.push({ ids: flight.queryIds, partitions, status, reason });
  }

  /** A statement still running at the hand-off: its deciding executions and earliest start. */
  handOn(flight: Flight, executions: readonly { id: string; startedAt: number }[], hedged: boolean): void {
    if (executions.length === 0) return;
    if (flight.adopted) this.adoptedHandedOn++;
    const starts = executions.map((e) => e.startedAt);
    this.handed.push({
      ids: executions.map((e) => e.id),
      partitions: flightPartitions(flight),
      startedAt: Math.min(...starts),
      starts,
      ...(flight.attempt > 1 ? { attempt: flight.attempt } : {}),
      ...(hedged ? { hedged: true } : {}),
    });
  }

  /** A stopped loser still holding its slot. */
  handOnOrphan(flight: Flight, id: string, startedAt: number): void {
    this.handed.push({ ids: [id], partitions: flightPartitions(flight), startedAt, orphan: true });
  }

  result(latency: () => readonly LatencySample[]): CarryResult {
    return {
      latency: this.handed.length > 0 ? latency() : [],
      confirmed: this.confirmed,
      partitionsConfirmed: this.partitionsConfirmed,
      failed: this.failures,
      handedOn: this.handed,
      adoptedHandedOn: this.adoptedHandedOn,
    };
  }
}
