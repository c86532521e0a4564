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
import type { Clock } from '../lambda/core/shared/ports';
import { type CfnEvent, createDeployHandler, INDEX_BUSY_WAIT } from '../lambda/deploy-resources';

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

  function run(e: CfnEvent, clock = fakeClock()) {
    const answers: CfnResponse[] = [];
    const logs: string[] = [];
    const logger = {
      info: (m: string) => void logs.push(m),
      warn: (m: string) => void logs.push(m),
      error: (m: string) => void logs.push(m),
    };
    const handler = createDeployHandler({
      ports: awsDeployPorts(glueClient, sfnClient),
      clock,
      respond: async (_url, response) => void answers.push(response),
      logger,
    });
    return handler(e).then(() => ({ answer: answers[0], answers, logs, clock }));
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

  it('answers FAILED, never throws, on a property it cannot use', async () => {
    // GIVEN a request without a table name
    // WHEN it is handled
    const { answer } = await run(event('Create', { Kind: 'PartitionIndex', DatabaseName: 'cloudtrail' }));
    // THEN CloudFormation hears why
    expect(answer).toMatchObject({ Status: 'FAILED', Reason: expect.stringContaining('TableName') });
  });
});

describe('the answer to CloudFormation', () => {
  it('is one PUT of the JSON answer with an empty content type, as the pre-signed URL expects', async () => {
    // GIVEN a local server standing in for the pre-signed S3 URL
    const received: { method?: string; type?: string; body: string }[] = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push({ method: req.method, type: req.headers['content-type'], body });
        res.statusCode = received.length === 1 ? 200 : 403;
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
      // WHEN the answer is sent twice, the second time refused
      await putCfnResponse(url, answer);
      // THEN the body is the answer, the method PUT and the content type empty; a refusal rejects
      expect(received[0]).toEqual({ method: 'PUT', type: '', body: JSON.stringify(answer) });
      await expect(putCfnResponse(url, answer)).rejects.toThrow(/HTTP 403/);
    } finally {
      server.close();
    }
  });
});
