/**
 * What a query will cost before it runs: the partitions its filter selects, and the bytes
 * Athena will scan, estimated from the S3 object sizes under those partitions (Athena reads
 * every object of a selected partition of a JSON table). Small selections are listed whole
 * (exact); larger ones from a uniform random sample of partitions, scaled, with a stated error.
 * The listing is bounded (a stated maximum of calls) and parallel. Pure: S3 comes in as a port.
 */
import { dayParts, type EpochDay } from '../shared/dates';
import type { PartitionScheme } from '../partitions/scheme';

export interface PrefixSize {
  readonly bytes: number;
  /** ListObjectsV2 calls spent. */
  readonly calls: number;
  /** False when the call budget ran out before the listing ended. */
  readonly complete: boolean;
}

/** Lists one prefix, summing object sizes, in at most `maxCalls` calls. */
export type SizeOf = (prefix: string, maxCalls: number) => Promise<PrefixSize>;

export interface CostLimits {
  /** Selections of at most this many partitions are listed whole. */
  readonly exactPartitions: number;
  /** Partitions listed for a sampled estimate. */
  readonly samplePartitions: number;
  /** ListObjectsV2 calls in all (the stated maximum). */
  readonly maxCalls: number;
  /** Listings in flight at once. */
  readonly concurrency: number;
}

/** At 1,000 keys a page, a day of one account-region (about 300 files) is one call. */
export const COST_LIMITS: CostLimits = {
  exactPartitions: 200,
  samplePartitions: 100,
  maxCalls: 400,
  concurrency: 16,
};

export interface ScanEstimate {
  readonly partitions: number;
  readonly estimatedBytes: number;
  readonly method: 'exact' | 'sampled';
  /** Partitions listed (all of them when exact). */
  readonly listed: number;
  /** Half-width of the 95% interval, in bytes (0 when exact). */
  readonly errorBytes: number;
  readonly calls: number;
}

/** The key prefix of each partition of a selection: `base` ends with `AWSLogs/[o-ORG/]`. */
export function partitionPrefixes(
  base: string,
  accounts: readonly string[],
  regions: readonly string[],
  days: { readonly from: EpochDay; readonly to: EpochDay },
  granularity: PartitionScheme['granularity'],
): string[] {
  const periods = new Set<string>();
  for (let day = days.from; day <= days.to; day++) {
    const { year, month, day: dd } = dayParts(day);
    periods.add(granularity === 'day' ? `${year}/${month}/${dd}/` : `${year}/${month}/`);
  }
  const out: string[] = [];
  for (const account of accounts)
    for (const region of regions)
      for (const period of periods) out.push(`${base}${account}/CloudTrail/${region}/${period}`);
  return out;
}

/** `k` distinct indexes out of `n`, uniformly at random (partial Fisher–Yates). */
export function sampleIndexes(n: number, k: number, random: () => number): number[] {
  const indexes = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < Math.min(k, n); i++) {
    const j = i + Math.floor(random() * (n - i));
    [indexes[i], indexes[j]] = [indexes[j], indexes[i]];
  }
  return indexes.slice(0, Math.min(k, n));
}

/** Sum over N partitions from a simple random sample: N × mean, ±1.96 standard errors (finite population). */
export function scaleSample(
  sizes: readonly number[],
  population: number,
): { bytes: number; errorBytes: number } {
  const n = sizes.length;
  if (n === 0) return { bytes: 0, errorBytes: 0 };
  const mean = sizes.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? sizes.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : mean ** 2;
  const fpc = Math.max(0, 1 - n / population);
  return {
    bytes: Math.round(mean * population),
    errorBytes: Math.round(1.96 * population * Math.sqrt((fpc * variance) / n)),
  };
}

export async function estimateScan(
  prefixes: readonly string[],
  sizeOf: SizeOf,
  random: () => number,
  limits: CostLimits = COST_LIMITS,
): Promise<ScanEstimate> {
  const exact = prefixes.length <= limits.exactPartitions;
  const chosen = exact
    ? prefixes
    : sampleIndexes(prefixes.length, limits.samplePartitions, random).map((i) => prefixes[i]);
  let budget = limits.maxCalls;
  let calls = 0;
  let complete = true;
  const sizes: number[] = new Array<number>(chosen.length).fill(0);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < chosen.length && budget > 0) {
      const index = next++;
      // Each listing may use what is left, less one call for every listing still to start.
      const allowance = Math.max(1, budget - (chosen.length - next));
      budget -= allowance;
      const size = await sizeOf(chosen[index], allowance);
      budget += allowance - size.calls;
      calls += size.calls;
      complete &&= size.complete;
      sizes[index] = size.bytes;
    }
  };
  await Promise.all(Array.from({ length: Math.min(limits.concurrency, chosen.length) }, worker));
  complete &&= next >= chosen.length;
  if (exact && complete) {
    const bytes = sizes.reduce((a, b) => a + b, 0);
    return {
      partitions: prefixes.length,
      estimatedBytes: bytes,
      method: 'exact',
      listed: prefixes.length,
      errorBytes: 0,
      calls,
    };
  }
  const listed = sizes.slice(0, Math.min(next, chosen.length));
  const scaled = scaleSample(listed, prefixes.length);
  return {
    partitions: prefixes.length,
    estimatedBytes: scaled.bytes,
    method: 'sampled',
    listed: listed.length,
    errorBytes: scaled.errorBytes,
    calls,
  };
}

/** Athena bills scanned bytes rounded up to the megabyte, at least 10 MB a query; per TB of 2^40 bytes. */
export function priceUsd(bytes: number, pricePerTb: number): number {
  const MB = 1024 ** 2;
  const billed = Math.max(10 * MB, Math.ceil(bytes / MB) * MB);
  return (billed / 1024 ** 4) * pricePerTb;
}

/** `$0.0034`, `$1.25`: enough digits to see a small price. */
export function formatUsd(usd: number): string {
  return usd >= 1 ? `$${usd.toFixed(2)}` : `$${usd.toPrecision(2)}`;
}
