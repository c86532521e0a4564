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
  /** The limit that was probed by the last doubling, until a start proves it. */
  private probing: number | undefined;

  constructor(private readonly baseQuietMs = DEFAULT_RECOVERY_QUIET_MS) {
    this.quietMs = baseQuietMs;
  }

  /** A start was refused for the quota at `now`. */
  refused(now: number): void {
    // Refused while probing a higher limit: the quota is short for longer; probe less often.
    this.quietMs = this.probing !== undefined ? Math.min(MAX_QUIET_MS, this.quietMs * 2) : this.quietMs;
    this.probing = undefined;
    this.lastRefusalAt = now;
  }

  /** A start succeeded with `inFlight` queries now active. */
  started(inFlight: number): void {
    if (this.probing !== undefined && inFlight > this.probing / 2) {
      this.probing = undefined;
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
    this.probing = next;
    // The next doubling waits one more spell, so a refusal can still stop it.
    this.lastRefusalAt = now;
    return next;
  }
}
