import {
  AccessDeniedException,
  ConflictException,
  CreatePartitionIndexCommand,
  DeletePartitionIndexCommand,
  GetPartitionIndexesCommand,
  GetTableCommand,
  GlueClient,
} from '@aws-sdk/client-glue';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { awsDeployPorts, type CfnResponse, putCfnResponse } from '../lambda/aws/deploy-ports';
import { DEPLOY_ACCESS_RETRY } from '../lambda/core/shared/access-retry';
import { FIRST_RUN } from '../lambda/core/run/first-run';
import { answerFirstRun } from '../lambda/first-run-resource';
import type { Clock } from '../lambda/core/shared/ports';
import { ANSWER_MARGIN_MS, createDeployHandler, INDEX_BUSY_WAIT } from '../lambda/deploy-resources';
import type { CfnEvent } from '../lambda/aws/deploy-ports';

const meta = { $metadata: {} };
const denied = () =>
  new AccessDeniedException({
    message: 'User is not authorized to perform: glue:CreatePartitionIndex',
    ...meta,
  });
const conflict = () =>
  new ConflictException({ message: 'Index year_month_day is in CREATING state', ...meta });

function fakeClock(): Clock & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

function event(
  request: CfnEvent['RequestType'],
  properties: Record<string, unknown>,
  physicalId?: string,
): CfnEvent {
  return {
    RequestType: request,
    ResponseURL: 'https://cloudformation-custom-resource-response.example/abc',
    StackId: 'arn:aws:cloudformation:us-east-1:111122223333:stack/s/1',
    RequestId: '0d1c2b3a-aaaa-bbbb-cccc-0123456789ab',
    LogicalResourceId: 'Index',
    ...(physicalId ? { PhysicalResourceId: physicalId } : {}),
    ResourceProperties: { ServiceToken: 'arn', ...properties },
  };
}

const INDEX = { Kind: 'PartitionIndex', DatabaseName: 'cloudtrail', TableName: 'cloudtrail_logs' };
const TABLE_KEYS = ['account', 'region', 'year', 'month', 'day'].map((Name) => ({ Name, Type: 'string' }));

describe('deploy-time custom resources (mocked SDK)', () => {
  const glueClient = new GlueClient({ region: 'us-east-1' });
  const sfnClient = new SFNClient({ region: 'us-east-1' });
  const glue = mockClient(glueClient);
  const sfn = mockClient(sfnClient);
  afterEach(() => {
    glue.reset();
    sfn.reset();
  });

  // Lambda's timeout for the deploy function (lib/deploy-resources.ts): 15 minutes.
  function run(e: CfnEvent, clock = fakeClock(), remainingMs = 900_000) {
    const answers: CfnResponse[] = [];
    const answeredAt: number[] = [];
    const logs: string[] = [];
    const logger = {
      info: (m: string) => void logs.push(m),
      warn: (m: string) => void logs.push(m),
      error: (m: string) => void logs.push(m),
    };
    const handler = createDeployHandler({
      ports: awsDeployPorts(glueClient, sfnClient),
      clock,
      respond: async (_url, response) => {
        answers.push(response);
        answeredAt.push(clock.now());
      },
      logger,
    });
    const started = clock.now();
    const context = { getRemainingTimeInMillis: () => remainingMs - (clock.now() - started) };
    return handler(e, context).then(() => ({ answer: answers[0], answers, answeredAt, logs, clock }));
  }

  it('creates the index after IAM lets the new policy through, within the stated bound', async () => {
    // GIVEN a provider role whose policy IAM refuses twice, as right after it was attached
    glue.on(GetTableCommand).resolves({ Table: { Name: 'cloudtrail_logs', PartitionKeys: TABLE_KEYS } });
    glue.on(GetPartitionIndexesCommand).resolves({ PartitionIndexDescriptorList: [] });
    glue.on(CreatePartitionIndexCommand).rejectsOnce(denied()).rejectsOnce(denied()).resolves({});
    // WHEN CloudFormation creates the index resource
    const { answer, clock } = await run(event('Create', INDEX));
    // THEN the index is created on the table's time keys, and CloudFormation hears SUCCESS
    expect(answer).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'year_month_day' });
    expect(glue.commandCalls(CreatePartitionIndexCommand).at(-1)?.args[0].input).toMatchObject({
      DatabaseName: 'cloudtrail',
      TableName: 'cloudtrail_logs',
      PartitionIndex: { IndexName: 'year_month_day', Keys: ['year', 'month', 'day'] },
    });
    expect(glue.commandCalls(CreatePartitionIndexCommand)).toHaveLength(3);
    expect(clock.slept).toEqual([2_000, 4_000]);
  });

  it('fails the resource with the reason once access stays denied past the bound', async () => {
    // GIVEN a role that never gets the permission (a missing Lake Formation grant)
    glue.on(GetTableCommand).resolves({ Table: { Name: 'cloudtrail_logs', PartitionKeys: TABLE_KEYS } });
    glue.on(GetPartitionIndexesCommand).resolves({ PartitionIndexDescriptorList: [] });
    glue.on(CreatePartitionIndexCommand).rejects(denied());
    // WHEN CloudFormation creates the index resource
    const { answer, clock } = await run(event('Create', INDEX));
    // THEN it answers FAILED naming the refusal, after no more than 150 s of retries
    expect(answer.Status).toBe('FAILED');
    expect(answer.Reason).toMatch(/still access denied .* glue:CreatePartitionIndex/);
    expect(clock.now()).toBeLessThanOrEqual(DEPLOY_ACCESS_RETRY.limitMs);
  });

  it('adopts an index the table already has (a reinstall over a kept table) and never deletes it', async () => {
    // GIVEN a kept table whose index survived the earlier stack
    glue.on(GetTableCommand).resolves({ Table: { Name: 'cloudtrail_logs', PartitionKeys: TABLE_KEYS } });
    glue.on(GetPartitionIndexesCommand).resolves({
      PartitionIndexDescriptorList: [
        {
          IndexName: 'by_time',
          Keys: ['year', 'month', 'day'].map((Name) => ({ Name, Type: 'string' })),
          IndexStatus: 'ACTIVE',
        },
      ],
    });
    // WHEN the resource is created, then deleted with the stack
    const created = await run(event('Create', INDEX));
    const deleted = await run(event('Delete', INDEX, created.answer.PhysicalResourceId));
    // THEN nothing was created or deleted: the index belongs to the table, not to this stack
    expect(created.answer).toMatchObject({ Status: 'SUCCESS', Data: { IndexName: 'by_time' } });
    expect(deleted.answer.Status).toBe('SUCCESS');
    expect(glue.commandCalls(CreatePartitionIndexCommand)).toHaveLength(0);
    expect(glue.commandCalls(DeletePartitionIndexCommand)).toHaveLength(0);
  });

  it('indexes year and month only on a month-partitioned table it did not create', async () => {
    // GIVEN an existing month table (createTable=false) without an index
    glue.on(GetTableCommand).resolves({
      Table: {
        Name: 'cloudtrail_logs',
        PartitionKeys: ['account', 'region', 'year', 'month'].map((Name) => ({ Name, Type: 'string' })),
      },
    });
    glue.on(GetPartitionIndexesCommand).resolves({ PartitionIndexDescriptorList: [] });
    glue.on(CreatePartitionIndexCommand).resolves({});
    // WHEN the resource is created
    const { answer } = await run(event('Create', INDEX));
    // THEN the index covers the table's own time keys
    expect(answer).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'year_month' });
  });

  it('lets a rollback delete an index that is still CREATING, once Glue is done with it', async () => {
    // GIVEN an index this resource created, CREATING for two more polls, then ACTIVE
    const creating = {
      PartitionIndexDescriptorList: [
        { IndexName: 'year_month_day', Keys: [], IndexStatus: 'CREATING' as const },
      ],
    };
    const active = {
      PartitionIndexDescriptorList: [
        { IndexName: 'year_month_day', Keys: [], IndexStatus: 'ACTIVE' as const },
      ],
    };
    glue.on(GetPartitionIndexesCommand).resolvesOnce(creating).resolvesOnce(creating).resolves(active);
    glue.on(DeletePartitionIndexCommand).resolves({});
    // WHEN the update rolls back and CloudFormation deletes the new index
    const { answer, clock } = await run(event('Delete', INDEX, 'year_month_day'));
    // THEN the delete waited for CREATING to end and then removed the index
    expect(answer.Status).toBe('SUCCESS');
    expect(glue.commandCalls(DeletePartitionIndexCommand)).toHaveLength(1);
    expect(clock.slept).toEqual([INDEX_BUSY_WAIT.pauseMs, INDEX_BUSY_WAIT.pauseMs]);
  });

  it('lets the rollback go on when the index stays CREATING past the bound, naming what is left', async () => {
    // GIVEN an index that never leaves CREATING, and Glue refusing its delete
    glue.on(GetPartitionIndexesCommand).resolves({
      PartitionIndexDescriptorList: [
        { IndexName: 'year_month_day', Keys: [], IndexStatus: 'CREATING' as const },
      ],
    });
    glue.on(DeletePartitionIndexCommand).rejects(conflict());
    // WHEN CloudFormation deletes it
    const { answer, logs, clock } = await run(event('Delete', INDEX, 'year_month_day'));
    // THEN the delete succeeds (the rollback is not stuck), after at most the stated wait, and says so
    expect(answer.Status).toBe('SUCCESS');
    expect(clock.now()).toBeLessThanOrEqual(INDEX_BUSY_WAIT.limitMs);
    expect(logs).toContain('partition index left in place: the table stayed busy');
  });

  it('starts the initial backfill once, named after the request, retrying a denied start', async () => {
    // GIVEN Step Functions refusing the first start (the policy is seconds old)
    sfn
      .on(StartExecutionCommand)
      .rejectsOnce(
        Object.assign(new Error('not authorized to perform: states:StartExecution'), {
          name: 'AccessDeniedException',
        }),
      )
      .resolves({ executionArn: 'arn:aws:states:us-east-1:111122223333:execution:sm:initial' });
    const props = {
      Kind: 'InitialBackfill',
      StateMachineArn: 'arn:aws:states:us-east-1:111122223333:stateMachine:sm',
      Input: '{"from":"2024-01-01"}',
    };
    // WHEN the stack is created, then updated
    const created = await run(event('Create', props));
    const updated = await run(event('Update', props, created.answer.PhysicalResourceId));
    // THEN one execution started, with a name a repeated request reuses, and the update started nothing
    expect(created.answer).toMatchObject({
      Status: 'SUCCESS',
      Data: { ExecutionArn: expect.stringContaining(':execution:') },
    });
    expect(sfn.commandCalls(StartExecutionCommand).at(-1)?.args[0].input).toEqual({
      stateMachineArn: props.StateMachineArn,
      name: 'initial-backfill-0d1c2b3a-aaaa-bbbb-cccc-0123456789ab',
      input: '{"from":"2024-01-01"}',
    });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(2);
    expect(updated.answer.Status).toBe('SUCCESS');
  });

  it('lets the rollback of a Create that failed pass without calling Glue, whose refusal stands', async () => {
    // GIVEN a table whose catalog Glue refuses for good (a KMS key or Lake Formation grant missing)
    glue.onAnyCommand().rejects(denied());
    const created = await run(event('Create', INDEX));
    expect(created.answer.Status).toBe('FAILED');
    const callsBefore = glue.calls().length;
    // WHEN the rollback deletes the resource, then (a stack kept after a failed create) updates it
    const deleted = await run(event('Delete', INDEX, created.answer.PhysicalResourceId));
    const updated = await run(event('Update', INDEX, created.answer.PhysicalResourceId));
    // THEN both answer SUCCESS at once, with no Glue call: the rollback cannot end in ROLLBACK_FAILED
    expect(deleted.answer).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: created.answer.PhysicalResourceId,
    });
    expect(updated.answer.Status).toBe('SUCCESS');
    expect(glue.calls().length - callsBefore).toBe(0);
    expect(deleted.clock.slept).toEqual([]);
  });

  it('lets the rollback of an initial backfill that never started pass without calling Step Functions', async () => {
    // GIVEN a start that Step Functions refuses for good
    sfn.on(StartExecutionCommand).rejects(
      Object.assign(new Error('not authorized to perform: states:StartExecution'), {
        name: 'AccessDeniedException',
      }),
    );
    const props = {
      Kind: 'InitialBackfill',
      StateMachineArn: 'arn:aws:states:us-east-1:1:stateMachine:sm',
      Input: '{}',
    };
    const created = await run(event('Create', props));
    const callsBefore = sfn.calls().length;
    // WHEN the rollback deletes it
    const deleted = await run(event('Delete', props, created.answer.PhysicalResourceId));
    // THEN the create failed, the delete succeeds and nothing more was called
    expect(created.answer.Status).toBe('FAILED');
    expect(deleted.answer.Status).toBe('SUCCESS');
    expect(sfn.calls().length - callsBefore).toBe(0);
  });

  it("answers a Create before Lambda's timeout when the nested waits together would pass it", async () => {
    // GIVEN GetTable and GetPartitionIndexes each refused for ~140 s, then an index CREATING for good
    const slowDenied = (ms: number, clock: Clock) => {
      const until = clock.now() + ms;
      return () => (clock.now() < until ? Promise.reject(denied()) : Promise.resolve(undefined));
    };
    const clock = fakeClock();
    const tableOk = slowDenied(140_000, clock);
    glue.on(GetTableCommand).callsFake(async () => {
      await tableOk();
      return { Table: { Name: 'cloudtrail_logs', PartitionKeys: TABLE_KEYS } };
    });
    let indexesOk: (() => Promise<unknown>) | undefined;
    glue.on(GetPartitionIndexesCommand).callsFake(async () => {
      indexesOk ??= slowDenied(140_000, clock);
      await indexesOk();
      return {
        PartitionIndexDescriptorList: [
          { IndexName: 'other', Keys: [{ Name: 'account', Type: 'string' }], IndexStatus: 'CREATING' },
        ],
      };
    });
    // WHEN CloudFormation creates the resource with 900 s left
    const { answer, answeredAt, logs } = await run(event('Create', INDEX), clock, 900_000);
    // THEN it answers FAILED, naming the deadline, with the margin still left
    expect(answer).toMatchObject({ Status: 'FAILED', Reason: expect.stringMatching(/deadline/) });
    expect(answeredAt[0]).toBeLessThanOrEqual(900_000 - ANSWER_MARGIN_MS);
    expect(logs).toContain('deploy resource failed');
  });

  it("answers a rollback's Delete with SUCCESS before the deadline, naming the index left", async () => {
    // GIVEN an index CREATING for good, and only 5 minutes left in the invocation
    glue.on(GetPartitionIndexesCommand).resolves({
      PartitionIndexDescriptorList: [
        { IndexName: 'year_month_day', Keys: [], IndexStatus: 'CREATING' as const },
      ],
    });
    glue.on(DeletePartitionIndexCommand).rejects(conflict());
    const warnings: Record<string, unknown>[] = [];
    const clock = fakeClock();
    const answeredAt: number[] = [];
    const handler = createDeployHandler({
      ports: awsDeployPorts(glueClient, sfnClient),
      clock,
      respond: async () => void answeredAt.push(clock.now()),
      logger: {
        info: () => undefined,
        error: () => undefined,
        warn: (_m: string, ...extra: unknown[]) => void warnings.push(extra[0] as Record<string, unknown>),
      },
    });
    // WHEN CloudFormation deletes it
    await handler(event('Delete', INDEX, 'year_month_day'), {
      getRemainingTimeInMillis: () => 300_000 - clock.now(),
    });
    // THEN the answer went out before the deadline, and the log names the index and its delete command
    expect(answeredAt).toHaveLength(1);
    expect(answeredAt[0]).toBeLessThanOrEqual(300_000 - ANSWER_MARGIN_MS);
    expect(warnings.at(-1)).toMatchObject({
      index: 'year_month_day',
      remove: expect.stringContaining('aws glue delete-partition-index') as unknown,
      reason: expect.stringMatching(/deadline/) as unknown,
    });
  });

  it('answers FAILED, never throws, on a property it cannot use', async () => {
    // GIVEN a request without a table name
    // WHEN it is handled
    const { answer } = await run(event('Create', { Kind: 'PartitionIndex', DatabaseName: 'cloudtrail' }));
    // THEN CloudFormation hears why
    expect(answer).toMatchObject({ Status: 'FAILED', Reason: expect.stringContaining('TableName') });
  });
});

describe('the answer to CloudFormation', () => {
  it('is a PUT of the JSON answer with an empty content type, as the pre-signed URL expects', async () => {
    // GIVEN a local server standing in for the pre-signed S3 URL
    const received: { method?: string; type?: string; body: string }[] = [];
    const slept: number[] = [];
    const sleep = async (ms: number) => void slept.push(ms);
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push({ method: req.method, type: req.headers['content-type'], body });
        // OK, then refused for good (an expired URL), then unavailable once, then OK.
        res.statusCode = [200, 403, 503, 200][received.length - 1] ?? 500;
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cfn-response?X-Amz-Signature=x`;
    const answer: CfnResponse = {
      Status: 'SUCCESS',
      PhysicalResourceId: 'year_month_day',
      StackId: 's',
      RequestId: 'r',
      LogicalResourceId: 'l',
      Data: { IndexName: 'year_month_day' },
    };
    try {
      // WHEN the answer is sent, then sent to a URL that refuses it
      await putCfnResponse(url, answer, [1_000, 2_000], sleep);
      // THEN the body is the answer, the method PUT and the content type empty; a 403 rejects at once
      expect(received[0]).toEqual({ method: 'PUT', type: '', body: JSON.stringify(answer) });
      await expect(putCfnResponse(url, answer, [1_000, 2_000], sleep)).rejects.toThrow(/HTTP 403/);
      expect(received).toHaveLength(2);
      // AND WHEN S3 is unavailable once, THEN the PUT is tried again after a pause and succeeds
      await putCfnResponse(url, answer, [1_000, 2_000], sleep);
      expect(received).toHaveLength(4);
      expect(received[3].body).toBe(JSON.stringify(answer));
      expect(slept).toEqual([1_000]);
      // AND WHEN S3 stays unavailable, THEN it gives up after three tries with bounded pauses
      slept.length = 0;
      await expect(putCfnResponse(url, answer, [1_000, 2_000], sleep)).rejects.toThrow(/HTTP 500/);
      expect(received).toHaveLength(7);
      expect(slept).toEqual([1_000, 2_000]);
    } finally {
      server.close();
    }
  });
});

describe('the first run answer', () => {
  it('resolves and logs when the answer cannot be sent, so Lambda does not run the first run again', async () => {
    // GIVEN a respond that always fails (the PUT's own retries spent)
    const runs: unknown[] = [];
    const errors: string[] = [];
    const request = {
      RequestType: 'Create' as const,
      ResponseURL: 'https://cloudformation-custom-resource-response.example/x',
      StackId: 's',
      RequestId: 'r',
      LogicalResourceId: 'FirstRun',
      ResourceProperties: { Kind: FIRST_RUN.resourceKind, Event: '{}' },
    };
    // WHEN the first run is answered
    const answer = answerFirstRun(
      request,
      async (e) => void runs.push(e),
      () => Promise.reject(new Error('CloudFormation response refused: HTTP 500')),
      { error: (m: string) => void errors.push(m) },
    );
    // THEN it resolves after one run, and the log says the answer failed
    await expect(answer).resolves.toMatchObject({ Status: 'SUCCESS' });
    expect(runs).toHaveLength(1);
    expect(errors).toEqual(['first run: the answer to CloudFormation failed']);
  });
});
