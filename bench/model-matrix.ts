/**
 * Runs the scheduler matrix: every workload under every latency model (ours and the
 * baseline), the issue's two measured failures, and the daily run at organization scale with
 * its hand-off to the Step Functions share. Figures, not a test: the targets say PASS or FAIL.
 */
import {
  DAILY_WORKLOAD,
  ISSUE_WORKLOADS,
  LATENCY_MODELS,
  type LatencyModelDef,
  RECOVERY_WORKLOAD,
  STORM_AND_FAILURES,
  withStorms,
  type Workload,
  WORKLOADS,
} from './model-defs';
import type { BaselineRun, ModelRun } from './model-measure';
import { invocations, runBaselineModel, runOursModel } from './models';
import type { CommonOptions } from './scenarios';

export interface MatrixRow {
  readonly title: string;
  readonly ours: ModelRun;
  readonly baseline?: BaselineRun;
}

export interface DailyScale {
  readonly partitions: number;
  readonly statements: number;
  /** Statements started, and partitions they hold, within the one invocation. */
  readonly startedInWindow: number;
  readonly partitionsInWindow: number;
  /** Simulated seconds the remainder takes at the backfill share (18), handed to Step Functions. */
  readonly handoffSeconds: number;
  readonly handoffStatements: number;
  /** Invocation + hand-off, in hours: must be below 24. */
  readonly totalHours: number;
  /** Accounts one invocation carries at 17 regions, adding only the new day (and re-adding 3 days). */
  readonly accountsAt17Regions: number;
  readonly accountsAt17RegionsWithoutGlueRead: number;
}

export interface MatrixResults {
  readonly rows: readonly MatrixRow[];
  readonly issue: readonly MatrixRow[];
  readonly daily?: DailyScale;
}

const MODEL_BY_ID = new Map<string, LatencyModelDef>(
  [...LATENCY_MODELS, STORM_AND_FAILURES].map((m) => [m.id, m]),
);

async function both(
  workload: Workload,
  model: LatencyModelDef,
  common: CommonOptions,
  progress: (m: string) => void,
): Promise<MatrixRow> {
  const plans = invocations(workload);
  progress(`models: ${workload.id} × ${model.id}: ours`);
  const ours = await runOursModel(workload, model, common, plans);
  progress(`models: ${workload.id} × ${model.id}: baseline (5 in flight, 100 ms → 2 s)`);
  const baseline = await runBaselineModel(workload, model, common, plans);
  return { title: workload.title, ours, baseline };
}

async function dailyScale(common: CommonOptions, progress: (m: string) => void): Promise<DailyScale> {
  const model = MODEL_BY_ID.get('1x') as LatencyModelDef;
  progress('models: daily run, 5,000 accounts × 20 regions at share 2');
  const plans = invocations(DAILY_WORKLOAD);
  const ours = await runOursModel(DAILY_WORKLOAD, model, common, plans);
  const started = ours.startedInWindow ?? 0;
  const rest = plans[0].slice(started);
  const inWindow = plans[0].slice(0, started).reduce((n, s) => n + s.partitions.length, 0);
  progress(`models: daily run remainder (${rest.length} statements) at the backfill share`);
  const handoff =
    rest.length > 0
      ? await runOursModel(
          { ...DAILY_WORKLOAD, id: 'DAILY-REST', concurrency: 18, startWindowMs: undefined },
          model,
          common,
          [rest],
        )
      : undefined;
  const handoffSeconds = handoff?.simSeconds ?? 0;
  const partitions = plans[0].reduce((n, s) => n + s.partitions.length, 0);
  return {
    partitions,
    statements: plans[0].length,
    startedInWindow: started,
    partitionsInWindow: inWindow,
    handoffSeconds,
    handoffStatements: rest.length,
    totalHours: Math.round(((885 + handoffSeconds) / 3600) * 100) / 100,
    accountsAt17Regions: Math.floor(inWindow / 17),
    accountsAt17RegionsWithoutGlueRead: Math.floor(inWindow / (17 * 3)),
  };
}

export async function runModelMatrix(
  common: CommonOptions,
  progress: (m: string) => void,
  only: { readonly models?: readonly string[]; readonly parts?: readonly string[] } = {},
): Promise<MatrixResults> {
  const part = (id: string): boolean => !only.parts || only.parts.includes(id);
  const rows: MatrixRow[] = [];
  const models = LATENCY_MODELS.filter((m) => !only.models || only.models.includes(m.id));
  for (const workload of WORKLOADS.filter((w) => part(w.id))) {
    for (const model of models) rows.push(await both(workload, model, common, progress));
  }
  // R: the throttle-recovery time in every latency model (the storm model has its own storms).
  for (const model of part('R') ? models.filter((m) => !m.storms) : []) {
    rows.push(await both(RECOVERY_WORKLOAD, withStorms(model), common, progress));
  }
  const issue: MatrixRow[] = [];
  for (const { workload, model } of part('I') ? ISSUE_WORKLOADS : []) {
    issue.push(await both(workload, MODEL_BY_ID.get(model) as LatencyModelDef, common, progress));
  }
  const daily = part('DAILY') ? await dailyScale(common, progress) : undefined;
  return { rows, issue, ...(daily ? { daily } : {}) };
}
