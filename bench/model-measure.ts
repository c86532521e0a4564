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
  readonly ratioToLowerBound: number;
  readonly statusCalls: number;
  readonly statusCallsPerStatement: number;
  /** Last query's end (Athena's clock) to the end of the run. */
  readonly tailMs: number;
  readonly throttled: number;
  /** After the last storm: ms until the queries in flight were back at the share (or all that was left). */
  readonly recoveryMs?: number;
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

/** The best any scheduler could do with these statements and these drawn latencies. */
export function realizedLowerBoundMs(
  queries: readonly QueryInfo[],
  maxActive: number,
  queueMs: number,
): number {
  // One successful execution per statement: retries of a failed one are the fault's cost, not the floor.
  const bySql = new Map<string, number>();
  for (const q of queries) bySql.set(q.sql, queueMs + q.durationMs);
  const slots = [...bySql.values()];
  if (slots.length === 0) return 0;
  const sum = slots.reduce((a, b) => a + b, 0);
  const rateMs = (Math.max(0, slots.length - START_RATE.burst) / START_RATE.perSecond) * 1000;
  return Math.max(sum / maxActive, Math.max(...slots), rateMs);
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
  totals: { statements: number; succeeded: number; partitionsAdded: number; throttled: number },
): ModelRun {
  const { queries, world, start, end } = run;
  const quotas = world.standIn.quotas;
  const stats = world.standIn.stats();
  const calls = stats.calls as Record<string, number>;
  const statusCalls = (calls.BatchGetQueryExecution ?? 0) + (calls.GetQueryExecution ?? 0);
  const lbMs = realizedLowerBoundMs(queries, quotas.maxActiveDdl, quotas.ddlQueueMs);
  const lastEnd = Math.max(...queries.map((q) => q.endedAt ?? 0));
  const storms = model.storms ?? [];
  const last = storms[storms.length - 1];
  const share = workload.via === 'stepfunctions' ? workload.concurrency * 3 : workload.concurrency;
  const recovery = last ? recoveryMs(queries, start + last.atMs + last.forMs, share) : undefined;
  const windowEnd = workload.startWindowMs !== undefined ? start + workload.startWindowMs : undefined;
  return {
    workload: workload.id,
    model: model.id,
    statements: totals.statements,
    partitions: totals.partitionsAdded,
    ok: totals.succeeded === totals.statements,
    simSeconds: round((end - start) / 1000, 1),
    lowerBoundSeconds: round(lbMs / 1000, 1),
    ratioToLowerBound: round((end - start) / Math.max(1, lbMs), 3),
    statusCalls,
    statusCallsPerStatement: round(statusCalls / Math.max(1, totals.statements)),
    tailMs: Math.round(end - lastEnd),
    throttled: totals.throttled,
    ...(recovery !== undefined ? { recoveryMs: Math.round(recovery) } : {}),
    ...(windowEnd !== undefined
      ? { startedInWindow: new Set(queries.filter((q) => q.submittedAt < windowEnd).map((q) => q.sql)).size }
      : {}),
  };
}
