/**
 * One simulated Lambda invocation of the daily run or of a backfill chunk, through the real core:
 * the Glue read of the window (registered.ts, with its segments and pacing against the
 * stand-in's GetPartitions), the plan of the missing partitions, the real scheduler at the
 * run's share with the handler's 15-minute deadlines, and the report the handler would hand off
 * from. Without the S3 walk: every account-region holds logs every day (discovery is measured by
 * the scenarios), so the planned window is exactly accounts × regions × days.
 */
import { invocationDeadlines } from '../lambda/handler';
import {
  DEFAULT_MAX_PARTITIONS_PER_STATEMENT,
  DEFAULT_MAX_STATEMENT_BYTES,
  packStatements,
} from '../lambda/core/partitions/ddl';
import { makeLayout } from '../lambda/core/partitions/layout';
import { planPartitions } from '../lambda/core/partitions/plan';
import { schemeFromKeyList } from '../lambda/core/partitions/scheme';
import { countMatching, readRegistered } from '../lambda/core/run/registered';
import { reportFrom, type Report } from '../lambda/core/run/report';
import { DEFAULTS } from '../lambda/core/run/settings';
import { concurrencyFor, type RunKind } from '../lambda/core/shared/concurrency';
import { type DayWindow, type EpochDay, formatWindow, windowLength } from '../lambda/core/shared/dates';
import type { Target } from '../lambda/core/shared/targets';
import { submitStatements } from '../lambda/core/submit/submit';
import { accountIds, BUCKET, DATABASE, REGIONS, TABLE, type World } from './world';

export const SCHEME = schemeFromKeyList('account,region,year,month,day');
export const ORG_ID = 'o-bench12345';
/** Lambda's 15-minute ceiling, the function's timeout at the defaults. */
export const INVOCATION_MS = 900_000;
const EXTRA_REGIONS = ['af-south-1', 'ap-east-1', 'me-south-1'];
const LAYOUT = makeLayout({ bucket: BUCKET, orgId: ORG_ID });

export interface Organization {
  readonly accounts: number;
  readonly regions: number;
}

export function targetsOf(org: Organization): Target[] {
  const regions = [...REGIONS, ...EXTRA_REGIONS].slice(0, org.regions);
  return accountIds(org.accounts).flatMap((account) =>
    regions.map((region) => ({ account, region, pastDays: 'all' as const })),
  );
}

/** What the previous days' runs registered: every partition of `days`, created a day before the bench starts. */
export function seedRegistered(world: World, org: Organization, days: DayWindow, today: EpochDay): number {
  const specs = planPartitions(LAYOUT, targetsOf(org), days, today);
  const partitions = [];
  for (const p of specs) {
    partitions.push({
      values: [p.account, p.region, p.year, p.month, p.day],
      location: p.location,
      createdAt: -86_400_000,
    });
  }
  return world.standIn.seedPartitions(DATABASE, TABLE, partitions);
}

export interface InvocationFigures {
  readonly report: Report;
  readonly glueCalls: number;
  readonly glueReadMs: number;
  readonly startedAt: number;
  readonly endedAt: number;
}

export interface InvocationRequest {
  readonly kind: RunKind;
  readonly org: Organization;
  readonly window: DayWindow;
  readonly today: EpochDay;
  readonly tokenSeed: string;
}

export async function simulateInvocation(
  world: World,
  request: InvocationRequest,
): Promise<InvocationFigures> {
  const { clock } = world.ports;
  const startedAt = clock.now();
  const deadlines = invocationDeadlines(startedAt, INVOCATION_MS);
  const targets = targetsOf(request.org);
  const expected = targets.length * windowLength(request.window);
  const registered = await readRegistered(world.ports.catalog, {
    database: DATABASE,
    table: TABLE,
    scheme: SCHEME,
    window: request.window,
    expectedPartitions: expected,
    // The stand-in's epoch is anchored on the core's clock: the invocation's start is its reference.
    referenceTime: startedAt,
    clock,
    // One call at a time: the paced clock cannot follow parallel sleeps inside one actor. The rate
    // is the same: readCatalog spaces calls 125 ms apart, longer than the 100-ms round trip.
    concurrency: 1,
  });
  const glueReadMs = clock.now() - startedAt;
  const plan = () => planPartitions(LAYOUT, targets, request.window, request.today);
  const has = registered.has ?? (() => false);
  const missing = function* () {
    for (const p of plan()) if (!has(p)) yield p;
  };
  const settings = { ...DEFAULTS, database: DATABASE, table: TABLE };
  const limits = {
    maxStatementBytes: DEFAULT_MAX_STATEMENT_BYTES,
    maxPartitionsPerStatement: DEFAULT_MAX_PARTITIONS_PER_STATEMENT,
  };
  const statements = [...packStatements(missing(), SCHEME, settings, limits)];
  const result = await submitStatements(statements, world.ports.athena, {
    maxConcurrent: concurrencyFor(request.kind, settings),
    apiPatienceMs: DEFAULTS.apiPatienceSeconds * 1000,
    tokenSeed: request.tokenSeed,
    clock,
    ...deadlines,
  });
  const base = {
    window: formatWindow(request.window),
    dryRun: false,
    accounts: request.org.accounts,
    regions: request.org.regions,
    partitions: expected,
    skippedEmpty: 0,
    alreadyRegistered: countMatching(plan(), has),
  };
  return {
    report: reportFrom(base, result),
    glueCalls: registered.calls,
    glueReadMs,
    startedAt,
    endedAt: clock.now(),
  };
}
