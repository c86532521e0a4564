/**
 * The daily run knows Athena's latency before its first statement ends, from the workgroup's
 * history of earlier runs (ListQueryExecutions + one BatchGetQueryExecution), through the real
 * handler, SDK clients and adapter against the stand-in. Statements of at most 5 partitions:
 * the first daily run (03-09..03-11, five account-regions) is 3 statements, so the next day's
 * run, which only adds 03-12, is ONE statement with 3 samples of history behind it.
 */
import { type FaultRuntime, NOW, SCHEDULED_EVENT, startFaultRuntime } from '../support/fault-harness';

let runtime: FaultRuntime | undefined;

afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
});

const DAY_MS = 86_400_000;
/** Slower than the harness default so a real-time hiccup is a few simulated ms, not seconds. */
const TIME_SCALE = 0.02;
const ENV = { MAX_PARTITIONS_PER_STATEMENT: '5' };

/** The scheduled event of the day `days` after NOW's: the clock is moved to it first. */
function scheduled(rt: FaultRuntime, days: number) {
  const at = NOW.getTime() + days * DAY_MS;
  rt.standIn.clock.advance(at - rt.clock.now());
  return { ...SCHEDULED_EVENT, time: new Date(rt.clock.now()).toISOString() };
}

describe('latency from the workgroup history', () => {
  it('the next daily run sees its one statement end within 2 status calls, promptly', async () => {
    // GIVEN the first daily run (no history yet: it probes)
    runtime = await startFaultRuntime({ env: ENV, standIn: { timeScale: TIME_SCALE } });
    const rt = runtime;
    const first = await rt.lambda().invoke(scheduled(rt, 0), { requestId: 'day-1' });
    expect(first.report).toMatchObject({ ok: true, statements: 3, latencyFromHistory: 0 });
    // WHEN the schedule fires the next day, one partition per account-region missing
    const second = await rt.lambda().invoke(scheduled(rt, 1), { requestId: 'day-2' });
    // THEN it used the three earlier statements' timings …
    expect(second.error).toBeUndefined();
    expect(second.report).toMatchObject({
      ok: true,
      statements: 1,
      partitionsAdded: 5,
      latencyFromHistory: 3,
    });
    // … made at most 2 status calls for its one statement (fewer than the first-ever run's probes) …
    expect(second.report?.athenaCalls.poll).toBeLessThanOrEqual(2);
    expect(second.report?.athenaCalls.poll).toBeLessThan(first.report?.athenaCalls.poll ?? 0);
    // … and saw its end soon after Athena's (simulated time, a small share of the statement's run)
    const [query] = second.queries;
    const lateBy = (query.seenEndedAt ?? Infinity) - (query.endedAt ?? 0);
    expect(lateBy).toBeLessThan(1000);
    // AND the log says how many samples the run started from
    expect(
      second.lines.some((line) => /athena latency history/.test(line) && /"latencyFromHistory":3/.test(line)),
    ).toBe(true);
  });

  it('without the right to list the history, the run proceeds as before and warns once', async () => {
    // GIVEN a first run, then the history read refused (a stack deployed before the permission)
    runtime = await startFaultRuntime({ env: ENV, standIn: { timeScale: TIME_SCALE } });
    const rt = runtime;
    await rt.lambda().invoke(scheduled(rt, 0), { requestId: 'day-1' });
    rt.standIn.faults.athenaError('ListQueryExecutions', 'AccessDeniedException', 5, 'not authorized');
    const listsBefore = (rt.standIn.stats().calls as Record<string, number>).ListQueryExecutions ?? 0;
    // WHEN the next day's run fires
    const run = await rt.lambda().invoke(scheduled(rt, 1), { requestId: 'day-2' });
    // THEN it adds its partitions without history, and one structured warning says why
    expect(run.error).toBeUndefined();
    expect(run.report).toMatchObject({ ok: true, partitionsAdded: 5, latencyFromHistory: 0 });
    const warnings = run.lines.filter((line) => /athena latency history unavailable/.test(line));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0])).toMatchObject({ level: 'WARN', kind: 'access-denied' });
    // AND the refusal is not retried: one list call, then on without history
    const lists = (rt.standIn.stats().calls as Record<string, number>).ListQueryExecutions ?? 0;
    expect(lists - listsBefore).toBe(1);
  });
});
