import { RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as glue from 'aws-cdk-lib/aws-glue';
import { Construct } from 'constructs';
import { makeLayout, tableLocation } from '../lambda/core/partitions/layout';
import { checkIdentifier } from '../lambda/core/shared/names';
import {
  CLOUDTRAIL_COLUMNS,
  CLOUDTRAIL_INPUT_FORMAT,
  CLOUDTRAIL_OUTPUT_FORMAT,
  CLOUDTRAIL_SERDE,
  partitionIndexKeysFor,
  partitionKeysFor,
  type PartitionGranularity,
} from '../lambda/core/shared/cloudtrail-schema';
import type { DeployResources } from './deploy-resources';
import { GluePartitionIndex } from './partition-index';

export interface CloudTrailTableProps {
  /** Glue database name (`^[a-z0-9_]{1,255}$`). */
  readonly databaseName: string;
  /** Glue table name (`^[a-z0-9_]{1,255}$`). */
  readonly tableName: string;
  /** Bucket the trail delivers to. */
  readonly trailBucketName: string;
  /**
   * Key prefix of the trail, without `AWSLogs/`.
   * @default - none: logs sit at `s3://BUCKET/AWSLogs/`
   */
  readonly trailPrefix?: string;
  /**
   * Organization ID of an organization trail (`o-...`).
   * @default - none: an account trail
   */
  readonly orgId?: string;
  /**
   * Create the Glue database. Set false when it already exists.
   * @default true
   */
  readonly createDatabase?: boolean;
  /**
   * Create the table. Set false to manage partitions of an existing table with the same
   * partition keys (`account, region, year, month, day`); then nothing is created.
   * @default true
   */
  readonly createTable?: boolean;
  /**
   * What one partition of the created table covers: `day` (keys account, region, year, month,
   * day) or `month` (account, region, year, month; 30 x fewer partitions, for the largest
   * organizations). Changing it on a deployed table needs a new `tableName`.
   * @default 'day'
   */
  readonly partitionGranularity?: PartitionGranularity;
  /**
   * Creates the table's partition index (on an existing table too: `createTable=false`), through
   * the stack's deploy-time resources.
   * @default - no partition index
   */
  readonly indexProvider?: DeployResources;
  /** Key the Glue Data Catalog is encrypted with, for the partition index's policy. @default - none */
  readonly glueCatalogKmsKeyArn?: string;
}

/**
 * The Glue database and partitioned CloudTrail table the partitioner fills, in the layout the
 * Athena user guide documents for manual partitioning. Partition keys are all strings so the
 * zero-padded month and day in the S3 path are kept as written.
 */
export class CloudTrailTable extends Construct {
  public readonly databaseName: string;
  public readonly tableName: string;
  /** `s3://BUCKET/[PREFIX/]AWSLogs/[ORGID/]`: never contains `//`. */
  public readonly location: string;
  public readonly catalogArn: string;
  public readonly databaseArn: string;
  public readonly tableArn: string;
  /** Undefined when `createDatabase` is false. */
  public readonly database?: glue.CfnDatabase;
  /** Undefined when `createTable` is false. */
  public readonly table?: glue.CfnTable;
  /** The table's time-first partition index (created, or adopted when it exists); undefined without `indexProvider`. */
  public readonly partitionIndex?: GluePartitionIndex;
  public readonly partitionGranularity: PartitionGranularity;

  constructor(scope: Construct, id: string, props: CloudTrailTableProps) {
    super(scope, id);
    const nameErrors = [
      checkIdentifier('database', props.databaseName),
      checkIdentifier('table', props.tableName),
    ].filter((error): error is string => error !== undefined);
    if (nameErrors.length > 0) throw new Error(nameErrors.join('; '));

    const layout = makeLayout(
      { bucket: props.trailBucketName, prefix: props.trailPrefix, orgId: props.orgId },
      { trustBucket: Token.isUnresolved(props.trailBucketName) },
    );
    this.databaseName = props.databaseName;
    this.tableName = props.tableName;
    this.location = tableLocation(layout);
    this.partitionGranularity = props.partitionGranularity ?? 'day';

    const stack = Stack.of(this);
    this.catalogArn = stack.formatArn({ service: 'glue', resource: 'catalog' });
    this.databaseArn = stack.formatArn({
      service: 'glue',
      resource: 'database',
      resourceName: props.databaseName,
    });
    this.tableArn = stack.formatArn({
      service: 'glue',
      resource: 'table',
      resourceName: `${props.databaseName}/${props.tableName}`,
    });

    const createTable = props.createTable !== false;
    if (createTable && props.createDatabase !== false) {
      this.database = new glue.CfnDatabase(this, 'Database', {
        catalogId: stack.account,
        databaseInput: { name: props.databaseName, description: 'CloudTrail logs queried with Athena' },
      });
      // Deleting a Glue database deletes every table in it, including ones this stack never made.
      // Kept on update and delete, but not after a failed create: its fixed name would make the retry fail.
      this.database.applyRemovalPolicy(RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE);
    }
    if (createTable) this.table = this.createTable(props);
    if (props.indexProvider) {
      this.partitionIndex = new GluePartitionIndex(this, 'PartitionIndex', {
        provider: props.indexProvider,
        databaseName: props.databaseName,
        tableName: props.tableName,
        // An existing table's keys are read from Glue at deploy.
        keys: createTable ? partitionIndexKeysFor(this.partitionGranularity) : undefined,
        resources: [this.catalogArn, this.databaseArn, this.tableArn],
        glueCatalogKmsKeyArn: props.glueCatalogKmsKeyArn,
      });
      if (this.table) this.partitionIndex.node.addDependency(this.table);
    }
  }

  private createTable(props: CloudTrailTableProps): glue.CfnTable {
    const stack = Stack.of(this);

    const table = new glue.CfnTable(this, 'Table', {
      catalogId: stack.account,
      databaseName: props.databaseName,
      tableInput: {
        name: props.tableName,
        description: `CloudTrail logs from ${this.location}, partitioned by account, region and ${this.partitionGranularity}`,
        tableType: 'EXTERNAL_TABLE',
        // partition_filtering.enabled: Athena asks Glue for the matching partitions through the
        // index instead of listing them all, which a table of millions of partitions needs.
        parameters: { classification: 'cloudtrail', EXTERNAL: 'TRUE', 'partition_filtering.enabled': 'true' },
        partitionKeys: partitionKeysFor(this.partitionGranularity).map((key) => ({ ...key })),
        storageDescriptor: {
          columns: CLOUDTRAIL_COLUMNS.map((column) => ({ ...column })),
          location: this.location,
          inputFormat: CLOUDTRAIL_INPUT_FORMAT,
          outputFormat: CLOUDTRAIL_OUTPUT_FORMAT,
          serdeInfo: { serializationLibrary: CLOUDTRAIL_SERDE },
        },
      },
    });
    if (this.database) table.node.addDependency(this.database);

    // `cdk destroy` keeps the table and its partitions: saved queries and views keep working, and
    // registering years of partitions again would take a full backfill. A create that rolls back
    // deletes it (RetainExceptOnCreate): kept, its fixed name would fail the retry. See docs/design.md.
    table.applyRemovalPolicy(RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE);
    return table;
  }
}
