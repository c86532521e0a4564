/**
 * Simulated time, Athena's documented quotas and the counters the stand-in keeps.
 *
 * Everything time-based (token buckets, DDL latency, throttle windows) runs on simulated
 * milliseconds: simulated = offset + elapsed real ms / timeScale. timeScale 0.01 makes one
 * simulated second last 10 real ms, so a benchmark can replay a long backfill quickly while
 * the quotas keep their real-world proportions.
 */

/** Operations the stand-in serves; also the keys of rates, stats and throttle faults. */
export type Operation =
  | 'ListObjectsV2'
  | 'GetTable'
  | 'GetPartitions'
  | 'GetPartitionIndexes'
  | 'StartQueryExecution'
  | 'GetQueryExecution'
  | 'BatchGetQueryExecution'
  | 'ListQueryExecutions'
  | 'StopQueryExecution';

export interface RateLimit {
  /** Sustained calls per simulated second. */
  readonly perSecond: number;
  /** Bucket size: calls allowed at once after a quiet period. */
  readonly burst: number;
}

export interface QuotaOptions {
  /** Queued + running DDL queries allowed; one more start is TooManyRequestsException. Athena default 20. */
  readonly maxActiveDdl: number;
  /** Queries running at once; the rest stay QUEUED. Default: no limit below maxActiveDdl. */
  readonly ddlRunSlots: number;
  /** Simulated ms a query stays QUEUED before it may run. */
  readonly ddlQueueMs: number;
  /** Simulated run time of one DDL: ddlFixedMs + ddlPerPartitionMs × partitions in the statement. */
  readonly ddlFixedMs: number;
  readonly ddlPerPartitionMs: number;
  /**
   * Replaces ddlFixedMs + ddlPerPartitionMs × partitions when set: a latency model that the
   * code under test does not share (noisy, heavy-tailed). The benchmark's hook. `execution`
   * counts the earlier executions of the same SQL in this stand-in (0 for the first), so a
   * model can draw a re-execution afresh.
   */
  readonly ddlLatencyMs?: (partitions: number, sql: string, execution: number) => number;
  /** Athena's QueryString limit in UTF-8 bytes (not adjustable in Athena). */
  readonly maxQueryBytes: number;
  /** BatchGetQueryExecution accepts at most this many IDs. */
  readonly maxBatchGetIds: number;
  /** Per-operation token buckets; null or absent means unlimited. */
  readonly rates: Partial<Record<Operation, RateLimit | null>>;
}

/** Athena's documented per-account API quotas ("Per account API call quotas" in the Athena user guide). */
export const ATHENA_RATES: Partial<Record<Operation, RateLimit>> = {
  StartQueryExecution: { perSecond: 20, burst: 80 },
  GetQueryExecution: { perSecond: 100, burst: 200 },
  BatchGetQueryExecution: { perSecond: 20, burst: 40 },
};

/**
 * Glue documents no per-operation rate for GetPartitions (only that requests are throttled per
 * account and region). The stand-in assumes a conservative 10 calls/s with a burst of 20, so a
 * read that passes here passes any higher real limit. *Unverified*: see docs/audit.md.
 */
export const GLUE_RATES: Partial<Record<Operation, RateLimit>> = {
  GetPartitions: { perSecond: 10, burst: 20 },
};

/**
 * Quota defaults. Athena documents no DDL latency, so the defaults come from public reports
 * (see docs/benchmark.md): one `ALTER TABLE ADD IF NOT EXISTS` of 365 partitions took about
 * 15 s (duo-labs/cloudtracker#49), and a small DDL takes 1-2 s. ddlFixedMs 1,500 plus
 * ddlPerPartitionMs 37 gives 1.5 s for one partition and 1.5 + 365 × 0.037 ≈ 15 s for 365.
 */
export const DEFAULT_QUOTAS: QuotaOptions = {
  maxActiveDdl: 20,
  ddlRunSlots: Number.POSITIVE_INFINITY,
  ddlQueueMs: 100,
  ddlFixedMs: 1500,
  ddlPerPartitionMs: 37,
  maxQueryBytes: 262_144,
  maxBatchGetIds: 50,
  rates: { ...ATHENA_RATES, ...GLUE_RATES },
};

export function resolveQuotas(overrides: Partial<QuotaOptions> = {}): QuotaOptions {
  return { ...DEFAULT_QUOTAS, ...overrides, rates: { ...DEFAULT_QUOTAS.rates, ...overrides.rates } };
}

export class SimClock {
  private readonly realStart: number;
  /** Response timestamps are anchored on the wall clock even when `realNow` is a test's frozen clock. */
  private epochBase = Date.now();
  private offsetMs = 0;

  constructor(
    readonly timeScale: number,
    private readonly realNow: () => number,
  ) {
    if (!(timeScale > 0)) throw new Error(`timeScale must be > 0, got ${timeScale}`);
    this.realStart = realNow();
  }

  /** Simulated ms since the stand-in started. */
  now(): number {
    return this.offsetMs + (this.realNow() - this.realStart) / this.timeScale;
  }

  /** Jump simulated time forward (e.g. to finish running queries without waiting). */
  advance(simulatedMs: number): void {
    this.offsetMs += Math.max(0, simulatedMs);
  }

  /** Real ms that `simulatedMs` take. */
  toRealMs(simulatedMs: number): number {
    return simulatedMs * this.timeScale;
  }

  /**
   * Puts response timestamps on a caller's clock: `epochMs(simulatedMs)` becomes `epoch`, so
   * Glue's CreationTime and Athena's timings compare with a handler clock that starts elsewhere.
   */
  anchor(epoch: number, simulatedMs = this.now()): void {
    this.epochBase = epoch - simulatedMs;
  }

  /** Wall-clock epoch ms for a simulated instant, for timestamps in responses. */
  epochMs(simulatedMs: number): number {
    return this.epochBase + simulatedMs;
  }
}

/** Classic token bucket, refilled in simulated time, starting full. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly limit: RateLimit,
    private readonly clock: SimClock,
  ) {
    this.tokens = limit.burst;
    this.last = clock.now();
  }

  tryTake(): boolean {
    const now = this.clock.now();
    this.tokens = Math.min(this.limit.burst, this.tokens + ((now - this.last) / 1000) * this.limit.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export interface StandInStats {
  /** Requests received per operation (every attempt, throttled or not). */
  calls: Partial<Record<Operation, number>>;
  /** Throttling answers per operation: rate limit, TooManyRequests, SlowDown, throttle faults. */
  throttled: Partial<Record<Operation, number>>;
  /** Other errors answered per operation: injected ones, validation errors, missing buckets/tables/queries. */
  errors: Partial<Record<Operation, number>>;
  /** 301 PermanentRedirect answers for buckets in another region. */
  redirects: number;
  /** Highest number of queued + running DDL queries seen. */
  maxConcurrentActive: number;
  /** Queries accepted (new QueryExecutionIds; idempotent repeats not counted). */
  statements: number;
  /** UTF-8 size of each accepted statement, in order. */
  statementBytes: number[];
  /** Partitions that did not exist before and were added by DDL. */
  partitionsAdded: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  /** Simulated ms during which at least one query was running. */
  busySimMs: number;
  /** Sum of simulated run times of finished queries. */
  queryRunSimMs: number;
}

export function emptyStats(): StandInStats {
  return {
    calls: {},
    throttled: {},
    errors: {},
    redirects: 0,
    maxConcurrentActive: 0,
    statements: 0,
    statementBytes: [],
    partitionsAdded: 0,
    succeeded: 0,
    failed: 0,
    cancelled: 0,
    busySimMs: 0,
    queryRunSimMs: 0,
  };
}

export function bump(counter: Partial<Record<Operation, number>>, op: Operation): void {
  counter[op] = (counter[op] ?? 0) + 1;
}
