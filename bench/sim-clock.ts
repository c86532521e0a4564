/**
 * Simulated time for the benchmark. The core gets a Clock whose now() is the stand-in's
 * simulated ms and whose sleep(ms) sleeps `ms × timeScale` real ms, so poll intervals and
 * backoffs run in the same time as Athena's quotas and latencies.
 *
 * Two ways to move simulated time (`--clock`):
 * - `paced` (default): simulated time moves only by what the runs do, never by how fast this
 *   machine is. It is a discrete-event clock over "actors" (one per run in flight; the Step
 *   Functions scenario has several chunks at once): a sleep parks the actor until its wake
 *   time, and time jumps to the earliest wake time only when every actor is parked. An
 *   Athena or Glue call costs a modeled round trip (`apiLatencyMs`) of the caller's time,
 *   whatever CPU the in-process stand-in and the SDK spent answering it. Discovery's S3
 *   calls (16 at a time) and the core's own CPU count nothing: S3 is counted by calls, and
 *   CPU is measured on its own (the CPU figures).
 * - `scaled`: the stand-in's clock follows the wall clock (simulated = real / timeScale)
 *   and nothing is paused. Every real millisecond then counts 1/timeScale simulated ones
 *   (100 at 0.01): parsing a 200 KB statement or a 4 MB BatchGet answer in-process shows
 *   up as seconds of Athena time, so results depend on the machine. For comparison only.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { AthenaPort, CatalogPort, Clock, S3ListingPort } from '../lambda/core/shared/ports';
import type { SimClock } from '../test/support/aws-standin';

export type ClockMode = 'paced' | 'scaled';

export interface ListingFigures {
  /** Port calls made (one listing may span several ListObjectsV2 pages). */
  calls: number;
  /** Real ms from the first call to the last answer. */
  realMs: number;
}

interface Waiter {
  readonly at: number;
  /** The actor that sleeps: one actor may have several calls in flight at once. */
  readonly actor: number;
  readonly seq: number;
  readonly wake: () => void;
}

export class TimeKeeper {
  readonly listing: ListingFigures = { calls: 0, realMs: 0 };
  private sim: SimClock | undefined;
  private firstListing: number | undefined;
  private actors = 1;
  private readonly waiters: Waiter[] = [];
  private seq = 0;
  private pumping = false;
  /** Service calls whose answer has not come back yet: time stands still until they have. */
  private busy = 0;
  private readonly current = new AsyncLocalStorage<number>();
  private readonly inCall = new AsyncLocalStorage<boolean>();
  private nextActor = 1;

  constructor(
    readonly mode: ClockMode,
    readonly apiLatencyMs: number,
  ) {}

  /** The real clock to give the stand-in: frozen when paced (only advance() moves it). */
  readonly realNow = (): number => (this.mode === 'paced' ? 0 : Date.now());

  attach(sim: SimClock): void {
    this.sim = sim;
  }

  private get clock(): SimClock {
    if (!this.sim) throw new Error('TimeKeeper used before attach()');
    return this.sim;
  }

  /** Kept for callers that mark the start of a run; the paced clock charges no CPU. */
  mark(): void {}

  /** Runs `fn` as one more actor: time waits for it as for every other actor. */
  async actor<T>(fn: () => Promise<T>): Promise<T> {
    this.actors++;
    try {
      return await this.current.run(this.nextActor++, fn);
    } finally {
      this.actors--;
      this.pump();
    }
  }

  /** Sets the number of actors outside {@link actor} (the scenario's own flow). */
  setBaseActors(count: number): void {
    this.actors = count;
  }

  readonly sleep = async (ms: number): Promise<void> => {
    const sim = this.clock;
    if (this.mode === 'scaled') {
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, sim.toRealMs(ms))));
      return;
    }
    await new Promise<void>((wake) => {
      const actor = this.current.getStore() ?? 0;
      this.waiters.push({ at: sim.now() + Math.max(0, ms), actor, seq: this.seq++, wake });
      this.pump();
    });
  };

  /**
   * Wakes the earliest sleeper once every actor sleeps; deferred so other actors can park first.
   * An actor sleeps when one of its strands does and none of its calls is still being answered
   * (the scheduler sends several starts at once and waits for all of them). Each wake is
   * followed by another look: an actor with several sleeping calls is still parked on the rest.
   */
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    setImmediate(() => {
      this.pumping = false;
      if (this.waiters.length === 0 || this.busy > 0) return;
      if (new Set(this.waiters.map((w) => w.actor)).size < this.actors) return;
      let next = 0;
      for (let i = 1; i < this.waiters.length; i++) {
        const w = this.waiters[i];
        const n = this.waiters[next];
        if (w.at < n.at || (w.at === n.at && w.seq < n.seq)) next = i;
      }
      const [waiter] = this.waiters.splice(next, 1);
      const sim = this.clock;
      if (waiter.at > sim.now()) sim.advance(waiter.at - sim.now());
      waiter.wake();
      if (this.waiters.length > 0) this.pump();
    });
  }

  coreClock(): Clock {
    return { now: () => this.clock.now(), sleep: this.sleep };
  }

  /**
   * One service call (Athena, Glue): its answer, then the modeled round trip. Calls sent at
   * once overlap. A call inside another would wait forever for time to move (the outer one is
   * still being answered), so it is refused: charge a second round trip with sleep() instead.
   */
  async call<T>(fn: () => Promise<T>): Promise<T> {
    if (this.inCall.getStore())
      throw new Error('TimeKeeper.call() inside another call: time could never move');
    this.busy++;
    try {
      return await this.inCall.run(true, fn);
    } finally {
      this.busy--;
      if (this.mode === 'paced') await this.sleep(this.apiLatencyMs);
    }
  }

  /** A discovery call, possibly concurrent with others: counted, never charged. */
  async listingCall<T>(fn: () => Promise<T>): Promise<T> {
    this.firstListing ??= Date.now();
    this.listing.calls++;
    try {
      return await fn();
    } finally {
      this.listing.realMs = Date.now() - this.firstListing;
    }
  }
  s3(inner: S3ListingPort): S3ListingPort {
    return {
      listChildNames: (prefix) => this.listingCall(() => inner.listChildNames(prefix)),
      hasAnyObject: (prefix) => this.listingCall(() => inner.hasAnyObject(prefix)),
    };
  }

  catalog(inner: CatalogPort): CatalogPort {
    return {
      getPartitionKeys: (database, table) => this.call(() => inner.getPartitionKeys(database, table)),
    };
  }

  athena(inner: AthenaPort): AthenaPort {
    const recent = inner.recentQueries?.bind(inner);
    return {
      startQuery: (sql, token) => this.call(() => inner.startQuery(sql, token)),
      getQueryStates: (ids) => this.call(() => inner.getQueryStates(ids)),
      // The history read is two requests (list, then one batch): charged two round trips.
      ...(recent
        ? {
            recentQueries: async (n: number) => {
              const answer = await this.call(() => recent(n));
              if (this.mode === 'paced') await this.sleep(this.apiLatencyMs);
              return answer;
            },
          }
        : {}),
      // A hedge's loser is stopped through the real adapter, like any call (StopQueryExecution).
      ...(inner.stopQuery
        ? { stopQuery: (id: string) => this.call(() => inner.stopQuery?.(id) ?? Promise.resolve()) }
        : {}),
    };
  }
}
