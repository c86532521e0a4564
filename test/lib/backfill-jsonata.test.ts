/**
 * Evaluates the state machine's JSONata expressions with the jsonata engine, the way Step
 * Functions binds them ($states, workflow variables), so a broken expression fails here
 * rather than on the first real backfill.
 */
import jsonata from 'jsonata';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Template } from 'aws-cdk-lib/assertions';
import { BackfillStateMachine } from '../../lib/backfill-state-machine';
import { CAUSE_CHARS, FIRST_FAILURES } from '../../lib/backfill-expressions';
import { newStack, stateMachineDefinition } from './fixtures';

type State = Record<string, unknown> & { Arguments?: Record<string, unknown>; Catch?: { Output: string }[] };

function definitionOf(chunkDays?: number) {
  const stack = newStack();
  const fn = new lambda.Function(stack, 'Fn', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({});'),
  });
  new BackfillStateMachine(stack, 'Backfill', { function: fn, chunkDays });
  return stateMachineDefinition(Template.fromStack(stack));
}

/** `{% expr %}` evaluated with `$states` and any workflow variables bound. */
async function evaluate(
  template: unknown,
  states: Record<string, unknown>,
  variables: Record<string, unknown> = {},
) {
  const match = /^\{%([\s\S]*)%\}$/.exec(String(template));
  if (!match) throw new Error(`not a JSONata template: ${String(template)}`);
  return jsonata(match[1]).evaluate({}, { states, ...variables });
}

describe('backfill state machine expressions', () => {
  const definition = definitionOf(30);
  const states = definition.States as Record<string, State>;
  const map = states.RegisterChunks as State & { ItemProcessor: { States: Record<string, State> } };
  const lane = map.ItemProcessor.States;
  const register = lane.RegisterChunk;
  const assigned = (state: State) => state.Assign as Record<string, unknown>;

  it('split: the execution input plus the default chunk size, with action and lanes forced', async () => {
    // GIVEN an execution input that even tries to set action and lanes
    const input = { from: '2024-01-01', accounts: ['111122223333'], action: 'evil', lanes: 40 };
    // WHEN the payload is evaluated
    const payload = await evaluate(states.SplitWindow.Arguments?.Payload, { input });
    // THEN the input wins over the default chunk size; action and lanes (the Map's 3 slots) are forced
    expect(payload).toEqual({
      chunkDays: 30,
      from: '2024-01-01',
      accounts: ['111122223333'],
      action: 'split',
      lanes: 3,
    });
    expect(
      await evaluate(states.SplitWindow.Arguments?.Payload, { input: { from: 'x', chunkDays: 7 } }),
    ).toMatchObject({ chunkDays: 7 });
  });

  it('split: the output keeps the lanes and counts the flat chunks; the selection becomes a variable', async () => {
    // GIVEN the function's split answer
    const chunks = [
      { from: 'a', to: 'b' },
      { from: 'c', to: 'd' },
    ];
    const result = {
      Payload: {
        window: { from: 'a', to: 'd' },
        accountRegions: 4,
        chunkDays: 2,
        chunks,
        lanes: [{ chunks }],
        selection: { regions: ['us-east-1'], chunk: true },
      },
    };
    // WHEN output and assignment are evaluated
    const output = await evaluate(states.SplitWindow.Output, { result });
    const selection = await evaluate(assigned(states.SplitWindow).selection, { result });
    // THEN the lanes ride on, the chunks are a count, and the selection is kept once
    expect(output).toEqual({
      window: { from: 'a', to: 'd' },
      accountRegions: 4,
      chunkDays: 2,
      chunks: 2,
      lanes: [{ chunks }],
    });
    expect(selection).toEqual({ regions: ['us-east-1'], chunk: true });
  });

  it("lane start: the lane's chunks as a list, even a list of one", async () => {
    const one = { chunks: [{ from: 'a', to: 'a' }] };
    expect(await evaluate(assigned(lane.StartLane).lane, { input: one })).toEqual(one.chunks);
    expect(assigned(lane.StartLane)).toMatchObject({ next: 0, carry: null });
  });

  it('chunk: the current chunk, the selection, the carry, and carryTail while chunks follow', async () => {
    // GIVEN a lane of two chunks and a carry from before
    const chunks = [
      { from: '2024-01-01', to: '2024-01-15' },
      { from: '2024-01-16', to: '2024-01-31' },
    ];
    const carry = {
      from: '2023-12-01',
      to: '2023-12-31',
      queries: [{ ids: ['q1'], partitions: 9, startedAt: 1 }],
    };
    const vars = { lane: chunks, selection: { accounts: ['111122223333'], chunk: true } };
    // WHEN the payload is evaluated at each chunk
    const first = await evaluate(
      register.Arguments?.Payload,
      { input: {} },
      { ...vars, next: 0, carry: null },
    );
    const last = await evaluate(register.Arguments?.Payload, { input: {} }, { ...vars, next: 1, carry });
    // THEN the first has no carry and a chunk after it; the last carries the carry and waits for all
    expect(first).toEqual({
      ...chunks[0],
      accounts: ['111122223333'],
      chunk: true,
      carry: null,
      carryTail: true,
    });
    expect(last).toEqual({ ...chunks[1], accounts: ['111122223333'], chunk: true, carry, carryTail: false });
    // AND success keeps no copy of the report, moves to the next chunk and keeps the returned carry
    expect(await evaluate(register.Output, { input: {}, result: { Payload: {} } })).toEqual({
      failed: false,
    });
    const done = assigned(register);
    expect(await evaluate(done.carry, { result: { Payload: { carry } } })).toEqual(carry);
    expect(await evaluate(done.carry, { result: { Payload: { carry: null } } })).toBeNull();
    // (a function without carries, mid-deploy, hands nothing on)
    expect(await evaluate(done.carry, { result: { Payload: { partitionsAdded: 1 } } })).toBeNull();
    expect(await evaluate(done.next, {}, { next: 4 })).toBe(5);
  });

  it("chunk failure: from the carry's start when one was handed in, the error, and at most CAUSE_CHARS of cause", async () => {
    const chunk = { from: '2024-01-01', to: '2024-01-31' };
    const vars = { lane: [{ from: '2023-12-01', to: '2023-12-31' }, chunk], next: 1 };
    const catchOutput = register.Catch?.[0].Output;
    const caught = await evaluate(
      catchOutput,
      { input: {}, errorOutput: { Error: 'RunFailedError', Cause: 'x'.repeat(2000) } },
      { ...vars, carry: null },
    );
    expect(caught).toMatchObject({ ...chunk, failed: true, error: 'RunFailedError' });
    expect((caught as { cause: string }).cause).toHaveLength(CAUSE_CHARS);
    const carried = await evaluate(
      catchOutput,
      { input: {}, errorOutput: { Error: 'States.Timeout' } },
      { ...vars, carry: { from: '2023-12-01', to: '2023-12-31', queries: [] } },
    );
    expect(carried).toEqual({ failed: true, from: '2023-12-01', to: '2024-01-31', error: 'States.Timeout' });
  });

  it('recording a failure: counted, kept among the first, its range merged, the carry dropped', async () => {
    const record = (from: string, to: string) => ({ failed: true, from, to, error: 'E' });
    const failed = assigned(lane.RecordChunkFailure);
    const after = async (vars: Record<string, unknown>, input: unknown) =>
      Object.fromEntries(
        await Promise.all(
          Object.entries(failed).map(async ([k, v]) => [
            k,
            typeof v === 'string' ? await evaluate(v, { input }, vars) : v,
          ]),
        ),
      );
    // GIVEN a lane with one failure recorded, 2024-01-01..02
    const vars = {
      failedCount: 1,
      failedChunks: [record('2024-01-01', '2024-01-02')],
      rerun: [{ from: '2024-01-01', to: '2024-01-02' }],
      next: 1,
      carry: { from: 'x' },
    };
    // WHEN the next chunk fails, touching it THEN one range; WHEN a later one fails THEN two
    expect(await after(vars, record('2024-01-03', '2024-01-04'))).toEqual({
      failedCount: 2,
      failedChunks: [record('2024-01-01', '2024-01-02'), record('2024-01-03', '2024-01-04')],
      rerun: [{ from: '2024-01-01', to: '2024-01-04' }],
      carry: null,
      next: 2,
    });
    expect((await after(vars, record('2024-01-09', '2024-01-09'))).rerun).toEqual([
      { from: '2024-01-01', to: '2024-01-02' },
      { from: '2024-01-09', to: '2024-01-09' },
    ]);
    // AND the first failure of a lane starts both lists
    const first = await after(
      { ...vars, failedCount: 0, failedChunks: [], rerun: [] },
      record('2024-01-05', '2024-01-05'),
    );
    expect(first).toMatchObject({
      failedChunks: [record('2024-01-05', '2024-01-05')],
      rerun: [{ from: '2024-01-05', to: '2024-01-05' }],
    });
    // AND past FIRST_FAILURES records the list stops growing
    const full = Array.from({ length: FIRST_FAILURES }, () => record('2023-01-01', '2023-01-01'));
    expect(
      (await after({ ...vars, failedChunks: full }, record('2024-01-05', '2024-01-05'))).failedChunks,
    ).toHaveLength(FIRST_FAILURES);
  });

  const laneResult = (chunks: number, failures: { from: string; to: string }[]) => ({
    chunks,
    failedCount: failures.length,
    failedChunks: failures.map((f) => ({ failed: true, ...f, error: 'E' })),
    rerun: failures,
  });

  it.each([
    ['one lane, no failure', [laneResult(1, [])], 0, []],
    [
      'one lane, one failure',
      [laneResult(1, [{ from: '2024-01-01', to: '2024-01-02' }])],
      1,
      [{ from: '2024-01-01', to: '2024-01-02' }],
    ],
    [
      'two lanes whose ranges touch at the boundary',
      [
        laneResult(3, [{ from: '2024-01-05', to: '2024-01-06' }]),
        laneResult(3, [{ from: '2024-01-07', to: '2024-01-07' }]),
      ],
      2,
      [{ from: '2024-01-05', to: '2024-01-07' }],
    ],
    [
      'three lanes, the middle one clean',
      [
        laneResult(2, [{ from: '2024-01-01', to: '2024-01-01' }]),
        laneResult(2, []),
        laneResult(2, [{ from: '2024-01-09', to: '2024-01-09' }]),
      ],
      2,
      [
        { from: '2024-01-01', to: '2024-01-01' },
        { from: '2024-01-09', to: '2024-01-09' },
      ],
    ],
  ])(
    'map output, %s: lists stay lists, counts add up, and the choice agrees',
    async (_name, result, failures, rerun) => {
      // WHEN the map output and the choice condition are evaluated
      const output = (await evaluate(map.Output, { input: { window: { from: 'a', to: 'b' } }, result })) as {
        failedChunks: unknown[];
        failedCount: number;
        chunks: number;
        rerun: unknown[];
      };
      const choice = (states.AnyChunkFailed as { Choices: { Condition: string }[] }).Choices[0].Condition;
      // THEN failedChunks and rerun are always arrays, and the fail branch is taken exactly when something failed
      expect(output.failedChunks).toHaveLength(failures);
      expect(output.rerun).toEqual(rerun);
      expect(output.failedCount).toBe(failures);
      expect(output.chunks).toBe(result.reduce((sum, r) => sum + r.chunks, 0));
      expect(await evaluate(choice, { input: output })).toBe(failures > 0);
      if (failures > 0) {
        const cause = await evaluate(states.SomeChunksFailed.Cause, { input: output });
        expect(JSON.parse(cause as string)).toMatchObject({
          failedChunks: failures,
          chunks: output.chunks,
          rerun,
        });
      }
    },
  );

  it("lane done: the lane's counts and lists, a single failure still in a list", async () => {
    const one = [{ failed: true, from: 'a', to: 'a', error: 'E' }];
    expect(
      await evaluate(
        lane.LaneDone.Output,
        { input: {} },
        {
          lane: [{ from: 'a', to: 'a' }],
          failedCount: 1,
          failedChunks: one,
          rerun: [{ from: 'a', to: 'a' }],
        },
      ),
    ).toEqual({ chunks: 1, failedCount: 1, failedChunks: one, rerun: [{ from: 'a', to: 'a' }] });
  });
});
