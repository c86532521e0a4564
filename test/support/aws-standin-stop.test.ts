/**
 * The stand-in's StopQueryExecution, as the Athena API reference describes it (a running
 * query goes CANCELLED and gives up its active-query slot; a query that has ended is left as
 * it is), and a hedged statement run end to end through the real adapter and SDK: its
 * partitions are registered once and the run reports the hedge.
 */
import { AthenaClient, GetQueryExecutionCommand, StopQueryExecutionCommand } from '@aws-sdk/client-athena';
import { AthenaQueries } from '../../lambda/aws/athena-port';
import { createAthenaClient } from '../../lambda/aws/clients';
import { reportFrom, summarize } from '../../lambda/core/run/report';
import { submitStatements } from '../../lambda/core/submit/submit';
import { startStandIn, type StandIn } from './aws-standin';
import { NOW, sampleStatements } from './core-fakes';
import { scaledClock } from './handler-harness';

const COLUMNS = ['account', 'region', 'year', 'month', 'day'].map((name) => ({ name, type: 'string' }));
const token = (n: number | string): string => `tok-${String(n).padStart(40, '0')}`;

describe('stand-in StopQueryExecution', () => {
  let standIn: StandIn;
  let client: AthenaClient;
  let athena: AthenaQueries;
  beforeEach(async () => {
    standIn = await startStandIn({ now: () => 0 });
    standIn.defineTable('cloudtrail', 'cloudtrail_logs', COLUMNS);
    client = createAthenaClient({ ...standIn.clientConfig, maxAttempts: 1 });
    athena = new AthenaQueries(client, { workGroup: 'partitioner', database: 'cloudtrail' });
  });
  afterEach(async () => {
    client.destroy();
    await standIn.close();
  });
  const state = async (id: string): Promise<string | undefined> =>
    (await client.send(new GetQueryExecutionCommand({ QueryExecutionId: id }))).QueryExecution?.Status?.State;

  it('cancels a running query a moment after the stop is answered, then frees its slot; nothing is registered', async () => {
    // GIVEN 20 running statements: the active-DDL quota is full
    const statements = sampleStatements(21, 2);
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push(await athena.startQuery(statements[i].sql, token(i)));
    await expect(athena.startQuery(statements[20].sql, token(20))).rejects.toMatchObject({
      kind: 'throttled',
    });
    // WHEN one is stopped once it runs (past the 100-ms queue)
    standIn.clock.advance(200);
    expect(await state(ids[0])).toBe('RUNNING');
    await athena.stopQuery(ids[0]);
    // THEN Athena answers before the query ends: it still runs and holds its slot
    expect(await state(ids[0])).toBe('RUNNING');
    await expect(athena.startQuery(statements[20].sql, token(20))).rejects.toMatchObject({
      kind: 'throttled',
    });
    // AND half a second later it is CANCELLED, and a 21st statement starts in its slot
    standIn.clock.advance(500);
    expect(await state(ids[0])).toBe('CANCELLED');
    await expect(athena.startQuery(statements[20].sql, token(20))).resolves.toEqual(expect.any(String));
    // AND once the others end, the stopped statement's partitions are not in the catalog
    standIn.clock.advance(60_000);
    const days = standIn.partitions('cloudtrail', 'cloudtrail_logs').map((p) => p.values.slice(2).join('-'));
    expect(days).toHaveLength(40);
    for (const p of statements[0].partitions) expect(days).not.toContain(`${p.year}-${p.month}-${p.day}`);
    expect(standIn.stats().cancelled).toBe(1);
  });

  it('leaves a query that has ended as it is, and succeeds', async () => {
    // GIVEN a statement that has succeeded
    const [statement] = sampleStatements(1);
    const id = await athena.startQuery(statement.sql, token(1));
    standIn.clock.advance(10_000);
    expect(await state(id)).toBe('SUCCEEDED');
    // WHEN it is stopped THEN the call succeeds and the query stays SUCCEEDED
    await expect(client.send(new StopQueryExecutionCommand({ QueryExecutionId: id }))).resolves.toBeDefined();
    expect(await state(id)).toBe('SUCCEEDED');
    expect(standIn.stats().cancelled).toBe(0);
  });

  it('refuses an unknown query ID as InvalidRequestException (fatal through the port)', async () => {
    await expect(athena.stopQuery('no-such-query')).rejects.toMatchObject({
      kind: 'fatal',
      code: 'InvalidRequestException',
    });
  });
});

describe('a hedged statement through the adapter and the stand-in', () => {
  it('registers its partitions once and the report says it was hedged', async () => {
    // GIVEN 12 statements of 10 s, one whose first execution Athena keeps for 20 minutes
    // (a re-execution of it draws afresh: 10 s)
    const statements = sampleStatements(12, 5);
    const straggler = statements[9].sql;
    const standIn = await startStandIn({
      timeScale: 0.005,
      quotas: {
        ddlLatencyMs: (_n: number, sql: string, execution: number) =>
          sql === straggler && execution === 0 ? 1_200_000 : 10_000,
      },
    });
    standIn.defineTable('cloudtrail', 'cloudtrail_logs', COLUMNS);
    const client = createAthenaClient({ ...standIn.clientConfig, maxAttempts: 2 });
    try {
      const athena = new AthenaQueries(client, { workGroup: 'partitioner', database: 'cloudtrail' });
      // WHEN they are submitted, 4 at a time, through the real SDK
      const result = await submitStatements(statements, athena, {
        maxConcurrent: 4,
        tokenSeed: 'hedge-test',
        clock: scaledClock(standIn, NOW, true),
      });
      // THEN every statement succeeded, the straggler through one hedge that won
      expect(result).toMatchObject({ succeeded: 12, failed: [], unconfirmed: [] });
      expect(result.hedges).toEqual({ started: 1, won: 1, stopped: 1 });
      // AND its first execution was cancelled, and every partition is registered exactly once
      standIn.clock.advance(1000);
      const executions = standIn.queries().filter((q) => q.sql === straggler);
      expect(executions.map((q) => q.state)).toEqual(['CANCELLED', 'SUCCEEDED']);
      const keys = standIn.partitions('cloudtrail', 'cloudtrail_logs').map((p) => p.values.join('/'));
      expect(keys).toHaveLength(60);
      expect(new Set(keys).size).toBe(60);
      // AND the report and its summary line say so
      const base = {
        window: { from: 'a', to: 'b' },
        dryRun: false,
        accounts: 1,
        regions: 1,
        partitions: 60,
        skippedEmpty: 0,
      };
      const report = reportFrom(base, result);
      expect(report.hedges).toEqual({ started: 1, won: 1, stopped: 1 });
      expect(summarize(report)).toContain('1 straggler hedged (1 won)');
    } finally {
      client.destroy();
      await standIn.close();
    }
  });
});
