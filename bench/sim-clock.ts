/**
 * Simulated time for the benchmark. The core gets a Clock whose now() is the stand-in's
 * simulated ms and whose sleep(ms) sleeps `ms × timeScale` real ms, so poll intervals and
 * backoffs run in the same time as Athena's quotas and latencies.
 *
 * Two ways to move simulated time (`--clock`):
 * - `paced` (default): simulated time moves only by what the run does, never by how fast
 *   this machine is. A sleep advances it by exactly `ms` (and still waits ms × timeScale
 *   real ms); an Athena or Glue call advances it by a modeled round trip (`apiLatencyMs`),
 *   whatever CPU the in-process stand-in and the SDK spent answering it; the core's own
 *   CPU between calls counts 1:1. Discovery's S3 calls (16 at a time) count nothing.
 * - `scaled`: the stand-in's clock follows the wall clock (simulated = real / timeScale)
 *   and nothing is paused. Every real millisecond then counts 1/timeScale simulated ones
 *   (100 at 0.01): parsing a 200 KB statement or a 4 MB BatchGet answer in-process shows
 *   up as seconds of Athena time, so results depend on the machine. For comparison only.
 */
import type { AthenaPort, CatalogPort, Clock, S3ListingPort } from '../lambda/core/ports';
import type { SimClock } from '../test/support/aws-standin';

export type ClockMode = 'paced' | 'scaled';

export interface ListingFigures {
  /** Port calls made (one listing may span several ListObjectsV2 pages). */
  calls: number;
  /** Real ms from the first call to the last answer. */
  realMs: number;
}

export class TimeKeeper {
  readonly listing: ListingFigures = { calls: 0, realMs: 0 };
  private sim: SimClock | undefined;
  private lastMark = performance.now();
  private listingsInFlight = 0;
  private firstListing: number | undefined;

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

  /** Starts counting the core's CPU from now. */
  mark(): void {
    this.lastMark = performance.now();
  }

  /** Charges the real time since the last mark 1:1 (paced mode). */
  private chargeCpu(): void {
    const now = performance.now();
    if (this.listingsInFlight === 0) this.clock.advance(now - this.lastMark);
    this.lastMark = now;
  }

  readonly sleep = async (ms: number): Promise<void> => {
    const sim = this.clock;
    if (this.mode === 'paced') {
      this.chargeCpu();
      sim.advance(Math.max(0, ms));
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, sim.toRealMs(ms))));
    if (this.mode === 'paced') this.mark();
  };

  coreClock(): Clock {
    return { now: () => this.clock.now(), sleep: this.sleep };
  }

  /** One sequential service call (Athena, Glue). */
  async call<T>(fn: () => Promise<T>): Promise<T> {
    if (this.mode === 'scaled') return fn();
    this.chargeCpu();
    try {
      return await fn();
    } finally {
      this.clock.advance(this.apiLatencyMs);
      this.mark();
    }
  }

  /** A discovery call, possibly concurrent with others: counted, never charged. */
  async listingCall<T>(fn: () => Promise<T>): Promise<T> {
    this.firstListing ??= Date.now();
    this.listing.calls++;
    if (this.mode === 'paced' && this.listingsInFlight === 0) this.chargeCpu();
    this.listingsInFlight++;
    try {
      return await fn();
    } finally {
      this.listingsInFlight--;
      if (this.listingsInFlight === 0) this.mark();
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
    return {
      startQuery: (sql, token) => this.call(() => inner.startQuery(sql, token)),
      getQueryStates: (ids) => this.call(() => inner.getQueryStates(ids)),
    };
  }
}
