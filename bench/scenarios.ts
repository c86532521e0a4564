/**
 * The scenarios, and one run of OUR core against a fresh stand-in: real SDK clients, the
 * real adapters, `runPartitions` exactly as the Lambda handler calls it, simulated time.
 */
import { formatIsoDate, utcDay, type EpochDay } from '../lambda/core/dates';
import { renderHeader } from '../lambda/core/ddl';
import { parseRunPayload, type RunRequest } from '../lambda/core/request';
import { runPartitions } from '../lambda/core/run';
import { parseSettings, type Settings } from '../lambda/core/settings';
import type { QuotaOptions } from '../test/support/aws-standin';
import type { ClockMode } from './sim-clock';
import { latencyModel, lowerBound, lowerBoundAnySplit, minimumStatements } from './lower-bound';
import { accountIds, BUCKET, DATABASE, openWorld, REGIONS, TABLE, WORKGROUP, type Seed } from './world';

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
  readonly maxConcurrentQueries: number;
  /** Quota overrides on top of the common ones (e.g. a smaller active-DDL quota). */
  readonly quotas?: Partial<QuotaOptions>;
}

export const SCENARIOS: readonly Scenario[] = [
  { id: 'A', title: 'daily run, 1 account', accounts: 1, backfillDays: 0, maxConcurrentQueries: 4 },
  {
    id: 'B',
    title: 'backfill 5 years, 1 account',
    accounts: 1,
    backfillDays: 1826,
    maxConcurrentQueries: 20,
  },
  {
    id: 'C',
    title: 'org backfill 1 year, 50 accounts',
    accounts: 50,
    orgId: 'o-bench12345',
    backfillDays: 365,
    maxConcurrentQueries: 20,
  },
  {
    id: 'C4',
    title: 'org backfill 1 year, 50 accounts, concurrency 4',
    accounts: 50,
    orgId: 'o-bench12345',
    backfillDays: 365,
    maxConcurrentQueries: 4,
  },
  {
    id: 'D',
    title: 'backfill 5 years under contention (quota 8, we ask 20)',
    accounts: 1,
    backfillDays: 1826,
    maxConcurrentQueries: 20,
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
    maxConcurrentQueries: scenario.maxConcurrentQueries,
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
    from: request.window.from,
    to: Math.min(request.window.to, TODAY) as EpochDay,
  };
}

export interface CommonOptions {
  readonly timeScale: number;
  readonly quotas: Partial<QuotaOptions>;
  readonly apiLatencyMs: number;
  readonly clock: ClockMode;
}

export interface OursResult {
  readonly id: string;
  readonly title: string;
  readonly accounts: number;
  readonly regions: number;
  readonly days: number;
  readonly concurrency: number;
  readonly maxActiveDdl: number;
  readonly objects: number;
  readonly partitions: number;
  readonly statements: number;
  readonly bytesPerStatement: { readonly min: number; readonly avg: number; readonly max: number };
  readonly minStatements: number;
  readonly packingBinding: string;
  readonly packingRatio: number;
  readonly athenaCalls: Record<string, number>;
  readonly s3Calls: number;
  readonly throttled: {
    readonly standIn: number;
    readonly core: number;
    readonly byOperation: Record<string, number>;
  };
  readonly retried: number;
  readonly failures: number;
  readonly ok: boolean;
  readonly maxConcurrentActive: number;
  readonly simSeconds: number;
  readonly lowerBoundSeconds: number;
  readonly lowerBoundBinding: string;
  readonly lowerBoundAnySplitSeconds: number;
  readonly ratioToLowerBound: number;
  /** Σ over statements of (completion − submission), simulated seconds. */
  readonly secondsWaited: number;
  /** BatchGetQueryExecution + GetQueryExecution calls. */
  readonly statusCalls: number;
  readonly realSeconds: number;
  readonly discoveryRealSeconds: number;
}

const round = (value: number, digits = 2): number => Math.round(value * 10 ** digits) / 10 ** digits;

export async function runOurs(scenario: Scenario, common: CommonOptions): Promise<OursResult> {
  const settings = settingsFor(scenario);
  const request = requestFor(scenario, settings);
  const seed = seedFor(scenario, request);
  const world = await openWorld({ ...common, quotas: { ...common.quotas, ...scenario.quotas }, seed });
  try {
    const realStart = performance.now();
    const simStart = world.standIn.clock.now();
    world.time.mark();
    const report = await runPartitions(request, settings, world.ports, {
      now: NOW,
      tokenSeed: `bench-${scenario.id}`,
    });
    const simMs = world.standIn.clock.now() - simStart;
    const realSeconds = (performance.now() - realStart) / 1000;
    const stats = world.standIn.stats();
    const queries = world.standIn.queries();
    const quotas = world.standIn.quotas;
    const bytes = stats.statementBytes;
    const headerBytes = Buffer.byteLength(renderHeader(settings.database, settings.table));
    const clauseBytes = bytes.reduce((sum, b) => sum + b, 0) - bytes.length * headerBytes;
    const minimum = minimumStatements(report.partitions, clauseBytes, headerBytes, settings);
    const model = latencyModel(quotas);
    const bound = lowerBound(model, report.partitions, minimum.statements);
    const throttledByOp = stats.throttled as Record<string, number>;
    const athenaOps = ['StartQueryExecution', 'BatchGetQueryExecution', 'GetQueryExecution'];
    const athenaThrottles = athenaOps.reduce((sum, op) => sum + (throttledByOp[op] ?? 0), 0);
    const calls = stats.calls as Record<string, number>;
    const statusCalls = (calls.BatchGetQueryExecution ?? 0) + (calls.GetQueryExecution ?? 0);
    const waitedMs = queries.reduce((sum, q) => sum + ((q.endedAt ?? simStart + simMs) - q.submittedAt), 0);
    const days = request.window.to - request.window.from + 1;
    return {
      id: scenario.id,
      title: scenario.title,
      accounts: report.accounts,
      regions: report.regions,
      days,
      concurrency: settings.maxConcurrentQueries,
      maxActiveDdl: quotas.maxActiveDdl,
      objects: world.objects,
      partitions: report.partitions,
      statements: report.statements,
      bytesPerStatement: {
        min: bytes.length ? Math.min(...bytes) : 0,
        avg: bytes.length ? Math.round(bytes.reduce((s, b) => s + b, 0) / bytes.length) : 0,
        max: bytes.length ? Math.max(...bytes) : 0,
      },
      minStatements: minimum.statements,
      packingBinding: minimum.binding,
      packingRatio: round(report.statements / minimum.statements, 3),
      athenaCalls: Object.fromEntries(athenaOps.map((op) => [op, calls[op] ?? 0])),
      s3Calls: calls.ListObjectsV2 ?? 0,
      throttled: { standIn: athenaThrottles, core: report.throttled, byOperation: throttledByOp },
      retried: report.retried,
      failures: report.failed + report.unconfirmed + (report.notSubmitted > 0 ? 1 : 0) + stats.failed,
      ok: report.ok && stats.partitionsAdded === report.partitions,
      maxConcurrentActive: stats.maxConcurrentActive,
      simSeconds: round(simMs / 1000, 1),
      lowerBoundSeconds: round(bound.ms / 1000, 1),
      lowerBoundBinding: bound.binding,
      lowerBoundAnySplitSeconds: round(
        lowerBoundAnySplit(model, report.partitions, minimum.statements) / 1000,
        1,
      ),
      ratioToLowerBound: round(simMs / bound.ms, 3),
      secondsWaited: round(waitedMs / 1000, 1),
      statusCalls,
      realSeconds: round(realSeconds, 1),
      discoveryRealSeconds: round(world.time.listing.realMs / 1000, 1),
    };
  } finally {
    await world.close();
  }
}
