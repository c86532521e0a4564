/**
 * The daily run's hand-off: an invocation that runs out of time with partitions left starts ONE
 * Step Functions backfill for the days still lacking them, named after the scheduled instant, and
 * ends cleanly; a redelivery of the same event finds the execution started (ExecutionAlreadyExists)
 * and counts that as done; the execution's chunk reads Glue first and adds only the remainder.
 * Step Functions is mocked at the SDK (aws-sdk-client-mock); Athena, Glue and S3 are the stand-in.
 */
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import {
  alarmMetrics,
  DEFAULT_WORLD,
  expectedLocations,
  type FaultRuntime,
  SCHEDULED_EVENT,
  SCHEDULED_WINDOW,
  startFaultRuntime,
  verifyCatalog,
} from '../support/fault-harness';

const STATE_MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:partitioner-backfill';
const sfn = mockClient(SFNClient);
let runtime: FaultRuntime | undefined;

beforeEach(() => {
  sfn.reset();
  sfn.on(StartExecutionCommand).callsFake((input: { name: string }) => ({
    executionArn: `arn:aws:states:us-east-1:123456789012:execution:partitioner-backfill:${input.name}`,
    startDate: new Date(),
  }));
});

afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
});

/** Yesterday and today registered, then 5 one-partition statements for tomorrow, 2 at a time, 300 s each. */
async function slowDailyRun(rt: FaultRuntime) {
  const earlier = await rt
    .lambda()
    .invoke({ from: '2024-03-09', to: '2024-03-10' }, { requestId: 'earlier' });
  expect(earlier.report?.ok).toBe(true);
  const event = { ...SCHEDULED_EVENT, time: new Date(rt.clock.now()).toISOString() };
  rt.standIn.faults.slowQueries(300_000);
  const run = await rt.lambda().invoke(event, { requestId: 'req-daily', remainingMs: 600_000 });
  return { event, run };
}

const NO_HANDOFF_ENV = { MAX_CONCURRENT_QUERIES: '2', MAX_PARTITIONS_PER_STATEMENT: '1' };
const SLOW_ENV = { ...NO_HANDOFF_ENV, BACKFILL_STATE_MACHINE_ARN: STATE_MACHINE };

describe('the daily run hands its remainder to Step Functions', () => {
  it('starts one execution for the days left, named after the scheduled instant, and ends cleanly', async () => {
    // GIVEN a daily run whose invocation ends with 2 statements running and 1 never submitted
    runtime = await startFaultRuntime({ env: SLOW_ENV });
    const rt = runtime;
    const { event, run } = await slowDailyRun(rt);
    // THEN the run succeeds: its remainder belongs to the execution now
    expect(run.error).toBeUndefined();
    expect(run.report?.ok).toBe(true);
    // How many statements started before the deadline depends on how fast this machine runs the
    // simulated clock (2 + 2 on an idle one); what holds on any machine is the split itself:
    // every statement either succeeded, is unconfirmed, or was never submitted, and at least one
    // was never submitted (5 × 300 s at 2 in flight cannot fit in 600 s).
    const { succeeded = 0, unconfirmed = 0, notSubmitted = 0 } = run.report ?? {};
    expect(succeeded + unconfirmed + notSubmitted).toBe(5);
    expect(notSubmitted).toBeGreaterThanOrEqual(1);
    const name = `daily-remainder-${event.time.slice(0, 10).replace(/-/g, '')}T${event.time.slice(11, 16).replace(':', '')}Z`;
    expect(run.report?.handedOff).toEqual({
      executionName: name,
      executionArn: `arn:aws:states:us-east-1:123456789012:execution:partitioner-backfill:${name}`,
      alreadyStarted: false,
      window: { from: '2024-03-11', to: '2024-03-11' },
      partitions: unconfirmed + notSubmitted,
    });
    // AND exactly one StartExecution, on the stack's state machine, for tomorrow only
    const calls = sfn.commandCalls(StartExecutionCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0].args[0].input).toEqual({
      stateMachineArn: STATE_MACHINE,
      name,
      input: JSON.stringify({ from: '2024-03-11', to: '2024-03-11' }),
    });
    // AND the hand-off is logged and counted; the heartbeat sees a successful scheduled run
    expect(run.lines.some((line) => line.includes('"daily run handed off"'))).toBe(true);
    expect(
      alarmMetrics(run.metrics, ['PartitionsHandedOff', 'ScheduledRunSucceeded', 'RunSucceeded']),
    ).toEqual({ PartitionsHandedOff: unconfirmed + notSubmitted, ScheduledRunSucceeded: 1, RunSucceeded: 1 });
  });

  it('a redelivery of the same event finds the execution already started and counts it as handed off', async () => {
    // GIVEN the first delivery handed off, and Step Functions refusing the name a second time
    runtime = await startFaultRuntime({ env: SLOW_ENV });
    const rt = runtime;
    const { event } = await slowDailyRun(rt);
    sfn
      .on(StartExecutionCommand)
      .rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} }));
    // WHEN the same event is delivered again, with too little time to finish the day
    const again = await rt.lambda().invoke(event, { requestId: 'req-daily', remainingMs: 200_000 });
    // THEN it ends cleanly, naming the same execution, started before
    expect(again.error).toBeUndefined();
    expect(again.report).toMatchObject({ ok: true, statements: 5 });
    expect(again.report?.handedOff).toMatchObject({ alreadyStarted: true, window: { from: '2024-03-11' } });
    expect(new Set(sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input.name)).size).toBe(1);
  });

  it("the execution's chunk reads Glue first and adds only what the daily run left", async () => {
    // GIVEN the hand-off, and the daily run's last queries finished meanwhile
    runtime = await startFaultRuntime({ env: SLOW_ENV });
    const rt = runtime;
    const { run } = await slowDailyRun(rt);
    const { succeeded = 0, unconfirmed = 0, notSubmitted = 0 } = run.report ?? {};
    expect(notSubmitted).toBeGreaterThanOrEqual(1);
    rt.standIn.faults.clear();
    rt.standIn.clock.advance(900_000);
    expect(rt.standIn.activeQueries()).toBe(0);
    const before = rt.standIn.queries().length;
    // WHEN Step Functions invokes the chunk for tomorrow
    const chunk = await rt
      .lambda()
      .invoke({ from: '2024-03-11', to: '2024-03-11', chunk: true }, { requestId: 'chunk-1' });
    // THEN it submits only the partitions never submitted (1 on an idle machine; the split depends
    // on how fast the simulated clock ran), one statement each, and the window is complete
    expect(chunk.report).toMatchObject({
      ok: true,
      partitions: 5,
      alreadyRegistered: succeeded + unconfirmed,
      partitionsAdded: notSubmitted,
    });
    expect(rt.standIn.queries().slice(before)).toHaveLength(notSubmitted);
    expect(chunk.report?.handedOff).toBeUndefined();
    verifyCatalog(rt.standIn, expectedLocations(DEFAULT_WORLD, SCHEDULED_WINDOW));
  });

  it('without a state machine configured the run fails as before, its remainder not submitted', async () => {
    // GIVEN no BACKFILL_STATE_MACHINE_ARN
    runtime = await startFaultRuntime({ env: NO_HANDOFF_ENV });
    const rt = runtime;
    const { run } = await slowDailyRun(rt);
    // THEN no execution, and the invocation throws so Lambda retries it
    expect(run.error?.name).toBe('RunFailedError');
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
    expect(alarmMetrics(run.metrics, ['PartitionsHandedOff'])).toEqual({ PartitionsHandedOff: 0 });
  });
});
