import { ListObjectsV2Command, NoSuchBucket, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { PortError } from '../../lambda/core/shared/ports';
import { createS3Client } from '../../lambda/aws/clients';
import { S3Listing } from '../../lambda/aws/s3-listing';
import { startStandIn, type StandIn } from '../support/aws-standin';

function s3Error(name: string, status: number, message = name): S3ServiceException {
  return new S3ServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
    message,
  });
}

describe('S3Listing request shape and error mapping (mocked SDK)', () => {
  // Mock one instance only: mocking the class would also stub the real clients below.
  const client = new S3Client({ region: 'us-east-1' });
  const s3 = mockClient(client);
  const listing = new S3Listing(client, 'trail-bucket');
  afterEach(() => s3.reset());

  it('lists with Delimiter "/", follows continuation tokens and strips the parent prefix', async () => {
    // GIVEN two pages of common prefixes (inputs copied as sent: the paginator reuses one object)
    const pages = [
      { CommonPrefixes: [{ Prefix: 'AWSLogs/111/' }], IsTruncated: true, NextContinuationToken: 't1' },
      { CommonPrefixes: [{ Prefix: 'AWSLogs/222/' }, { Prefix: 'AWSLogs//' }], IsTruncated: false },
    ];
    const sent: object[] = [];
    s3.on(ListObjectsV2Command).callsFake((input: object) => {
      sent.push(JSON.parse(JSON.stringify(input)) as object);
      return pages.shift();
    });
    // WHEN
    const names = await listing.listChildNames('AWSLogs/');
    // THEN both pages were read with the same query, the second with the token; empty names dropped
    expect(names).toEqual(['111', '222']);
    expect(sent).toEqual([
      { Bucket: 'trail-bucket', Prefix: 'AWSLogs/', Delimiter: '/' },
      { Bucket: 'trail-bucket', Prefix: 'AWSLogs/', Delimiter: '/', ContinuationToken: 't1' },
    ]);
  });

  it('asks for one key to answer hasAnyObject', async () => {
    // GIVEN one non-empty and one empty answer
    s3.on(ListObjectsV2Command)
      .resolvesOnce({ KeyCount: 1, Contents: [{ Key: 'p/x' }] })
      .resolvesOnce({ KeyCount: 0 });
    // WHEN / THEN
    await expect(listing.hasAnyObject('p/')).resolves.toBe(true);
    await expect(listing.hasAnyObject('q/')).resolves.toBe(false);
    expect(s3.commandCalls(ListObjectsV2Command)[0].args[0].input).toEqual({
      Bucket: 'trail-bucket',
      Prefix: 'p/',
      MaxKeys: 1,
    });
  });

  it.each([
    ['AccessDenied', 'access-denied', s3Error('AccessDenied', 403, 'Access Denied')],
    [
      'NoSuchBucket',
      'not-found',
      new NoSuchBucket({ $metadata: { httpStatusCode: 404 }, message: 'no bucket' }),
    ],
    ['SlowDown', 'transient', s3Error('SlowDown', 503)],
    ['InternalError', 'transient', s3Error('InternalError', 500)],
    ['ECONNRESET', 'transient', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
    ['InvalidArgument', 'fatal', s3Error('InvalidArgument', 400)],
  ])('maps %s to a %s PortError', async (_name, kind, error) => {
    // GIVEN S3 fails
    s3.on(ListObjectsV2Command).rejects(error);
    // WHEN / THEN both operations classify it the same way
    await expect(listing.listChildNames('AWSLogs/')).rejects.toMatchObject({ kind });
    await expect(listing.hasAnyObject('AWSLogs/')).rejects.toMatchObject({ kind });
  });

  it('names the bucket and prefix in an access-denied message', async () => {
    // GIVEN
    s3.on(ListObjectsV2Command).rejects(s3Error('AccessDenied', 403, 'Access Denied'));
    // WHEN
    const error = await listing.listChildNames('AWSLogs/o-1/').catch((e: unknown) => e);
    // THEN
    expect(error).toBeInstanceOf(PortError);
    expect((error as PortError).message).toMatch(
      /^access denied listing s3:\/\/trail-bucket\/AWSLogs\/o-1\/: Access Denied \(/,
    );
    expect((error as PortError).code).toBe('AccessDenied');
  });

  it('says what a cross-account bucket policy must grant, and to whom', async () => {
    // GIVEN a bucket that refuses the listing
    s3.on(ListObjectsV2Command).rejects(s3Error('AccessDenied', 403, 'Access Denied'));
    // WHEN the listing fails
    const error = (await listing.hasAnyObject('AWSLogs/').catch((e: unknown) => e)) as PortError;
    // THEN the message names the bucket, both actions and the stack output with the role ARN
    expect(error.message).toContain(
      'if trail-bucket belongs to another account, its bucket policy must allow s3:ListBucket and s3:GetBucketLocation',
    );
    expect(error.message).toContain('the stack output FunctionRoleArn');
    expect(error.message).toContain('StateMachineBackfillCommand');
  });
});

describe('S3Listing against the stand-in (real SDK client)', () => {
  let standIn: StandIn;
  let client: S3Client;
  const org = 'AWSLogs/o-abc123/';
  const accounts = Array.from({ length: 2500 }, (_, i) => String(100000000000 + i));
  const regions = Array.from({ length: 2100 }, (_, i) => `xx-region-${String(i).padStart(4, '0')}`);

  beforeAll(async () => {
    standIn = await startStandIn();
    standIn.putObjects('trail', [
      ...accounts.flatMap((a) => [
        `${org}${a}/CloudTrail/us-east-1/2024/01/01/${a}_CloudTrail_us-east-1_x.json.gz`,
        `${org}${a}/CloudTrail-Digest/us-east-1/2024/01/01/${a}_CloudTrail-Digest_us-east-1_x.json.gz`,
      ]),
      ...regions.map((r) => `${org}${accounts[0]}/CloudTrail/${r}/2024/01/02/k.json.gz`),
      `${org}${accounts[0]}/CloudTrail/us-east-1/2024/01/01/extra.json.gz`,
    ]);
    client = createS3Client({ ...standIn.clientConfig });
  });
  afterAll(async () => {
    client.destroy();
    await standIn.close();
  });
  afterEach(() => standIn.faults.clear());

  it('lists 2,500 accounts across several pages', async () => {
    // WHEN
    const before = standIn.stats().calls.ListObjectsV2 ?? 0;
    const names = await new S3Listing(client, 'trail').listChildNames(org);
    // THEN every account once, in three ListObjectsV2 calls
    expect(names).toEqual(accounts);
    expect((standIn.stats().calls.ListObjectsV2 ?? 0) - before).toBe(3);
  });

  it('lists 2,100 region-like children, and CloudTrail-Digest beside CloudTrail', async () => {
    // WHEN
    const listing = new S3Listing(client, 'trail');
    const regionNames = await listing.listChildNames(`${org}${accounts[0]}/CloudTrail/`);
    const services = await listing.listChildNames(`${org}${accounts[1]}/`);
    // THEN in S3 key order ('-' sorts before '/', so CloudTrail-Digest/ comes first)
    expect(regionNames).toEqual([...regions, 'us-east-1'].sort());
    expect(services).toEqual(['CloudTrail-Digest', 'CloudTrail']);
  });

  it('lists nested prefixes level by level', async () => {
    // WHEN walking down one account
    const listing = new S3Listing(client, 'trail');
    const base = `${org}${accounts[0]}/CloudTrail/us-east-1/`;
    // THEN each level holds exactly its direct children
    expect(await listing.listChildNames(base)).toEqual(['2024']);
    expect(await listing.listChildNames(`${base}2024/`)).toEqual(['01']);
    expect(await listing.listChildNames(`${base}2024/01/`)).toEqual(['01']);
    expect(await listing.listChildNames(`${base}2024/01/01/`)).toEqual([]);
  });

  it('answers hasAnyObject true for a day with objects and false for an empty day', async () => {
    const listing = new S3Listing(client, 'trail');
    await expect(listing.hasAnyObject(`${org}${accounts[5]}/CloudTrail/us-east-1/2024/01/01/`)).resolves.toBe(
      true,
    );
    await expect(listing.hasAnyObject(`${org}${accounts[5]}/CloudTrail/us-east-1/2024/01/02/`)).resolves.toBe(
      false,
    );
  });

  it('succeeds after the SDK retries a SlowDown', async () => {
    // GIVEN one SlowDown on the next listing, and a client of its own (adaptive mode slows a client after a throttle)
    const retrying = createS3Client({ ...standIn.clientConfig });
    standIn.faults.s3ErrorFor(org, 'SlowDown', 1);
    const before = standIn.stats().calls.ListObjectsV2 ?? 0;
    // WHEN
    const found = await new S3Listing(retrying, 'trail').hasAnyObject(org);
    // THEN the SDK retried once and the call succeeded
    expect(found).toBe(true);
    expect((standIn.stats().calls.ListObjectsV2 ?? 0) - before).toBe(2);
    retrying.destroy();
  });

  it('maps a SlowDown that outlasts the retries to transient, and AccessDenied / NoSuchBucket to their kinds', async () => {
    // GIVEN a client without retries and armed faults
    const noRetry = createS3Client({ ...standIn.clientConfig, maxAttempts: 1 });
    standIn.faults.s3ErrorFor(`${org}${accounts[2]}/`, 'AccessDenied', 1);
    // WHEN / THEN (SlowDown last: after a throttle, adaptive retry mode slows this client's next calls)
    await expect(
      new S3Listing(noRetry, 'trail').listChildNames(`${org}${accounts[2]}/`),
    ).rejects.toMatchObject({
      kind: 'access-denied',
      message: expect.stringMatching(new RegExp(`^access denied listing s3://trail/${org}${accounts[2]}/: `)),
    });
    await expect(new S3Listing(noRetry, 'no-such-bucket').listChildNames('')).rejects.toMatchObject({
      kind: 'not-found',
    });
    standIn.faults.s3ErrorFor(org, 'SlowDown', 1);
    await expect(new S3Listing(noRetry, 'trail').listChildNames(org)).rejects.toMatchObject({
      kind: 'transient',
      code: 'SlowDown',
    });
    noRetry.destroy();
  });

  it('follows the region redirect for a bucket in another region', async () => {
    // GIVEN a bucket in eu-west-1 while the client signs for us-east-1
    standIn.createBucket('far-trail', { region: 'eu-west-1' });
    standIn.putObjects('far-trail', ['AWSLogs/111/CloudTrail/x']);
    // WHEN listing twice through the factory-made client
    const listing = new S3Listing(client, 'far-trail');
    const names = await listing.listChildNames('AWSLogs/');
    await listing.listChildNames('AWSLogs/');
    // THEN the listing succeeds: each call gets a 301, then is retried signed for eu-west-1
    // (the SDK does not remember a bucket's region between calls)
    expect(names).toEqual(['111']);
    expect(standIn.stats().redirects).toBe(2);
  });
});
