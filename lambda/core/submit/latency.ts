/**
 * How long a DDL statement of n partitions takes, learned from the statements this run has
 * seen finish, so the scheduler polls when a statement is expected to end instead of on a
 * fixed backoff. The model is linear, latency(n) = fixed + perPartition × n, fitted by least
 * squares; until two sizes have been seen it scales the prior to what was observed.
 */

export interface LatencyPrior {
  /** Milliseconds a statement takes whatever its size. */
  readonly fixedMs: number;
  /** Milliseconds each partition adds. */
  readonly perPartitionMs: number;
}

/**
 * Slightly below the one public figure (365 partitions in about 15 s, so ≈ 1.5 s + 37 ms per
 * partition): a first poll a little early costs one more call, a late one idles a slot. The
 * first statements to finish replace it with what this account's Athena really does.
 */
export const DEFAULT_LATENCY_PRIOR: LatencyPrior = { fixedMs: 1500, perPartitionMs: 35 };

export class LatencyEstimator {
  private count = 0;
  private sumN = 0;
  private sumMs = 0;
  private sumNN = 0;
  private sumNMs = 0;

  constructor(private readonly prior: LatencyPrior = DEFAULT_LATENCY_PRIOR) {}

  /** Records that a statement of `partitions` took about `ms`. */
  observe(partitions: number, ms: number): void {
    if (!(ms >= 0) || !Number.isFinite(ms)) return;
    this.count++;
    this.sumN += partitions;
    this.sumMs += ms;
    this.sumNN += partitions * partitions;
    this.sumNMs += partitions * ms;
  }

  /** Expected milliseconds for a statement of `partitions`. */
  expectMs(partitions: number): number {
    const priorMs = (n: number): number => this.prior.fixedMs + this.prior.perPartitionMs * n;
    if (this.count === 0) return priorMs(partitions);
    const meanN = this.sumN / this.count;
    const meanMs = this.sumMs / this.count;
    const varN = this.sumNN / this.count - meanN * meanN;
    // Sizes must spread (10 % of the mean) before a slope can be read from them.
    if (this.count >= 2 && varN > (0.1 * meanN) ** 2) {
      const slope = (this.sumNMs / this.count - meanN * meanMs) / varN;
      const intercept = meanMs - slope * meanN;
      if (slope >= 0 && intercept >= 0) return intercept + slope * partitions;
    }
    return (meanMs / priorMs(meanN)) * priorMs(partitions);
  }
}
