/** The results' shape, and the targets checked against them (all at the defaults). */
import type { BaselineResult } from './baseline';
import type { BundleFigures, LoopFigures, PlanFigures } from './cpu';
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
  /** The same 1M partitions' text from the minimal loop: the fastest of three runs. */
  readonly loop1M: LoopFigures;
  /** plan1M CPU seconds ÷ loop1M CPU seconds (best of three each). */
  readonly ratioToLoop: number;
  /** The same in wall-clock seconds, which the machine's other jobs inflate. */
  readonly wallRatioToLoop: number;
  readonly bundles: readonly BundleFigures[];
}

export type TargetStatus = 'PASS' | 'FAIL' | 'SKIP';

export interface Target {
  readonly name: string;
  readonly status: TargetStatus;
  readonly detail: string;
}

export const LIMITS = {
  packingRatio: 1.02,
  orgLowerBoundRatio: 1.25,
  stepFunctionsLowerBoundRatio: 1.5,
  s3FloorRatio: 1.05,
  statusCallsPerStatement: 3,
  orgSpeedup: 50,
  cpuRatioToLoop: 2,
  /** Ten times the range may add at most this much retained heap. */
  flatHeapMb: 2,
} as const;

const fmt = (value: number, digits = 1): string =>
  value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const int = (value: number): string => value.toLocaleString('en-US');

function target(name: string, pass: boolean | undefined, detail: string): Target {
  return { name, status: pass === undefined ? 'SKIP' : pass ? 'PASS' : 'FAIL', detail };
}

function boundTarget(id: string, label: string, limit: number, s: ScenarioResult | undefined): Target {
  return target(
    `${label} (${id}) at the defaults ≤ ${limit} × lower bound`,
    s && s.ours.ratioToLowerBound <= limit,
    s
      ? `${fmt(s.ours.simSeconds)} s ÷ ${fmt(s.ours.lowerBoundSeconds)} s = ${fmt(s.ours.ratioToLowerBound, 3)} (concurrency ${s.ours.concurrency} of ${s.ours.maxActiveDdl})`
      : `scenario ${id} not run`,
  );
}

function cpuTargets(cpu: CpuResult | undefined): Target[] {
  return [
    target(
      `plan + render within ${LIMITS.cpuRatioToLoop} × a minimal loop building the same text`,
      cpu && cpu.ratioToLoop <= LIMITS.cpuRatioToLoop && cpu.loop1M.bytes === cpu.plan1M.bytes,
      cpu
        ? `${int(cpu.plan1M.partitions)} partitions: ours ${fmt(cpu.plan1M.cpuSeconds, 2)} CPU s (runs ${cpu.plan1MSeconds.map((s) => fmt(s, 2)).join(', ')}) ÷ loop ${fmt(cpu.loop1M.cpuSeconds, 2)} CPU s = ${fmt(cpu.ratioToLoop, 2)}× (wall clock ${fmt(cpu.wallRatioToLoop, 2)}×); same text: ${cpu.loop1M.bytes === cpu.plan1M.bytes} (${int(cpu.plan1M.bytes)} bytes in ${int(cpu.plan1M.statements)} statements)`
        : 'cpu figures not run',
    ),
    target(
      `flat retained memory (10× the range adds < ${LIMITS.flatHeapMb} MB)`,
      cpu &&
        Number.isFinite(cpu.plan1M.retainedHeapMb) &&
        cpu.plan1M.retainedHeapMb - cpu.plan100k.retainedHeapMb < LIMITS.flatHeapMb,
      cpu
        ? `retained heap ${fmt(cpu.plan100k.retainedHeapMb)} MB at ${int(cpu.plan100k.partitions)} partitions, ${fmt(cpu.plan1M.retainedHeapMb)} MB at ${int(cpu.plan1M.partitions)}`
        : 'cpu figures not run',
    ),
  ];
}

export function evaluateTargets(scenarios: readonly ScenarioResult[], cpu: CpuResult | undefined): Target[] {
  const all = scenarios.map((s) => s.ours);
  const find = (id: string) => scenarios.find((s) => s.ours.id === id);
  const org = find('C');
  const none = scenarios.length === 0 ? undefined : true;
  const each = (f: (o: OursResult) => string): string => all.map(f).join(', ');
  const failures = scenarios.map((s) => s.ours.failures + s.baseline.failures).reduce((a, b) => a + b, 0);
  return [
    boundTarget('C', 'org backfill', LIMITS.orgLowerBoundRatio, org),
    boundTarget('S', 'org backfill through Step Functions', LIMITS.stepFunctionsLowerBoundRatio, find('S')),
    target(
      `ListObjectsV2 calls ≤ ${LIMITS.s3FloorRatio} × the discovery floor, every scenario`,
      none && all.every((o) => o.s3Ratio <= LIMITS.s3FloorRatio),
      each((o) => `${o.id} ${int(o.s3Calls)} / floor ${int(o.s3Floor)} = ${fmt(o.s3Ratio, 3)}`),
    ),
    target(
      `statements ≤ ${LIMITS.packingRatio} × the byte-limit minimum, every scenario`,
      none && all.every((o) => o.packingRatio <= LIMITS.packingRatio),
      each((o) => `${o.id} ${int(o.statements)} / ${int(o.minStatements)} = ${fmt(o.packingRatio, 3)}`),
    ),
    target(
      `status calls < statements × ${LIMITS.statusCallsPerStatement}, every scenario`,
      none && all.every((o) => o.statusCalls < o.statements * LIMITS.statusCallsPerStatement),
      each((o) => `${o.id} ${int(o.statusCalls)} < ${int(o.statements * LIMITS.statusCallsPerStatement)}`),
    ),
    target(
      'zero failures, throttling absorbed, every partition added',
      none && failures === 0 && all.every((o) => o.ok),
      `failures ${failures}; throttles absorbed (stand-in/core): ${each((o) => `${o.id} ${o.throttled.standIn}/${o.throttled.core}`)}`,
    ),
    target(
      `org backfill (C) ≥ ${LIMITS.orgSpeedup}× faster than the naive baseline`,
      org && org.speedup >= LIMITS.orgSpeedup,
      org
        ? `baseline ${fmt(org.baseline.simSeconds, 0)} s${org.baseline.extrapolated ? ` (extrapolated from ${org.baseline.ran} of ${int(org.baseline.statements)} statements)` : ''} ÷ ours ${fmt(org.ours.simSeconds)} s = ${fmt(org.speedup)}×`
        : 'scenario C not run',
    ),
    ...cpuTargets(cpu),
  ];
}
