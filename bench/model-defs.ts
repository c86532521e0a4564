/**
 * Latency models and workloads for the scheduler matrix. The models deliberately do NOT share
 * the code's prior (DEFAULT_LATENCY_PRIOR): 0.1 × to 3 × it, a noisy heavy-tailed one, and a
 * throttle storm. A scheduler tuned to one latency passes a bench whose model is that latency;
 * only a spread of models shows whether it measures Athena or assumes it.
 */
import { createHash } from 'node:crypto';
import { DEFAULT_LATENCY_PRIOR } from '../lambda/core/submit/latency';
import type { QuotaOptions } from '../test/support/aws-standin';

export interface Storm {
  /** Simulated ms after the workload's start. */
  readonly atMs: number;
  readonly forMs: number;
}

export interface LatencyModelDef {
  readonly id: string;
  readonly title: string;
  readonly quotas: Partial<QuotaOptions>;
  /** Windows in which other users hold every slot and status calls are rate-throttled. */
  readonly storms?: readonly Storm[];
  /** The first n queries fail with a retryable error (Athena's own transient failures). */
  readonly transientFailures?: number;
  /** Typical latency as a multiple of the prior (where to put a mid-run storm). @default 1 */
  readonly scale?: number;
}

const scaled = (k: number): Partial<QuotaOptions> => ({
  ddlFixedMs: DEFAULT_LATENCY_PRIOR.fixedMs * k,
  ddlPerPartitionMs: DEFAULT_LATENCY_PRIOR.perPartitionMs * k,
});

/**
 * A uniform draw in (0, 1) fixed by the statement's text and which execution of it this is:
 * ours and the baseline see the same latency for each statement's first execution.
 */
function uniform(sql: string, salt: string): number {
  const hash = createHash('sha256').update(salt).update(sql).digest();
  return (hash.readUInt32BE(0) + 0.5) / 2 ** 32;
}

/**
 * Log-normal around the prior's median (σ 0.6), and one execution in 20 hit by a heavy
 * tail (Pareto, α 1.5, ×2 to ×30): what a shared regional service looks like from outside.
 * The size term is the statement's content (the median: fixed + per partition); the noise and
 * the tail come from the service (queueing, Glue calls), so each execution draws its own:
 * `execution` 0 (the first) draws exactly what this model drew before it took the argument,
 * so runs that never re-execute a statement (the baseline) see the same latencies as before.
 */
export function noisyLatencyMs(partitions: number, sql: string, execution = 0): number {
  const median = DEFAULT_LATENCY_PRIOR.fixedMs + DEFAULT_LATENCY_PRIOR.perPartitionMs * partitions;
  const draw = (salt: string): number => uniform(sql, execution === 0 ? salt : `${salt}#${execution}`);
  const u1 = draw('a');
  const u2 = draw('b');
  const normal = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  let ms = median * Math.exp(0.6 * normal);
  if (draw('c') < 0.05) ms *= Math.min(30, 2 * draw('d') ** (-1 / 1.5));
  return Math.max(200, ms);
}

export const LATENCY_MODELS: readonly LatencyModelDef[] = [
  { id: '0.1x', title: 'DDL 10 × faster than the prior', quotas: scaled(0.1), scale: 0.1 },
  { id: '0.3x', title: 'DDL 3 × faster than the prior', quotas: scaled(0.3), scale: 0.3 },
  { id: '1x', title: 'DDL as the prior', quotas: scaled(1) },
  { id: '3x', title: 'DDL 3 × slower than the prior', quotas: scaled(3), scale: 3 },
  {
    id: 'noisy',
    title: 'log-normal per execution (σ 0.6), 5 % heavy tail up to × 30',
    quotas: { ddlLatencyMs: noisyLatencyMs },
  },
  {
    id: 'storm',
    title: 'the prior, with throttle storms at the start (3 s) and mid-run (10 s)',
    quotas: scaled(1),
    storms: [
      { atMs: 0, forMs: 3000 },
      { atMs: 60_000, forMs: 10_000 },
    ],
  },
];

/** The issue's second measured failure: a 3-s storm at the start and two transient query failures. */
export const STORM_AND_FAILURES: LatencyModelDef = {
  id: 'storm0+2f',
  title: 'the prior, a 3-s throttle storm at the start, two transient query failures',
  quotas: { ddlFixedMs: 1500, ddlPerPartitionMs: 37 },
  storms: [{ atMs: 0, forMs: 3000 }],
  transientFailures: 2,
};

/**
 * The same model with two 3-s throttle storms: one at the start, one once the first wave has
 * ended (the run is in its steady state), so the recovery time is measured in every model.
 */
export function withStorms(model: LatencyModelDef): LatencyModelDef {
  const firstWaveMs =
    (model.scale ?? 1) * (DEFAULT_LATENCY_PRIOR.fixedMs + DEFAULT_LATENCY_PRIOR.perPartitionMs * 1300);
  return {
    ...model,
    id: `${model.id}+storms`,
    title: `${model.title}, 3-s storms at the start and after the first wave`,
    storms: [
      { atMs: 0, forMs: 3000 },
      { atMs: Math.round(3000 + 1.2 * firstWaveMs), forMs: 3000 },
    ],
  };
}

export interface Workload {
  readonly id: string;
  readonly title: string;
  readonly accounts: number;
  readonly regions: number;
  readonly days: number;
  readonly orgId?: string;
  /** 'run': one invocation; 'stepfunctions': chunks of the split, 3 at once. */
  readonly via: 'run' | 'stepfunctions';
  /** Queries in flight per invocation. */
  readonly concurrency: number;
  /** Simulated ms one invocation may start statements for (the daily run's deadline). */
  readonly startWindowMs?: number;
  /** Simulated ms it may wait for them. */
  readonly waitWindowMs?: number;
}

/** A 15-minute invocation: starts stop 90 s before the end, waiting 15 s before (lambda/handler.ts). */
const DAILY_START_MS = 810_000;
const DAILY_WAIT_MS = 885_000;

/** The issue's measured failures, reproduced. */
export const ISSUE_WORKLOADS: readonly { readonly workload: Workload; readonly model: string }[] = [
  {
    model: '0.1x',
    workload: {
      id: 'I1',
      title: 'org 60 accounts × 17 regions × 61 days, DDL 10 × faster than the prior (18 of 20)',
      accounts: 60,
      regions: 17,
      days: 61,
      orgId: 'o-bench12345',
      via: 'run',
      concurrency: 18,
    },
  },
  {
    model: STORM_AND_FAILURES.id,
    workload: {
      id: 'I2',
      title: '13,128 partitions (2 accounts × 12 regions × 547 days), 3-s storm + 2 transient failures',
      accounts: 2,
      regions: 12,
      days: 547,
      via: 'run',
      concurrency: 18,
    },
  },
];

/** Enough statements to fill the share twice after each storm, small enough to run in every model. */
export const RECOVERY_WORKLOAD: Workload = {
  id: 'R',
  title: 'recovery probe: org 20 accounts × 17 regions × 150 days (18 of 20), two storms',
  accounts: 20,
  regions: 17,
  days: 150,
  orgId: 'o-bench12345',
  via: 'run',
  concurrency: 18,
};

/** The daily run for 5,000 accounts × 20 regions: 100,000 new partitions at the scheduled share. */
export const DAILY_WORKLOAD: Workload = {
  id: 'DAILY',
  title: 'daily run, 5,000 accounts × 20 regions, new day only (share 2, one 15-min invocation)',
  accounts: 5000,
  regions: 20,
  days: 1,
  orgId: 'o-bench12345',
  via: 'run',
  concurrency: 2,
  startWindowMs: DAILY_START_MS,
  waitWindowMs: DAILY_WAIT_MS,
};

export const WORKLOADS: readonly Workload[] = [
  {
    id: 'C',
    title: 'org backfill 1 year, 50 accounts × 17 regions (cli run / invoke, 18 of 20)',
    accounts: 50,
    regions: 17,
    days: 365,
    orgId: 'o-bench12345',
    via: 'run',
    concurrency: 18,
  },
  {
    id: 'S',
    title: 'the same through the Step Functions backfill (3 chunks × 6)',
    accounts: 50,
    regions: 17,
    days: 365,
    orgId: 'o-bench12345',
    via: 'stepfunctions',
    concurrency: 6,
  },
];
