/** The results' shape, and the targets checked against them. */
import type { BaselineResult } from './baseline';
import type { BundleFigures, PlanFigures } from './cpu';
import type { OursResult } from './scenarios';

export interface ScenarioResult {
  readonly ours: OursResult;
  readonly baseline: BaselineResult;
  /** Baseline simulated time ÷ ours. */
  readonly speedup: number;
}

export interface CpuResult {
  /** 100 accounts × 17 regions × 59 days ≈ 100k partitions (also the JIT warm-up). */
  readonly plan100k: PlanFigures;
  /** 100 accounts × 17 regions × 590 days ≈ 1M partitions: the fastest of three runs. */
  readonly plan1M: PlanFigures;
  readonly plan1MSeconds: readonly number[];
  readonly bundles: readonly BundleFigures[];
}

export type TargetStatus = 'PASS' | 'FAIL' | 'SKIP';

export interface Target {
  readonly name: string;
  readonly status: TargetStatus;
  readonly detail: string;
}

export const LIMITS = {
  packingRatio: 1.05,
  orgLowerBoundRatio: 1.25,
  orgSpeedup: 50,
  planSeconds: 2,
  /** Ten times the range may add at most this much retained heap. */
  flatHeapMb: 2,
} as const;

const fmt = (value: number, digits = 1): string =>
  value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function target(name: string, pass: boolean | undefined, detail: string): Target {
  return { name, status: pass === undefined ? 'SKIP' : pass ? 'PASS' : 'FAIL', detail };
}

export function evaluateTargets(scenarios: readonly ScenarioResult[], cpu: CpuResult | undefined): Target[] {
  const all = scenarios.map((s) => s.ours);
  const org = scenarios.find((s) => s.ours.id === 'C');
  const none = scenarios.length === 0 ? undefined : true;
  const packing = all
    .map((o) => `${o.id} ${fmt(o.packingRatio, 3)} (${o.statements}/${o.minStatements})`)
    .join(', ');
  const failures = scenarios.map((s) => s.ours.failures + s.baseline.failures).reduce((a, b) => a + b, 0);
  const throttles = all.map((o) => `${o.id} ${o.throttled.standIn}/${o.throttled.core}`).join(', ');
  const polling = all
    .map(
      (o) =>
        `${o.id} ${o.statusCalls.toLocaleString('en-US')} vs ${fmt(o.secondsWaited)} s ${o.statusCalls < o.secondsWaited ? 'ok' : 'MISSED'}`,
    )
    .join(', ');
  const targets: Target[] = [
    target(
      `packing ≤ ${LIMITS.packingRatio} × minimum statements`,
      none && all.every((o) => o.packingRatio <= LIMITS.packingRatio),
      packing,
    ),
    target(
      `org backfill (C) ≤ ${LIMITS.orgLowerBoundRatio} × lower bound`,
      org && org.ours.ratioToLowerBound <= LIMITS.orgLowerBoundRatio,
      org
        ? `${fmt(org.ours.simSeconds)} s ÷ ${fmt(org.ours.lowerBoundSeconds)} s = ${fmt(org.ours.ratioToLowerBound, 3)}`
        : 'scenario C not run',
    ),
    target(
      `org backfill (C) ≥ ${LIMITS.orgSpeedup}× faster than the naive baseline`,
      org && org.speedup >= LIMITS.orgSpeedup,
      org
        ? `baseline ${fmt(org.baseline.simSeconds, 0)} s${org.baseline.extrapolated ? ` (extrapolated from ${org.baseline.ran} of ${org.baseline.statements.toLocaleString('en-US')} statements)` : ''} ÷ ours ${fmt(org.ours.simSeconds)} s = ${fmt(org.speedup)}×`
        : 'scenario C not run',
    ),
    target(
      'zero failures, throttling absorbed',
      none && failures === 0 && all.every((o) => o.ok),
      `failures ${failures}; every partition added: ${all.every((o) => o.ok)}; throttles absorbed (stand-in/core): ${throttles}`,
    ),
    target(
      `1M partitions planned + rendered < ${LIMITS.planSeconds} s on one core`,
      cpu && cpu.plan1M.seconds < LIMITS.planSeconds,
      cpu
        ? `${cpu.plan1M.partitions.toLocaleString('en-US')} partitions in ${fmt(cpu.plan1M.seconds, 2)} s (runs: ${cpu.plan1MSeconds.map((s) => fmt(s, 2)).join(', ')} s), ${cpu.plan1M.partitionsPerSecond.toLocaleString('en-US')}/s`
        : 'cpu figures not run',
    ),
    target(
      `flat retained memory (10× the range adds < ${LIMITS.flatHeapMb} MB)`,
      cpu &&
        Number.isFinite(cpu.plan1M.retainedHeapMb) &&
        cpu.plan1M.retainedHeapMb - cpu.plan100k.retainedHeapMb < LIMITS.flatHeapMb,
      cpu
        ? `retained heap ${fmt(cpu.plan100k.retainedHeapMb)} MB at ${cpu.plan100k.partitions.toLocaleString('en-US')} partitions, ${fmt(cpu.plan1M.retainedHeapMb)} MB at ${cpu.plan1M.partitions.toLocaleString('en-US')}`
        : 'cpu figures not run',
    ),
    target(
      'status calls < Σ seconds waited (1 poll/s/query)',
      none && all.every((o) => o.statusCalls < o.secondsWaited),
      polling,
    ),
  ];
  return targets;
}
