/**
 * Evaluates the state machine's JSONata expressions with the jsonata engine, the way Step
 * Functions binds them ($states, workflow variables), so a broken expression fails here
 * rather than on the first real backfill.
 */
import jsonata from 'jsonata';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Template } from 'aws-cdk-lib/assertions';
import { BackfillStateMachine } from '../../lib/backfill-state-machine';
import { CAUSE_CHARS } from '../../lib/backfill-expressions';
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
  const register = map.ItemProcessor.States.RegisterChunk;

  it('split: the execution input plus the default chunk size, with action forced to split', async () => {
    // GIVEN an execution input that even tries to set action
    const input = { from: '2024-01-01', accounts: ['111122223333'], action: 'evil' };
    // WHEN the payload is evaluated
    const payload = await evaluate(states.SplitWindow.Arguments?.Payload, { input });
    // THEN the input wins over the default chunk size, and action is always split
    expect(payload).toEqual({
      chunkDays: 30,
      from: '2024-01-01',
      accounts: ['111122223333'],
      action: 'split',
    });
    expect(
      await evaluate(states.SplitWindow.Arguments?.Payload, { input: { from: 'x', chunkDays: 7 } }),
    ).toMatchObject({
      chunkDays: 7,
    });
  });

  it('split: keeps the chunks as output and the selection as a variable', async () => {
    // GIVEN the function's split answer
    const result = {
      Payload: {
        chunks: [{ from: 'a', to: 'b' }],
        window: { from: 'a', to: 'b' },
        selection: { regions: ['us-east-1'] },
      },
    };
    // WHEN output and assignment are evaluated
    const output = await evaluate(states.SplitWindow.Output, { result });
    const selection = await evaluate((states.SplitWindow.Assign as Record<string, unknown>).selection, {
      result,
    });
    // THEN
    expect(output).toEqual(result.Payload);
    expect(selection).toEqual({ regions: ['us-east-1'] });
  });

  it('chunk: the chunk merged with the selection is what the function receives; success keeps no copy', async () => {
    const input = { from: '2024-01-01', to: '2024-01-31' };
    const payload = await evaluate(
      register.Arguments?.Payload,
      { input },
      { selection: { accounts: ['111122223333'] } },
    );
    expect(payload).toEqual({ from: '2024-01-01', to: '2024-01-31', accounts: ['111122223333'] });
    expect(await evaluate(register.Arguments?.Payload, { input }, { selection: {} })).toEqual(input);
    expect(await evaluate(register.Output, { input, result: { Payload: {} } })).toEqual({ failed: false });
  });

  it('chunk failure: records the range, the error and at most CAUSE_CHARS of cause, even without a cause', async () => {
    const input = { from: '2024-01-01', to: '2024-01-31' };
    const caught = await evaluate(register.Catch?.[0].Output, {
      input,
      errorOutput: { Error: 'RunFailedError', Cause: 'x'.repeat(2000) },
    });
    expect(caught).toMatchObject({ ...input, failed: true, error: 'RunFailedError' });
    expect((caught as { cause: string }).cause).toHaveLength(CAUSE_CHARS);
    const timeout = await evaluate(register.Catch?.[0].Output, {
      input,
      errorOutput: { Error: 'States.Timeout' },
    });
    expect(timeout).toEqual({ ...input, failed: true, error: 'States.Timeout' });
  });

  it.each([
    [[], 0],
    [[{ failed: false }], 0],
    [[{ failed: true, from: '2024-01-01', to: '2024-01-02' }], 1],
    [
      [
        { failed: false },
        { failed: true, from: '2024-01-03', to: '2024-01-04' },
        { failed: true, from: '2024-01-05', to: '2024-01-06' },
      ],
      2,
    ],
  ])(
    'map output with results %j lists %i failed chunks as an array, and the choice agrees',
    async (result, failures) => {
      // WHEN the map output and the choice condition are evaluated
      const output = (await evaluate(map.Output, { input: { window: { from: 'a', to: 'b' } }, result })) as {
        failedChunks: unknown[];
        failedCount: number;
        chunks: number;
      };
      const choice = (states.AnyChunkFailed as { Choices: { Condition: string }[] }).Choices[0].Condition;
      // THEN failedChunks is always an array, and the fail branch is taken exactly when it is not empty
      expect(Array.isArray(output.failedChunks)).toBe(true);
      expect(output.failedChunks).toHaveLength(failures);
      expect(output.failedCount).toBe(failures);
      expect(output.chunks).toBe(result.length);
      expect(await evaluate(choice, { input: output })).toBe(failures > 0);
      if (failures > 0) {
        const cause = await evaluate(states.SomeChunksFailed.Cause, { input: output });
        expect(JSON.parse(cause as string)).toMatchObject({ failedChunks: failures, chunks: result.length });
      }
    },
  );
});
