/**
 * A tail handed from one invocation to the next (a Step Functions lane, lanes.md in docs/design.md).
 * An invocation that has started every statement and has another chunk after it in its lane
 * returns at once; the queries still running ride to the next invocation, which adopts them: they
 * hold their slots and are polled with its own, so the lane's slots never idle through a tail.
 * An adopted query has no SQL here, so it is never retried or hedged: a failure is reported, and
 * the run repairs its window from the catalog (run/lane-carry.ts).
 */
import type { Statement } from '../partitions/ddl';
import type { LatencySample } from './latency';
import type { Flight } from './scheduler-options';

/** One statement's executions still running when its invocation handed it on. */
export interface CarriedQuery {
  /** Its execution IDs: one, or two for a hedged statement (the first to succeed settles it). */
  readonly ids: readonly string[];
  readonly partitions: number;
  /** Epoch ms its first execution started: when it is expected to end. */
  readonly startedAt: number;
  /**
   * A loser asked to stop (its statement is settled): it holds its slot until Athena ends it,
   * so the next invocation counts it, but its end decides nothing.
   */
  readonly orphan?: boolean;
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

/** A flight of its own for each adopted query: a negative index no statement has, and no SQL. */
export function adoptedFlights(carried: readonly CarriedQuery[]): Flight[] {
  return carried.map((query, i) => {
    const statement: Statement = { index: -1 - i, sql: '', bytes: 0, partitions: [] };
    return { statement, attempt: 1, queryIds: [...query.ids], startErrors: 0, adopted: query };
  });
}

/** Partitions a flight holds, adopted or not (an adopted flight's statement lists none). */
export function flightPartitions(flight: Flight): number {
  return flight.adopted?.partitions ?? flight.statement.partitions.length;
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
