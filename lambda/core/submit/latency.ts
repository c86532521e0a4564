/**
 * How long a DDL statement of n partitions holds its slot, learned from what Athena reports
 * about the statements this run has seen end, so the scheduler polls when a statement is
 * expected to end instead of on a fixed backoff. The model is linear, latency(n) = fixed +
 * perPartition × n, fitted robustly over the last statements (Theil–Sen: the median of the
 * slopes between pairs, then the median intercept), so it follows Athena both up and down
 * and one statement stuck 30 × longer than the rest does not move it. Until sizes spread
 * enough to read a slope, it scales the prior by the median of what was observed.
 *
 * Samples come from Athena's clock (CompletionDateTime − SubmissionDateTime, or
 * TotalExecutionTimeInMillis), never from when the scheduler happened to look: a status call
 * made late says nothing about how fast Athena was.
 */
import type { QueryTiming } from '../shared/ports';

export interface LatencyPrior {
  /** Milliseconds a statement takes whatever its size. */
  readonly fixedMs: number;
  /** Milliseconds each partition adds. */
  readonly perPartitionMs: number;
}

/**
 * Slightly below the one public figure (365 partitions in about 15 s, so ≈ 1.5 s + 37 ms per
 * partition). Only a starting point: the scheduler checks new statements early until the
 * first ends, and Athena's own timings replace it from then on.
 */
export const DEFAULT_LATENCY_PRIOR: LatencyPrior = { fixedMs: 1500, perPartitionMs: 35 };

/** One statement's size and the time it held its slot, by Athena's clock. */
export interface LatencySample {
  readonly partitions: number;
  readonly ms: number;
}

/** The last this many statements decide: enough for a median, few enough to follow a change soon. */
export const LATENCY_WINDOW = 15;

/**
 * The time a query held its active-DDL slot, by Athena's clock: submission to completion
 * (queue included, as the quota counts it); else TotalExecutionTimeInMillis, which Athena's
 * timeline lists as including the queue time. Undefined when the answer carries neither.
 */
export function athenaLatencyMs(timing: QueryTiming | undefined): number | undefined {
  if (!timing) return undefined;
  const { submittedAtMs, completedAtMs, totalExecutionMs } = timing;
  if (submittedAtMs !== undefined && completedAtMs !== undefined && completedAtMs >= submittedAtMs)
    return completedAtMs - submittedAtMs;
  if (totalExecutionMs !== undefined && totalExecutionMs >= 0) return totalExecutionMs;
  return undefined;
}

/** The middle value (the mean of the two middle ones for an even count); `values` is sorted in place. */
export function median(values: number[]): number {
  values.sort((a, b) => a - b);
  const mid = values.length >> 1;
  return values.length % 2 === 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

interface Fit {
  readonly fixedMs: number;
  readonly perPartitionMs: number;
}

export class LatencyEstimator {
  private readonly sizes: number[] = [];
  private readonly times: number[] = [];
  private next = 0;
  private fit: Fit | undefined;
  /** True when the prior is a fit of Athena's own history, not a guess. */
  private fromHistoryFit = false;
  /** The history samples the prior was fitted to, newest first. */
  private seed: readonly LatencySample[] = [];

  constructor(private readonly prior: LatencyPrior = DEFAULT_LATENCY_PRIOR) {}

  /**
   * An estimator that starts from Athena's history (earlier runs' statements): their fit, by
   * the same robust rules, becomes the prior, so it is `known` from the start. This run's own
   * samples form the fit as soon as one ends; the history then only lends its shape (fixed
   * versus per-partition) until this run's sizes spread enough to read a slope, so it never
   * outvotes what this run measures. Without samples, the plain prior.
   */
  static fromHistory(
    samples: readonly LatencySample[],
    prior: LatencyPrior = DEFAULT_LATENCY_PRIOR,
  ): LatencyEstimator {
    if (samples.length === 0) return new LatencyEstimator(prior);
    const history = new LatencyEstimator(prior);
    // Oldest first, so the window keeps the newest when there are more than it holds.
    for (let i = samples.length - 1; i >= 0; i--) history.observe(samples[i].partitions, samples[i].ms);
    if (!history.fit) return new LatencyEstimator(prior);
    const seeded = new LatencyEstimator(history.fit);
    seeded.fromHistoryFit = true;
    seeded.seed = samples.slice(0, LATENCY_WINDOW);
    return seeded;
  }

  /**
   * What this estimate stands on, newest first: this run's measured samples, or else the
   * history it was seeded with (what a lane's next invocation should start from).
   */
  samples(): LatencySample[] {
    if (!this.measured) return [...this.seed];
    const out: LatencySample[] = [];
    const count = this.sizes.length;
    for (let k = 1; k <= count; k++) {
      const i = (this.next - k + count) % count;
      out.push({ partitions: this.sizes[i], ms: this.times[i] });
    }
    return out;
  }

  /** True once latency is known from Athena: this run's measured ends, or its history. */
  get known(): boolean {
    return this.measured || this.fromHistoryFit;
  }

  /** True once this run has measured a statement's end itself. */
  get measured(): boolean {
    return this.sizes.length > 0;
  }

  /**
   * Records that a statement of `partitions` held its slot for `ms`. With `ceilingMs`, a sample
   * that would raise the estimate for that size above the ceiling is not kept (a window
   * observed without Athena's timings is no proof of a slower Athena).
   */
  observe(partitions: number, ms: number, ceilingMs = Number.POSITIVE_INFINITY): void {
    if (!(ms >= 0) || !Number.isFinite(ms) || !(partitions >= 0) || !Number.isFinite(partitions)) return;
    const undo = { size: this.sizes[this.next], time: this.times[this.next], length: this.sizes.length };
    const fit = this.fit;
    const slot = this.next;
    this.sizes[slot] = partitions;
    this.times[slot] = ms;
    this.next = (slot + 1) % LATENCY_WINDOW;
    this.fit = this.refit();
    if (this.expectMs(partitions) > ceilingMs) {
      this.sizes.length = undo.length;
      this.times.length = undo.length;
      if (slot < undo.length) {
        this.sizes[slot] = undo.size;
        this.times[slot] = undo.time;
      }
      this.next = slot;
      this.fit = fit;
    }
  }

  /** Expected (median) milliseconds for a statement of `partitions`. */
  expectMs(partitions: number): number {
    const fit = this.fit ?? this.prior;
    return fit.fixedMs + fit.perPartitionMs * partitions;
  }

  private priorMs(n: number): number {
    return this.prior.fixedMs + this.prior.perPartitionMs * n;
  }

  private refit(): Fit {
    const { sizes, times } = this;
    const count = sizes.length;
    const meanN = sizes.reduce((a, b) => a + b, 0) / count;
    // Sizes must spread (10 % of the mean) before a slope can be read from them.
    const slopes: number[] = [];
    for (let i = 0; i < count; i++) {
      for (let j = i + 1; j < count; j++) {
        const dn = sizes[j] - sizes[i];
        if (Math.abs(dn) > 0.1 * meanN) slopes.push((times[j] - times[i]) / dn);
      }
    }
    if (slopes.length >= Math.max(1, count - 1)) {
      const slope = median(slopes);
      const intercept = median(times.map((ms, i) => ms - slope * sizes[i]));
      if (slope >= 0 && intercept >= 0) return { fixedMs: intercept, perPartitionMs: slope };
    }
    // Too few distinct sizes: the prior's shape, scaled to the median of what was observed.
    const scale = median(times.map((ms, i) => ms / Math.max(1e-9, this.priorMs(sizes[i]))));
    return { fixedMs: this.prior.fixedMs * scale, perPartitionMs: this.prior.perPartitionMs * scale };
  }
}
