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
    return { statement, attempt: 1, queryIds: [...query.ids], startErrors: 0, adopted: query };
  });
}

/**
 * An adopted query's text, from Athena's status answer: from then on it can be hedged or
 * retried like the run's own. The statement object is the one {@link adoptedFlights} made for
 * this flight alone, so filling it in place changes nothing anyone else holds.
 */
export function learnSql(flight: Flight, sql: string | undefined): void {
  if (!flight.adopted || flight.statement.sql !== '' || !sql) return;
  const statement = flight.statement as { sql: string; bytes: number };
  statement.sql = sql;
  statement.bytes = Buffer.byteLength(sql);
}

/** An earlier invocation's tail, in flight from the start, each execution at its own start time. */
export function adoptInto(carried: readonly CarriedQuery[], inFlight: Executions, polls: PollPlanner): void {
  for (const flight of adoptedFlights(carried)) {
    const { startedAt } = flight.adopted as CarriedQuery;
    for (const id of flight.queryIds) {
      if (inFlight.has(id)) continue; // a repeated ID in a hand-written carry
      inFlight.add(id, flight, startedAt);
      polls.started(id, flightPartitions(flight), startedAt, flight.statement.index);
      if (flight.adopted?.orphan) {
        inFlight.orphan([id]);
        polls.orphaned(id);
      }
    }
  }
}

/** Everything in flight, handed on: each undecided statement once, then the losers still stopping. */
export function handOnAll(inFlight: Executions, tally: CarryTally): void {
  for (const flight of inFlight.flights()) {
    const executions = inFlight.of(flight).map((id) => ({ id, startedAt: inFlight.get(id)?.startedAt ?? 0 }));
    tally.handOn(flight, executions);
    for (const { id } of executions) inFlight.delete(id);
  }
  // Losers being stopped still hold slots: the next invocation must count them.
  for (const [id, execution] of inFlight.entries())
    tally.handOnOrphan(execution.flight, id, execution.startedAt);
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
  handOn(flight: Flight, executions: readonly { id: string; startedAt: number }[]): void {
    if (executions.length === 0) return;
    if (flight.adopted) this.adoptedHandedOn++;
    this.handed.push({
      ids: executions.map((e) => e.id),
      partitions: flightPartitions(flight),
      startedAt: flight.adopted?.startedAt ?? Math.min(...executions.map((e) => e.startedAt)),
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
