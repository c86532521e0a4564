/**
 * A run reads its window from Glue first and submits only the partitions the catalog lacks;
 * without Glue read rights it re-adds the whole window, as before, and says so.
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

/** Locations in the SQL of queries started after `from` (the stand-in's query log). */
function submittedDays(rt: FaultRuntime, from: number): string[] {
  const days = rt.standIn
    .queries()
    .slice(from)
    .flatMap((q) =>
      [...q.sql.matchAll(/\/(\d{4})\/(\d{2})\/(\d{2})\/'/g)].map((m) => `${m[1]}-${m[2]}-${m[3]}`),
    );
  return [...new Set(days)].sort();
}

describe('the run adds only what is missing', () => {
  it('a scheduled run after a backfill of its first two days submits only the third', async () => {
    // GIVEN a backfill that registered 03-01..03-10
    runtime = await startFaultRuntime();
    const rt = runtime;
    await rt.lambda().invoke({ from: '2024-03-01', to: '2024-03-10' }, { requestId: 'backfill' });
    const before = rt.standIn.queries().length;
    // WHEN the schedule fires for 03-09..03-11
    const run = await rt.lambda().invoke(SCHEDULED_EVENT, { requestId: 'scheduled' });
    // THEN it read the catalog, counted what was there, and submitted only 03-11
    expect(run.error).toBeUndefined();
    expect(run.report).toMatchObject({ ok: true, partitions: 15, alreadyRegistered: 10, partitionsAdded: 5 });
    expect(run.report?.catalogFallback).toBeUndefined();
    expect(submittedDays(rt, before)).toEqual(['2024-03-11']);
    // AND the catalog holds the whole window
    verifyCatalog(
      rt.standIn,
      expectedLocations(DEFAULT_WORLD, { from: '2024-03-01', to: SCHEDULED_WINDOW.to }),
    );
  });

  it('without GetPartitions rights it re-adds the whole window, and says so in the report and the log', async () => {
    // GIVEN Glue refusing the run's read
    runtime = await startFaultRuntime();
    const rt = runtime;
    rt.standIn.faults.glueError('AccessDeniedException', 1, 'GetPartitions');
    // WHEN the schedule fires
    const run = await rt.lambda().invoke(SCHEDULED_EVENT, { requestId: 'scheduled' });
    // THEN the run succeeds as before, every partition of the window submitted
    expect(run.error).toBeUndefined();
    expect(run.report).toMatchObject({ ok: true, partitions: 15, partitionsAdded: 15, alreadyRegistered: 0 });
    expect(submittedDays(rt, 0)).toEqual(['2024-03-09', '2024-03-10', '2024-03-11']);
    // AND the fallback is named: in the report, and as a warning in the log
    expect(run.report?.catalogFallback).toMatch(/no glue:GetPartitions rights .*re-adding the whole window/);
    expect(run.lines.some((line) => line.includes('"catalog not read"'))).toBe(true);
    verifyCatalog(rt.standIn, expectedLocations(DEFAULT_WORLD, SCHEDULED_WINDOW));
  });
});
