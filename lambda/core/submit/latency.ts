/**
 * How long a DDL statement of n partitions holds its slot, learned from what Athena reports
 * about the statements this run has seen end, so the scheduler polls when a statement is
 * expected to end instead of on a fixed backoff. The model is linear, latency(n) = fixed +
 * perPartition × n, fitted by weighted least squares where recent statements weigh more (so
 * it follows Athena both up and down); until two sizes have been seen it scales the prior
 * to what was observed.
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

/** Each new sample shrinks older ones' weight by this factor: the last ~20 statements decide. */
const DECAY = 0.95;

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

export class LatencyEstimator {
  private weight = 0;
  private sumN = 0;
  private sumMs = 0;
  private sumNN = 0;
  private sumNMs = 0;
  private samples = 0;

  constructor(private readonly prior: LatencyPrior = DEFAULT_LATENCY_PRIOR) {}

  /** True once a statement's end has been measured: the prior no longer decides. */
  get known(): boolean {
    return this.samples > 0;
  }

  /** Records that a statement of `partitions` held its slot for `ms`. */
  observe(partitions: number, ms: number): void {
    if (!(ms >= 0) || !Number.isFinite(ms) || !(partitions >= 0)) return;
    this.samples++;
    this.weight = this.weight * DECAY + 1;
    this.sumN = this.sumN * DECAY + partitions;
    this.sumMs = this.sumMs * DECAY + ms;
    this.sumNN = this.sumNN * DECAY + partitions * partitions;
    this.sumNMs = this.sumNMs * DECAY + partitions * ms;
  }

  /** Expected milliseconds for a statement of `partitions`. */
  expectMs(partitions: number): number {
    const priorMs = (n: number): number => this.prior.fixedMs + this.prior.perPartitionMs * n;
    if (this.samples === 0) return priorMs(partitions);
    const meanN = this.sumN / this.weight;
    const meanMs = this.sumMs / this.weight;
    const varN = this.sumNN / this.weight - meanN * meanN;
    // Sizes must spread (10 % of the mean) before a slope can be read from them.
    if (this.samples >= 2 && varN > (0.1 * meanN) ** 2) {
      const slope = (this.sumNMs / this.weight - meanN * meanMs) / varN;
      const intercept = meanMs - slope * meanN;
      if (slope >= 0 && intercept >= 0) return intercept + slope * partitions;
    }
    return (meanMs / priorMs(meanN)) * priorMs(partitions);
  }
}
