/**
 * The scheduler across latency models: each workload's statements (planned by the real
 * planner and packer, without the S3 walk, which is measured by the scenarios) run through
 * the real scheduler, adapter, SDK and stand-in under each model; then the same statements
 * run through a straightforward baseline (5 in flight, each polled every 100 ms to 2 s).
 */
import { createHash } from 'node:crypto';
import { GetQueryExecutionCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { sdkErrorInfo } from '../lambda/aws/clients';
import {
  type Statement,
  DEFAULT_MAX_PARTITIONS_PER_STATEMENT,
  DEFAULT_MAX_STATEMENT_BYTES,
  packStatements,
} from '../lambda/core/partitions/ddl';
import { makeLayout } from '../lambda/core/partitions/layout';
import { planPartitions } from '../lambda/core/partitions/plan';
import { schemeFromKeyList } from '../lambda/core/partitions/scheme';
import { chunkDaysFor, chunkDaysWithin, splitLanes } from '../lambda/core/partitions/split';
import { type EpochDay, parseIsoDate, utcDay, windowLength } from '../lambda/core/shared/dates';
import { readLatencyHistory } from '../lambda/core/run/latency-history';
import type { CarriedQuery } from '../lambda/core/submit/carry';
import type { LatencySample } from '../lambda/core/submit/latency';
import { submitStatements, type SubmitResult } from '../lambda/core/submit/submit';
import type { QueryInfo } from '../test/support/aws-standin';
import type { LatencyModelDef, Workload } from './model-defs';
import { type BaselineRun, type ModelRun, measure } from './model-measure';
import type { CommonOptions } from './scenarios';
import { accountIds, BUCKET, DATABASE, openWorld, REGIONS, TABLE, WORKGROUP, type World } from './world';

const TODAY = utcDay(new Date('2025-06-15T06:00:00Z'));
const EXTRA_REGIONS = ['af-south-1', 'ap-east-1', 'me-south-1'];
const SCHEME = schemeFromKeyList('account,region,year,month,day');
const LIMITS = {
  maxStatementBytes: DEFAULT_MAX_STATEMENT_BYTES,
  maxPartitionsPerStatement: DEFAULT_MAX_PARTITIONS_PER_STATEMENT,
};

/** The statements one invocation would submit for `window` (every day holds logs). */
export function planStatements(workload: Workload, window: { from: number; to: number }): Statement[] {
  const layout = makeLayout({ bucket: BUCKET, ...(workload.orgId ? { orgId: workload.orgId } : {}) });
  const regions = [...REGIONS, ...EXTRA_REGIONS].slice(0, workload.regions);
  const targets = accountIds(workload.accounts).flatMap((account) =>
    regions.map((region) => ({ account, region, pastDays: 'all' as const })),
  );
  const parts = planPartitions(layout, targets, window as never, TODAY as EpochDay);
  return [...packStatements(parts, SCHEME, { database: DATABASE, table: TABLE }, LIMITS)];
}

/** The invocations of a workload: one, or the Step Functions chunks. */
/** The state machine's Map slots (the construct's default maxConcurrency): one lane each. */
const LANES = 3;

/** The split's lanes for a Step Functions workload, as the function cuts them. */
function lanesOf(workload: Workload) {
  const window = { from: TODAY - workload.days, to: TODAY - 1 };
  const chunkDays = chunkDaysWithin(
    windowLength(window),
    LANES,
    chunkDaysFor(workload.accounts * workload.regions),
  );
  return splitLanes(window, chunkDays, LANES);
}

/** Each invocation's statements: one run, or every chunk of every lane in date order. */
export function invocations(workload: Workload): Statement[][] {
  const window = { from: TODAY - workload.days, to: TODAY - 1 };
  if (workload.via === 'run') return [planStatements(workload, window)];
  return lanesOf(workload).flatMap((lane) =>
    lane.chunks.map((chunk) =>
      planStatements(workload, {
        from: parseIsoDate(chunk.from) as number,
        to: parseIsoDate(chunk.to) as number,
      }),
    ),
  );
}

async function withWorld<T>(
  common: CommonOptions,
  model: LatencyModelDef,
  fn: (world: World, start: number) => Promise<T>,
): Promise<{ value: T; queries: QueryInfo[]; world: World; start: number; end: number }> {
  const world = await openWorld({ ...common, quotas: { ...common.quotas, ...model.quotas } });
  const start = world.standIn.clock.now();
  for (const storm of model.storms ?? []) {
    world.standIn.faults.stormBetween(start + storm.atMs, start + storm.atMs + storm.forMs, [
      'BatchGetQueryExecution',
      'GetQueryExecution',
    ]);
  }
  if (model.transientFailures)
    world.standIn.faults.failNextQueries(model.transientFailures, {
      reason: 'Internal error: please try again',
      retryable: true,
    });
  try {
    const value = await fn(world, start);
    return { value, queries: world.standIn.queries(), world, start, end: world.standIn.clock.now() };
  } finally {
    await world.close();
  }
}

/** Our scheduler: one invocation, or the chunks 3 at a time, each an actor on the clock. */
export async function runOursModel(
  workload: Workload,
  model: LatencyModelDef,
  common: CommonOptions,
  plans: Statement[][],
): Promise<ModelRun> {
  const run = await withWorld(common, model, async (world, start) => {
    const submit = async (
      statements: Statement[],
      i: number,
      lane: {
        adopted?: readonly CarriedQuery[];
        handTailOn?: boolean;
        latency?: readonly LatencySample[];
      } = {},
    ): Promise<SubmitResult> => {
      // As the handler does: each invocation (each Step Functions chunk) reads Athena's history
      // through the real adapter first; earlier chunks' statements are its samples.
      const { latency = [], ...carried } = lane;
      // As run.ts does: a lane's chunk starts from the latency the chunk before measured.
      const history =
        latency.length > 0
          ? { samples: latency }
          : statements.length > 0
            ? await readLatencyHistory({
                athena: world.ports.athena,
                clock: world.ports.clock,
                table: { database: DATABASE, table: TABLE },
              })
            : undefined;
      return submitStatements(statements, world.ports.athena, {
        latencyHistory: history?.samples ?? [],
        maxConcurrent: workload.concurrency,
        tokenSeed: `models-${workload.id}-${model.id}-${i}`,
        clock: world.ports.clock,
        ...carried,
        table: { database: DATABASE, table: TABLE },
        ...(workload.startWindowMs !== undefined
          ? {
              startDeadline: start + workload.startWindowMs,
              waitDeadline: start + (workload.waitWindowMs ?? workload.startWindowMs),
            }
          : {}),
      });
    };
    if (plans.length === 1) return [await submit(plans[0], 0)];
    // As the state machine runs them: one lane per Map slot, each chunk handing its tail to the next.
    let next = 0;
    const lanes = lanesOf(workload).map((lane) => {
      const first = next;
      next += lane.chunks.length;
      return plans.slice(first, next).map((plan, k) => ({ plan, i: first + k }));
    });
    world.time.setBaseActors(0);
    try {
      const done = await Promise.all(
        lanes.map((lane) =>
          world.time.actor(async () => {
            const results: SubmitResult[] = [];
            let adopted: readonly CarriedQuery[] = [];
            let latency: readonly LatencySample[] = [];
            for (const [k, { plan, i }] of lane.entries()) {
              const handTailOn = k < lane.length - 1;
              const result = await submit(plan, i, { adopted, handTailOn, latency });
              adopted = result.carry?.handedOn ?? [];
              latency = result.carry?.latency ?? [];
              results.push(result);
            }
            return results;
          }),
        ),
      );
      return done.flat();
    } finally {
      world.time.setBaseActors(1);
    }
  });
  const results = run.value;
  return measure(workload, model, run, {
    statements: results.reduce((n, r) => n + r.statements, 0),
    // A statement handed on is confirmed by the lane's next chunk.
    succeeded: results.reduce((n, r) => n + r.succeeded + (r.carry?.confirmed ?? 0), 0),
    partitionsAdded: results.reduce((n, r) => n + r.partitionsAdded + (r.carry?.partitionsConfirmed ?? 0), 0),
    throttled: results.reduce((n, r) => n + r.throttled, 0),
    hedges: {
      started: results.reduce((n, r) => n + r.hedges.started, 0),
      won: results.reduce((n, r) => n + r.hedges.won, 0),
    },
  });
}

const BASELINE_IN_FLIGHT = 5;

/** The straightforward way: 5 statements in flight, each polled every 100 ms, doubling to 2 s. */
export async function runBaselineModel(
  _workload: Workload,
  model: LatencyModelDef,
  common: CommonOptions,
  plans: Statement[][],
): Promise<BaselineRun> {
  const all = plans.flat();
  const run = await withWorld(common, model, async (world) => {
    const { athenaClient, time } = world;
    let next = 0;
    let failed = 0;
    const runOne = async (sql: string): Promise<boolean> => {
      for (let attempt = 1; attempt <= 3; attempt++) {
        const token = createHash('sha256').update(`baseline\n${attempt}\n${sql}`).digest('hex');
        let id: string | undefined;
        while (id === undefined) {
          try {
            const out = await time.call(() =>
              athenaClient.send(
                new StartQueryExecutionCommand({
                  QueryString: sql,
                  ClientRequestToken: token,
                  WorkGroup: WORKGROUP,
                  QueryExecutionContext: { Database: DATABASE },
                }),
              ),
            );
            id = out.QueryExecutionId;
          } catch (error) {
            if (!/Throttling|TooManyRequests/.test(sdkErrorInfo(error).code)) throw error;
            await time.sleep(1000);
          }
        }
        for (let wait = 100; ; wait = Math.min(2000, wait * 2)) {
          await time.sleep(wait);
          let state: string | undefined;
          try {
            const out = await time.call(() =>
              athenaClient.send(new GetQueryExecutionCommand({ QueryExecutionId: id })),
            );
            state = out.QueryExecution?.Status?.State;
          } catch (error) {
            if (!/Throttling|TooManyRequests/.test(sdkErrorInfo(error).code)) throw error;
            continue;
          }
          if (state === 'SUCCEEDED') return true;
          if (state === 'FAILED' || state === 'CANCELLED') break;
        }
      }
      return false;
    };
    time.setBaseActors(0);
    try {
      await Promise.all(
        Array.from({ length: BASELINE_IN_FLIGHT }, () =>
          time.actor(async () => {
            while (next < all.length) {
              const statement = all[next++];
              if (!(await runOne(statement.sql))) failed++;
            }
          }),
        ),
      );
    } finally {
      time.setBaseActors(1);
    }
    return failed;
  });
  const calls = run.world.standIn.stats().calls as Record<string, number>;
  return {
    simSeconds: Math.round((run.end - run.start) / 100) / 10,
    statusCalls: (calls.GetQueryExecution ?? 0) + (calls.BatchGetQueryExecution ?? 0),
    failed: run.value,
  };
}
