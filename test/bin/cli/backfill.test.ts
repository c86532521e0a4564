import { main } from '../../../bin/cli/main';
import type { ExecutionsPort } from '../../../bin/cli/backfill';
import type { ExecutionStatus } from '../../../lambda/aws/backfill-executions';
import type { HistoryEvent } from '../../../lambda/core/run/progress';

const NOW = new Date('2024-03-10T12:00:00Z');
const ARN = 'arn:aws:states:us-east-1:111122223333:stateMachine:Backfill';

/** A scripted execution: each describe() moves one step along `steps`. */
function fakeExecutions(steps: { status: ExecutionStatus; events: HistoryEvent[] }[]) {
  const calls: { started: object[]; stacks: string[] } = { started: [], stacks: [] };
  let step = 0;
  const port: ExecutionsPort = {
    stateMachineArn: async (stack) => {
      calls.stacks.push(stack);
      return ARN;
    },
    start: async (_arn, input) => {
      calls.started.push(input);
      return `${ARN.replace('stateMachine', 'execution')}:run-1`;
    },
    describe: async () => steps[Math.min(step, steps.length - 1)].status,
    history: async () => steps[Math.min(step++, steps.length - 1)].events,
  };
  return { port, calls };
}

const split = (n: number): HistoryEvent => ({
  type: 'TaskStateExited',
  stateName: 'SplitWindow',
  output: JSON.stringify({ chunks: Array.from({ length: n }, (_, i) => ({ from: `c${i}` })) }),
});
const chunkOk = (partitions: number): HistoryEvent[] => [
  { type: 'TaskSucceeded', output: JSON.stringify({ Payload: { partitionsAdded: partitions } }) },
  { type: 'TaskStateExited', stateName: 'RegisterChunk', output: JSON.stringify({ failed: false }) },
];

async function run(argv: string[], port: ExecutionsPort) {
  let stdout = '';
  let stderr = '';
  const clock = { now: () => 0, sleep: async () => undefined };
  const code = await main(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    now: NOW,
    executions: () => port,
    clock,
  });
  return { code, stdout, stderr };
}

describe('cli backfill', () => {
  it('starts the stack state machine, shows progress and exits 0 when every chunk succeeded', async () => {
    // GIVEN an execution that splits into 2 chunks and finishes them
    const { port, calls } = fakeExecutions([
      { status: { status: 'RUNNING' }, events: [split(2)] },
      { status: { status: 'RUNNING' }, events: [split(2), ...chunkOk(100)] },
      { status: { status: 'SUCCEEDED' }, events: [split(2), ...chunkOk(100), ...chunkOk(50)] },
    ]);
    // WHEN backfilling January for one account from the named stack
    const { code, stdout, stderr } = await run(
      [
        'backfill',
        '--from',
        '2024-01-01',
        '--to',
        '2024-01-31',
        '--accounts',
        '111122223333',
        '--stack',
        'MyStack',
      ],
      port,
    );
    // THEN the input is the validated window, progress lines go to stderr, the summary to stdout
    expect(code).toBe(0);
    expect(calls.stacks).toEqual(['MyStack']);
    expect(calls.started).toEqual([{ from: '2024-01-01', to: '2024-01-31', accounts: ['111122223333'] }]);
    expect(stderr).toContain('1/2 chunks');
    expect(stdout).toContain('succeeded: 2/2 chunks, 150 partitions added, 0 chunks failed');
  });

  it('--columnar asks every chunk to convert into the columnar copy', async () => {
    // GIVEN an execution that finishes at once
    const { port, calls } = fakeExecutions([
      { status: { status: 'SUCCEEDED' }, events: [split(1), ...chunkOk(1)] },
    ]);
    // WHEN backfilling with --columnar
    const { code } = await run(
      ['backfill', '--from', '2024-01-01', '--to', '2024-01-02', '--columnar'],
      port,
    );
    // THEN the state machine's input carries it (the split passes it to every chunk)
    expect(code).toBe(0);
    expect(calls.started).toEqual([{ from: '2024-01-01', to: '2024-01-02', columnar: true }]);
  });

  it('exits 1 and prints the cause when the execution failed', async () => {
    // GIVEN an execution whose only chunk failed after retries
    const { port } = fakeExecutions([
      {
        status: { status: 'FAILED', error: 'BackfillIncomplete', cause: '[{"chunk":{"from":"2024-01-01"}}]' },
        events: [split(1), { type: 'PassStateEntered', stateName: 'RecordChunkFailure' }],
      },
    ]);
    // WHEN backfilling
    const { code, stdout } = await run(['backfill', '--from', '2024-01-01', '--to', '2024-01-31'], port);
    // THEN the exit code says not everything was added
    expect(code).toBe(1);
    expect(stdout).toContain('failed: 1/1 chunks, 0 partitions added, 1 chunks failed');
    expect(stdout).toContain('BackfillIncomplete');
  });

  it('with --no-wait prints the execution arn and returns', async () => {
    const { port } = fakeExecutions([{ status: { status: 'RUNNING' }, events: [] }]);
    const { code, stdout } = await run(
      ['backfill', '--from', '2024-01-01', '--to', '2024-01-02', '--no-wait'],
      port,
    );
    expect(code).toBe(0);
    expect(stdout.trim()).toMatch(/^arn:aws:states:.*:execution:Backfill:run-1$/);
  });

  it.each([
    [['backfill', '--from', '2024-01-01'], /missing --from or --to/],
    [['backfill', '--from', '2024-02-30', '--to', '2024-03-01'], /2024-02-30/],
    [
      ['backfill', '--from', '2024-01-01', '--to', '2024-01-02', '--bucket', 'b'],
      /--bucket is not for backfill/,
    ],
    [['backfill', '--from', '2024-01-01', '--to', '2024-01-02', '--stack', 'bad stack'], /--stack/],
    [['backfill', '--from', '2024-01-01', '--to', '2024-01-02', '--chunk-days', '0'], /chunk days/],
    [['plan', '--bucket', 'b-b-b', '--no-wait'], /--no-wait is not for plan \(it is for backfill\)/],
  ])('refuses %j with exit code 2 and starts nothing', async (argv, message) => {
    // GIVEN bad options WHEN running THEN usage error and no execution started
    const { port, calls } = fakeExecutions([{ status: { status: 'RUNNING' }, events: [] }]);
    const { code, stdout, stderr } = await run(argv, port);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(calls.started).toEqual([]);
  });
});
