/**
 * Fault injection: a test arms faults on `standIn.faults`; the handlers consult them.
 * Counted faults (`times`) are consumed one per matching request; `Infinity` never runs out.
 */
import type { Operation, SimClock } from './quota-model';

export type S3ErrorCode =
  'SlowDown' | 'InternalError' | 'ServiceUnavailable' | 'AccessDenied' | 'NoSuchBucket';
export type GlueErrorCode =
  | 'ThrottlingException'
  | 'AccessDeniedException'
  | 'InternalServiceException'
  | 'OperationTimeoutException'
  | 'EntityNotFoundException';
export type AthenaErrorCode =
  | 'ThrottlingException'
  | 'TooManyRequestsException'
  | 'InternalServerException'
  | 'InvalidRequestException'
  | 'AccessDeniedException';
export type GlueOperation = 'GetTable' | 'GetPartitions';
export type AthenaOperation =
  | 'StartQueryExecution'
  | 'GetQueryExecution'
  | 'BatchGetQueryExecution'
  | 'ListQueryExecutions'
  | 'StopQueryExecution';

/** How a query that a fault hits ends, instead of succeeding. */
export interface QueryOutcome {
  readonly reason: string;
  /** Athena's AthenaError.Retryable; omitted from the response when undefined. */
  readonly retryable?: boolean;
  /** Default 'FAILED'. */
  readonly state?: 'FAILED' | 'CANCELLED';
  /** AthenaError.ErrorCategory: 1 system, 2 user, 3 other. Default 1 when retryable, else 2. */
  readonly errorCategory?: 1 | 2 | 3;
}

export type SqlMatcher = RegExp | ((sql: string) => boolean);

interface Counted<T> {
  readonly value: T;
  remaining: number;
}

export class Faults {
  private readonly throttleUntil = new Map<Operation, number>();
  private readonly s3Errors: Counted<{ bucket?: string; prefix: string; code: S3ErrorCode }>[] = [];
  private readonly glueErrors: Counted<{ code: GlueErrorCode; op: GlueOperation }>[] = [];
  private readonly athenaErrors: Counted<{ op: AthenaOperation; code: AthenaErrorCode; message?: string }>[] =
    [];
  private readonly queryFaults: Counted<{ match?: SqlMatcher; outcome: QueryOutcome }>[] = [];
  private extraQueryMs = 0;
  /** Every storm armed, each kept: a second storm adds a window, it does not replace the first. */
  private readonly slotsTakenWindows: Window[] = [];
  private readonly throttleWindows = new Map<Operation, Window[]>();

  constructor(private readonly clock: SimClock) {}

  /** Every call to `op` during the next `simulatedMs` is throttled (ThrottlingException / SlowDown). */
  throttleFor(op: Operation | readonly Operation[], simulatedMs: number): void {
    for (const o of typeof op === 'string' ? [op] : op)
      this.throttleUntil.set(o, this.clock.now() + simulatedMs);
  }

  /**
   * Between simulated `fromMs` and `toMs` (absolute), every StartQueryExecution is refused with
   * TooManyRequestsException (others hold the active-query quota) and every call to each of
   * `rateOps` is throttled: a throttle storm at a chosen moment of a run. Each call adds a
   * storm; earlier ones stay armed.
   */
  stormBetween(fromMs: number, toMs: number, rateOps: readonly Operation[] = []): void {
    this.slotsTakenWindows.push({ fromMs, toMs });
    for (const op of rateOps) {
      const windows = this.throttleWindows.get(op) ?? [];
      windows.push({ fromMs, toMs });
      this.throttleWindows.set(op, windows);
    }
  }

  /** The next `n` new queries end in `outcome` (FAILED by default) and add no partitions. */
  failNextQueries(n: number, outcome: QueryOutcome): void {
    this.queryFaults.push({ value: { outcome }, remaining: n });
  }

  /** New queries whose SQL matches end in `outcome`, up to `times` of them. */
  failQueriesMatching(match: SqlMatcher, outcome: QueryOutcome, times = Number.POSITIVE_INFINITY): void {
    this.queryFaults.push({ value: { match, outcome }, remaining: times });
  }

  /**
   * The next `times` ListObjectsV2 calls whose Prefix starts with `prefix` fail with `code`.
   * `''` or `'*'` matches every prefix; `bucket` narrows it to one bucket.
   */
  s3ErrorFor(prefix: string, code: S3ErrorCode, times = 1, bucket?: string): void {
    this.s3Errors.push({ value: { prefix: prefix === '*' ? '' : prefix, code, bucket }, remaining: times });
  }

  /** The next `times` GetTable calls (or calls to `op`) fail with `code`. */
  glueError(code: GlueErrorCode, times = 1, op: GlueOperation = 'GetTable'): void {
    this.glueErrors.push({ value: { code, op }, remaining: times });
  }

  /** The next `times` calls to an Athena operation fail with `code` (before any other processing). */
  athenaError(op: AthenaOperation, code: AthenaErrorCode, times = 1, message?: string): void {
    this.athenaErrors.push({ value: { op, code, message }, remaining: times });
  }

  /** Queries started from now on run `extraSimMs` longer (0 to reset). */
  slowQueries(extraSimMs: number): void {
    this.extraQueryMs = Math.max(0, extraSimMs);
  }

  /** Disarm everything. */
  clear(): void {
    this.throttleUntil.clear();
    this.throttleWindows.clear();
    this.slotsTakenWindows.length = 0;
    this.s3Errors.length = 0;
    this.glueErrors.length = 0;
    this.athenaErrors.length = 0;
    this.queryFaults.length = 0;
    this.extraQueryMs = 0;
  }

  // ---- consulted by the handlers ----

  isThrottled(op: Operation): boolean {
    const until = this.throttleUntil.get(op);
    const now = this.clock.now();
    const windows = this.throttleWindows.get(op) ?? [];
    return (until !== undefined && now < until) || windows.some((w) => inWindow(w, now));
  }

  /** True while a {@link stormBetween} window says other users hold every active-query slot. */
  slotsTaken(): boolean {
    const now = this.clock.now();
    return this.slotsTakenWindows.some((w) => inWindow(w, now));
  }

  takeS3Error(bucket: string, prefix: string): S3ErrorCode | undefined {
    return take(
      this.s3Errors,
      (f) => (f.bucket === undefined || f.bucket === bucket) && prefix.startsWith(f.prefix),
    )?.code;
  }

  takeGlueError(op: GlueOperation = 'GetTable'): GlueErrorCode | undefined {
    return take(this.glueErrors, (f) => f.op === op)?.code;
  }

  takeAthenaError(op: AthenaOperation): { code: AthenaErrorCode; message?: string } | undefined {
    return take(this.athenaErrors, (f) => f.op === op);
  }

  takeQueryOutcome(sql: string): QueryOutcome | undefined {
    return take(this.queryFaults, (f) =>
      f.match === undefined ? true : typeof f.match === 'function' ? f.match(sql) : f.match.test(sql),
    )?.outcome;
  }

  get extraQueryLatencyMs(): number {
    return this.extraQueryMs;
  }
}

/** First armed fault that matches, consuming one use; spent faults are dropped. */
function take<T>(list: Counted<T>[], matches: (value: T) => boolean): T | undefined {
  const index = list.findIndex((f) => f.remaining > 0 && matches(f.value));
  if (index < 0) return undefined;
  const fault = list[index];
  fault.remaining -= 1;
  if (fault.remaining <= 0) list.splice(index, 1);
  return fault.value;
}

interface Window {
  readonly fromMs: number;
  readonly toMs: number;
}

function inWindow(window: Window, now: number): boolean {
  return now >= window.fromMs && now < window.toMs;
}
