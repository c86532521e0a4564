/**
 * What the quota model allows at best, for the work a scenario carries.
 *
 * Minimum statements: every statement holds at most `cap` partitions and at most
 * `budget − header` bytes of clauses, so no packing can use fewer than
 *   S_min = max(⌈P / cap⌉, ⌈Σ clause bytes / (budget − header)⌉).
 *
 * Lower bound on wall time with S_min statements holding the P partitions, where a
 * statement holding n partitions occupies one of the `maxActiveDdl` slots for
 * latency(n) = queue + fixed + perPartition × n:
 *   LB = max( Σ_i latency(n_i) / maxActiveDdl,          (slot-seconds over slots)
 *             max_i latency(n_i) ≥ latency(⌈P / S_min⌉), (the longest statement)
 *             (S_min − burst) / rate )                   (StartQueryExecution token bucket)
 * with Σ_i latency(n_i) = S_min × (queue + fixed) + perPartition × P whatever the split.
 */
import type { QuotaOptions, RateLimit } from '../test/support/aws-standin';

export interface LatencyModel {
  readonly queueMs: number;
  readonly fixedMs: number;
  readonly perPartitionMs: number;
  readonly maxActiveDdl: number;
  readonly startRate?: RateLimit;
}

export function latencyModel(quotas: QuotaOptions): LatencyModel {
  return {
    queueMs: quotas.ddlQueueMs,
    fixedMs: quotas.ddlFixedMs,
    perPartitionMs: quotas.ddlPerPartitionMs,
    maxActiveDdl: quotas.maxActiveDdl,
    startRate: quotas.rates.StartQueryExecution ?? undefined,
  };
}

/** Simulated ms one statement of `partitions` holds an active-DDL slot. */
export function statementLatencyMs(model: LatencyModel, partitions: number): number {
  return model.queueMs + model.fixedMs + model.perPartitionMs * partitions;
}

export interface PackingLimits {
  readonly maxStatementBytes: number;
  readonly maxPartitionsPerStatement: number;
}

export interface MinimumPacking {
  readonly statements: number;
  /** Which limit decides the minimum. */
  readonly binding: 'partition cap' | 'byte budget';
}

export function minimumStatements(
  partitions: number,
  clauseBytes: number,
  headerBytes: number,
  limits: PackingLimits,
): MinimumPacking {
  const byCap = Math.ceil(partitions / limits.maxPartitionsPerStatement);
  const byBytes = Math.ceil(clauseBytes / (limits.maxStatementBytes - headerBytes));
  return byCap >= byBytes
    ? { statements: byCap, binding: 'partition cap' }
    : { statements: byBytes, binding: 'byte budget' };
}

export interface LowerBound {
  readonly ms: number;
  readonly slotsMs: number;
  readonly longestMs: number;
  readonly startRateMs: number;
  /** The term that decides it. */
  readonly binding: 'active-DDL slots' | 'longest statement' | 'start rate';
}

export function lowerBound(model: LatencyModel, partitions: number, statements: number): LowerBound {
  if (statements === 0)
    return { ms: 0, slotsMs: 0, longestMs: 0, startRateMs: 0, binding: 'active-DDL slots' };
  const slotsMs =
    (statements * (model.queueMs + model.fixedMs) + model.perPartitionMs * partitions) / model.maxActiveDdl;
  const longestMs = statementLatencyMs(model, Math.ceil(partitions / statements));
  const rate = model.startRate;
  const startRateMs = rate ? (Math.max(0, statements - rate.burst) / rate.perSecond) * 1000 : 0;
  const ms = Math.max(slotsMs, longestMs, startRateMs);
  const binding = ms === slotsMs ? 'active-DDL slots' : ms === longestMs ? 'longest statement' : 'start rate';
  return { ms, slotsMs, longestMs, startRateMs, binding };
}

/**
 * The same bound minimised over every statement count from S_min to P: splitting into more,
 * smaller statements shortens the longest one but adds fixed costs. Only the daily run,
 * where one statement's latency dominates, gains from it; reported for completeness.
 */
export function lowerBoundAnySplit(model: LatencyModel, partitions: number, minStatements: number): number {
  let best = Number.POSITIVE_INFINITY;
  const top = Math.min(partitions, minStatements + 10 * model.maxActiveDdl);
  for (let s = Math.max(1, minStatements); s <= top; s++)
    best = Math.min(best, lowerBound(model, partitions, s).ms);
  return best;
}
