/**
 * A run reads its window from Glue first and submits only the partitions the catalog lacks;
 * without Glue read rights it re-adds the whole window, as before, and says so. A retried
 * invocation (same event, same awsRequestId) plans exactly what its first attempt planned,
 * even after the first attempt's queries added part of it, so it starts no query twice.
 * Default trail: five account-regions; the scheduled window is 2024-03-09..11 (15 partitions).
 */
import {
  DEFAULT_WORLD,
  expectedLocations,
  type FaultRuntime,
  SCHEDULED_EVENT,
  SCHEDULED_WINDOW,
  startFaultRuntime,
  verifyCatalog,
} from '../support/fault-harness';

let runtime: FaultRuntime | undefined;

afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
});

/** Days named in the SQL of queries started after `from` (the stand-in's query log). */
function submittedDays(rt: FaultRuntime, from: number): string[] {
  const days = rt.standIn
    .queries()
    .slice(from)
    .flatMap((q) =>
      [...q.sql.matchAll(/\/(\d{4})\/(\d{2})\/(\d{2})\/'/g)].map((m) => `${m[1]}-${m[2]}-${m[3]}`),
    );
  return [...new Set(days)].sort();
}

/** The scheduled event as EventBridge sends it once the runtime's clock has reached now. */
function scheduledNow(rt: FaultRuntime) {
  return { ...SCHEDULED_EVENT, time: new Date(rt.clock.now()).toISOString() };
}

/** Yesterday and today registered, as the previous day's scheduled run leaves them. */
async function registerYesterdayAndToday(rt: FaultRuntime): Promise<void> {
  const backfill = await rt
    .lambda()
    .invoke({ from: '2024-03-09', to: '2024-03-10' }, { requestId: 'earlier' });
  expect(backfill.report).toMatchObject({ ok: true, partitionsAdded: 10 });
}

describe('the run adds only what is missing', () => {
  it('the daily run submits only tomorrow when yesterday and today are registered', async () => {
    // GIVEN yesterday and today registered before the schedule fired
    runtime = await startFaultRuntime();
    const rt = runtime;
    await registerYesterdayAndToday(rt);
    const before = rt.standIn.queries().length;
    // WHEN the schedule fires for 03-09..03-11
    const run = await rt.lambda().invoke(scheduledNow(rt), { requestId: 'scheduled' });
    // THEN it read the catalog, counted what was there, and submitted only 03-11
    expect(run.error).toBeUndefined();
    expect(run.report).toMatchObject({ ok: true, partitions: 15, alreadyRegistered: 10, partitionsAdded: 5 });
    expect(run.report?.catalogFallback).toBeUndefined();
    expect(submittedDays(rt, before)).toEqual(['2024-03-11']);
    // AND the catalog holds the whole window
    verifyCatalog(rt.standIn, expectedLocations(DEFAULT_WORLD, SCHEDULED_WINDOW));
  });

  it('counts as registered only what Glue created before the event: later partitions are planned again', async () => {
    // GIVEN yesterday and today registered AFTER the scheduled instant (a retry sees its first attempt's work so)
    runtime = await startFaultRuntime();
    const rt = runtime;
    const event = scheduledNow(rt);
    await registerYesterdayAndToday(rt);
    // WHEN the event is delivered
    const run = await rt.lambda().invoke(event, { requestId: 'scheduled' });
    // THEN the whole window is planned; IF NOT EXISTS keeps the adds harmless
    expect(run.report).toMatchObject({ ok: true, partitions: 15, alreadyRegistered: 0, partitionsAdded: 15 });
    verifyCatalog(rt.standIn, expectedLocations(DEFAULT_WORLD, SCHEDULED_WINDOW));
  });

  it('a retry after partial completion starts no new query for a statement already started', async () => {
    // GIVEN one statement per partition, 2 at a time, each DDL 300 s: in 600 s the first attempt
    // finishes 2 statements, leaves 2 running and 1 not submitted
    runtime = await startFaultRuntime({
      env: { MAX_CONCURRENT_QUERIES: '2', MAX_PARTITIONS_PER_STATEMENT: '1' },
    });
    const rt = runtime;
    await registerYesterdayAndToday(rt);
    const event = scheduledNow(rt);
    rt.standIn.faults.slowQueries(300_000);
    const first = await rt.lambda().invoke(event, { requestId: 'req-partial', remainingMs: 600_000 });
    expect(first.error?.name).toBe('RunFailedError');
    expect(first.loggedReport).toMatchObject({
      alreadyRegistered: 10,
      succeeded: 2,
      unconfirmed: 2,
      notSubmitted: 1,
    });
    const firstTokens = first.queries.map((q) => q.token);
    // WHEN Lambda retries the same event at once, while 2 of its queries still run
    const retry = await rt.lambda().invoke(event, { requestId: 'req-partial' });
    // THEN the retry plans the same 5 statements, gets the 4 started queries back by their tokens,
    // and starts only the one never submitted
    expect(retry.error).toBeUndefined();
    expect(retry.report).toMatchObject({ ok: true, statements: 5, succeeded: 5, alreadyRegistered: 10 });
    expect(retry.queries).toHaveLength(1);
    expect(firstTokens).not.toContain(retry.queries[0].token);
    const tomorrow = rt.standIn.queries().filter((q) => q.sql.includes("/2024/03/11/'"));
    expect(tomorrow).toHaveLength(5);
    expect(new Set(tomorrow.map((q) => q.sql)).size).toBe(5);
    verifyCatalog(rt.standIn, expectedLocations(DEFAULT_WORLD, SCHEDULED_WINDOW));
  });

  it('without GetPartitions rights it re-adds the whole window, and says so in the report and the log', async () => {
    // GIVEN yesterday and today registered, and Glue refusing the run's read
    runtime = await startFaultRuntime();
    const rt = runtime;
    await registerYesterdayAndToday(rt);
    const event = scheduledNow(rt);
    const before = rt.standIn.queries().length;
    rt.standIn.faults.glueError('AccessDeniedException', 1, 'GetPartitions');
    // WHEN the schedule fires
    const run = await rt.lambda().invoke(event, { requestId: 'scheduled' });
    // THEN the run succeeds as before, every partition of the window submitted
    expect(run.error).toBeUndefined();
    expect(run.report).toMatchObject({ ok: true, partitions: 15, partitionsAdded: 15, alreadyRegistered: 0 });
    expect(submittedDays(rt, before)).toEqual(['2024-03-09', '2024-03-10', '2024-03-11']);
    // AND the fallback is named: in the report, and as a warning in the log
    expect(run.report?.catalogFallback).toMatch(/no glue:GetPartitions rights .*re-adding the whole window/);
    expect(run.lines.some((line) => line.includes('"catalog not read"'))).toBe(true);
    verifyCatalog(rt.standIn, expectedLocations(DEFAULT_WORLD, SCHEDULED_WINDOW));
  });
});
