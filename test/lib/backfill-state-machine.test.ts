import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { BackfillStateMachine, type BackfillStateMachineProps } from '../../lib/backfill-state-machine';
import { newStack, stateMachineDefinition, statementsOfRole, unacknowledgedNagFindings } from './fixtures';

function build(props: Partial<BackfillStateMachineProps> = {}) {
  const stack = newStack();
  const fn = new lambda.Function(stack, 'Fn', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({});'),
  });
  const backfill = new BackfillStateMachine(stack, 'Backfill', { function: fn, ...props });
  const template = Template.fromStack(stack);
  return { stack, backfill, template, definition: stateMachineDefinition(template) };
}

describe('BackfillStateMachine', () => {
  const { backfill, template, definition } = build();
  const states = definition.States;

  it('splits, maps over the lanes, then chooses between success and failure', () => {
    // THEN the top level is split -> map -> choice -> fail | succeed, in JSONata
    expect(definition.QueryLanguage).toBe('JSONata');
    expect(definition.StartAt).toBe('SplitWindow');
    expect(states.SplitWindow).toMatchObject({ Type: 'Task', Next: 'RegisterChunks' });
    expect(states.RegisterChunks).toMatchObject({ Type: 'Map', Next: 'AnyChunkFailed' });
    expect(states.AnyChunkFailed).toMatchObject({
      Type: 'Choice',
      Choices: [{ Condition: '{% $states.input.failedCount > 0 %}', Next: 'SomeChunksFailed' }],
      Default: 'Backfilled',
    });
    expect(states.SomeChunksFailed).toMatchObject({ Type: 'Fail', Error: 'BackfillIncomplete' });
    expect(states.Backfilled).toEqual({ Type: 'Succeed' });
  });

  it('asks the function to split into one lane per Map slot, forcing action and lanes over the execution input', () => {
    // THEN the split payload merges the input with {action: split, lanes: 3}, lanes last
    expect(states.SplitWindow).toMatchObject({
      Resource: 'arn:TOKEN:states:::lambda:invoke',
      Arguments: {
        FunctionName: 'TOKEN',
        Payload: '{% $merge([{}, $states.input, {"action": "split", "lanes": 3}]) %}',
      },
    });
  });

  it('maps over the lanes, three at once', () => {
    // THEN the Map state is bounded and reads the lanes of the split output
    expect(states.RegisterChunks).toMatchObject({
      MaxConcurrency: 3,
      Items: '{% $append([], $states.input.lanes) %}',
    });
    expect(String(states.RegisterChunks.Output)).toContain('"failedCount": $sum(');
  });

  it('loops over a lane: start, then a chunk at a time until the lane is done', () => {
    // GIVEN the lane processor
    const processor = states.RegisterChunks.ItemProcessor as {
      StartAt: string;
      States: Record<string, Record<string, unknown>>;
    };
    // THEN StartLane -> MoreChunksInLane -> RegisterChunk -> MoreChunksInLane … -> LaneDone, and a
    // carry still held at the end is recorded first
    expect(processor.StartAt).toBe('StartLane');
    expect(processor.States.StartLane).toMatchObject({
      Type: 'Pass',
      Next: 'MoreChunksInLane',
      Assign: { next: 0, carry: null, failedCount: 0, failedChunks: [], rerun: [] },
    });
    expect(processor.States.MoreChunksInLane).toEqual({
      Type: 'Choice',
      QueryLanguage: 'JSONata',
      Choices: [
        { Condition: '{% $next < $count($lane) %}', Next: 'RegisterChunk' },
        { Condition: '{% $exists($carry.from) %}', Next: 'RecordUnconfirmedCarry' },
      ],
      Default: 'LaneDone',
    });
    expect(processor.States.RegisterChunk).toMatchObject({ Next: 'MoreChunksInLane' });
    expect(processor.States.RecordChunkFailure).toMatchObject({ Next: 'MoreChunksInLane' });
    expect(processor.States.RecordUnconfirmedCarry).toMatchObject({ Next: 'MoreChunksInLane' });
    expect(processor.States.LaneDone).toMatchObject({ Type: 'Pass', End: true });
    expect(Object.keys(processor.States).sort()).toEqual([
      'LaneDone',
      'MoreChunksInLane',
      'RecordChunkFailure',
      'RecordUnconfirmedCarry',
      'RegisterChunk',
      'StartLane',
    ]);
  });

  it('retries a chunk with backoff and records its failure instead of stopping the map', () => {
    // GIVEN the chunk state
    const processor = states.RegisterChunks.ItemProcessor as {
      States: Record<string, Record<string, unknown>>;
    };
    const register = processor.States.RegisterChunk;
    // THEN the lane's current chunk is sent, with the selection kept once by the split step and the carry
    expect(register).toMatchObject({
      Type: 'Task',
      Arguments: {
        Payload:
          '{% $merge([$lane[$next], $selection, {"carry": $carry, "carryTail": $next + 1 < $count($lane)}]) %}',
      },
      Output: '{% {"failed": false} %}',
      Assign: { next: '{% $next + 1 %}' },
    });
    expect(states.SplitWindow).toMatchObject({
      Assign: { selection: '{% $states.result.Payload.selection %}' },
    });
    // AND function errors are retried three times with backoff 2
    expect(register.Retry).toEqual(
      expect.arrayContaining([
        { ErrorEquals: ['States.TaskFailed'], IntervalSeconds: 30, MaxAttempts: 3, BackoffRate: 2 },
      ]),
    );
    // AND anything left is caught into a failure record
    expect(register.Catch).toEqual([
      expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: 'RecordChunkFailure' }),
    ]);
    expect(String((register.Catch as { Output: string }[])[0].Output)).toContain('"failed": true');
    expect(processor.States.RecordChunkFailure).toMatchObject({ Type: 'Pass', Assign: { carry: null } });
  });

  it('times out after 24 hours, logs everything and traces with X-Ray', () => {
    // THEN the execution is bounded and observable
    expect(definition.TimeoutSeconds).toBe(86400);
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      LoggingConfiguration: {
        Level: 'ALL',
        IncludeExecutionData: true,
        Destinations: [
          {
            CloudWatchLogsLogGroup: {
              LogGroupArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^BackfillLogGroup'), 'Arn'] },
            },
          },
        ],
      },
      TracingConfiguration: { Enabled: true },
    });
  });

  it('logs to a group under /aws/vendedlogs/states/, unique to the stack, so no resource policy is needed', () => {
    // THEN the name starts with the vended-logs prefix and ends with the stack's UUID
    // (the state machine's group: the function has one of its own)
    const groups = Object.values(template.findResources('AWS::Logs::LogGroup')).map((group) =>
      JSON.stringify(group.Properties.LogGroupName),
    );
    const name = groups.find((group) => group.includes('/aws/vendedlogs/')) ?? groups.join(' ');
    expect(name).toMatch(/^\{"Fn::Join":\["",\["\/aws\/vendedlogs\/states\/Test-Backfill[A-Za-z0-9-]*-",/);
    expect(name).toContain('{"Fn::Select":[2,{"Fn::Split":["/",{"Ref":"AWS::StackId"}]}]}');
  });

  it('retries the split (read only) on task failures, but not on bad input', () => {
    // THEN input errors come first with no retry, then TaskFailed with backoff
    expect(states.SplitWindow.Retry).toEqual(
      expect.arrayContaining([
        { ErrorEquals: ['ValidationError', 'LayoutError'], MaxAttempts: 0 },
        { ErrorEquals: ['States.TaskFailed'], IntervalSeconds: 5, MaxAttempts: 5, BackoffRate: 2 },
      ]),
    );
    const retry = states.SplitWindow.Retry as { ErrorEquals: string[] }[];
    const order = retry.map((r) => r.ErrorEquals[0]);
    expect(order.indexOf('ValidationError')).toBeLessThan(order.indexOf('States.TaskFailed'));
  });

  it('may invoke only the partitioner function', () => {
    // THEN lambda:InvokeFunction names the function (and its versions) only
    const invoke = statementsOfRole(template, 'BackfillStateMachineRole').filter(
      (s) => s.Action === 'lambda:InvokeFunction',
    );
    expect(invoke).toHaveLength(1);
    expect(JSON.stringify(invoke[0].Resource)).not.toContain('"*"');
    const resources = invoke[0].Resource as unknown[];
    expect(resources).toHaveLength(2);
    for (const resource of resources) expect(JSON.stringify(resource)).toMatch(/"Fn[0-9A-F]{8}","Arn"/);
  });

  it('leaves no cdk-nag finding unacknowledged', () => {
    // THEN SF1/SF2 pass and the unavoidable IAM5 wildcards are acknowledged with reasons
    expect(unacknowledgedNagFindings(backfill)).toEqual([]);
  });

  it('passes a configured chunk size and concurrency', () => {
    // GIVEN chunkDays and maxConcurrency
    const built = build({ chunkDays: 30, maxConcurrency: 2, timeout: Duration.hours(6) });
    // THEN the split payload defaults chunkDays and the map is bounded at 2
    expect(built.definition.States.SplitWindow).toMatchObject({
      Arguments: {
        Payload: '{% $merge([{"chunkDays":30}, $states.input, {"action": "split", "lanes": 2}]) %}',
      },
    });
    expect(built.definition.States.RegisterChunks.MaxConcurrency).toBe(2);
    expect(built.definition.TimeoutSeconds).toBe(21600);
  });

  it('rejects a concurrency the split cannot cut lanes for', () => {
    // GIVEN / WHEN / THEN
    expect(() => build({ maxConcurrency: 0 })).toThrow(/invalid backfill maxConcurrency 0/);
    expect(() => build({ maxConcurrency: 41 })).toThrow(
      /invalid backfill maxConcurrency 41: expected a whole number from 1 to 40/,
    );
  });
});
