/**
 * A Step Functions lane through the real handler, against the stand-in: a chunk with another
 * after it returns once everything has started and hands what still runs on; the next chunk
 * confirms those queries while it submits its own; a carried query that failed has its days
 * read from Glue again and only what it left is submitted. The catalog is checked exactly.
 */
import {
  DEFAULT_WORLD,
  expectedLocations,
  type FaultRuntime,
  startFaultRuntime,
  verifyCatalog,
} from '../support/fault-harness';
import type { LaneReport } from '../../lambda/core/run/lane-carry';

/** One partition per statement, 3 chunks at once sharing 9 slots: 3 queries per chunk. */
const LANE_ENV = {
  MAX_CONCURRENT_QUERIES: '9',
  BACKFILL_MAX_CONCURRENCY: '3',
  MAX_PARTITIONS_PER_STATEMENT: '1',
};
/** Logs on 03-01, 03-02 and 03-04 (15 partitions), then 03-08 and 03-09 (10). */
const A = { from: '2024-03-01', to: '2024-03-04' };
const B = { from: '2024-03-05', to: '2024-03-09' };

let runtime: FaultRuntime | undefined;

afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
});

async function lane(rt: FaultRuntime) {
  rt.standIn.faults.slowQueries(60_000);
  const a = await rt.lambda().invoke({ ...A, chunk: true, carry: null, carryTail: true }, { requestId: 'a' });
  const first = a.report as LaneReport;
  return { a, first };
}

/** Fails the 15th query started (chunk A's last, so surely in its tail) `times` times, by its text. */
function failTheLastStartOfA(rt: FaultRuntime, times: number): { sql?: string } {
  const target: { sql?: string } = {};
  let starts = 0;
  rt.standIn.faults.failQueriesMatching(
    (sql) => {
      if (++starts === 15) target.sql = sql;
      return sql === target.sql;
    },
    { reason: 'HIVE_BAD_DATA: boom', retryable: false, errorCategory: 2 },
    times,
  );
  return target;
}

describe('a lane of two chunks', () => {
  it('the first hands its tail on, the second confirms it while adding its own', async () => {
    // GIVEN queries of a minute each, and a chunk followed by another in its lane
    runtime = await startFaultRuntime({ env: LANE_ENV });
    const rt = runtime;
    const { a, first } = await lane(rt);
    // THEN the first returns ok while queries still run, handing them on with their days
    expect(a.error).toBeUndefined();
    expect(first).toMatchObject({ ok: true, partitions: 15, unconfirmed: 0, failed: 0 });
    const carry = first.carry;
    expect(carry).toMatchObject({ from: A.from, to: A.to });
    expect(carry?.queries.length).toBeGreaterThan(0);
    expect(carry?.queries.length).toBeLessThanOrEqual(3);
    expect(rt.standIn.activeQueries()).toBe(carry?.queries.length);
    // WHEN the lane's next chunk runs with that carry
    const b = await rt.lambda().invoke({ ...B, chunk: true, carry, carryTail: false }, { requestId: 'b' });
    const second = b.report as LaneReport;
    // THEN it confirms every carried query, adds its own, and hands nothing on
    expect(b.error).toBeUndefined();
    const carried = carry?.queries.length ?? 0;
    expect(second).toMatchObject({ ok: true, partitions: 10, carry: null });
    expect(second.carried).toEqual({
      queries: carried,
      confirmed: carried,
      partitionsConfirmed: carried,
      failed: 0,
      unconfirmed: 0,
    });
    // AND the two chunks together counted each partition once
    expect(first.partitionsAdded + second.partitionsAdded).toBe(25);
    // AND no query was started twice, and the catalog holds exactly both chunks' days
    expect(rt.standIn.queries()).toHaveLength(25);
    verifyCatalog(rt.standIn, expectedLocations(DEFAULT_WORLD, { from: A.from, to: B.to }));
  });

  it('a carried query that failed once is run again from the text Athena reports with its status', async () => {
    // GIVEN the first chunk's tail, whose last query (the 15th start, surely carried) Athena fails once
    runtime = await startFaultRuntime({ env: LANE_ENV });
    const rt = runtime;
    const target = failTheLastStartOfA(rt, 1);
    const { first } = await lane(rt);
    const carry = first.carry;
    expect(carry?.queries.some((c) => c.ids.includes(rt.standIn.queries()[14]?.id ?? ''))).toBe(true);
    // WHEN the next chunk adopts it
    const b = await rt.lambda().invoke({ ...B, chunk: true, carry, carryTail: false }, { requestId: 'b' });
    const second = b.report as LaneReport;
    // THEN it ran the same statement again and confirmed it: no failure, nothing to repair
    expect(b.error).toBeUndefined();
    expect(second).toMatchObject({ ok: true, carry: null });
    expect(second.carried).toEqual({
      queries: carry?.queries.length,
      confirmed: carry?.queries.length,
      partitionsConfirmed: carry?.queries.length,
      failed: 0,
      unconfirmed: 0,
    });
    expect(rt.standIn.queries().filter((q) => q.sql === target.sql)).toHaveLength(2);
    verifyCatalog(rt.standIn, expectedLocations(DEFAULT_WORLD, { from: A.from, to: B.to }));
  });

  it('a carried query that keeps failing: the next chunk reads its days from Glue and adds only what it left', async () => {
    // GIVEN the first chunk's last query failing in Athena twice (a user error: not transient)
    runtime = await startFaultRuntime({ env: LANE_ENV });
    const rt = runtime;
    const target = failTheLastStartOfA(rt, 2);
    const { first } = await lane(rt);
    const carry = first.carry;
    // WHEN the next chunk adopts it
    const b = await rt.lambda().invoke({ ...B, chunk: true, carry, carryTail: true }, { requestId: 'b' });
    const second = b.report as LaneReport;
    // THEN the failure is reported, the chunk waited for everything (nothing handed on) and
    // repaired the carried days from Glue: one more query, for the one partition still missing
    expect(b.error).toBeUndefined();
    expect(second.carried).toMatchObject({
      failed: 1,
      repaired: { window: A, ok: true, partitionsAdded: 1 },
    });
    expect(second).toMatchObject({ ok: true, carry: null });
    expect(rt.standIn.queries().filter((q) => q.sql === target.sql)).toHaveLength(3);
    // AND the catalog holds exactly both chunks' days
    verifyCatalog(rt.standIn, expectedLocations(DEFAULT_WORLD, { from: A.from, to: B.to }));
  });

  it('a carry outside a chunk, or after the chunk, is refused before anything is submitted', async () => {
    // GIVEN a valid carry shape
    runtime = await startFaultRuntime({ env: LANE_ENV });
    const rt = runtime;
    const carry = {
      from: '2024-03-01',
      to: '2024-03-04',
      queries: [{ ids: ['q-1'], partitions: 1, startedAt: 0 }],
    };
    // WHEN it is sent without chunk, or with days that overlap the chunk
    const loose = await rt.lambda().invoke({ ...B, carry }, { requestId: 'x' });
    const late = await rt.lambda().invoke({ ...A, chunk: true, carry }, { requestId: 'y' });
    // THEN both fail validation, naming what was expected, and no query was started
    expect(loose.error?.message).toMatch(/carry and carryTail belong to a chunk/);
    expect(late.error?.message).toMatch(
      /carry 2024-03-01 to 2024-03-04 must be a range before the chunk's from 2024-03-01/,
    );
    expect(rt.standIn.queries()).toHaveLength(0);
  });
});
