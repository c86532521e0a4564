/**
 * Simulated time for the benchmark. The stand-in turns real ms into simulated ms
 * (simulated = real / timeScale); the core gets a Clock reading that simulated time and
 * sleeping `ms × timeScale` real ms, so its poll intervals and backoffs run in the same
 * time as Athena's quotas and latencies.
 *
 * At timeScale 0.01 every real millisecond counts 100 simulated ones, so the CPU the
 * in-process stand-in and the SDK spend on one call (parsing a 200 KB statement, a 4 MB
 * BatchGet answer, a cold client's first request) would show up as seconds of Athena time.
 * The real clock behind the stand-in is therefore paused while a service call is in
 * flight, and each sequential Athena or Glue call is then charged a modeled round trip
 * (`apiLatencyMs` of simulated time). S3 listing calls run 16 at a time during discovery:
 * they are paused and charged nothing (the stand-in models no S3 latency; discovery is
 * reported by its call count). Only the core's own CPU between calls and its sleeps move
 * simulated time in real time.
 */
import type { AthenaPort, CatalogPort, Clock, S3ListingPort } from '../lambda/core/ports';
import type { SimClock } from '../test/support/aws-standin';

/** Date.now() minus the time spent paused; pauses nest. */
export class PausableRealClock {
  private pausedAt: number | undefined;
  private pausedTotal = 0;
  private depth = 0;

  readonly now = (): number => (this.pausedAt ?? Date.now()) - this.pausedTotal;

  pause(): void {
    if (this.depth++ === 0) this.pausedAt = Date.now();
  }

  resume(): void {
    if (this.depth === 0) throw new Error('resume() without pause()');
    if (--this.depth === 0) {
      this.pausedTotal += Date.now() - (this.pausedAt as number);
      this.pausedAt = undefined;
    }
  }
}

/** Sleeps `simulatedMs` of simulated time. */
export function sleepSimulated(sim: SimClock, simulatedMs: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, sim.toRealMs(simulatedMs))));
}

/** The core's clock: the stand-in's simulated ms, and sleeps scaled to real time. */
export function simulatedClock(sim: SimClock): Clock {
  return { now: () => sim.now(), sleep: (ms) => sleepSimulated(sim, ms) };
}

export interface CallFigures {
  /** Port calls made (an S3 listing may span several ListObjectsV2 pages). */
  calls: number;
  /** Real ms from the first call to the last answer. */
  realMs: number;
}

/** Runs service calls with simulated time stopped, charging a modeled latency for sequential ones. */
export class ServiceTime {
  readonly listing: CallFigures = { calls: 0, realMs: 0 };
  private firstListing: number | undefined;

  constructor(
    private readonly real: PausableRealClock,
    private readonly sim: SimClock,
    readonly apiLatencyMs: number,
  ) {}

  /** One sequential call (Athena, Glue): paused, then `apiLatencyMs` of simulated time. */
  async call<T>(fn: () => Promise<T>): Promise<T> {
    this.real.pause();
    try {
      return await fn();
    } finally {
      this.real.resume();
      this.sim.advance(this.apiLatencyMs);
    }
  }

  /** A discovery call, possibly concurrent with others: paused, charged nothing. */
  async listingCall<T>(fn: () => Promise<T>): Promise<T> {
    this.firstListing ??= Date.now();
    this.listing.calls++;
    this.real.pause();
    try {
      return await fn();
    } finally {
      this.real.resume();
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
    return { getPartitionKeys: (database, table) => this.call(() => inner.getPartitionKeys(database, table)) };
  }

  athena(inner: AthenaPort): AthenaPort {
    return {
      startQuery: (sql, token) => this.call(() => inner.startQuery(sql, token)),
      getQueryStates: (ids) => this.call(() => inner.getQueryStates(ids)),
    };
  }
}
