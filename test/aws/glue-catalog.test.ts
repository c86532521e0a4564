import {
  AccessDeniedException,
  EntityNotFoundException,
  GetPartitionIndexesCommand,
  GetTableCommand,
  GlueClient,
  InternalServiceException,
  InvalidInputException,
  ThrottlingException,
} from '@aws-sdk/client-glue';
import { mockClient } from 'aws-sdk-client-mock';
import { createGlueClient } from '../../lambda/aws/clients';
import { GlueCatalog } from '../../lambda/aws/glue-catalog';
import { startStandIn, type StandIn } from '../support/aws-standin';

const meta = (status: number) => ({ $metadata: { httpStatusCode: status } });

describe('GlueCatalog request shape and error mapping (mocked SDK)', () => {
  // Mock one instance only: mocking the class would also stub the real client below.
  const client = new GlueClient({ region: 'us-east-1' });
  const glue = mockClient(client);
  afterEach(() => glue.reset());

  it('reads every page of the partition indexes, with a FAILED backfill and its errors', async () => {
    // GIVEN two pages, the second holding a failed index with Glue's BackfillErrors
    glue
      .on(GetPartitionIndexesCommand, { NextToken: undefined })
      .resolves({
        PartitionIndexDescriptorList: [
          { IndexName: 'a', Keys: [{ Name: 'year', Type: 'string' }], IndexStatus: 'ACTIVE' },
        ],
        NextToken: 'p2',
      })
      .on(GetPartitionIndexesCommand, { NextToken: 'p2' })
      .resolves({
        PartitionIndexDescriptorList: [
          {
            IndexName: 'year_month_day',
            Keys: [{ Name: 'year', Type: 'string' }],
            IndexStatus: 'FAILED',
            BackfillErrors: [{ Code: 'MISSING_PARTITION_VALUE_ERROR', Partitions: [{ Values: ['1', '2'] }] }],
          },
        ],
      });
    // WHEN / THEN both come back, the error summarised
    await expect(new GlueCatalog(client).getPartitionIndexes('db', 't')).resolves.toEqual([
      { name: 'a', keys: ['year'], status: 'ACTIVE', errors: [] },
      {
        name: 'year_month_day',
        keys: ['year'],
        status: 'FAILED',
        errors: ['MISSING_PARTITION_VALUE_ERROR on 1 partitions, e.g. 1/2'],
      },
    ]);
  });

  it('returns partition keys in table order with lowercase names', async () => {
    // GIVEN a table whose keys come back mixed-case
    glue.on(GetTableCommand).resolves({
      Table: {
        Name: 'trail',
        DatabaseName: 'db',
        PartitionKeys: [
          { Name: 'Account', Type: 'string' },
          { Name: 'region', Type: 'string' },
          { Name: 'DAY', Type: 'string' },
        ],
      },
    });
    // WHEN
    const keys = await new GlueCatalog(client).getPartitionKeys('db', 'trail');
    // THEN
    expect(keys).toEqual([
      { name: 'account', type: 'string' },
      { name: 'region', type: 'string' },
      { name: 'day', type: 'string' },
    ]);
    expect(glue.commandCalls(GetTableCommand)[0].args[0].input).toEqual({
      DatabaseName: 'db',
      Name: 'trail',
    });
  });

  it('passes CatalogId when one is configured, and returns [] for an unpartitioned table', async () => {
    // GIVEN
    glue.on(GetTableCommand).resolves({ Table: { Name: 't', DatabaseName: 'db' } });
    // WHEN
    const keys = await new GlueCatalog(client, '123456789012').getPartitionKeys('db', 't');
    // THEN
    expect(keys).toEqual([]);
    expect(glue.commandCalls(GetTableCommand)[0].args[0].input).toEqual({
      DatabaseName: 'db',
      Name: 't',
      CatalogId: '123456789012',
    });
  });

  it.each([
    [
      'EntityNotFoundException',
      'not-found',
      new EntityNotFoundException({ ...meta(400), message: 'Table t not found.' }),
    ],
    ['ThrottlingException', 'throttled', new ThrottlingException({ ...meta(400), message: 'Rate exceeded' })],
    ['AccessDeniedException', 'access-denied', new AccessDeniedException({ ...meta(400), message: 'no' })],
    [
      'InternalServiceException',
      'transient',
      new InternalServiceException({ ...meta(500), message: 'oops' }),
    ],
    ['InvalidInputException', 'fatal', new InvalidInputException({ ...meta(400), message: 'bad' })],
  ])('maps %s to a %s PortError', async (_name, kind, error) => {
    // GIVEN
    glue.on(GetTableCommand).rejects(error);
    // WHEN / THEN
    await expect(new GlueCatalog(client).getPartitionKeys('db', 't')).rejects.toMatchObject({
      kind,
    });
  });

  it('points an access-denied GetTable to the Lake Formation setting', async () => {
    // GIVEN Glue refusing the table, as it does under Lake Formation without a grant
    glue.on(GetTableCommand).rejects(
      new AccessDeniedException({
        ...meta(400),
        message: 'Insufficient Lake Formation permission(s) on t',
      }),
    );
    // WHEN / THEN the message names the table, Glue's words and the setting to turn on
    await expect(new GlueCatalog(client).getPartitionKeys('db', 't')).rejects.toMatchObject({
      kind: 'access-denied',
      message: expect.stringMatching(
        /^access denied reading table db\.t from glue: Insufficient Lake Formation permission\(s\) on t .*deploy with lakeFormationPermissions=true/,
      ),
    });
  });

  it('points a GetTable denied on the catalog key to glueCatalogKmsKeyArn, not Lake Formation', async () => {
    // GIVEN Glue refusing because the role may not use the key the catalog is encrypted with
    glue.on(GetTableCommand).rejects(
      new AccessDeniedException({
        ...meta(400),
        message:
          'User: arn:aws:sts::111122223333:assumed-role/fn/x is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      }),
    );
    // WHEN / THEN the hint names the catalog key setting and the three KMS actions
    const error = await new GlueCatalog(client).getPartitionKeys('db', 't').then(
      () => new Error('resolved'),
      (e: Error) => e,
    );
    expect(error.message).toMatch(
      /deploy with glueCatalogKmsKeyArn=<key ARN>.*kms:Decrypt, kms:Encrypt and kms:GenerateDataKey/,
    );
    expect(error.message).not.toMatch(/lakeFormationPermissions=true/);
  });

  it('says which table was not found', async () => {
    glue
      .on(GetTableCommand)
      .rejects(new EntityNotFoundException({ ...meta(400), message: 'Table t not found.' }));
    await expect(new GlueCatalog(client).getPartitionKeys('db', 't')).rejects.toMatchObject({
      kind: 'not-found',
      code: 'EntityNotFoundException',
      message: expect.stringMatching(/^table db\.t not found in the glue catalog/),
    });
  });
});

describe('GlueCatalog against the stand-in (real SDK client)', () => {
  let standIn: StandIn;
  let client: GlueClient;
  beforeAll(async () => {
    standIn = await startStandIn();
    client = createGlueClient({ ...standIn.clientConfig, maxAttempts: 1 });
  });
  afterAll(async () => {
    client.destroy();
    await standIn.close();
  });

  it('reads partition keys of a defined table', async () => {
    // GIVEN
    standIn.defineTable('security', 'cloudtrail', [
      { name: 'account', type: 'string' },
      { name: 'region', type: 'string' },
      { name: 'day', type: 'string' },
    ]);
    // WHEN
    const keys = await new GlueCatalog(client).getPartitionKeys('security', 'cloudtrail');
    // THEN
    expect(keys.map((k) => k.name)).toEqual(['account', 'region', 'day']);
  });

  it('maps a missing table to not-found and an injected throttle to throttled', async () => {
    const catalog = new GlueCatalog(client);
    await expect(catalog.getPartitionKeys('security', 'missing')).rejects.toMatchObject({
      kind: 'not-found',
    });
    standIn.faults.glueError('ThrottlingException', 1);
    await expect(catalog.getPartitionKeys('security', 'cloudtrail')).rejects.toMatchObject({
      kind: 'throttled',
    });
  });
});
