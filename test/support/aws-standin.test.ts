/**
 * The stand-in itself, driven through real SDK v3 clients: S3 listing semantics, Glue
 * GetTable, Athena's query lifecycle, quotas and fault hooks.
 */
import {
  AthenaClient,
  BatchGetQueryExecutionCommand,
  GetQueryExecutionCommand,
  StartQueryExecutionCommand,
  type QueryExecution,
} from '@aws-sdk/client-athena';
import { GetPartitionsCommand, GetTableCommand, GlueClient } from '@aws-sdk/client-glue';
import { ListObjectsV2Command, S3Client, type ListObjectsV2CommandOutput } from '@aws-sdk/client-s3';
import fc from 'fast-check';
import { parseAddPartitions, startStandIn, type StandIn, type StandInOptions } from './aws-standin';
import { listPage } from './aws-standin/s3';

/** A stand-in whose simulated time moves only through standIn.clock.advance(). */
async function frozenStandIn(options: StandInOptions = {}): Promise<StandIn> {
  return startStandIn({ now: () => 0, ...options });
}

const token = (n: number | string): string => `token-${String(n).padStart(32, '0')}`;
const ddl = (day: string, table = 'trail'): string =>
  `ALTER TABLE \`db\`.\`${table}\` ADD IF NOT EXISTS PARTITION (account='111', day='${day}') LOCATION 's3://b/111/${day}/'`;

async function listAll(s3: S3Client, bucket: string, prefix: string, maxKeys?: number) {
  const pages: ListObjectsV2CommandOutput[] = [];
  let continuationToken: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: prefix,
        Delimiter: '/',
        ContinuationToken: continuationToken,
        MaxKeys: maxKeys,
      }),
    );
    pages.push(page);
    continuationToken = page.NextContinuationToken;
  } while (continuationToken);
  return {
    pages,
    keys: pages.flatMap((p) => (p.Contents ?? []).map((c) => c.Key)),
    prefixes: pages.flatMap((p) => (p.CommonPrefixes ?? []).map((c) => c.Prefix)),
  };
}

describe('S3 ListObjectsV2', () => {
  let standIn: StandIn;
  let s3: S3Client;
  beforeAll(async () => {
    standIn = await startStandIn();
    s3 = new S3Client({ ...standIn.clientConfig, forcePathStyle: true, maxAttempts: 1 });
  });
  afterAll(async () => {
    s3.destroy();
    await standIn.close();
  });
  afterEach(() => standIn.faults.clear());

  it('rolls nested keys up into common prefixes at each level', async () => {
    // GIVEN keys at several depths, including a sibling whose name extends another's
    standIn.putObjects('nested', ['a/1/x.gz', 'a/1/y.gz', 'a/2/z/deep.gz', 'a/top.gz', 'a10/q.gz', 'b.gz']);
    // WHEN listing the root and the "a/" level with delimiter '/'
    const root = await listAll(s3, 'nested', '');
    const a = await listAll(s3, 'nested', 'a/');
    // THEN only direct children appear, keys and prefixes each once
    expect(root.prefixes).toEqual(['a/', 'a10/']);
    expect(root.keys).toEqual(['b.gz']);
    expect(a.prefixes).toEqual(['a/1/', 'a/2/']);
    expect(a.keys).toEqual(['a/top.gz']);
  });

  it('pages 2,500 children in pages of at most 1,000 with correct truncation', async () => {
    // GIVEN 2,500 "accounts" with 3 objects each
    const accounts = Array.from({ length: 2500 }, (_, i) => String(100000000000 + i));
    standIn.putObjects(
      'paged',
      accounts.flatMap((a) => [`L/${a}/r/1`, `L/${a}/r/2`, `L/${a}/s/3`]),
    );
    // WHEN following continuation tokens
    const { pages, prefixes } = await listAll(s3, 'paged', 'L/');
    // THEN three pages (1000, 1000, 500), truncated until the last, every account once and in order
    expect(pages.map((p) => p.KeyCount)).toEqual([1000, 1000, 500]);
    expect(pages.map((p) => p.IsTruncated)).toEqual([true, true, false]);
    expect(prefixes).toEqual(accounts.map((a) => `L/${a}/`));
  });

  it('honours max-keys across keys and prefixes interleaved at page boundaries', async () => {
    // GIVEN keys and folders mixed at one level
    standIn.putObjects('mixed', ['m/a', 'm/b/1', 'm/c', 'm/d/1', 'm/d/2', 'm/e', 'm/f/1']);
    // WHEN listing two entries per page
    const { pages, keys, prefixes } = await listAll(s3, 'mixed', 'm/', 2);
    // THEN every entry appears once, in key order, with pages of at most two
    expect(pages.map((p) => p.KeyCount)).toEqual([2, 2, 2]);
    expect(pages.map((p) => p.IsTruncated)).toEqual([true, true, false]);
    expect(keys).toEqual(['m/a', 'm/c', 'm/e']);
    expect(prefixes).toEqual(['m/b/', 'm/d/', 'm/f/']);
  });

  it('pages exactly like a naive model for arbitrary key sets (property)', () => {
    // GIVEN random keys over a tiny alphabet (many shared prefixes and empty segments)
    const key = fc.stringMatching(/^[ab/]{1,6}$/);
    fc.assert(
      fc.property(
        fc.uniqueArray(key, { maxLength: 25 }),
        fc.stringMatching(/^[ab/]{0,2}$/),
        fc.constantFrom('', '/'),
        fc.integer({ min: 1, max: 4 }),
        (keys, prefix, delimiter, maxKeys) => {
          const sorted = [...keys].sort();
          // WHEN paging through listPage
          const got: string[] = [];
          let resume: { marker: string; isPrefix: boolean } | undefined;
          for (let guard = 0; guard < 100; guard += 1) {
            const page = listPage(sorted, prefix, delimiter, maxKeys, resume);
            got.push(...page.contents.map((k) => `K:${k}`), ...page.prefixes.map((p) => `P:${p}`));
            if (!page.truncated) break;
            resume = page.last;
          }
          // THEN the union equals the naive roll-up (order within a page aside)
          const expected = new Set<string>();
          for (const k of sorted.filter((k) => k.startsWith(prefix))) {
            const cut = delimiter ? k.indexOf(delimiter, prefix.length) : -1;
            expected.add(cut >= 0 ? `P:${k.slice(0, cut + 1)}` : `K:${k}`);
          }
          expect(got.length).toBe(expected.size);
          expect(new Set(got)).toEqual(expected);
        },
      ),
    );
  });

  it('supports start-after and answers NoSuchBucket for unknown buckets', async () => {
    // GIVEN a bucket with three keys
    standIn.putObjects('sa', ['k1', 'k2', 'k3']);
    // WHEN listing after k1, and listing a bucket that does not exist
    const after = await s3.send(new ListObjectsV2Command({ Bucket: 'sa', StartAfter: 'k1' }));
    const missing = s3.send(new ListObjectsV2Command({ Bucket: 'nope' }));
    // THEN
    expect(after.Contents?.map((c) => c.Key)).toEqual(['k2', 'k3']);
    await expect(missing).rejects.toMatchObject({ name: 'NoSuchBucket', $metadata: { httpStatusCode: 404 } });
  });

  it('redirects requests for a bucket in another region, and the SDK follows when asked to', async () => {
    // GIVEN a bucket in eu-west-1 and clients signing for us-east-1
    standIn.createBucket('far', { region: 'eu-west-1' });
    standIn.putObjects('far', ['AWSLogs/x']);
    const following = new S3Client({
      ...standIn.clientConfig,
      forcePathStyle: true,
      followRegionRedirects: true,
    });
    const before = standIn.stats().redirects;
    // WHEN listing with and without followRegionRedirects
    const listed = await following.send(new ListObjectsV2Command({ Bucket: 'far', Delimiter: '/' }));
    const refused = s3.send(new ListObjectsV2Command({ Bucket: 'far' }));
    // THEN the follower retries signed for eu-west-1; the other sees the 301
    expect(listed.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['AWSLogs/']);
    await expect(refused).rejects.toMatchObject({
      name: 'PermanentRedirect',
      $metadata: { httpStatusCode: 301 },
    });
    expect(standIn.stats().redirects - before).toBe(2);
    following.destroy();
  });

  it('injects S3 errors by prefix and count, and throttles ListObjectsV2 for a simulated window', async () => {
    // GIVEN one AccessDenied armed under "x/" and a bucket with keys
    standIn.putObjects('faulty', ['x/1', 'y/1']);
    standIn.faults.s3ErrorFor('x/', 'AccessDenied', 1);
    // WHEN listing y/ (not matched), x/ twice
    await s3.send(new ListObjectsV2Command({ Bucket: 'faulty', Prefix: 'y/' }));
    const first = s3.send(new ListObjectsV2Command({ Bucket: 'faulty', Prefix: 'x/' }));
    // THEN only the first x/ call fails
    await expect(first).rejects.toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    await expect(
      s3.send(new ListObjectsV2Command({ Bucket: 'faulty', Prefix: 'x/' })),
    ).resolves.toBeDefined();

    // WHEN throttled for a simulated minute
    standIn.faults.throttleFor('ListObjectsV2', 60_000);
    // THEN S3 answers SlowDown 503
    await expect(s3.send(new ListObjectsV2Command({ Bucket: 'faulty' }))).rejects.toMatchObject({
      name: 'SlowDown',
      $metadata: { httpStatusCode: 503 },
    });
  });

  it('lists the accounts level of a 300,000-key bucket as its common prefixes', async () => {
    // GIVEN 300 accounts × 1,000 keys
    const keys: string[] = [];
    for (let a = 0; a < 300; a += 1) {
      for (let k = 0; k < 1000; k += 1)
        keys.push(`AWSLogs/${100000000000 + a}/CloudTrail/r/2024/01/${k}.json.gz`);
    }
    standIn.putObjects('big', keys);
    // WHEN listing the accounts level
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: 'big', Prefix: 'AWSLogs/', Delimiter: '/' }),
    );
    // THEN one common prefix per account and no object; no wall-clock bound here (the bench measures
    // speed; a test on a shared 2-core machine must not)
    expect(standIn.objectCount('big')).toBe(300_000);
    expect(page.Contents ?? []).toEqual([]);
    expect(page.CommonPrefixes?.map((p) => p.Prefix)).toEqual(
      Array.from({ length: 300 }, (_, a) => `AWSLogs/${100000000000 + a}/`),
    );
  });
});

describe('Glue GetTable', () => {
  let standIn: StandIn;
  let glue: GlueClient;
  beforeAll(async () => {
    standIn = await startStandIn();
    glue = new GlueClient({ ...standIn.clientConfig, maxAttempts: 1 });
  });
  afterAll(async () => {
    glue.destroy();
    await standIn.close();
  });

  it('returns partition keys in order, the location, and EntityNotFoundException for missing tables', async () => {
    // GIVEN a defined table
    standIn.defineTable(
      'DB',
      'Trail',
      [
        { name: 'account', type: 'string' },
        { name: 'day', type: 'string' },
      ],
      's3://b/',
    );
    // WHEN getting it (names are case-insensitive) and a missing one
    const { Table } = await glue.send(new GetTableCommand({ DatabaseName: 'db', Name: 'TRAIL' }));
    const missing = glue.send(new GetTableCommand({ DatabaseName: 'db', Name: 'other' }));
    // THEN
    expect(Table?.PartitionKeys).toEqual([
      { Name: 'account', Type: 'string' },
      { Name: 'day', Type: 'string' },
    ]);
    expect(Table?.StorageDescriptor?.Location).toBe('s3://b/');
    await expect(missing).rejects.toMatchObject({
      name: 'EntityNotFoundException',
      message: 'Table other not found.',
    });
  });

  it('injects Glue errors a given number of times', async () => {
    // GIVEN one injected throttle
    standIn.defineTable('db', 't', []);
    standIn.faults.glueError('ThrottlingException', 1);
    // WHEN calling twice THEN the first is throttled and the second succeeds
    await expect(glue.send(new GetTableCommand({ DatabaseName: 'db', Name: 't' }))).rejects.toMatchObject({
      name: 'ThrottlingException',
    });
    await expect(glue.send(new GetTableCommand({ DatabaseName: 'db', Name: 't' }))).resolves.toBeDefined();
    expect(standIn.stats().throttled.GetTable).toBe(1);
  });
});

describe('Athena queries', () => {
  let standIn: StandIn;
  let athena: AthenaClient;
  const start = (sql: string, t: string) =>
    athena.send(
      new StartQueryExecutionCommand({
        QueryString: sql,
        ClientRequestToken: t,
        QueryExecutionContext: { Database: 'db' },
      }),
    );
  const get = async (id: string): Promise<QueryExecution> =>
    (await athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id }))).QueryExecution ?? {};

  beforeEach(async () => {
    standIn = await frozenStandIn();
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

  it('runs a DDL QUEUED → RUNNING → SUCCEEDED in simulated time and writes its partitions', async () => {
    // GIVEN a two-partition statement, one with an explicit location
    const sql =
      "ALTER TABLE trail ADD IF NOT EXISTS PARTITION (account='111', day='2024/01/01') LOCATION 's3://b/x/' " +
      "PARTITION (DAY='2024/01/02', account='111')";
    const { QueryExecutionId: id = '' } = await start(sql, token(1));
    // WHEN time passes: 100 ms queued, then 1,500 + 2 × 37 ms running
    const s1 = (await get(id)).Status?.State;
    standIn.clock.advance(100);
    const s2 = (await get(id)).Status?.State;
    standIn.clock.advance(1574);
    const done = await get(id);
    // THEN the states follow, and the catalog holds both partitions (default location from the table)
    expect([s1, s2, done.Status?.State]).toEqual(['QUEUED', 'RUNNING', 'SUCCEEDED']);
    expect(done.Statistics?.EngineExecutionTimeInMillis).toBe(1574);
    expect(standIn.partitions('db', 'trail')).toEqual([
      { values: ['111', '2024/01/01'], location: 's3://b/x/' },
      { values: ['111', '2024/01/02'], location: 's3://b/base/account=111/day=2024/01/02' },
    ]);
    expect(standIn.stats()).toMatchObject({
      statements: 1,
      partitionsAdded: 2,
      succeeded: 1,
      queryRunSimMs: 1574,
    });
  });

  it("stamps Glue's CreationTime with the statement's end, however late a request replays it", async () => {
    // GIVEN a one-partition statement that ends 100 + 1,537 ms after its start
    const { QueryExecutionId: id = '' } = await start(ddl('01'), token(7));
    // WHEN a minute passes before any request looks at it
    standIn.clock.advance(61_637);
    expect((await get(id)).Status?.State).toBe('SUCCEEDED');
    // THEN the partition was created when the statement ended, not when its end was replayed
    const glue = new GlueClient({ ...standIn.clientConfig, maxAttempts: 1 });
    try {
      const out = await glue.send(new GetPartitionsCommand({ DatabaseName: 'db', TableName: 'trail' }));
      const created = out.Partitions?.[0]?.CreationTime?.getTime() ?? 0;
      expect(Math.abs(created - standIn.clock.epochMs(1637))).toBeLessThan(5);
    } finally {
      glue.destroy();
    }
  });

  it('returns the same QueryExecutionId for a repeated ClientRequestToken without starting a second query', async () => {
    // WHEN the same token is sent twice, then with different SQL
    const a = await start(ddl('01'), token('same'));
    const b = await start(ddl('01'), token('same'));
    const mismatch = start(ddl('02'), token('same'));
    // THEN one query exists; the changed SQL is refused
    expect(b.QueryExecutionId).toBe(a.QueryExecutionId);
    await expect(mismatch).rejects.toMatchObject({ name: 'InvalidRequestException' });
    expect(standIn.stats().statements).toBe(1);
  });

  it('refuses statements over 262,144 UTF-8 bytes, tokens under 32 characters and unparsable SQL', async () => {
    // GIVEN a statement padded by a comment to exactly the limit, in 2-byte characters
    const base = ddl('01');
    const atLimit = `${base} /*${'é'.repeat((262_144 - Buffer.byteLength(base) - 5) / 2)}*/`;
    const padded = Buffer.byteLength(atLimit) === 262_144 ? atLimit : `${atLimit} `;
    expect(Buffer.byteLength(padded)).toBe(262_144);
    // WHEN starting it, one byte more, a short token, and garbage
    const ok = await start(padded, token(1));
    const tooBig = start(`${padded} `, token(2));
    const shortToken = start(base, 'short');
    const garbage = start('SELECT 1', token(3));
    // THEN
    expect(ok.QueryExecutionId).toBeDefined();
    await expect(tooBig).rejects.toMatchObject({
      name: 'InvalidRequestException',
      message: expect.stringContaining('less than or equal to 262144'),
    });
    await expect(shortToken).rejects.toMatchObject({ name: 'InvalidRequestException' });
    await expect(garbage).rejects.toMatchObject({
      name: 'InvalidRequestException',
      message: expect.stringMatching(/^line 1:1/),
    });
    expect(standIn.stats().statementBytes).toEqual([262_144]);
  });

  it('answers TooManyRequestsException beyond 20 active DDL queries', async () => {
    // GIVEN 20 queries queued or running
    for (let i = 0; i < 20; i += 1) await start(ddl(String(i)), token(i));
    // WHEN a 21st starts, then after they finish
    const refused = start(ddl('x'), token('x'));
    await expect(refused).rejects.toMatchObject({
      name: 'TooManyRequestsException',
      Reason: 'CONCURRENT_QUERY_LIMIT_EXCEEDED',
    });
    standIn.clock.advance(2_000);
    // THEN the quota frees up
    await expect(start(ddl('x'), token('x'))).resolves.toBeDefined();
    expect(standIn.stats()).toMatchObject({ maxConcurrentActive: 20, throttled: { StartQueryExecution: 1 } });
  });

  it('rate-limits StartQueryExecution with a 20/s token bucket of 80, refilled in simulated time', async () => {
    // GIVEN no concurrency limit in the way
    await standIn.close();
    standIn = await frozenStandIn({ quotas: { maxActiveDdl: 1000 } });
    standIn.defineTable('db', 'trail', [
      { name: 'account', type: 'string' },
      { name: 'day', type: 'string' },
    ]);
    athena.destroy();
    athena = new AthenaClient({ ...standIn.clientConfig, maxAttempts: 1 });
    // WHEN 81 starts arrive at once, then one simulated second later 21 more
    for (let i = 0; i < 80; i += 1) await start(ddl(String(i)), token(i));
    const over = start(ddl('80'), token(80));
    await expect(over).rejects.toMatchObject({ name: 'ThrottlingException', message: 'Rate exceeded' });
    standIn.clock.advance(1000);
    let accepted = 0;
    for (let i = 100; i < 121; i += 1) {
      accepted += await start(ddl(String(i)), token(i)).then(
        () => 1,
        () => 0,
      );
    }
    // THEN the burst is 80 and the refill 20 per simulated second
    expect(accepted).toBe(20);
  });

  it('batch-gets up to 50 IDs, lists unknown ones as unprocessed, and refuses 51', async () => {
    // GIVEN 3 real queries and 47 unknown IDs
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) ids.push((await start(ddl(String(i)), token(i))).QueryExecutionId ?? '');
    const unknown = Array.from(
      { length: 47 },
      (_, i) => `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
    );
    // WHEN batch-getting 50, then 51
    const out = await athena.send(
      new BatchGetQueryExecutionCommand({ QueryExecutionIds: [...ids, ...unknown] }),
    );
    const tooMany = athena.send(
      new BatchGetQueryExecutionCommand({ QueryExecutionIds: [...ids, ...unknown, 'x'] }),
    );
    // THEN
    expect(out.QueryExecutions?.map((q) => q.QueryExecutionId)).toEqual(ids);
    expect(out.UnprocessedQueryExecutionIds).toHaveLength(47);
    await expect(tooMany).rejects.toMatchObject({ name: 'InvalidRequestException' });
  });

  it('applies IF NOT EXISTS semantics and fails a plain ADD on an existing partition', async () => {
    // GIVEN an existing partition
    standIn.seedPartitions('db', 'trail', [{ values: ['111', '01'] }]);
    // WHEN adding it again with and without IF NOT EXISTS, plus a new one
    const tolerant = await start(ddl('01') + " PARTITION (account='111', day='02')", token(1));
    const strict = await start("ALTER TABLE trail ADD PARTITION (account='111', day='01')", token(2));
    standIn.clock.advance(5_000);
    // THEN the tolerant one adds only the new partition; the strict one fails and adds nothing
    expect((await get(tolerant.QueryExecutionId ?? '')).Status?.State).toBe('SUCCEEDED');
    const failed = await get(strict.QueryExecutionId ?? '');
    expect(failed.Status).toMatchObject({
      State: 'FAILED',
      AthenaError: { Retryable: false, ErrorMessage: expect.stringContaining('AlreadyExistsException') },
    });
    expect(standIn.stats().partitionsAdded).toBe(1);
    expect(standIn.partitions('db', 'trail')).toHaveLength(2);
  });

  it('fails a DDL on a missing table with "Table not found"', async () => {
    // WHEN altering a table that is not in the catalog
    const { QueryExecutionId: id = '' } = await start(ddl('01', 'missing'), token(1));
    standIn.clock.advance(5_000);
    // THEN the query ends FAILED with Athena's reason
    expect((await get(id)).Status).toMatchObject({
      State: 'FAILED',
      StateChangeReason: expect.stringContaining('Table not found db.missing'),
    });
  });

  it('ends queries per the fault hooks: next N, matching SQL, slow, and injected API errors', async () => {
    // GIVEN one retryable failure for the next query, a cancellation for day 'c', and slow queries
    standIn.faults.failNextQueries(1, { reason: 'GENERIC_INTERNAL_ERROR', retryable: true });
    standIn.faults.failQueriesMatching(/day='c'/, { reason: 'cancelled by test', state: 'CANCELLED' });
    standIn.faults.slowQueries(10_000);
    standIn.faults.athenaError('StartQueryExecution', 'InternalServerException', 1);
    // WHEN starting queries (the first call meets the injected 500)
    await expect(start(ddl('a'), token('a'))).rejects.toMatchObject({ name: 'InternalServerException' });
    const a = (await start(ddl('a'), token('a'))).QueryExecutionId ?? '';
    const b = (await start(ddl('b'), token('b'))).QueryExecutionId ?? '';
    const c = (await start(ddl('c'), token('c'))).QueryExecutionId ?? '';
    standIn.clock.advance(5_000);
    const midway = (await get(b)).Status?.State;
    standIn.clock.advance(10_000);
    // THEN a failed (retryable), b succeeded late, c was cancelled
    expect((await get(a)).Status).toMatchObject({
      State: 'FAILED',
      AthenaError: { Retryable: true, ErrorCategory: 1, ErrorMessage: 'GENERIC_INTERNAL_ERROR' },
    });
    expect(midway).toBe('RUNNING');
    expect((await get(b)).Status?.State).toBe('SUCCEEDED');
    expect((await get(c)).Status).toMatchObject({
      State: 'CANCELLED',
      StateChangeReason: 'cancelled by test',
    });
    expect(standIn.partitions('db', 'trail').map((p) => p.values[1])).toEqual(['b']);
  });

  it('keeps queries QUEUED while every run slot is busy, and measures busy time', async () => {
    // GIVEN one run slot
    await standIn.close();
    standIn = await frozenStandIn({
      quotas: { ddlRunSlots: 1, ddlQueueMs: 0, ddlFixedMs: 1000, ddlPerPartitionMs: 0 },
    });
    standIn.defineTable('db', 'trail', [
      { name: 'account', type: 'string' },
      { name: 'day', type: 'string' },
    ]);
    athena.destroy();
    athena = new AthenaClient({ ...standIn.clientConfig, maxAttempts: 1 });
    // WHEN two queries start together
    const a = (await start(ddl('1'), token(1))).QueryExecutionId ?? '';
    const b = (await start(ddl('2'), token(2))).QueryExecutionId ?? '';
    standIn.clock.advance(500);
    const states = [(await get(a)).Status?.State, (await get(b)).Status?.State];
    standIn.clock.advance(1000);
    const later = [(await get(a)).Status?.State, (await get(b)).Status?.State];
    standIn.clock.advance(1000);
    // THEN the second runs only after the first, back to back
    expect(states).toEqual(['RUNNING', 'QUEUED']);
    expect(later).toEqual(['SUCCEEDED', 'RUNNING']);
    expect(standIn.stats()).toMatchObject({
      succeeded: 2,
      busySimMs: 2000,
      queryRunSimMs: 2000,
      maxConcurrentActive: 2,
    });
  });

  it('waits for idle in real time scaled by timeScale', async () => {
    // GIVEN a stand-in running 1 simulated second in 5 real ms
    await standIn.close();
    standIn = await startStandIn({ timeScale: 0.005 });
    standIn.defineTable('db', 'trail', [
      { name: 'account', type: 'string' },
      { name: 'day', type: 'string' },
    ]);
    athena.destroy();
    athena = new AthenaClient({ ...standIn.clientConfig, maxAttempts: 1 });
    // WHEN a query starts and we wait for idle
    const startedAt = Date.now();
    await start(ddl('1'), token(1));
    await standIn.idle();
    // THEN it finished within real milliseconds
    expect(standIn.partitions('db', 'trail')).toHaveLength(1);
    expect(Date.now() - startedAt).toBeLessThan(1000);
  });
});

describe('DDL parser', () => {
  it('reads quoted identifiers, escapes, comments and several partitions', () => {
    // WHEN parsing a statement using every supported form
    const parsed = parseAddPartitions(
      '-- lead comment\nalter table `my db`."t" add if not exists\n' +
        "  PARTITION (a = 'it''s', b = 'x\\'y', n = 7) location 's3://b/1/' /* c */\n" +
        "  partition (a='2', b='', n=-1);",
    );
    // THEN
    expect(parsed).toEqual({
      database: 'my db',
      table: 't',
      ifNotExists: true,
      partitions: [
        {
          spec: [
            { key: 'a', value: "it's" },
            { key: 'b', value: "x'y" },
            { key: 'n', value: '7' },
          ],
          location: 's3://b/1/',
        },
        {
          spec: [
            { key: 'a', value: '2' },
            { key: 'b', value: '' },
            { key: 'n', value: '-1' },
          ],
        },
      ],
    });
  });

  it('reports the position of what it cannot parse', () => {
    expect(() => parseAddPartitions("ALTER TABLE t ADD PARTITION (a='1'")).toThrow(
      /line 1:35: mismatched input '<EOF>'/,
    );
    expect(() => parseAddPartitions("ALTER TABLE t\nDROP PARTITION (a='1')")).toThrow(
      /line 2:1: mismatched input 'DROP'/,
    );
    expect(() => parseAddPartitions("ALTER TABLE t ADD PARTITION (a='1)")).toThrow(
      /line 1:32: unterminated quoted text/,
    );
  });
});
