/**
 * The stand-in's ListQueryExecutions, driven through the real SDK v3 client, against what the
 * Athena API reference documents: the workgroup's query IDs (primary when none is named),
 * newest first, MaxResults 0–50, NextToken paging.
 */
import {
  AthenaClient,
  ListQueryExecutionsCommand,
  type ListQueryExecutionsCommandInput,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { startStandIn, type StandIn } from './aws-standin';

const token = (n: number): string => `token-${String(n).padStart(32, '0')}`;
const ddl = (day: number): string =>
  `ALTER TABLE \`db\`.\`trail\` ADD IF NOT EXISTS PARTITION (account='111', day='${day}') LOCATION 's3://b/111/${day}/'`;

describe('Athena ListQueryExecutions', () => {
  let standIn: StandIn;
  let athena: AthenaClient;
  const start = async (n: number, workGroup?: string): Promise<string> => {
    const out = await athena.send(
      new StartQueryExecutionCommand({
        QueryString: ddl(n),
        ClientRequestToken: token(n),
        QueryExecutionContext: { Database: 'db' },
        ...(workGroup ? { WorkGroup: workGroup } : {}),
      }),
    );
    // Distinct submission instants: newest first is then unambiguous.
    standIn.clock.advance(10);
    return out.QueryExecutionId ?? '';
  };
  const listAll = async (input: ListQueryExecutionsCommandInput): Promise<string[][]> => {
    const pages: string[][] = [];
    let next: string | undefined;
    do {
      const out = await athena.send(new ListQueryExecutionsCommand({ ...input, NextToken: next }));
      pages.push(out.QueryExecutionIds ?? []);
      next = out.NextToken;
    } while (next);
    return pages;
  };

  beforeEach(async () => {
    standIn = await startStandIn({ now: () => 0 });
    standIn.defineTable(
      'db',
      'trail',
      [
        { name: 'account', type: 'string' },
        { name: 'day', type: 'string' },
      ],
      's3://b/base/',
    );
    athena = new AthenaClient({ ...standIn.clientConfig, maxAttempts: 1 });
  });
  afterEach(async () => {
    athena.destroy();
    await standIn.close();
  });

  it("lists only the named workgroup's queries, newest first, in pages of MaxResults", async () => {
    // GIVEN five queries in "partitioner" and two in the primary workgroup, interleaved
    const ours: string[] = [];
    const primary: string[] = [];
    for (let n = 1; n <= 7; n++) {
      if (n % 3 === 0) primary.push(await start(n));
      else ours.push(await start(n, 'partitioner'));
    }
    // WHEN the workgroup is listed two at a time, and the primary workgroup without a name
    const pages = await listAll({ WorkGroup: 'partitioner', MaxResults: 2 });
    const unnamed = await listAll({});
    // THEN pages of 2, 2, 1 hold the workgroup's IDs newest first; no workgroup means primary
    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    expect(pages.flat()).toEqual([...ours].reverse());
    expect(unnamed).toEqual([[...primary].reverse()]);
  });

  it('keeps its pages stable when a query starts between them', async () => {
    // GIVEN three queries, and a first page of two
    const ids = [await start(1, 'wg'), await start(2, 'wg'), await start(3, 'wg')];
    const first = await athena.send(new ListQueryExecutionsCommand({ WorkGroup: 'wg', MaxResults: 2 }));
    // WHEN a fourth starts before the next page is read
    await start(4, 'wg');
    const second = await athena.send(
      new ListQueryExecutionsCommand({ WorkGroup: 'wg', MaxResults: 2, NextToken: first.NextToken }),
    );
    // THEN the second page continues where the first ended: nothing repeated, nothing skipped
    expect([...(first.QueryExecutionIds ?? []), ...(second.QueryExecutionIds ?? [])]).toEqual(
      [...ids].reverse(),
    );
    expect(second.NextToken).toBeUndefined();
  });

  it('refuses a MaxResults outside 0–50 and a NextToken it did not issue', async () => {
    // GIVEN one query
    await start(1, 'wg');
    // WHEN asked for 51 results, or with a made-up token
    const tooMany = athena.send(new ListQueryExecutionsCommand({ WorkGroup: 'wg', MaxResults: 51 }));
    const badToken = athena.send(new ListQueryExecutionsCommand({ WorkGroup: 'wg', NextToken: 'bm9wZQ' }));
    // THEN both are InvalidRequestException; 0 means the default page of 50
    await expect(tooMany).rejects.toMatchObject({ name: 'InvalidRequestException' });
    await expect(badToken).rejects.toMatchObject({ name: 'InvalidRequestException' });
    const zero = await athena.send(new ListQueryExecutionsCommand({ WorkGroup: 'wg', MaxResults: 0 }));
    expect(zero.QueryExecutionIds).toHaveLength(1);
  });
});
