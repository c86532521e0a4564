/**
 * A chunk's lane fields, pure: what it hands on and the days that covers, what it confirmed, and
 * when it repairs the carried days (a failure) or leaves them to a retry (still running).
 */
import { laneSubmitOptions, withLaneCarry } from '../../../lambda/core/run/lane-carry';
import { emptyReport, type Report } from '../../../lambda/core/run/report';
import type { RunRequest } from '../../../lambda/core/run/request';
import { type CarryResult, NO_CARRY } from '../../../lambda/core/submit/carry';
import { dayOf } from '../../support/core-fakes';

const BASE = {
  window: { from: '2024-06-05', to: '2024-06-10' },
  dryRun: false,
  accounts: 1,
  regions: 1,
  partitions: 6,
  skippedEmpty: 0,
};
const REPORT: Report = { ...emptyReport(BASE), statements: 2, succeeded: 1, partitionsAdded: 3 };
const QUERY = { ids: ['q-1'], partitions: 4, startedAt: 1000 };
const CARRY = {
  window: { from: dayOf('2024-06-01'), to: dayOf('2024-06-04') },
  queries: [QUERY, { ...QUERY, ids: ['q-2'] }],
};
const CHUNK: RunRequest = {
  kind: 'chunk',
  window: { from: dayOf('2024-06-05'), to: dayOf('2024-06-10') },
  dryRun: false,
  includeEmptyDays: false,
};

function carried(overrides: Partial<CarryResult> = {}): CarryResult {
  return { ...NO_CARRY, ...overrides };
}

const noRepair = () => Promise.reject(new Error('no repair expected'));

describe('a chunk in its lane', () => {
  test('only a chunk adopts and hands on; a converting or dry chunk waits for its own tail', () => {
    // GIVEN requests of each kind
    // WHEN their scheduler options are built THEN only a chunk with a next one hands its tail on
    expect(laneSubmitOptions({ ...CHUNK, kind: 'backfill', carryTail: true })).toEqual({});
    expect(laneSubmitOptions({ ...CHUNK, carry: CARRY, carryTail: true })).toEqual({
      adopted: CARRY.queries,
      handTailOn: true,
    });
    expect(laneSubmitOptions({ ...CHUNK, carryTail: true, columnar: true })).toEqual({ handTailOn: false });
    expect(laneSubmitOptions({ ...CHUNK, carryTail: true, dryRun: true })).toEqual({ handTailOn: false });
    expect(laneSubmitOptions(CHUNK)).toEqual({ handTailOn: false });
  });

  test("the tail handed on covers this chunk's days, or from the carry's when an adopted query rides on", async () => {
    // GIVEN a chunk that hands on its own query only, then one that hands on an adopted one too
    const own = carried({ handedOn: [QUERY] });
    const both = carried({
      handedOn: [QUERY, { ...QUERY, ids: ['q-2'] }],
      adoptedHandedOn: 1,
      confirmed: 1,
      partitionsConfirmed: 4,
    });
    // WHEN the reports are built
    const first = await withLaneCarry(REPORT, { ...CHUNK, carryTail: true }, own, noRepair);
    const second = await withLaneCarry(REPORT, { ...CHUNK, carry: CARRY, carryTail: true }, both, noRepair);
    // THEN the carry names the right days, and a confirmed query counts as added here
    expect(first.carry).toEqual({ from: '2024-06-05', to: '2024-06-10', queries: [QUERY] });
    expect(second.carry).toEqual({ from: '2024-06-01', to: '2024-06-10', queries: both.handedOn });
    expect(second).toMatchObject({
      ok: true,
      partitionsAdded: 7,
      carried: { queries: 2, confirmed: 1, partitionsConfirmed: 4, failed: 0, unconfirmed: 0 },
    });
  });

  test('a chunk always answers with a carry (null: nothing rides on); other runs have none', async () => {
    expect((await withLaneCarry(REPORT, CHUNK, carried(), noRepair)).carry).toBeNull();
    expect(await withLaneCarry(REPORT, { ...CHUNK, kind: 'backfill' }, carried(), noRepair)).toBe(REPORT);
  });

  test('an adopted query still running at the deadline fails the chunk, with no repair: a retry adopts it again', async () => {
    // GIVEN one adopted query unconfirmed
    const result = carried({
      failed: [{ ids: ['q-1'], partitions: 4, status: 'unconfirmed', reason: 'late' }],
      confirmed: 1,
      partitionsConfirmed: 4,
    });
    // WHEN the report is built THEN it is not ok, and the carried days were not repaired
    const report = await withLaneCarry(REPORT, { ...CHUNK, carry: CARRY }, result, noRepair);
    expect(report).toMatchObject({ ok: false, carried: { unconfirmed: 1, failed: 0 } });
    expect(report.carried?.repaired).toBeUndefined();
  });

  test("an adopted query that failed: the carried days are repaired, and the repair's outcome decides", async () => {
    // GIVEN one adopted query failed, and a repair that adds 4 partitions (or fails)
    const result = carried({ failed: [{ ids: ['q-1'], partitions: 4, status: 'failed', reason: 'boom' }] });
    const windows: unknown[] = [];
    const repairWith = (ok: boolean) => (window: unknown) => {
      windows.push(window);
      return Promise.resolve({ ...emptyReport(BASE), ok, partitionsAdded: ok ? 4 : 0 });
    };
    // WHEN the report is built
    const fixed = await withLaneCarry(REPORT, { ...CHUNK, carry: CARRY }, result, repairWith(true));
    const broken = await withLaneCarry(REPORT, { ...CHUNK, carry: CARRY }, result, repairWith(false));
    // THEN the repair ran on the carried days, and its result is the chunk's
    expect(windows).toEqual([CARRY.window, CARRY.window]);
    expect(fixed).toMatchObject({
      ok: true,
      partitionsAdded: 7,
      carried: {
        failed: 1,
        repaired: { window: { from: '2024-06-01', to: '2024-06-04' }, ok: true, partitionsAdded: 4 },
      },
    });
    expect(broken).toMatchObject({ ok: false, carried: { repaired: { ok: false } } });
  });
});
