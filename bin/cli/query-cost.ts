/**
 * `query`'s cost before it runs: the partitions the filter selects and the bytes Athena will
 * scan, from the S3 object sizes under them (lambda/core/query/cost.ts), with the price.
 * Accounts and regions not given are read from S3 one level at a time, within the call budget.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '../../lambda/aws/clients';
import { S3Sizes } from '../../lambda/aws/s3-sizes';
import {
  COST_LIMITS,
  type CostLimits,
  estimateScan,
  formatUsd,
  partitionPrefixes,
  priceUsd,
} from '../../lambda/core/query/cost';
import { deliveryDays } from '../../lambda/core/query/filter';
import { ACCOUNT_ID, REGION_NAME } from '../../lambda/core/shared/names';
import { whatToDo } from './hints';
import { formatBytes } from './query-output';
import type { QueryRun } from './query-command';

export interface CostIo {
  readonly s3?: () => S3Client;
  /** Sampling's randomness; tests pass a seeded one. */
  readonly random?: () => number;
  readonly costLimits?: CostLimits;
}

export type CostReport =
  | {
      readonly method: 'exact' | 'sampled';
      readonly partitions: number;
      readonly estimatedBytes: number;
      readonly errorBytes: number;
      readonly listed: number;
      readonly calls: number;
      readonly priceUsd: number;
    }
  | { readonly method: 'unavailable'; readonly reason: string };

/** At most this many accounts' region lists are read when --regions is not given. */
const MAX_ACCOUNTS_READ = 50;

/** `s3://bucket/key/` → bucket and key. */
function parseLocation(location: string): { bucket: string; key: string } | undefined {
  const match = /^s3:\/\/([^/]+)\/(.*)$/.exec(location);
  if (!match) return undefined;
  return { bucket: match[1], key: match[2] === '' || match[2].endsWith('/') ? match[2] : `${match[2]}/` };
}

export async function estimateCost(run: QueryRun, location: string, io: CostIo): Promise<CostReport> {
  const where = parseLocation(location);
  if (!where) return { method: 'unavailable', reason: `table location ${location} is not an s3:// URL` };
  const client = io.s3?.() ?? createS3Client();
  try {
    const sizes = new S3Sizes(client, where.bucket);
    const limits = io.costLimits ?? COST_LIMITS;
    let discoveryCalls = 0;
    let accounts = run.accounts;
    if (accounts === undefined) {
      const found = await sizes.childNames(where.key, 5);
      discoveryCalls += found.calls;
      accounts = found.names.filter((name) => ACCOUNT_ID.test(name));
    }
    let regions = run.regions;
    if (regions === undefined) {
      const lists = await Promise.all(
        accounts
          .slice(0, MAX_ACCOUNTS_READ)
          .map((account) => sizes.childNames(`${where.key}${account}/CloudTrail/`, 2)),
      );
      discoveryCalls += lists.reduce((sum, list) => sum + list.calls, 0);
      regions = [...new Set(lists.flatMap((list) => list.names))]
        .filter((name) => REGION_NAME.test(name))
        .sort();
    }
    // The folders the filter selects: the range plus --late-days of late delivery.
    const days = deliveryDays(run.window, run.lateDays);
    const prefixes = partitionPrefixes(where.key, accounts, regions, days, run.scheme.granularity);
    const estimate = await estimateScan(
      prefixes,
      (prefix, maxCalls) => sizes.prefixSize(prefix, maxCalls),
      io.random ?? Math.random,
      { ...limits, maxCalls: Math.max(1, limits.maxCalls - discoveryCalls) },
    );
    return {
      method: estimate.method,
      partitions: estimate.partitions,
      estimatedBytes: estimate.estimatedBytes,
      errorBytes: estimate.errorBytes,
      listed: estimate.listed,
      calls: estimate.calls + discoveryCalls,
      priceUsd: priceUsd(estimate.estimatedBytes, run.pricePerTb),
    };
  } finally {
    if (!io.s3) client.destroy();
  }
}

/** The stderr line before a query: `12 partitions; about 700.00 MB to scan (exact), $0.0033 at $5/TB`. */
export function describeCost(cost: CostReport, pricePerTb: number, maxCalls = COST_LIMITS.maxCalls): string {
  if (cost.method === 'unavailable')
    return `cost estimate unavailable: ${cost.reason}${whatToDo(cost.reason)}\n`;
  const how =
    cost.method === 'exact'
      ? `exact, ${cost.calls} S3 list calls`
      : `sampled from ${cost.listed} of ${cost.partitions} partitions, ±${formatBytes(cost.errorBytes)} (95%), ${cost.calls} S3 list calls of at most ${maxCalls}`;
  return `${cost.partitions} partitions selected; about ${formatBytes(cost.estimatedBytes)} to scan (${how}); ${formatUsd(cost.priceUsd)} at $${pricePerTb}/TB\n`;
}
