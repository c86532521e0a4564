import {
  AthenaClient,
  AthenaServiceException,
  BatchGetQueryExecutionCommand,
  GetQueryExecutionCommand,
  InternalServerException,
  InvalidRequestException,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { PortError } from '../../lambda/core/shared/ports';
import { AthenaQueries } from '../../lambda/aws/athena-port';
import { createAthenaClient } from '../../lambda/aws/clients';
import { startStandIn, type StandIn } from '../support/aws-standin';

const meta = (status: number) => ({ $metadata: { httpStatusCode: status } });
const options = { workGroup: 'partitioner', database: 'security' };
const token = (n: number | string): string => `tok-${String(n).padStart(40, '0')}`;
const ddl = (day: string): string =>
  `ALTER TABLE cloudtrail ADD IF NOT EXISTS PARTITION (account='111', day='${day}') LOCATION 's3://b/111/${day}/'`;

describe('AthenaQueries request shape and error mapping (mocked SDK)', () => {
  // Mock one instance only: mocking the class would also stub the real clients below.
  const client = new AthenaClient({ region: 'us-east-1' });
  const athena = mockClient(client);
  const queries = new AthenaQueries(client, options);
  afterEach(() => athena.reset());

  it('starts a query with token, workgroup, database and the default catalog', async () => {
    // GIVEN
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    // WHEN
    const id = await queries.startQuery('ALTER TABLE t ADD PARTITION (a=1)', token(1));
    // THEN
    expect(id).toBe('q-1');
    expect(athena.commandCalls(StartQueryExecutionCommand)[0].args[0].input).toEqual({
      QueryString: 'ALTER TABLE t ADD PARTITION (a=1)',
      ClientRequestToken: token(1),
      WorkGroup: 'partitioner',
      QueryExecutionContext: { Database: 'security', Catalog: 'AwsDataCatalog' },
    });
  });

  it('uses an explicit catalog, and treats a missing QueryExecutionId as fatal', async () => {
    athena.on(StartQueryExecutionCommand).resolves({});
    const custom = new AthenaQueries(client, { ...options, catalog: 'other' });
    await expect(custom.startQuery('x', token(1))).rejects.toMatchObject({ kind: 'fatal' });
    expect(athena.commandCalls(StartQueryExecutionCommand)[0].args[0].input.QueryExecutionContext).toEqual({
      Database: 'security',
      Catalog: 'other',
    });
  });

  it.each([
    [
      'TooManyRequestsException',
      'throttled',
      new TooManyRequestsException({ ...meta(400), message: 'You have exceeded the limit' }),
    ],
    [
      'ThrottlingException',
      'throttled',
      new AthenaServiceException({
        name: 'ThrottlingException',
        $fault: 'client',
        ...meta(400),
        message: 'Rate exceeded',
      }),
    ],
    [
      'InvalidRequestException "Rate exceeded"',
      'throttled',
      new InvalidRequestException({ ...meta(400), message: 'Rate exceeded' }),
    ],
    [
      'InvalidRequestException (syntax)',
      'fatal',
      new InvalidRequestException({ ...meta(400), message: "line 1:8: mismatched input 'x'" }),
    ],
    ['InternalServerException', 'transient', new InternalServerException({ ...meta(500), message: 'oops' })],
    [
      'AccessDeniedException',
      'access-denied',
      new AthenaServiceException({
        name: 'AccessDeniedException',
        $fault: 'client',
        ...meta(400),
        message: 'no',
      }),
    ],
  ])('maps %s from StartQueryExecution to %s', async (_name, kind, error) => {
    // GIVEN
    athena.on(StartQueryExecutionCommand).rejects(error);
    // WHEN / THEN
    const failure = await queries.startQuery('x', token(1)).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(PortError);
    expect(failure).toMatchObject({ kind });
  });

  it('stops a query with StopQueryExecution and classifies its errors like the others', async () => {
    // GIVEN Athena answers the first stop and throttles the second
    athena
      .on(StopQueryExecutionCommand)
      .resolvesOnce({})
      .rejectsOnce(
        new AthenaServiceException({
          name: 'ThrottlingException',
          $fault: 'client',
          ...meta(400),
          message: 'Rate exceeded',
        }),
      );
    // WHEN two stops are asked for
    await queries.stopQuery('q-1');
    const failure = await queries.stopQuery('q-2').catch((e: unknown) => e);
    // THEN the request names the query, and the refusal arrives as a throttled PortError
    expect(athena.commandCalls(StopQueryExecutionCommand)[0].args[0].input).toEqual({
      QueryExecutionId: 'q-1',
    });
    expect(failure).toBeInstanceOf(PortError);
    expect(failure).toMatchObject({
      kind: 'throttled',
      message: expect.stringMatching(/StopQueryExecution/),
    });
  });

  it('adds the Lake Formation hint to a statement Athena failed for lack of Lake Formation permissions', async () => {
    // GIVEN a DDL statement refused by Lake Formation, and one failed for another reason
    athena.on(BatchGetQueryExecutionCommand).resolves({
      QueryExecutions: [
        {
          QueryExecutionId: 'lf',
          Status: {
            State: 'FAILED',
            AthenaError: { ErrorMessage: 'Insufficient Lake Formation permission(s) on cloudtrail_logs' },
          },
        },
        {
          QueryExecutionId: 'other',
          Status: { State: 'FAILED', StateChangeReason: 'line 1:8: mismatched input' },
        },
        {
          QueryExecutionId: 'kms',
          Status: {
            State: 'FAILED',
            AthenaError: {
              ErrorMessage:
                'FAILED: SemanticException Unable to fetch table cloudtrail_logs. (Service: AWSKMS; Status Code: 400; Error Code: AccessDeniedException)',
            },
          },
        },
      ],
    });
    // WHEN
    const [lf, other, kms] = await queries.getQueryStates(['lf', 'other', 'kms']);
    // THEN a denial by KMS points at the encrypted catalog's key setting
    expect(kms.reason).toMatch(/\(Service: AWSKMS.*glueCatalogKmsKeyArn=<key ARN>/);
    // THEN only the permissions failure carries the hint, after Athena's own words
    expect(lf.reason).toMatch(
      /^Insufficient Lake Formation permission\(s\) on cloudtrail_logs \(.*lakeFormationPermissions=true/,
    );
    expect(other.reason).toBe('line 1:8: mismatched input');
  });

  it("passes Athena's own timings through: dates as epoch ms, statistics as given, nothing when absent", async () => {
    // GIVEN an answer with both dates and statistics, one with statistics only, and one with none
    athena.on(BatchGetQueryExecutionCommand).resolves({
      QueryExecutions: [
        {
          QueryExecutionId: 'both',
          Status: {
            State: 'SUCCEEDED',
            SubmissionDateTime: new Date('2024-06-15T12:00:00.000Z'),
            CompletionDateTime: new Date('2024-06-15T12:00:03.250Z'),
          },
          Statistics: { TotalExecutionTimeInMillis: 3200, QueryQueueTimeInMillis: 120 },
        },
        {
          QueryExecutionId: 'stats',
          Status: { State: 'SUCCEEDED' },
          Statistics: { TotalExecutionTimeInMillis: 900 },
        },
        { QueryExecutionId: 'none', Status: { State: 'SUCCEEDED' } },
      ],
    });
    // WHEN
    const [both, stats, none] = await queries.getQueryStates(['both', 'stats', 'none']);
    // THEN the numbers are Athena's, unchanged
    expect(both.timing).toEqual({
      submittedAtMs: Date.UTC(2024, 5, 15, 12, 0, 0),
      completedAtMs: Date.UTC(2024, 5, 15, 12, 0, 3, 250),
      totalExecutionMs: 3200,
      queueMs: 120,
    });
    expect(stats.timing).toEqual({ totalExecutionMs: 900 });
    expect(none.timing).toBeUndefined();
  });

  it('maps BatchGetQueryExecution results to query states, reason and retryable', async () => {
    // GIVEN one of each kind of answer, plus an unprocessed ID
    athena.on(BatchGetQueryExecutionCommand).resolves({
      QueryExecutions: [
        { QueryExecutionId: 'a', Status: { State: 'RUNNING' } },
        { QueryExecutionId: 'b', Status: { State: 'SUCCEEDED' } },
        {
          QueryExecutionId: 'c',
          Status: {
            State: 'FAILED',
            StateChangeReason: 'short',
            AthenaError: {
              ErrorCategory: 1,
              Retryable: true,
              ErrorMessage: 'GENERIC_INTERNAL_ERROR: detail',
            },
          },
        },
        { QueryExecutionId: 'd', Status: { State: 'CANCELLED', StateChangeReason: 'cancelled' } },
      ],
      UnprocessedQueryExecutionIds: [{ QueryExecutionId: 'zzz', ErrorCode: 'InvalidRequestException' }],
    });
    // WHEN
    const states = await queries.getQueryStates(['a', 'b', 'c', 'd', 'zzz']);
    // THEN AthenaError's message wins over StateChangeReason; unknown IDs are omitted
    expect(states).toEqual([
      { queryId: 'a', state: 'RUNNING' },
      { queryId: 'b', state: 'SUCCEEDED' },
      { queryId: 'c', state: 'FAILED', reason: 'GENERIC_INTERNAL_ERROR: detail', retryable: true },
      { queryId: 'd', state: 'CANCELLED', reason: 'cancelled' },
    ]);
    expect(athena.commandCalls(BatchGetQueryExecutionCommand)[0].args[0].input).toEqual({
      QueryExecutionIds: ['a', 'b', 'c', 'd', 'zzz'],
    });
  });

  it('makes no call for no IDs and refuses more than 50 with a plain Error', async () => {
    await expect(queries.getQueryStates([])).resolves.toEqual([]);
    const tooMany = await queries
      .getQueryStates(Array.from({ length: 51 }, (_, i) => `q${i}`))
      .catch((e: unknown) => e);
    expect(tooMany).toBeInstanceOf(Error);
    expect(tooMany).not.toBeInstanceOf(PortError);
    expect(athena.commandCalls(BatchGetQueryExecutionCommand)).toHaveLength(0);
  });

  it('maps a throttled BatchGetQueryExecution to throttled', async () => {
    athena.on(BatchGetQueryExecutionCommand).rejects(
      new AthenaServiceException({
        name: 'ThrottlingException',
        $fault: 'client',
        ...meta(400),
        message: 'Rate exceeded',
      }),
    );
    await expect(queries.getQueryStates(['a'])).rejects.toMatchObject({ kind: 'throttled' });
  });
});

describe('AthenaQueries status fallback to GetQueryExecution (mocked SDK)', () => {
  const client = new AthenaClient({ region: 'us-east-1' });
  const athena = mockClient(client);
  afterEach(() => athena.reset());
  const serverError = () =>
    new InternalServerException({ $metadata: { httpStatusCode: 500 }, message: 'internal error' });
  const single = (id: string) => ({
    QueryExecution: { QueryExecutionId: id, Status: { State: 'SUCCEEDED' as const } },
  });

  it('refused as unsupported: switches to GetQueryExecution per ID at once, and stays there', async () => {
    // GIVEN a service that does not implement BatchGetQueryExecution
    const queries = new AthenaQueries(client, options);
    athena.on(BatchGetQueryExecutionCommand).rejects(
      new AthenaServiceException({
        name: 'UnknownOperationException',
        $fault: 'client',
        ...meta(400),
        message: 'unknown operation',
      }),
    );
    athena
      .on(GetQueryExecutionCommand)
      .callsFake((input: { QueryExecutionId: string }) => single(input.QueryExecutionId));
    // WHEN status is read twice
    const first = await queries.getQueryStates(['a', 'b']);
    const second = await queries.getQueryStates(['c']);
    // THEN both came from GetQueryExecution; the batch call was tried once only
    expect(first.map((s) => [s.queryId, s.state])).toEqual([
      ['a', 'SUCCEEDED'],
      ['b', 'SUCCEEDED'],
    ]);
    expect(second.map((s) => s.queryId)).toEqual(['c']);
    expect(athena.commandCalls(BatchGetQueryExecutionCommand)).toHaveLength(1);
    expect(athena.commandCalls(GetQueryExecutionCommand)).toHaveLength(3);
  });

  it('HTTP 500 three times in a row while GetQueryExecution works: falls back after the third', async () => {
    // GIVEN a batch call that always answers 500
    const queries = new AthenaQueries(client, options);
    athena.on(BatchGetQueryExecutionCommand).rejects(serverError());
    athena
      .on(GetQueryExecutionCommand)
      .callsFake((input: { QueryExecutionId: string }) => single(input.QueryExecutionId));
    // WHEN status is read: the first two calls fail as transient (the scheduler retries them)
    await expect(queries.getQueryStates(['a'])).rejects.toMatchObject({ kind: 'transient' });
    await expect(queries.getQueryStates(['a'])).rejects.toMatchObject({ kind: 'transient' });
    // THEN the third answers from GetQueryExecution, and later calls skip the batch call
    await expect(queries.getQueryStates(['a'])).resolves.toEqual([{ queryId: 'a', state: 'SUCCEEDED' }]);
    await queries.getQueryStates(['b']);
    expect(athena.commandCalls(BatchGetQueryExecutionCommand)).toHaveLength(3);
  });

  it('both status calls failing: the batch error is reported, naming BatchGetQueryExecution', async () => {
    // GIVEN every status call answering 500
    const queries = new AthenaQueries(client, options);
    athena.on(BatchGetQueryExecutionCommand).rejects(serverError());
    athena.on(GetQueryExecutionCommand).rejects(serverError());
    // WHEN status is read three times THEN each is a transient error naming the batch operation
    for (let i = 0; i < 3; i++) {
      await expect(queries.getQueryStates(['a'])).rejects.toMatchObject({
        kind: 'transient',
        message: expect.stringContaining('BatchGetQueryExecution: InternalServerException') as string,
      });
    }
  });
});

describe('AthenaQueries against the stand-in (real SDK client)', () => {
  let standIn: StandIn;
  let client: AthenaClient;
  let queries: AthenaQueries;
  beforeEach(async () => {
    standIn = await startStandIn({ now: () => 0 });
    standIn.defineTable('security', 'cloudtrail', [
      { name: 'account', type: 'string' },
      { name: 'day', type: 'string' },
    ]);
    client = createAthenaClient({ ...standIn.clientConfig, maxAttempts: 1 });
    queries = new AthenaQueries(client, options);
  });
  afterEach(async () => {
    client.destroy();
    await standIn.close();
  });

  it('runs a statement to SUCCEEDED and its partitions reach the catalog', async () => {
    // WHEN
    const sql = ddl('2024-01-01');
    const id = await queries.startQuery(sql, token(1));
    const before = await queries.getQueryStates([id]);
    standIn.clock.advance(5_000);
    const after = await queries.getQueryStates([id]);
    // THEN each answer carries the query's text too (what a lane's adopted query learns)
    expect(before).toEqual([
      { queryId: id, state: 'QUEUED', timing: { submittedAtMs: expect.any(Number) }, sql },
    ]);
    expect(after).toEqual([{ queryId: id, state: 'SUCCEEDED', timing: expect.any(Object), sql }]);
    // AND Athena's own timings pass through the port as numbers: the slot time the scheduler learns
    const timing = after[0].timing;
    expect(timing?.completedAtMs).toBeGreaterThan(timing?.submittedAtMs ?? Infinity);
    expect(timing?.totalExecutionMs).toBe((timing?.completedAtMs ?? 0) - (timing?.submittedAtMs ?? 0));
    expect(timing?.queueMs).toBe(100);
    expect(standIn.partitions('security', 'cloudtrail')).toEqual([
      { values: ['111', '2024-01-01'], location: 's3://b/111/2024-01-01/' },
    ]);
  });

  it('returns the same query ID for the same token', async () => {
    const a = await queries.startQuery(ddl('01'), token('x'));
    const b = await queries.startQuery(ddl('01'), token('x'));
    expect(b).toBe(a);
    expect(standIn.stats().statements).toBe(1);
  });

  it('accepts 262,144 bytes and refuses one byte more as fatal', async () => {
    // GIVEN a statement padded to the limit with trailing spaces
    const atLimit = ddl('01').padEnd(262_144, ' ');
    // WHEN / THEN
    await expect(queries.startQuery(atLimit, token(1))).resolves.toEqual(expect.any(String));
    await expect(queries.startQuery(`${atLimit} `, token(2))).rejects.toMatchObject({
      kind: 'fatal',
      code: 'InvalidRequestException',
    });
  });

  it('reads the states of 50 queries in one BatchGetQueryExecution', async () => {
    // GIVEN 50 queries (no concurrency quota in the way)
    await standIn.close();
    standIn = await startStandIn({ now: () => 0, quotas: { maxActiveDdl: 100 } });
    standIn.defineTable('security', 'cloudtrail', [
      { name: 'account', type: 'string' },
      { name: 'day', type: 'string' },
    ]);
    client.destroy();
    client = createAthenaClient({ ...standIn.clientConfig, maxAttempts: 1 });
    queries = new AthenaQueries(client, options);
    const ids: string[] = [];
    for (let i = 0; i < 50; i += 1) ids.push(await queries.startQuery(ddl(String(i)), token(i)));
    standIn.clock.advance(5_000);
    // WHEN
    const states = await queries.getQueryStates(ids);
    // THEN
    expect(states.map((s) => s.queryId)).toEqual(ids);
    expect(states.every((s) => s.state === 'SUCCEEDED')).toBe(true);
    expect(standIn.stats().calls.BatchGetQueryExecution).toBe(1);
  });

  it('maps TooManyRequestsException beyond 20 active queries to throttled', async () => {
    // GIVEN 20 active queries
    for (let i = 0; i < 20; i += 1) await queries.startQuery(ddl(String(i)), token(i));
    // WHEN a 21st starts
    const failure = queries.startQuery(ddl('x'), token('x'));
    // THEN
    await expect(failure).rejects.toMatchObject({ kind: 'throttled', code: 'TooManyRequestsException' });
  });

  it('lets the SDK retry TooManyRequestsException before reporting it', async () => {
    // GIVEN a client allowed two attempts and 20 active queries
    const retrying = createAthenaClient({ ...standIn.clientConfig, maxAttempts: 2 });
    for (let i = 0; i < 20; i += 1) await queries.startQuery(ddl(String(i)), token(i));
    const before = standIn.stats().calls.StartQueryExecution ?? 0;
    // WHEN
    const failure = new AthenaQueries(retrying, options).startQuery(ddl('x'), token('x'));
    // THEN two attempts reached the stand-in
    await expect(failure).rejects.toMatchObject({ kind: 'throttled' });
    expect((standIn.stats().calls.StartQueryExecution ?? 0) - before).toBe(2);
    retrying.destroy();
  });

  it('reports a failed query with its reason and retryable flag', async () => {
    // GIVEN the next query fails retryably
    standIn.faults.failNextQueries(1, { reason: 'GENERIC_INTERNAL_ERROR: try again', retryable: true });
    // WHEN
    const id = await queries.startQuery(ddl('01'), token(1));
    standIn.clock.advance(5_000);
    // THEN
    expect(await queries.getQueryStates([id])).toEqual([
      {
        queryId: id,
        state: 'FAILED',
        reason: 'GENERIC_INTERNAL_ERROR: try again',
        retryable: true,
        timing: expect.any(Object),
        sql: ddl('01'),
      },
    ]);
  });
});
