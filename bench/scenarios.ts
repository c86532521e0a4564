/**
 * The scenarios, and one run of OUR core against a fresh stand-in: real SDK clients, the
 * real adapters, `runPartitions` exactly as the Lambda handler calls it, simulated time.
 */
import { formatIsoDate, utcDay, type EpochDay } from '../lambda/core/shared/dates';
import { renderHeader } from '../lambda/core/partitions/ddl';
import { parseRunPayload, type RunRequest } from '../lambda/core/run/request';
import { concurrencyFor } from '../lambda/core/shared/concurrency';
import type { Report } from '../lambda/core/run/report';
import { runPartitions } from '../lambda/core/run/run';
import { parseSettings, type Settings } from '../lambda/core/run/settings';
import type { QuotaOptions } from '../test/support/aws-standin';
import type { ClockMode } from './sim-clock';
import { latencyModel, lowerBound, lowerBoundAnySplit, minimumStatements } from './lower-bound';
import { discoveryFloor } from './floor';
import type { OursResult } from './ours-result';
import { runStepFunctions } from './stepfunctions';
import {
  accountIds,
  BUCKET,
  DATABASE,
  openWorld,
  REGIONS,
  TABLE,
  WORKGROUP,
  type Seed,
  type World,
} from './world';

/** Fixed "now" so every run plans the same windows. */
export const NOW = new Date('2025-06-15T06:00:00Z');
const TODAY = utcDay(NOW);

export interface Scenario {
  readonly id: string;
  readonly title: string;
  readonly accounts: number;
  readonly orgId?: string;
  /** Past days to backfill (ending yesterday); 0 for the scheduled daily run. */
  readonly backfillDays: number;
  /** 'stepfunctions': the backfill as the state machine runs it (split, then chunks). @default 'run' */
  readonly via?: 'run' | 'stepfunctions';
  /** Quota overrides on top of the common ones (e.g. a smaller active-DDL quota). */
  readonly quotas?: Partial<QuotaOptions>;
  /**
   * Daily runs of this many previous days run first in the same stand-in (not measured): the
   * steady state, where the workgroup's history already holds earlier statements' timings.
   */
  readonly previousDays?: number;
}

/** Every scenario runs at the defaults; only D narrows the quota to show contention. */
export const SCENARIOS: readonly Scenario[] = [
  { id: 'A', title: 'daily run, 1 account (the schedule: share 2)', accounts: 1, backfillDays: 0 },
  {
    id: 'A2',
    title: "daily run, 1 account, steady state: the 3 previous days' runs first (latency history)",
    accounts: 1,
    backfillDays: 0,
    previousDays: 3,
  },
  { id: 'B', title: 'backfill 5 years, 1 account (cli run / invoke)', accounts: 1, backfillDays: 1826 },
  {
    id: 'C',
    title: 'org backfill 1 year, 50 accounts (cli run / invoke)',
    accounts: 50,
    orgId: 'o-bench12345',
    backfillDays: 365,
  },
  {
    id: 'S',
    title: 'org backfill 1 year, 50 accounts, through the Step Functions backfill',
    accounts: 50,
    orgId: 'o-bench12345',
    backfillDays: 365,
    via: 'stepfunctions',
  },
  {
    id: 'D',
    title: 'backfill 5 years under contention (8 slots free, the default asks for 18)',
    accounts: 1,
    backfillDays: 1826,
    quotas: { maxActiveDdl: 8 },
  },
];

export function settingsFor(scenario: Scenario): Settings {
  return parseSettings({
    bucket: BUCKET,
    ...(scenario.orgId ? { orgId: scenario.orgId } : {}),
    database: DATABASE,
    table: TABLE,
    workgroup: WORKGROUP,
  });
}

export function requestFor(scenario: Scenario, settings: Settings): RunRequest {
  if (scenario.backfillDays === 0) return parseRunPayload(undefined, NOW, settings);
  const from = formatIsoDate(TODAY - scenario.backfillDays);
  return parseRunPayload({ from, to: formatIsoDate(TODAY - 1) }, NOW, settings);
}

/** Logs exist for every day of the window that has begun (through today for the daily run). */
export function seedFor(scenario: Scenario, request: RunRequest): Seed {
  return {
    accounts: accountIds(scenario.accounts),
    regions: REGIONS,
    ...(scenario.orgId ? { orgId: scenario.orgId } : {}),
    from: (request.window.from - (scenario.previousDays ?? 0)) as EpochDay,
    to: Math.min(request.window.to, TODAY) as EpochDay,
  };
}

export interface CommonOptions {
  readonly timeScale: number;
  readonly quotas: Partial<QuotaOptions>;
  readonly apiLatencyMs: number;
  readonly clock: ClockMode;
}

export type { OursResult } from './ours-result';

const round = (value: number, digits = 2): number => Math.round(value * 10 ** digits) / 10 ** digits;

interface Work {
  readonly reports: readonly Report[];
  /** Statement bytes per invocation (one group per run or chunk): the minimum packs each group. */
  readonly groups: readonly (readonly number[])[];
  readonly s3Floor: number;
  readonly concurrency: string;
}

async function runWork(
  scenario: Scenario,
  world: World,
  settings: Settings,
  request: RunRequest,
): Promise<Work> {
  const today = TODAY;
  const accounts = scenario.accounts;
  if (scenario.via === 'stepfunctions') {
    const { chunks } = await runStepFunctions(world, settings, request, NOW);
    const split = discoveryFloor(accounts, REGIONS.length, { from: 1, to: 0 }, today);
    const floors = chunks.map((c) => discoveryFloor(accounts, REGIONS.length, c.window, today));
    const perChunk = concurrencyFor('chunk', settings);
    return {
      reports: chunks.map((c) => c.report),
      groups: chunks.map((c) => c.statementBytes),
      s3Floor: split + floors.reduce((a, b) => a + b, 0),
      concurrency: `${settings.backfillMaxConcurrency} × ${perChunk}`,
    };
  }
  const report = await runPartitions(request, settings, world.ports, {
    now: NOW,
    tokenSeed: `bench-${scenario.id}`,
  });
  return {
    reports: [report],
    groups: [world.standIn.stats().statementBytes],
    s3Floor: discoveryFloor(accounts, REGIONS.length, request.window, today),
    concurrency: String(concurrencyFor(request.kind, settings)),
  };
}

/** Partitions of the run's window the catalog holds (what earlier days added counts too). */
function windowRegistered(world: World, request: RunRequest): number {
  const from = formatIsoDate(request.window.from);
  const to = formatIsoDate(request.window.to);
  return world.standIn.partitions(DATABASE, TABLE).filter(({ values }) => {
    const day = `${values[2]}-${values[3]}-${values[4]}`;
    return day >= from && day <= to;
  }).length;
}

/** The previous days' daily runs, each at its own day, then the counters start from zero. */
async function runPreviousDays(scenario: Scenario, world: World, settings: Settings): Promise<void> {
  for (let back = scenario.previousDays ?? 0; back >= 1; back--) {
    const now = new Date(NOW.getTime() - back * 86_400_000);
    const report = await runPartitions(parseRunPayload(undefined, now, settings), settings, world.ports, {
      now,
      tokenSeed: `bench-${scenario.id}-day-${back}`,
    });
    if (!report.ok) throw new Error(`${scenario.id}: the run ${back} days before failed`);
  }
  world.standIn.resetStats();
}

export async function runOurs(scenario: Scenario, common: CommonOptions): Promise<OursResult> {
  const settings = settingsFor(scenario);
  const request = requestFor(scenario, settings);
  const seed = seedFor(scenario, request);
  const world = await openWorld({ ...common, quotas: { ...common.quotas, ...scenario.quotas }, seed });
  try {
    await runPreviousDays(scenario, world, settings);
    const realStart = performance.now();
    const simStart = world.standIn.clock.now();
    const work = await runWork(scenario, world, settings, request);
    const simMs = world.standIn.clock.now() - simStart;
    const realSeconds = (performance.now() - realStart) / 1000;
    const stats = world.standIn.stats();
    const queries = world.standIn.queries().filter((q) => q.submittedAt >= simStart);
    const quotas = world.standIn.quotas;
    const sum = (f: (r: Report) => number): number => work.reports.reduce((n, r) => n + f(r), 0);
    const partitions = sum((r) => r.partitions);
    const statements = sum((r) => r.statements);
    const bytes = stats.statementBytes;
    const headerBytes = Buffer.byteLength(renderHeader(settings.database, settings.table));
    // The fewest statements: each invocation's partitions packed to the byte budget on their own.
    const minimum = work.groups
      .map((group) => {
        const clauseBytes = group.reduce((a, b) => a + b, 0) - group.length * headerBytes;
        // No partition cap by default: bytes alone decide (a set cap would enter through settings).
        return minimumStatements(0, clauseBytes, headerBytes, settings);
      })
      .reduce((acc, m) => ({ statements: acc.statements + m.statements, binding: m.binding }), {
        statements: 0,
        binding: 'byte budget',
      });
    const model = latencyModel(quotas);
    const bound = lowerBound(model, partitions, Math.max(1, minimum.statements));
    const throttledByOp = stats.throttled as Record<string, number>;
    const athenaOps = ['StartQueryExecution', 'BatchGetQueryExecution', 'GetQueryExecution'];
    const athenaThrottles = athenaOps.reduce((n, op) => n + (throttledByOp[op] ?? 0), 0);
    const calls = stats.calls as Record<string, number>;
    const statusCalls = (calls.BatchGetQueryExecution ?? 0) + (calls.GetQueryExecution ?? 0);
    const waitedMs = queries.reduce((n, q) => n + ((q.endedAt ?? simStart + simMs) - q.submittedAt), 0);
    // The run's last end that mattered: a hedge's loser, asked to stop, may end after the run does.
    const lastEnd = Math.max(
      0,
      ...queries.filter((q) => q.state === 'SUCCEEDED' || q.state === 'FAILED').map((q) => q.endedAt ?? 0),
    );
    const s3Calls = calls.ListObjectsV2 ?? 0;
    const first = work.reports[0];
    return {
      id: scenario.id,
      title: scenario.title,
      accounts: first.accounts,
      regions: first.regions,
      days: request.window.to - request.window.from + 1,
      concurrency: work.concurrency,
      maxActiveDdl: quotas.maxActiveDdl,
      objects: world.objects,
      partitions,
      statements,
      bytesPerStatement: {
        min: bytes.length ? Math.min(...bytes) : 0,
        avg: bytes.length ? Math.round(bytes.reduce((a, b) => a + b, 0) / bytes.length) : 0,
        max: bytes.length ? Math.max(...bytes) : 0,
      },
      minStatements: minimum.statements,
      packingBinding: minimum.binding,
      packingRatio: round(statements / Math.max(1, minimum.statements), 3),
      athenaCalls: Object.fromEntries(athenaOps.map((op) => [op, calls[op] ?? 0])),
      s3Calls,
      s3Floor: work.s3Floor,
      s3Ratio: round(s3Calls / work.s3Floor, 3),
      throttled: { standIn: athenaThrottles, core: sum((r) => r.throttled), byOperation: throttledByOp },
      retried: sum((r) => r.retried),
      failures: sum((r) => r.failed + r.unconfirmed + (r.notSubmitted > 0 ? 1 : 0)) + stats.failed,
      ok: work.reports.every((r) => r.ok) && windowRegistered(world, request) === partitions,
      maxConcurrentActive: stats.maxConcurrentActive,
      simSeconds: round(simMs / 1000, 1),
      lowerBoundSeconds: round(bound.ms / 1000, 1),
      lowerBoundBinding: bound.binding,
      lowerBoundAnySplitSeconds: round(lowerBoundAnySplit(model, partitions, minimum.statements) / 1000, 1),
      ratioToLowerBound: round(simMs / bound.ms, 3),
      secondsWaited: round(waitedMs / 1000, 1),
      statusCalls,
      latencyFromHistory: sum((r) => r.latencyFromHistory ?? 0),
      statusCallsPerStatement: round(statusCalls / Math.max(1, statements), 2),
      tailMs: Math.round(simStart + simMs - lastEnd),
      realSeconds: round(realSeconds, 1),
      discoveryRealSeconds: round(world.time.listing.realMs / 1000, 1),
    };
  } finally {
    await world.close();
  }
}
