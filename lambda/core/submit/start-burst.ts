/**
 * What the starts of one burst leave to decide once all of them have answered. Athena answers
 * concurrent calls in any order, so a refusal is read against every query in flight after the
 * burst, not against the starts that happened to answer before it; several refusals of one
 * moment are one signal (one backoff); and refused statements go back in their own order.
 */
import type { Patience } from './patience';
import { isConcurrencyRefusal } from './recovery';
import type { Flight } from './scheduler-options';
import type { StartGate } from './start-gate';
import type { WorkQueue } from './work-queue';
import type { PortError } from '../shared/ports';

/**
 * StartQueryExecution calls in flight at once: one second of Athena's start rate (about 20 a
 * second, burst 80; docs/limits.md), so a whole wave of the DDL quota (20) refills in one
 * round trip. Ten, tried first, left 8 slots of every wave idle one more round trip.
 */
export const START_BURST = 20;

export class BurstOutcome {
  private pause: { throttled: boolean } | undefined;
  private refusal: PortError | undefined;
  private readonly retries: Flight[] = [];

  /** A start asks for a backoff once the burst is over (throttled only if every refusal was). */
  askPause(throttled: boolean): void {
    this.pause = { throttled: (this.pause?.throttled ?? true) && throttled };
  }

  /** Athena refused a start (quota or rate); a quota refusal is the one that cuts concurrency. */
  refused(error: PortError): void {
    if (this.refusal === undefined || isConcurrencyRefusal(error)) this.refusal = error;
  }

  /** The same attempt again, at the head of the queue, after the burst's earlier refusals. */
  retry(flight: Flight): void {
    this.retries.push(flight);
  }

  /**
   * Applies the burst: its retries back at the head of the queue in burst order, the quota cut
   * against every query now in flight, one backoff. Returns a stop reason when Athena has
   * refused every start for the whole API patience while none of ours ran.
   */
  close(
    gate: StartGate,
    work: WorkQueue,
    patience: Patience,
    burst: { readonly inFlight: number; readonly startedAny: boolean; readonly now: number },
  ): string | undefined {
    work.again(...this.retries.splice(0));
    const refusal = this.refusal;
    this.refusal = undefined;
    let stop: string | undefined;
    if (refusal) {
      gate.throttled(refusal, burst.inFlight, burst.now);
      // A refusal while our own queries hold slots is the quota at work, not a failing API.
      if (!burst.startedAny && burst.inFlight === 0 && patience.failed('StartQueryExecution'))
        stop = `not started: athena refused every start for ${Math.round(patience.patienceMs / 1000)} s (${refusal.message})`;
    }
    if (this.pause) gate.backOff(this.pause.throttled, burst.now);
    this.pause = undefined;
    return stop;
  }
}
