import { ArnFormat, Aws, Duration, Fn, Names, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { BACKFILL_STATE } from '../lambda/core/shared/contract';
import { MAX_LANES } from '../lambda/core/partitions/split';
import {
  CARRY_LEFT,
  CARRY_LEFT_ASSIGN,
  CHUNK_DONE_ASSIGN,
  CHUNK_FAILED_ASSIGN,
  CHUNK_FAILURE_OUTPUT,
  CHUNK_PAYLOAD,
  FAIL_CAUSE,
  LANE_OUTPUT,
  LANE_START,
  MAP_OUTPUT,
  MORE_CHUNKS,
} from './backfill-expressions';

/**
 * Errors of the split step that a retry cannot cure: bad input stays bad. Listed before the
 * `States.TaskFailed` retrier so a typo fails at once instead of after the backoff.
 */
const SPLIT_INPUT_ERRORS = ['ValidationError', 'LayoutError'];

export interface BackfillStateMachineProps {
  /** The partitioner function: answers `{action:'split'}` and registers one chunk per call. */
  readonly function: lambda.IFunction;
  /**
   * Chunks registered at the same time: the window is cut into this many lanes, one per Map
   * slot, each registering its own consecutive chunks in order (1 to 40). Each chunk keeps
   * `MAX_CONCURRENT_QUERIES / maxConcurrency` DDL queries active (Athena's default quota is 20
   * active DDL queries per account and region, running and queued together): the default,
   * 3 chunks x 6 queries plus the daily run's 2, uses the 20 exactly, and every run narrows on
   * TooManyRequestsException.
   * @default 3
   */
  readonly maxConcurrency?: number;
  /**
   * Days per chunk, passed to the split step unless the execution input sets `chunkDays`.
   * @default - the function's default
   */
  readonly chunkDays?: number;
  /**
   * Ceiling on one execution.
   * @default Duration.hours(24)
   */
  readonly timeout?: Duration;
  /** @default logs.RetentionDays.THREE_MONTHS */
  readonly logRetention?: logs.RetentionDays;
  /**
   * A fixed name, so the function can be given the state machine's ARN (Stack.formatArn) without
   * referring to the resource, which refers to the function: the daily run's hand-off.
   * @default - a name CloudFormation generates
   */
  readonly stateMachineName?: string;
}

/**
 * Backfills a long date range: asks the function to split the range into lanes of consecutive
 * chunks, one lane per Map slot; each lane registers its chunks one after another, handing the
 * queries still running at the end of a chunk (its carry) to the lane's next chunk. A chunk is
 * retried with backoff, and one that still fails is recorded instead of stopping the others.
 * The execution fails at the end when any chunk failed, so the Step Functions `ExecutionsFailed`
 * alarm fires and the output lists what to rerun.
 *
 * Input: `{"from":"YYYY-MM-DD","to"?:…,"daysBack"?:N,"accounts"?:[…],"regions"?:[…],"chunkDays"?:N}`.
 */
export class BackfillStateMachine extends Construct {
  public readonly stateMachine: sfn.StateMachine;
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: BackfillStateMachineProps) {
    super(scope, id);
    const maxConcurrency = props.maxConcurrency ?? 3;
    if (!Number.isSafeInteger(maxConcurrency) || maxConcurrency < 1 || maxConcurrency > MAX_LANES) {
      throw new Error(
        `invalid backfill maxConcurrency ${maxConcurrency}: expected a whole number from 1 to ${MAX_LANES} (the split's lanes)`,
      );
    }
    const defaults = props.chunkDays === undefined ? '{}' : JSON.stringify({ chunkDays: props.chunkDays });

    const split = tasks.LambdaInvoke.jsonata(this, BACKFILL_STATE.split, {
      comment: 'Ask the function to cut the requested window into lanes of chunks',
      lambdaFunction: props.function,
      // lanes comes after the execution input: one lane per Map slot, whatever the input says.
      payload: sfn.TaskInput.fromText(
        `{% $merge([${defaults}, $states.input, {"action": "split", "lanes": ${maxConcurrency}}]) %}`,
      ),
      // The flat chunk list is counted, not copied (the lanes hold the same ranges), and the
      // selection is a variable: the output stays small beside a 10,000-account selection.
      outputs:
        '{% ($p := $states.result.Payload; {"window": $p.window, "accountRegions": $p.accountRegions, ' +
        '"chunkDays": $p.chunkDays, "chunks": $count($p.chunks), "lanes": $p.lanes}) %}',
      // The accounts/regions selection is kept once, not copied into every chunk: a long
      // list times hundreds of chunks would pass the 256 KiB state limit.
      assign: { selection: '{% $states.result.Payload.selection %}' },
    });
    // The split only reads S3, so a retry is safe; the first execution can start seconds after
    // the stack created the function's role, before IAM has propagated it.
    split.addRetry({ errors: SPLIT_INPUT_ERRORS, maxAttempts: 0 });
    split.addRetry({
      errors: [sfn.Errors.TASKS_FAILED],
      interval: Duration.seconds(5),
      maxAttempts: 5,
      backoffRate: 2,
    });

    // Variables (https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html:
    // Assign on Pass, Task, Map, Parallel, Choice, Wait, and on a Catcher beside its Output, CDK's
    // CatchProps.assign/outputs):
    // - an inline Map iteration has a scope of its own that reads the outer scope ($selection) and
    //   whose own variables ($lane, $next, $carry, …) no other lane sees, so lanes cannot mix;
    // - every expression of a state reads the values from the state's entry, the new values taking
    //   effect when it ends, so `next: $next + 1` beside `carry: …` uses the old $next;
    // - a Catcher's Output and Assign see $states.errorOutput and the variables as the failed
    //   state entered with them (the state's own Assign is not applied);
    // - a value's size counts against the 256 KiB of a state's data: the biggest here, $lane,
    //   is at most 1,000 chunks of 40 bytes.
    const startLane = sfn.Pass.jsonata(this, 'StartLane', {
      comment: "Start a lane: its chunks, the first chunk's index, no carry, no failure",
      assign: LANE_START,
    });
    const registerChunk = tasks.LambdaInvoke.jsonata(this, BACKFILL_STATE.registerChunk, {
      comment:
        "Register one chunk, polling the carry of the lane's previous chunk; the function throws when anything failed",
      lambdaFunction: props.function,
      payload: sfn.TaskInput.fromText(CHUNK_PAYLOAD),
      outputs: '{% {"failed": false} %}',
      assign: CHUNK_DONE_ASSIGN,
    });
    // A retry sends the same chunk with the same carry: variables change only when a state ends.
    registerChunk.addRetry({
      errors: [sfn.Errors.TASKS_FAILED],
      interval: Duration.seconds(30),
      maxAttempts: 3,
      backoffRate: 2,
    });
    const chunkFailed = sfn.Pass.jsonata(this, BACKFILL_STATE.chunkFailed, {
      comment: 'Keep the failed range and its error; the lane goes on with its next chunk, without a carry',
      assign: CHUNK_FAILED_ASSIGN,
    });
    // A fixed-size record per failed chunk; a lane keeps its first 20, so 1,000 failures fit.
    registerChunk.addCatch(chunkFailed, { errors: [sfn.Errors.ALL], outputs: CHUNK_FAILURE_OUTPUT });
    const laneDone = sfn.Pass.jsonata(this, 'LaneDone', {
      comment: "The lane's counts, first failures and ranges to rerun",
      outputs: LANE_OUTPUT,
    });
    // Only a lane's last chunk is told to wait (carryTail false); a carry it returns anyway would
    // leave partitions nobody confirms, so it fails the backfill over that range.
    const carryLeft = sfn.Pass.jsonata(this, 'RecordUnconfirmedCarry', {
      comment: "The lane's last chunk returned a carry: record its range to rerun",
      assign: CARRY_LEFT_ASSIGN,
    });
    const moreChunks = sfn.Choice.jsonata(this, 'MoreChunksInLane');
    startLane.next(moreChunks);
    registerChunk.next(moreChunks);
    chunkFailed.next(moreChunks);
    carryLeft.next(moreChunks);
    moreChunks
      .when(sfn.Condition.jsonata(MORE_CHUNKS), registerChunk)
      .when(sfn.Condition.jsonata(CARRY_LEFT), carryLeft)
      .otherwise(laneDone);

    const registerAll = sfn.Map.jsonata(this, 'RegisterChunks', {
      comment: 'One lane per slot, each registering its own chunks in order',
      // An array even if an engine hands a one-lane list back as the lane itself.
      items: sfn.ProvideItems.jsonata('{% $append([], $states.input.lanes) %}'),
      maxConcurrency,
      outputs: MAP_OUTPUT,
    });
    registerAll.itemProcessor(startLane);

    const done = sfn.Succeed.jsonata(this, 'Backfilled');
    const failed = sfn.Fail.jsonata(this, 'SomeChunksFailed', {
      error: 'BackfillIncomplete',
      cause: FAIL_CAUSE,
    });
    const anyFailed = sfn.Choice.jsonata(this, 'AnyChunkFailed')
      .when(sfn.Condition.jsonata('{% $states.input.failedCount > 0 %}'), failed)
      .otherwise(done);

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName: vendedLogGroupName(this),
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      // Kept after a delete, not after a failed create: nothing of a rolled-back attempt stays.
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      comment: 'Backfill CloudTrail partitions over a date range, chunk by chunk',
      stateMachineName: props.stateMachineName,
      queryLanguage: sfn.QueryLanguage.JSONATA,
      definitionBody: sfn.DefinitionBody.fromChainable(split.next(registerAll).next(anyFailed)),
      timeout: props.timeout ?? Duration.hours(24),
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
    });

    const functionArn = Stack.of(this).resolve(props.function.functionArn);
    Validations.of(this.stateMachine).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'X-Ray (PutTraceSegments, PutTelemetryRecords, GetSampling*) and CloudWatch Logs vended delivery (CreateLogDelivery and friends) do not support resource-level permissions; Step Functions needs them for tracing and logging, which AwsSolutions-SF1/SF2 require.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::<${logicalIdOf(functionArn)}.Arn>:*]`,
        reason:
          'lambda:InvokeFunction on the partitioner function and its versions/aliases (ARN:*); the state machine can invoke no other function.',
      },
    );
  }
}

/**
 * The ARN of a state machine named `name` in this stack's account and region, built from the name
 * alone (no reference to the resource), so a construct the state machine depends on can hold it.
 */
export function stateMachineArnFor(scope: Construct, name: string): string {
  return Stack.of(scope).formatArn({
    service: 'states',
    resource: 'stateMachine',
    resourceName: name,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

/**
 * The backfill state machine's name: the service name, `-backfill` and the first 8 characters of
 * the stack's UUID (80 characters at most). A name fixed by the app alone would collide with the
 * previous attempt's state machine, still DELETING while an execution finishes its task, when a
 * failed first deploy is retried right away; each attempt is a new stack with a new UUID.
 */
export function backfillStateMachineName(serviceName: string): string {
  const stackUuid = Fn.select(2, Fn.split('/', Aws.STACK_ID));
  return `${serviceName.slice(0, 62)}-backfill-${Fn.select(0, Fn.split('-', stackUuid))}`;
}

/**
 * `/aws/vendedlogs/states/<unique>-<stack uuid>`. Under this prefix Step Functions does not add
 * the group to the account's CloudWatch Logs resource policy (5,120 characters, often full in
 * busy accounts). The stack's UUID keeps a redeploy after `cdk destroy` from colliding with the
 * retained group of the previous stack.
 */
function vendedLogGroupName(scope: Construct): string {
  const stackUuid = Fn.select(2, Fn.split('/', Aws.STACK_ID));
  return `/aws/vendedlogs/states/${Names.uniqueResourceName(scope, { maxLength: 200, separator: '-' })}-${stackUuid}`;
}

/** Logical ID inside `{"Fn::GetAtt": [id, "Arn"]}`, the form cdk-nag prints in IAM5 finding IDs. */
function logicalIdOf(resolvedArn: unknown): string {
  const getAtt = (resolvedArn as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt'];
  return getAtt ? getAtt[0] : String(resolvedArn);
}
