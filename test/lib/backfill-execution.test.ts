/**
 * The synthesized backfill state machine executed end to end by an independent ASL walker
 * (test/support/asl-walker.ts), with the real split step and a fake chunk function: lanes hand
 * each chunk's carry to the next, a failure is recorded from the carry's start, and the
 * execution's output and failure say what to rerun.
 */
import { progressFromEvents } from '../../lambda/core/run/progress';
import { type ChunkCall, lambdaError, runBackfill } from '../support/backfill-run';

/** The calls of each lane, in order, found by following carries and the split's lane order. */
function byLane(calls: readonly ChunkCall[], lanes: { chunks: { from: string }[] }[]) {
  return lanes.map((lane) => lane.chunks.map((chunk) => calls.find((call) => call.from === chunk.from)));
}

function splitLanes(history: { type: string; stateName?: string; output?: string }[]) {
  const exited = history.find((e) => e.type === 'TaskStateExited' && e.stateName === 'SplitWindow');
  return (JSON.parse(exited?.output ?? '{}') as { lanes: { chunks: { from: string; to: string }[] }[] })
    .lanes;
}

describe('backfill execution (walked)', () => {
  it("one lane: each chunk gets the previous chunk's carry, and carryTail is false only on the last", async () => {
    // GIVEN one lane (maxConcurrency 1) over 10 days in chunks of 2
    const { execution, calls } = await runBackfill({ from: '2024-06-01', to: '2024-06-10', chunkDays: 2 }, 1);
    // THEN the five chunks ran in order, each handed exactly what the one before returned
    expect(execution.status).toBe('SUCCEEDED');
    expect(calls.map((c) => c.from)).toEqual([
      '2024-06-01',
      '2024-06-03',
      '2024-06-05',
      '2024-06-07',
      '2024-06-09',
    ]);
    expect(calls[0].carry).toBeNull();
    for (let i = 1; i < calls.length; i++) {
      expect(calls[i].carry).toEqual({
        from: '2024-06-01',
        to: calls[i - 1].to,
        queries: [{ ids: [`q-${calls[i - 1].from}`], partitions: 2, startedAt: 0 }],
      });
    }
    expect(calls.map((c) => c.carryTail)).toEqual([true, true, true, true, false]);
    // AND each invocation is the chunk, the selection and the carry fields, nothing else
    expect(Object.keys(calls[0].payload).sort()).toEqual(['carry', 'carryTail', 'chunk', 'from', 'to']);
    expect(calls[0].payload.chunk).toBe(true);
    // AND the output counts every chunk, none failed
    expect(execution.output).toEqual({
      window: { from: '2024-06-01', to: '2024-06-10' },
      chunks: 5,
      failedCount: 0,
      failedChunks: [],
      rerun: [],
    });
  });

  it('three lanes: each walks its own chunks in order, and carries never cross lanes', async () => {
    // GIVEN 3 lanes over 21 days (7 each) in chunks of at most 3, with a selection
    const { execution, calls } = await runBackfill(
      { from: '2024-05-01', to: '2024-05-21', chunkDays: 3, regions: ['eu-west-1'] },
      3,
    );
    expect(execution.status).toBe('SUCCEEDED');
    const lanes = splitLanes(execution.history);
    expect(lanes.map((lane) => lane.chunks.length)).toEqual([3, 3, 3]);
    // THEN in each lane: the first has no carry, each next one the previous one's, the last no tail
    for (const lane of byLane(calls, lanes)) {
      expect(lane.map((c) => c?.carryTail)).toEqual([true, true, false]);
      expect(lane[0]?.carry).toBeNull();
      expect(lane[1]?.carry).toMatchObject({ from: lane[0]?.from, to: lane[0]?.to });
      expect(lane[2]?.carry).toMatchObject({ from: lane[0]?.from, to: lane[1]?.to });
      expect(lane.every((c) => (c?.payload.regions as string[])[0] === 'eu-west-1')).toBe(true);
    }
    // AND the lanes really ran side by side: the second lane started before the first one ended
    const order = calls.map((c) => c.from);
    expect(order.indexOf(lanes[1].chunks[0].from)).toBeLessThan(order.indexOf(lanes[0].chunks[2].from));
    expect(execution.output).toMatchObject({ chunks: 9, failedCount: 0 });
  });

  it("a failed chunk is recorded from its carry's start; the lane goes on without a carry; the execution fails with the ranges", async () => {
    // GIVEN one lane of five 2-day chunks where the third (handed the first two as its carry) fails
    const { execution, calls } = await runBackfill(
      { from: '2024-06-01', to: '2024-06-10', chunkDays: 2 },
      1,
      { failing: new Set(['2024-06-05']), error: lambdaError('AccessDenied on s3://bucket/AWSLogs/') },
    );
    // THEN the chunk after the failure starts afresh, and the lane still ends with its last chunk
    expect(calls.map((c) => c.from)).toEqual([
      '2024-06-01',
      '2024-06-03',
      '2024-06-05',
      '2024-06-07',
      '2024-06-09',
    ]);
    expect(calls[2].carry).toMatchObject({ from: '2024-06-01', to: '2024-06-04' });
    expect(calls[3].carry).toBeNull();
    expect(calls[4].carry).toMatchObject({ from: '2024-06-07', to: '2024-06-08' });
    // AND the execution fails naming the range from the carry's start to the chunk's end
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('BackfillIncomplete');
    expect(JSON.parse(execution.cause ?? '')).toEqual({
      failedChunks: 1,
      chunks: 5,
      rerun: [{ from: '2024-06-01', to: '2024-06-06' }],
    });
    // AND the record holds the error and the start of the message
    const record = execution.history.find(
      (e) => e.type === 'PassStateEntered' && e.stateName === 'RecordChunkFailure',
    );
    const failure = JSON.parse(record?.input ?? '') as Record<string, string>;
    expect(failure).toMatchObject({
      failed: true,
      from: '2024-06-01',
      to: '2024-06-06',
      error: 'RunFailedError',
    });
    expect(failure.cause.startsWith('AccessDenied on s3://bucket/AWSLogs/')).toBe(true);
  });

  it("failures across lanes: a lane's first chunk fails alone, ranges that touch across lanes merge", async () => {
    // GIVEN 2 lanes of 3 one-day chunks; lane 1's last chunk and lane 2's first chunk fail
    const { execution, calls } = await runBackfill(
      { from: '2024-06-01', to: '2024-06-06', chunkDays: 1 },
      2,
      { failing: new Set(['2024-06-03', '2024-06-04']) },
    );
    // THEN lane 2's first chunk (no carry) is recorded alone; lane 1's from its carry's start
    expect(calls.find((c) => c.from === '2024-06-04')?.carry).toBeNull();
    expect(execution.status).toBe('FAILED');
    const cause = JSON.parse(execution.cause ?? '') as { failedChunks: number; rerun: unknown[] };
    expect(cause.failedChunks).toBe(2);
    // lane 1: 06-01..06-03 (carry from 06-01); lane 2: 06-04; they touch, so one range
    expect(cause.rerun).toEqual([{ from: '2024-06-01', to: '2024-06-04' }]);
  });

  it('one lane, one chunk: the singleton lists stay lists, and the run succeeds', async () => {
    // GIVEN a one-day backfill on the default 3 slots: one lane of one chunk
    const { execution, calls } = await runBackfill({ from: '2024-06-01', to: '2024-06-01' }, 3);
    // THEN one invocation, no carry, nothing to hand on; the output counts one chunk
    expect(calls).toEqual([
      expect.objectContaining({ from: '2024-06-01', to: '2024-06-01', carry: null, carryTail: false }),
    ]);
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.output).toEqual({
      window: { from: '2024-06-01', to: '2024-06-01' },
      chunks: 1,
      failedCount: 0,
      failedChunks: [],
      rerun: [],
    });
  });

  it('one lane, one chunk that fails: one record, one range, and the execution fails', async () => {
    const { execution } = await runBackfill({ from: '2024-06-01', to: '2024-06-01' }, 1, {
      failing: new Set(['2024-06-01']),
    });
    expect(execution.status).toBe('FAILED');
    expect(JSON.parse(execution.cause ?? '')).toEqual({
      failedChunks: 1,
      chunks: 1,
      rerun: [{ from: '2024-06-01', to: '2024-06-01' }],
    });
  });

  it("the execution input cannot set the lanes: the state machine's concurrency wins", async () => {
    // GIVEN an input asking for 7 lanes on a 2-slot state machine
    const { execution } = await runBackfill(
      { from: '2024-05-20', to: '2024-06-14', chunkDays: 5, lanes: 7 },
      2,
    );
    // THEN two lanes
    expect(splitLanes(execution.history)).toHaveLength(2);
  });

  it("the CLI's progress reads the walked history: chunks done and failed, partitions added", async () => {
    // GIVEN 3 lanes over 21 days in chunks of at most 3, one chunk failing
    const { execution, calls } = await runBackfill(
      { from: '2024-05-01', to: '2024-05-21', chunkDays: 3 },
      3,
      {
        failing: new Set(['2024-05-11']),
      },
    );
    // WHEN progress is computed from the history THEN every chunk is counted once, the failure too,
    // and the partitions are the fake's (a day each) for every day outside the range to rerun
    const rerun = (JSON.parse(execution.cause ?? '') as { rerun: { from: string; to: string }[] }).rerun;
    expect(rerun).toEqual([{ from: '2024-05-08', to: '2024-05-12' }]);
    expect(calls).toHaveLength(9);
    expect(progressFromEvents(execution.history)).toEqual({
      totalChunks: 9,
      chunksDone: 9,
      chunksFailed: 1,
      partitionsAdded: 21 - 5,
    });
  });

  it("a carry returned by a lane's last chunk (told to wait) fails the backfill over its range", async () => {
    // GIVEN a function that hands its queries on even from the last chunk of a lane
    const { execution, calls } = await runBackfill(
      { from: '2024-06-01', to: '2024-06-06', chunkDays: 1 },
      2,
      { carriesPastTheEnd: true },
    );
    // THEN the last chunks were told to wait, and the execution fails naming each lane's whole range
    expect(calls.filter((c) => !c.carryTail).map((c) => c.from)).toEqual(['2024-06-03', '2024-06-06']);
    expect(execution.status).toBe('FAILED');
    const cause = JSON.parse(execution.cause ?? '') as { failedChunks: number; rerun: unknown[] };
    expect(cause).toEqual({ failedChunks: 2, chunks: 6, rerun: [{ from: '2024-06-01', to: '2024-06-06' }] });
  });
});
