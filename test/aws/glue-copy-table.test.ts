/**
 * The copy table's adapter against a mocked Glue: a missing table reads as undefined, a
 * parameter write sends UpdateTable with the VersionId just read and keeps the Iceberg pointer,
 * and a concurrent change (an Iceberg commit, a backfill chunk) is read again and retried.
 */
import {
  ConcurrentModificationException,
  EntityNotFoundException,
  GetTableCommand,
  GlueClient,
  UpdateTableCommand,
} from '@aws-sdk/client-glue';
import { mockClient } from 'aws-sdk-client-mock';
import { GlueCopyTable } from '../../lambda/aws/glue-copy-table';
import { VirtualClock } from '../support/core-fakes';

const meta = { $metadata: { httpStatusCode: 400 } };
const ICEBERG = {
  Name: 'cloudtrail_logs_columnar',
  DatabaseName: 'cloudtrail',
  TableType: 'EXTERNAL_TABLE',
  CreateTime: new Date('2024-06-01T00:00:00Z'),
  StorageDescriptor: { Location: 's3://results/columnar/cloudtrail/cloudtrail_logs_columnar', Columns: [] },
};

describe('GlueCopyTable (mocked SDK)', () => {
  const client = new GlueClient({ region: 'us-east-1' });
  const glue = mockClient(client);
  afterEach(() => glue.reset());

  it('reads a missing table as undefined, and other errors as errors', async () => {
    glue.on(GetTableCommand).rejects(new EntityNotFoundException({ message: 'Entity Not Found', ...meta }));
    await expect(
      new GlueCopyTable(client, new VirtualClock()).getParameters('cloudtrail', 'x'),
    ).resolves.toBeUndefined();
    glue.reset();
    glue.on(GetTableCommand).rejects(new Error('AccessDeniedException'));
    await expect(
      new GlueCopyTable(client, new VirtualClock()).getParameters('cloudtrail', 'x'),
    ).rejects.toThrow('AccessDenied');
  });

  it('writes with the version it read, keeps the Iceberg pointer, and retries a concurrent change', async () => {
    // GIVEN a table that an Iceberg commit changes between the first read and its write
    glue
      .on(GetTableCommand)
      .resolvesOnce({
        Table: { ...ICEBERG, VersionId: '7', Parameters: { table_type: 'ICEBERG', metadata_location: 'm7' } },
      })
      .resolves({
        Table: { ...ICEBERG, VersionId: '8', Parameters: { table_type: 'ICEBERG', metadata_location: 'm8' } },
      });
    glue
      .on(UpdateTableCommand, { VersionId: '7' })
      .rejects(new ConcurrentModificationException({ message: 'version changed', ...meta }))
      .on(UpdateTableCommand, { VersionId: '8' })
      .resolves({});
    // WHEN the coverage is written
    await new GlueCopyTable(client, new VirtualClock()).updateParameters(
      'cloudtrail',
      'cloudtrail_logs_columnar',
      (p) => ({
        ...p,
        'cloudtrail_partitioner.converted_days': '2024-06-01',
      }),
    );
    // THEN the second write carries version 8 and the pointer of version 8, not the stale one
    const updates = glue.commandCalls(UpdateTableCommand).map((c) => c.args[0].input);
    expect(updates.map((u) => u.VersionId)).toEqual(['7', '8']);
    expect(updates[1].TableInput?.Parameters).toEqual({
      table_type: 'ICEBERG',
      metadata_location: 'm8',
      'cloudtrail_partitioner.converted_days': '2024-06-01',
    });
    // AND only writable fields are sent (TableInput has no CreateTime or DatabaseName)
    expect(updates[1].TableInput).not.toHaveProperty('CreateTime');
    expect(updates[1].TableInput).not.toHaveProperty('DatabaseName');
    expect(updates[1].SkipArchive).toBe(true);
  });
});
