/** GlueCatalog.getPartitionsPage with a real GlueClient against the stand-in's GetPartitions. */
import { GetPartitionsCommand, GlueClient } from '@aws-sdk/client-glue';
import { mockClient } from 'aws-sdk-client-mock';
import { createGlueClient } from '../../lambda/aws/clients';
import { GlueCatalog } from '../../lambda/aws/glue-catalog';
import { readCatalog } from '../../lambda/core/catalog/catalog-read';
import { PortError, systemClock } from '../../lambda/core/shared/ports';
import { startStandIn, type StandIn } from '../support/aws-standin';

const KEYS = ['account', 'region', 'year', 'month', 'day'].map((name) => ({ name, type: 'string' }));
const days = Array.from({ length: 31 }, (_, i) => String(i + 1).padStart(2, '0'));

let standIn: StandIn;
let client: GlueClient;
let catalog: GlueCatalog;

beforeAll(async () => {
  standIn = await startStandIn({ timeScale: 0.001, quotas: { rates: { GetPartitions: null } } });
  standIn.defineTable('db', 't', KEYS);
  // GIVEN 100 accounts x 31 days of March = 3,100 partitions
  const partitions = Array.from({ length: 100 }, (_, a) => String(100_000_000_000 + a)).flatMap((account) =>
    days.map((day) => ({
      values: [account, 'us-east-1', '2024', '03', day],
      location: `s3://b/${account}/${day}/`,
    })),
  );
  standIn.seedPartitions('db', 't', partitions);
  client = createGlueClient({ ...standIn.clientConfig, maxAttempts: 1 });
  catalog = new GlueCatalog(client);
});
afterAll(async () => {
  client.destroy();
  await standIn.close();
});

const WEEK = "(year = '2024' AND month = '03' AND day BETWEEN '03' AND '09')";

describe('GetPartitions through the adapter', () => {
  it('pages by NextToken and filters by the expression', async () => {
    // WHEN one week is read page by page
    const first = await catalog.getPartitionsPage({
      database: 'db',
      table: 't',
      expression: WEEK,
      maxResults: 500,
    });
    const second = await catalog.getPartitionsPage({
      database: 'db',
      table: 't',
      expression: WEEK,
      maxResults: 500,
      nextToken: first.nextToken,
    });
    // THEN 700 partitions in two pages, each with values and location
    expect(first.partitions).toHaveLength(500);
    expect(second.partitions).toHaveLength(200);
    expect(second.nextToken).toBeUndefined();
    expect(first.partitions[0]).toEqual({
      values: ['100000000000', 'us-east-1', '2024', '03', '03'],
      location: 's3://b/100000000000/03/',
      // Glue's CreationTime, as epoch ms (the stand-in stamps the seeding instant)
      createdAt: expect.any(Number),
    });
    expect(first.partitions[0].createdAt).toBeGreaterThan(Date.parse('2020-01-01'));
  });

  it('splits a read into disjoint segments that together hold every partition', async () => {
    const read = await readCatalog(catalog, {
      database: 'db',
      table: 't',
      expression: "year = '2024'",
      expectedPartitions: 30_000,
      clock: systemClock,
    });
    expect(read.segments).toBe(3);
    expect(read.partitions).toHaveLength(3100);
    expect(new Set(read.partitions.map((p) => p.values.join('/'))).size).toBe(3100);
  });

  it('refuses an expression outside the supported subset, as Glue refuses invalid input', async () => {
    await expect(
      catalog.getPartitionsPage({
        database: 'db',
        table: 't',
        expression: "year LIKE '20%'",
        maxResults: 10,
      }),
    ).rejects.toMatchObject({
      kind: 'fatal',
      message: expect.stringMatching(/GetPartitions.*InvalidInputException/),
    });
  });

  it('classifies throttling as passing, with the operation named', async () => {
    standIn.faults.glueError('ThrottlingException', 1, 'GetPartitions');
    const error = await catalog
      .getPartitionsPage({ database: 'db', table: 't', expression: WEEK, maxResults: 10 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortError);
    expect(error).toMatchObject({
      kind: 'throttled',
      message: expect.stringContaining('glue throttled GetPartitions db.t'),
    });
    // AND GetTable faults are not spent by GetPartitions
    expect(standIn.stats().throttled.GetPartitions).toBe(1);
  });
});

describe('GetPartitions request shape (mocked SDK)', () => {
  const mocked = new GlueClient({ region: 'us-east-1' });
  const glue = mockClient(mocked);
  afterEach(() => glue.reset());

  it('asks for values and locations only, with the segment, token and catalog id', async () => {
    glue.on(GetPartitionsCommand).resolves({ Partitions: [{ Values: ['a'] }] });
    const page = await new GlueCatalog(mocked, '999999999999').getPartitionsPage({
      database: 'db',
      table: 't',
      expression: WEEK,
      maxResults: 1000,
      segment: { number: 2, total: 5 },
      nextToken: 'tok',
    });
    expect(page).toEqual({ partitions: [{ values: ['a'] }] });
    expect(glue.commandCalls(GetPartitionsCommand)[0].args[0].input).toEqual({
      DatabaseName: 'db',
      TableName: 't',
      Expression: WEEK,
      MaxResults: 1000,
      ExcludeColumnSchema: true,
      Segment: { SegmentNumber: 2, TotalSegments: 5 },
      NextToken: 'tok',
      CatalogId: '999999999999',
    });
  });
});
