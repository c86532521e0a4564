/**
 * How the concurrency limit climbs back after Athena refused a start for its active-query
 * quota. The refusal cuts the limit to what is in flight; once the refusals stop for a quiet
 * spell the limit doubles each spell (1 → 2 → 4 → … → the share, a few seconds in all)
 * instead of one slot per finished statement. A probe that is refused again means the
 * quota really is lower (other users): the quiet spell doubles, so a lasting shortage costs
 * few refused calls.
 */
import { PortError } from '../shared/ports';

/** Quiet spell after a refusal before the limit doubles. */
export const DEFAULT_RECOVERY_QUIET_MS = 500;
/** Longest quiet spell between probes while the quota stays short. */
const MAX_QUIET_MS = 30_000;

/** Athena's answer when the active-query quota is full (TooManyRequestsException). */
export function isConcurrencyRefusal(error: PortError): boolean {
  return (
    error.code === 'TooManyRequestsException' ||
    /too many queries|exceeded the limit for the number of queries/i.test(error.message)
  );
}

export class ConcurrencyRecovery {
  private lastRefusalAt = Number.NEGATIVE_INFINITY;
  private quietMs: number;
  /**
   * While a doubled limit is tried: the most queries in flight Athena has accepted (the limit
   * before the first doubling since the refusal). A start beyond it proves the new range.
   */
  private proven: number | undefined;

  constructor(private readonly baseQuietMs = DEFAULT_RECOVERY_QUIET_MS) {
    this.quietMs = baseQuietMs;
  }

  /** The accepted count while a doubled limit is tried, else undefined (see StartGate.burstLimit). */
  get provenLimit(): number | undefined {
    return this.proven;
  }

  /** A start was refused for the quota at `now`. */
  refused(now: number): void {
    // Refused while probing a higher limit: the quota is short for longer; probe less often.
    this.quietMs = this.proven !== undefined ? Math.min(MAX_QUIET_MS, this.quietMs * 2) : this.quietMs;
    this.proven = undefined;
    this.lastRefusalAt = now;
  }

  /** A start succeeded with `inFlight` queries now active. */
  started(inFlight: number): void {
    if (this.proven !== undefined && inFlight > this.proven) {
      this.proven = undefined;
      this.quietMs = this.baseQuietMs;
    }
  }

  /** When the limit may next double (Infinity when it is at `max`). */
  nextGrowthAt(limit: number, max: number): number {
    return limit >= max ? Number.POSITIVE_INFINITY : this.lastRefusalAt + this.quietMs;
  }

  /** The limit to use at `now`: doubled after each quiet spell, never above `max`. */
  grow(limit: number, max: number, now: number): number {
    if (limit >= max || now - this.lastRefusalAt < this.quietMs) return Math.min(limit, max);
    const next = Math.min(max, limit * 2);
    // A doubling before the last one was proven keeps what was proven.
    this.proven ??= limit;
    // The next doubling waits one more spell, so a refusal can still stop it.
    this.lastRefusalAt = now;
    return next;
  }
}
