/**
 * `query`'s cost before it runs: the partitions the filter selects and the bytes Athena will
 * scan, from the S3 object sizes under them (lambda/core/query/cost.ts), with the price.
 * Accounts and regions not given are read from S3 one level at a time, within the call budget.
 */
import type { GlueClient } from '@aws-sdk/client-glue';
import { S3Client } from '@aws-sdk/client-s3';
import { createGlueClient, createS3Client } from '../../lambda/aws/clients';
import { glueTableLocation } from '../../lambda/aws/glue-table';
import type { SourcePlan } from '../../lambda/core/query/columnar-source';
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
import type { EpochDay } from '../../lambda/core/shared/dates';
import { ACCOUNT_ID, REGION_NAME } from '../../lambda/core/shared/names';
import { whatToDo } from './hints';
import { formatBytes } from './query-output';
import type { QueryRun } from './query-command';
import type { StackNames } from './stack-names';

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
      /** The raw logs' bytes the statement reads (days from the columnar copy not included). */
      readonly estimatedBytes: number;
      readonly errorBytes: number;
      readonly listed: number;
      readonly calls: number;
      readonly priceUsd: number;
      /** Days read from the columnar copy: not estimated (Iceberg's files are not laid out by day prefix). */
      readonly copyDays?: number;
      /** With --max-scan: the raw logs' bytes of the copy's days, the bound counted for them. */
      readonly copyBoundBytes?: number;
    }
  | { readonly method: 'unavailable'; readonly reason: string };

/** Inclusive ranges of days whose folders are listed. */
export type DayRanges = readonly { readonly from: EpochDay; readonly to: EpochDay }[];

/** At most this many accounts' region lists are read when --regions is not given. */
const MAX_ACCOUNTS_READ = 50;

/** `s3://bucket/key/` → bucket and key. */
function parseLocation(location: string): { bucket: string; key: string } | undefined {
  const match = /^s3:\/\/([^/]+)\/(.*)$/.exec(location);
  if (!match) return undefined;
  return { bucket: match[1], key: match[2] === '' || match[2].endsWith('/') ? match[2] : `${match[2]}/` };
}

/** The bytes under the folders of `ranges` (default: the range plus --late-days of late delivery). */
export async function estimateCost(
  run: QueryRun,
  location: string,
  io: CostIo,
  ranges: DayRanges = [deliveryDays(run.window, run.lateDays)],
): Promise<CostReport> {
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
    // A set: monthly folders repeat across ranges in the same month.
    const prefixes = new Set<string>();
    for (const days of ranges)
      for (const prefix of partitionPrefixes(where.key, accounts, regions, days, run.scheme.granularity))
        prefixes.add(prefix);
    const estimate = await estimateScan(
      [...prefixes],
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

/** Ranges of days, one per run of the plan: the raw side's runs take the late-delivery margin. */
const rangesOf = (plan: SourcePlan, side: 'raw' | 'copy', lateDays: number): DayRanges =>
  side === 'raw'
    ? plan.rawDays.map((r) => ({ from: r.from, to: r.to + lateDays }))
    : plan.columnarDays.map((r) => ({ from: r.from, to: r.to }));

/**
 * The estimate for a run: the raw logs it reads (with a columnar plan, only the raw side's days);
 * the copy's days are counted, not estimated, except that --max-scan bounds them by their raw bytes.
 */
export async function costFor(
  run: QueryRun,
  names: StackNames | undefined,
  io: CostIo & { readonly glue?: () => GlueClient },
  plan?: SourcePlan,
): Promise<CostReport> {
  let location = names?.tableLocation;
  try {
    if (location === undefined) {
      const glue = io.glue?.() ?? createGlueClient();
      location = await glueTableLocation(glue, run.database, run.table).finally(() => {
        if (!io.glue) glue.destroy();
      });
    }
    if (location === undefined)
      return { method: 'unavailable', reason: `table ${run.database}.${run.table} has no location` };
    if (plan === undefined) return await estimateCost(run, location, io);
    const raw =
      plan.rawDays.length > 0
        ? await estimateCost(run, location, io, rangesOf(plan, 'raw', run.lateDays))
        : ({
            method: 'exact',
            partitions: 0,
            estimatedBytes: 0,
            errorBytes: 0,
            listed: 0,
            calls: 0,
            priceUsd: 0,
          } as const);
    if (raw.method === 'unavailable') return raw;
    const copyDays = plan.columnarDays.reduce((sum, r) => sum + r.to - r.from + 1, 0);
    if (run.maxScanBytes === undefined) return { ...raw, copyDays };
    const bound = await estimateCost(run, location, io, rangesOf(plan, 'copy', 0));
    if (bound.method === 'unavailable') return bound;
    return { ...raw, copyDays, copyBoundBytes: bound.estimatedBytes, calls: raw.calls + bound.calls };
  } catch (error) {
    // The query itself may still be allowed (its own errors say what to do): the estimate is advice.
    return { method: 'unavailable', reason: (error as Error).message };
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
  const copy =
    cost.copyDays === undefined
      ? ''
      : `; ${cost.copyDays} day${cost.copyDays === 1 ? '' : 's'} from the columnar copy not estimated (Athena reads only the columns the query uses from them)`;
  return `${cost.partitions} partitions selected; about ${formatBytes(cost.estimatedBytes)} to scan${cost.copyDays === undefined ? '' : ' from the raw logs'} (${how}); ${formatUsd(cost.priceUsd)} at $${pricePerTb}/TB${copy}\n`;
}
