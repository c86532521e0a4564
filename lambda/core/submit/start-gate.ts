/**
 * When the scheduler may start its next query: the concurrency limit (cut when Athena refuses
 * a start for its active-query quota, grown back by {@link ConcurrencyRecovery}) and the
 * backoff after a refused or failed start. Kept apart so the scheduler reads as its four steps.
 */
import { ConcurrencyRecovery, isConcurrencyRefusal } from './recovery';
import type { PortError } from '../shared/ports';

const MAX_BACKOFF_MS = 20_000;
const MAX_THROTTLE_BACKOFF_MS = 2000;

export class StartGate {
  /** Queries in flight allowed now: the share, or less after a quota refusal. */
  limit: number;
  /** No start before this instant (a backoff). */
  notBefore = 0;
  private backoffMs = 0;
  private readonly recovery: ConcurrencyRecovery;

  constructor(
    private readonly max: number,
    recoveryQuietMs?: number,
  ) {
    this.limit = Math.max(1, max);
    this.recovery = new ConcurrencyRecovery(recoveryQuietMs);
  }

  /** Lets the limit climb back after a quiet spell; called before each round of starts. */
  refresh(now: number): void {
    this.limit = this.recovery.grow(this.limit, this.max, now);
  }

  /**
   * Starts to send at once with `inFlight` queries active. While a doubled limit is tried, the
   * range Athena accepted refills at once and one start probes beyond it, so a quota still
   * full costs one refused call per probe; otherwise no bound here.
   */
  burstLimit(inFlight: number): number {
    const proven = this.recovery.provenLimit;
    return proven === undefined ? Number.POSITIVE_INFINITY : Math.max(1, proven + 1 - inFlight);
  }

  open(now: number, inFlight: number): boolean {
    return inFlight < this.limit && now >= this.notBefore;
  }

  started(inFlight: number): void {
    this.recovery.started(inFlight);
    this.backoffMs = 0;
  }

  /**
   * A start was throttled. Only the active-query quota says the slots are fewer than our limit
   * (other runs, other users); a rate refusal says to start more slowly, and the backoff does that.
   */
  throttled(error: PortError, inFlight: number, now: number): void {
    if (!isConcurrencyRefusal(error)) return;
    this.limit = Math.max(1, Math.min(this.limit, inFlight));
    this.recovery.refused(now);
  }

  backOff(throttled: boolean, now: number): void {
    // A throttle passes in seconds: a short cap keeps the restart close to its end.
    const cap = throttled ? MAX_THROTTLE_BACKOFF_MS : MAX_BACKOFF_MS;
    this.backoffMs = Math.min(cap, Math.max(250, this.backoffMs * 2));
    this.notBefore = now + this.backoffMs * (0.5 + Math.random() / 2);
  }

  /** When a start may next be tried, given `inFlight` queries. */
  nextStartAt(inFlight: number): number {
    return inFlight < this.limit
      ? this.notBefore
      : Math.max(this.notBefore, this.recovery.nextGrowthAt(this.limit, this.max));
  }
}
