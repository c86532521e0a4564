import {
  AthenaClient,
  AthenaServiceException,
  BatchGetQueryExecutionCommand,
  ListQueryExecutionsCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-athena';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mockClient } from 'aws-sdk-client-mock';
import { AthenaQueries } from '../../lambda/aws/athena-port';
import { PortError } from '../../lambda/core/shared/ports';

const meta = (status: number) => ({ $metadata: { httpStatusCode: status } });
const options = { workGroup: 'partitioner', database: 'security' };

describe('AthenaQueries.recentQueries: the workgroup history (mocked SDK)', () => {
  const client = new AthenaClient({ region: 'us-east-1' });
  const athena = mockClient(client);
  const queries = new AthenaQueries(client, options);
  afterEach(() => athena.reset());

  it('lists the workgroup newest first, then reads at most maxCount of them in one batch, in list order', async () => {
    // GIVEN 50 IDs listed, and a batch answer in another order with one ID unprocessed
    const ids = Array.from({ length: 50 }, (_, i) => `q-${i}`);
    athena.on(ListQueryExecutionsCommand).resolves({ QueryExecutionIds: ids, NextToken: 'more' });
    athena.on(BatchGetQueryExecutionCommand).resolves({
      QueryExecutions: [
        {
          QueryExecutionId: 'q-1',
          Query: 'ALTER TABLE a ADD PARTITION (x=1)',
          StatementType: 'DDL',
          Status: {
            State: 'SUCCEEDED',
            SubmissionDateTime: new Date(1_000),
            CompletionDateTime: new Date(3_500),
          },
          Statistics: { TotalExecutionTimeInMillis: 2_400, QueryQueueTimeInMillis: 90 },
        },
        { QueryExecutionId: 'q-0', Query: 'SELECT 1', StatementType: 'DML', Status: { State: 'RUNNING' } },
      ],
      UnprocessedQueryExecutionIds: [{ QueryExecutionId: 'q-2', ErrorCode: 'x' }],
    });
    // WHEN 20 are asked for
    const recent = await queries.recentQueries(20);
    // THEN one list call on the workgroup, one batch of the 20 newest, in the list's order, with timings
    expect(athena.commandCalls(ListQueryExecutionsCommand)[0].args[0].input).toEqual({
      WorkGroup: 'partitioner',
      MaxResults: 20,
    });
    const batch = athena.commandCalls(BatchGetQueryExecutionCommand);
    expect(batch).toHaveLength(1);
    expect(batch[0].args[0].input.QueryExecutionIds).toEqual(ids.slice(0, 20));
    expect(recent).toEqual([
      { queryId: 'q-0', sql: 'SELECT 1', state: 'RUNNING', statementType: 'DML' },
      {
        queryId: 'q-1',
        sql: 'ALTER TABLE a ADD PARTITION (x=1)',
        state: 'SUCCEEDED',
        statementType: 'DDL',
        timing: { submittedAtMs: 1_000, completedAtMs: 3_500, totalExecutionMs: 2_400, queueMs: 90 },
      },
    ]);
  });

  it('makes no batch call for an empty workgroup, and never asks for more than 50', async () => {
    // GIVEN an empty history
    athena.on(ListQueryExecutionsCommand).resolves({ QueryExecutionIds: [] });
    // WHEN asked for 500
    const recent = await queries.recentQueries(500);
    // THEN nothing, from one list call of 50 at most
    expect(recent).toEqual([]);
    expect(athena.commandCalls(ListQueryExecutionsCommand)[0].args[0].input.MaxResults).toBe(50);
    expect(athena.commandCalls(BatchGetQueryExecutionCommand)).toHaveLength(0);
  });

  it.each([
    [
      'access denied on a stack without the permission',
      new AthenaServiceException({
        name: 'AccessDeniedException',
        $fault: 'client',
        ...meta(400),
        message: 'not authorized to perform: athena:ListQueryExecutions',
      }),
      'access-denied',
    ],
    ['throttled', new TooManyRequestsException({ ...meta(400), message: 'Rate exceeded' }), 'throttled'],
  ])('classifies a list call %s like every other call', async (_name, error, kind) => {
    // GIVEN the list call fails
    athena.on(ListQueryExecutionsCommand).rejects(error);
    // WHEN the history is read
    const read = queries.recentQueries(20);
    // THEN a PortError of that kind naming the operation
    await expect(read).rejects.toBeInstanceOf(PortError);
    await expect(read).rejects.toMatchObject({
      kind,
      message: expect.stringContaining('ListQueryExecutions'),
    });
  });
});

describe('AthenaQueries.recentQueries time budget (a server that never answers)', () => {
  let server: Server;
  let client: AthenaClient;
  beforeAll(async () => {
    // Accepts every request and never answers: an endpoint that hangs.
    server = createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    client = new AthenaClient({
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${port}`,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      maxAttempts: 3,
    });
  });
  afterAll(async () => {
    client.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('gives up after its budget, SDK attempts included, with a PortError', async () => {
    // GIVEN a budget of 200 ms
    const quick = new AthenaQueries(client, { ...options, historyTimeoutMs: 200 });
    // WHEN the history is read from the hanging endpoint
    const read = quick.recentQueries(20);
    // THEN it fails (the run then proceeds without history) rather than waiting for the socket
    await expect(read).rejects.toBeInstanceOf(PortError);
    await expect(read).rejects.toMatchObject({ message: expect.stringContaining('ListQueryExecutions') });
  }, 10_000);
});
