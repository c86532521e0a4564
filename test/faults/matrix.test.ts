/**
 * The fault matrix: every case in test/support/fault-cases.ts, run through the real handler
 * and real SDK clients against the stand-in. Per case: the faulted run's outcome, summary
 * and alarmed metrics; the catalog right after it; no statement run twice; and, once the
 * fault clears, one more run that leaves exactly the expected partitions.
 */
import { summarize } from '../../lambda/core/run/report';
import type { StandInStats } from '../support/aws-standin';
import { FAULT_CASE_COUNT, FAULT_CASES, type FaultCase, worldOf } from '../support/fault-cases';
import {
  alarmMetrics,
  catalogDiff,
  type CatalogDiff,
  expectedLocations,
  type FaultRuntime,
  type Invocation,
  NO_DIFFERENCE,
  startFaultRuntime,
  statementsRunTwice,
  verifyCatalog,
} from '../support/fault-harness';

const slug = (name: string): string =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 60);

it('keeps a matrix of distinct fault cases', () => {
  // GIVEN the fault cases kept as data WHEN counted THEN the count is exported, and names are unique
  expect(FAULT_CASE_COUNT).toBe(FAULT_CASES.length);
  expect(FAULT_CASE_COUNT).toBeGreaterThanOrEqual(30);
  expect(new Set(FAULT_CASES.map((fault) => fault.name)).size).toBe(FAULT_CASE_COUNT);
});

describe.each(FAULT_CASES.map((fault) => [fault.name, fault] as const))('%s', (_name, fault: FaultCase) => {
  let runtime: FaultRuntime;
  let expected: string[];
  let faulted: Invocation;
  let statsAfterFault: StandInStats;
  let catalogAfterFault: CatalogDiff;
  let recovery: Invocation;
  let catalogAfterRecovery: CatalogDiff;

  beforeAll(async () => {
    // GIVEN the seeded trail, the Lambda's configuration and the fault armed
    runtime = await startFaultRuntime(fault);
    expected = expectedLocations(worldOf(fault), fault.expect.catalog);
    const lambda = runtime.lambda();
    fault.setup(runtime.standIn);
    // WHEN the Lambda runs under the fault
    faulted = await lambda.invoke(fault.payload, {
      requestId: `${slug(fault.name)}-1`,
      remainingMs: fault.remainingMs,
    });
    statsAfterFault = runtime.standIn.stats();
    const after = fault.expect.catalogAfterFault;
    catalogAfterFault =
      typeof after === 'function'
        ? catalogDiff(runtime.standIn, expected.filter(after))
        : catalogDiff(
            runtime.standIn,
            after === 'none' ? [] : expected,
            after === 'some' ? 'subset' : 'exact',
          );
    // AND, once the fault is cleared, the next invocation (a fresh request ID) runs the same payload
    runtime.standIn.faults.clear();
    fault.heal?.(runtime.standIn);
    recovery = await lambda.invoke(fault.payload, { requestId: `${slug(fault.name)}-2` });
    catalogAfterRecovery = catalogDiff(runtime.standIn, expected);
  });

  afterAll(async () => {
    await runtime?.close();
  });

  it(`the faulted run ${fault.expect.outcome === 'ok' ? 'survives' : 'fails'}, with the expected summary`, () => {
    // THEN the outcome is the expected one, and the summary (or error) says what happened
    const { expect: want } = fault;
    if (want.outcome === 'ok') {
      expect(faulted.error).toBeUndefined();
      expect(faulted.report?.ok).toBe(true);
      expect(summarize(faulted.report as NonNullable<typeof faulted.report>)).toMatch(want.summary);
    } else {
      expect(faulted.report).toBeUndefined();
      expect(faulted.error?.name).toBe(want.error);
      expect(faulted.error?.message).toMatch(want.summary);
    }
    const report = faulted.report ?? faulted.loggedReport;
    if (want.report) expect(report).toMatchObject(want.report);
    if (want.failureReason) {
      expect(report?.failures.length).toBeGreaterThan(0);
      for (const failure of report?.failures ?? []) expect(failure.reason).toMatch(want.failureReason);
    }
  });

  it('emits the metrics the alarms watch', () => {
    // THEN the EMF metrics of the faulted invocation carry the expected values
    const want = fault.expect.metrics;
    expect(alarmMetrics(faulted.metrics, Object.keys(want) as (keyof typeof want)[])).toEqual(want);
  });

  it('hit the stand-in as intended', () => {
    // THEN the fault really happened (counters right after the faulted run)
    fault.expect.evidence(statsAfterFault, faulted);
  });

  it('leaves nothing outside the window and nothing duplicated in the catalog after the faulted run', () => {
    // THEN the catalog holds exactly what the faulted run could add
    expect(catalogAfterFault).toEqual(NO_DIFFERENCE);
  });

  it('never runs a statement twice within one invocation', () => {
    // THEN no SQL had two live or successful queries in the same invocation
    expect(statementsRunTwice(faulted.queries)).toEqual([]);
    expect(statementsRunTwice(recovery.queries)).toEqual([]);
  });

  it('once the fault clears, one more run completes the catalog: nothing lost, duplicated or outside the window', () => {
    // THEN the next run succeeds, says so to the alarms, and the catalog is exactly the expected set
    expect(recovery.error).toBeUndefined();
    expect(recovery.report).toMatchObject({ ok: true, failed: 0, unconfirmed: 0, notSubmitted: 0 });
    expect(
      alarmMetrics(recovery.metrics, [
        'RunSucceeded',
        'RunFailed',
        'StatementsFailed',
        'PartitionsNotSubmitted',
      ]),
    ).toEqual({
      RunSucceeded: 1,
      RunFailed: 0,
      StatementsFailed: 0,
      PartitionsNotSubmitted: 0,
    });
    expect(catalogAfterRecovery).toEqual(NO_DIFFERENCE);
    verifyCatalog(runtime.standIn, expected);
  });
});
