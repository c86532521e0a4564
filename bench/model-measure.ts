/**
 * Figures of one model run, from the stand-in's own record of every query: the lower bound
 * from the latencies Athena (the model) really drew, status calls, the tail, and how long
 * the concurrency took to climb back after the last throttle storm.
 */
import type { QueryInfo } from '../test/support/aws-standin';
import type { LatencyModelDef, Workload } from './model-defs';
import type { World } from './world';

export interface ModelRun {
  readonly workload: string;
  readonly model: string;
  readonly statements: number;
  readonly partitions: number;
  readonly ok: boolean;
  readonly simSeconds: number;
  /** From the drawn latencies: max(Σ slot time ÷ quota, longest statement, start rate). */
  readonly lowerBoundSeconds: number;
  /**
   * The same bound from the draws this run used (each statement's succeeded execution): a
   * hedging scheduler can beat the first-execution bound in a per-execution noisy model.
   */
  readonly usedDrawsLowerBoundSeconds: number;
  readonly ratioToLowerBound: number;
  /** Ours ÷ the in-order bound (statements started in the order they came, nothing wasted). */
  readonly ratioToInOrderBound: number;
  readonly statusCalls: number;
  readonly statusCallsPerStatement: number;
  /** Last query's end (Athena's clock) to the end of the run. */
  readonly tailMs: number;
  readonly throttled: number;
  /** Second executions of stragglers started, and how many settled their statement. */
  readonly hedges: { readonly started: number; readonly won: number };
  /**
   * After each throttle storm, in order: ms from its end until the queries in flight were
   * back at the share (or at all that was left). Absent without storms.
   */
  readonly recoveriesMs?: readonly number[];
  /** Statements started within the invocation's start window (daily run). */
  readonly startedInWindow?: number;
}

export interface BaselineRun {
  readonly simSeconds: number;
  readonly statusCalls: number;
  readonly failed: number;
}

const START_RATE = { perSecond: 20, burst: 80 };
const round = (value: number, digits = 2): number => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * Each statement's slot time from one execution: its first (`first`), what a scheduler that
 * never re-executes a statement faces; or the one that succeeded (`used`), the draw this run
 * used. Retries of a failed execution are the fault's cost, not the floor.
 */
export function slotTimesMs(
  queries: readonly QueryInfo[],
  queueMs: number,
  which: 'first' | 'used' = 'first',
): Map<string, number> {
  const bySql = new Map<string, number>();
  for (const q of queries) {
    const replace = which === 'used' && q.state === 'SUCCEEDED';
    if (!bySql.has(q.sql) || replace) bySql.set(q.sql, queueMs + q.durationMs);
  }
  return bySql;
}

/** The best any scheduler could do with these statements and these drawn latencies. */
export function realizedLowerBoundMs(
  queries: readonly QueryInfo[],
  maxActive: number,
  queueMs: number,
  which: 'first' | 'used' = 'first',
): number {
  const slots = [...slotTimesMs(queries, queueMs, which).values()];
  if (slots.length === 0) return 0;
  const sum = slots.reduce((a, b) => a + b, 0);
  const rateMs = (Math.max(0, slots.length - START_RATE.burst) / START_RATE.perSecond) * 1000;
  return Math.max(sum / maxActive, Math.max(...slots), rateMs);
}

/**
 * The best any scheduler could do starting the statements in the order they came (it cannot
 * know which one Athena will keep 30 × longer): greedy list scheduling on the quota's slots
 * with no polling, start or API delay. With a heavy tail the clairvoyant bound above assumes
 * the slowest statement started first; this one shows how much of a gap is that luck.
 */
export function inOrderBoundMs(queries: readonly QueryInfo[], maxActive: number, queueMs: number): number {
  const first = new Map<string, number>();
  const slot = slotTimesMs(queries, queueMs);
  for (const q of queries) if (!first.has(q.sql)) first.set(q.sql, q.submittedAt);
  const order = [...first.entries()].sort((a, b) => a[1] - b[1]).map(([sql]) => sql);
  const free = new Array<number>(Math.max(1, maxActive)).fill(0);
  let end = 0;
  for (const sql of order) {
    let i = 0;
    for (let j = 1; j < free.length; j++) if (free[j] < free[i]) i = j;
    free[i] += slot.get(sql) ?? 0;
    end = Math.max(end, free[i]);
  }
  return end;
}

/** Ms from the end of `stormEnd` until `target` queries (or all remaining) were active at once. */
export function recoveryMs(
  queries: readonly QueryInfo[],
  stormEnd: number,
  target: number,
): number | undefined {
  const remaining = queries.filter((q) => (q.endedAt ?? Infinity) > stormEnd).length;
  const want = Math.min(target, remaining);
  if (want === 0) return undefined;
  const events = [stormEnd, ...queries.map((q) => q.submittedAt).filter((t) => t >= stormEnd)].sort(
    (a, b) => a - b,
  );
  for (const t of events) {
    const active = queries.filter((q) => q.submittedAt <= t && (q.endedAt ?? Infinity) > t).length;
    if (active >= want) return t - stormEnd;
  }
  return undefined;
}

export function measure(
  workload: Workload,
  model: LatencyModelDef,
  run: { readonly queries: QueryInfo[]; readonly world: World; readonly start: number; readonly end: number },
  totals: {
    statements: number;
    succeeded: number;
    partitionsAdded: number;
    throttled: number;
    hedges?: { started: number; won: number };
  },
): ModelRun {
  const { queries, world, start, end } = run;
  const quotas = world.standIn.quotas;
  const stats = world.standIn.stats();
  const calls = stats.calls as Record<string, number>;
  const statusCalls = (calls.BatchGetQueryExecution ?? 0) + (calls.GetQueryExecution ?? 0);
  const lbMs = realizedLowerBoundMs(queries, quotas.maxActiveDdl, quotas.ddlQueueMs);
  const usedMs = realizedLowerBoundMs(queries, quotas.maxActiveDdl, quotas.ddlQueueMs, 'used');
  const inOrderMs = inOrderBoundMs(queries, quotas.maxActiveDdl, quotas.ddlQueueMs);
  // The run's last end that mattered: a hedge's loser, asked to stop, may end after the run does.
  const lastEnd = Math.max(
    0,
    ...queries.filter((q) => q.state === 'SUCCEEDED' || q.state === 'FAILED').map((q) => q.endedAt ?? 0),
  );
  const share = workload.via === 'stepfunctions' ? workload.concurrency * 3 : workload.concurrency;
  const recoveries = (model.storms ?? [])
    .map((storm) => recoveryMs(queries, start + storm.atMs + storm.forMs, share))
    .filter((ms): ms is number => ms !== undefined)
    .map(Math.round);
  const windowEnd = workload.startWindowMs !== undefined ? start + workload.startWindowMs : undefined;
  return {
    workload: workload.id,
    model: model.id,
    statements: totals.statements,
    partitions: totals.partitionsAdded,
    ok: totals.succeeded === totals.statements,
    simSeconds: round((end - start) / 1000, 1),
    lowerBoundSeconds: round(lbMs / 1000, 1),
    usedDrawsLowerBoundSeconds: round(usedMs / 1000, 1),
    ratioToLowerBound: round((end - start) / Math.max(1, lbMs), 3),
    ratioToInOrderBound: round((end - start) / Math.max(1, inOrderMs), 3),
    statusCalls,
    statusCallsPerStatement: round(statusCalls / Math.max(1, totals.statements)),
    tailMs: Math.round(end - lastEnd),
    throttled: totals.throttled,
    hedges: totals.hedges ?? { started: 0, won: 0 },
    ...(recoveries.length > 0 ? { recoveriesMs: recoveries } : {}),
    ...(windowEnd !== undefined
      ? { startedInWindow: new Set(queries.filter((q) => q.submittedAt < windowEnd).map((q) => q.sql)).size }
      : {}),
  };
}
