import {
  AccessDeniedException,
  GetPartitionsCommand,
  GlueClient,
  ThrottlingException,
} from '@aws-sdk/client-glue';
import { GetBucketLifecycleConfigurationCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { GluePartitionValues } from '../../lambda/aws/glue-partition-values';
import { S3Lifecycle } from '../../lambda/aws/s3-lifecycle';
import { PortError } from '../../lambda/core/shared/ports';

const meta = (status: number) => ({ $metadata: { httpStatusCode: status } });

describe('GluePartitionValues (mocked SDK)', () => {
  const client = new GlueClient({ region: 'us-east-1' });
  const glue = mockClient(client);
  afterEach(() => glue.reset());

  it('asks for values only, by expression, and follows pages up to the limit', async () => {
    // GIVEN two pages of matches
    glue
      .on(GetPartitionsCommand)
      .resolvesOnce({ Partitions: [{ Values: ['a', '1'] }, { Values: ['b', '2'] }], NextToken: 't1' })
      .resolvesOnce({ Partitions: [{ Values: ['c', '3'] }] });
    // WHEN reading at most 10
    const page = await new GluePartitionValues(client).listPartitionValues('db', 't', "year < '2024'", 10);
    // THEN every value is returned, nothing more remains, and each call carried the expression
    expect(page).toEqual({
      values: [
        ['a', '1'],
        ['b', '2'],
        ['c', '3'],
      ],
      more: false,
    });
    const calls = glue.commandCalls(GetPartitionsCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({
      DatabaseName: 'db',
      TableName: 't',
      Expression: "year < '2024'",
      ExcludeColumnSchema: true,
    });
    expect(calls[1].NextToken).toBe('t1');
  });

  it('stops at the limit and says more remain', async () => {
    // GIVEN more matches than the limit
    glue.on(GetPartitionsCommand).resolves({
      Partitions: [{ Values: ['a'] }, { Values: ['b'] }, { Values: ['c'] }],
      NextToken: 'more',
    });
    // WHEN reading at most 2
    const page = await new GluePartitionValues(client).listPartitionValues('db', 't', 'x', 2);
    // THEN two come back, flagged as more
    expect(page).toEqual({ values: [['a'], ['b']], more: true });
    expect(glue.commandCalls(GetPartitionsCommand)[0].args[0].input.MaxResults).toBe(3);
  });

  it.each([
    [new ThrottlingException({ message: 'slow', ...meta(400) }), 'throttled'],
    [new AccessDeniedException({ message: 'no', ...meta(400) }), 'access-denied'],
  ])('classifies %p as %s', async (error, kind) => {
    glue.on(GetPartitionsCommand).rejects(error);
    await expect(
      new GluePartitionValues(client).listPartitionValues('db', 't', 'x', 5),
    ).rejects.toMatchObject({ kind });
  });
});

describe('S3Lifecycle (mocked SDK)', () => {
  const client = new S3Client({ region: 'us-east-1' });
  const s3 = mockClient(client);
  afterEach(() => s3.reset());

  it('returns the soonest expiration of an enabled rule covering the logs root', async () => {
    // GIVEN a bucket-wide rule, a narrower AWSLogs rule, a disabled one and a tag-filtered one
    s3.on(GetBucketLifecycleConfigurationCommand).resolves({
      Rules: [
        { Status: 'Enabled', Filter: { Prefix: '' }, Expiration: { Days: 730 } },
        { Status: 'Enabled', Filter: { Prefix: 'AWSLogs/' }, Expiration: { Days: 400 } },
        { Status: 'Disabled', Filter: { Prefix: 'AWSLogs/' }, Expiration: { Days: 10 } },
        { Status: 'Enabled', Filter: { Tag: { Key: 'k', Value: 'v' } }, Expiration: { Days: 5 } },
        {
          Status: 'Enabled',
          Filter: { Prefix: 'AWSLogs/o-abcdefghij/111111111111/' },
          Expiration: { Days: 3 },
        },
      ],
    });
    // WHEN asking for the organization trail's root
    const days = await new S3Lifecycle(client, 'trail').logExpirationDays('AWSLogs/o-abcdefghij/');
    // THEN the AWSLogs rule wins; rules that cover only some logs do not count
    expect(days).toBe(400);
  });

  it('reads "no lifecycle" as nothing expires, and an access error as a port error', async () => {
    s3.on(GetBucketLifecycleConfigurationCommand).rejectsOnce(
      new S3ServiceException({ name: 'NoSuchLifecycleConfiguration', $fault: 'client', ...meta(404) }),
    );
    await expect(new S3Lifecycle(client, 'trail').logExpirationDays('AWSLogs/')).resolves.toBeUndefined();
    s3.on(GetBucketLifecycleConfigurationCommand).rejectsOnce(
      new S3ServiceException({ name: 'AccessDenied', $fault: 'client', ...meta(403) }),
    );
    await expect(new S3Lifecycle(client, 'trail').logExpirationDays('AWSLogs/')).rejects.toBeInstanceOf(
      PortError,
    );
  });
});
