/**
 * The ASL walker itself, on small definitions whose outcome the Step Functions documentation
 * states: so a backfill test that passes on the walker passes on the rules, not on a walker bug.
 */
import { execute, STATE_DATA_LIMIT_BYTES } from './asl-walker';

const pass = (extra: Record<string, unknown>) => ({ Type: 'Pass', ...extra });

describe('asl walker', () => {
  it("an Assign reads the values from the state's entry; the next state sees the new ones", async () => {
    // GIVEN x := 1, then x := x + 1 and y := x in one Assign
    const definition = {
      StartAt: 'A',
      States: {
        A: pass({ Assign: { x: 1 }, Next: 'B' }),
        B: pass({ Assign: { x: '{% $x + 1 %}', y: '{% $x %}' }, Next: 'C' }),
        C: pass({ Output: '{% {"x": $x, "y": $y} %}', End: true }),
      },
    };
    // THEN y got the old x
    expect((await execute(definition, {}, () => ({ result: null }))).output).toEqual({ x: 2, y: 1 });
  });

  it('Map iterations read the outer scope, and their own variables stay their own', async () => {
    // GIVEN an outer variable and iterations that each assign `mine`, interleaved by a task
    const definition = {
      StartAt: 'Outer',
      States: {
        Outer: pass({ Assign: { outer: 10 }, Next: 'Each' }),
        Each: {
          Type: 'Map',
          Items: '{% $states.input %}',
          MaxConcurrency: 3,
          ItemProcessor: {
            StartAt: 'Set',
            States: {
              Set: pass({ Assign: { mine: '{% $states.input %}' }, Next: 'Wait' }),
              Wait: { Type: 'Task', Resource: 'r', Arguments: {}, Next: 'Read' },
              Read: pass({ Output: '{% $mine + $outer %}', End: true }),
            },
          },
          End: true,
        },
      },
    };
    const tick = () =>
      new Promise<{ result: null }>((resolve) => setImmediate(() => resolve({ result: null })));
    // THEN each iteration adds its own value to the outer one
    expect((await execute(definition, [1, 2, 3, 4], tick)).output).toEqual([11, 12, 13, 14]);
  });

  it("a Catcher's Output and Assign see the error and the state's input; the state's Assign is not applied", async () => {
    const definition = {
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: 'r',
          Arguments: {},
          Assign: { never: true },
          Catch: [
            {
              ErrorEquals: ['States.ALL'],
              Output: '{% {"error": $states.errorOutput.Error, "in": $states.input.n} %}',
              Assign: { caught: '{% $states.errorOutput.Cause %}' },
              Next: 'End',
            },
          ],
          End: true,
        },
        End: pass({
          Output: '{% $merge([$states.input, {"caught": $caught, "never": $exists($never)}]) %}',
          End: true,
        }),
      },
    };
    const run = await execute(definition, { n: 7 }, () => ({ error: 'Boom', cause: 'why' }));
    expect(run.output).toEqual({ error: 'Boom', in: 7, caught: 'why', never: false });
    expect(run.history.map((e) => e.type)).toEqual([
      'TaskStateEntered',
      'TaskScheduled',
      'TaskFailed',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ]);
  });

  it("fails with the Fail state's error and cause, an uncaught task error, or data past 256 KiB", async () => {
    const fail = {
      StartAt: 'F',
      States: { F: { Type: 'Fail', Error: 'Bad', Cause: '{% $string($states.input) %}' } },
    };
    expect(await execute(fail, { a: 1 }, () => ({ result: null }))).toMatchObject({
      status: 'FAILED',
      error: 'Bad',
      cause: '{"a":1}',
    });
    const task = { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'r', Arguments: {}, End: true } } };
    expect(await execute(task, {}, () => ({ error: 'Nope' }))).toMatchObject({
      status: 'FAILED',
      error: 'Nope',
    });
    const big = {
      StartAt: 'P',
      States: { P: pass({ Assign: { v: '{% $pad("", 262145, "x") %}' }, End: true }) },
    };
    expect(await execute(big, {}, () => ({ result: null }))).toMatchObject({
      status: 'FAILED',
      error: 'States.DataLimitExceeded',
    });
    expect(STATE_DATA_LIMIT_BYTES).toBe(262144);
  });

  it('a Choice takes the first true Condition, else its Default', async () => {
    const definition = {
      StartAt: 'C',
      States: {
        C: {
          Type: 'Choice',
          Choices: [{ Condition: '{% $states.input.n > 1 %}', Next: 'Big' }],
          Default: 'Small',
        },
        Big: pass({ Output: 'big', End: true }),
        Small: pass({ Output: 'small', End: true }),
      },
    };
    expect((await execute(definition, { n: 2 }, () => ({ result: null }))).output).toBe('big');
    expect((await execute(definition, { n: 1 }, () => ({ result: null }))).output).toBe('small');
  });
});
