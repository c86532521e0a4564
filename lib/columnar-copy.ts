import { type CfnElement, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { copyTableName } from '../lambda/core/columnar/table';
import { ENV } from '../lambda/core/shared/contract';
import { AthenaResults } from './athena-results';
import { trailBucketArn, trailLogsRoot } from './trail-logs';

/** Share of the workgroup's per-query scan cutoff one conversion's raw read may take: the MERGE also reads the copy's day. */
export const CUTOFF_SHARE = 0.8;
/** The sizing's own ceiling (lambda/core/columnar/sizing.ts): 40 GiB reads in about 14 minutes. */
const MAX_STATEMENT_BYTES = 40 * 1024 ** 3;

export interface ColumnarCopyProps {
  /** The function that converts: it gets the copy's settings in its environment. */
  readonly function: lambda.Function;
  /** The function's role: it creates, converts into and keeps the copy. */
  readonly role: iam.Role;
  readonly databaseName: string;
  /** The raw table's name; the copy is `<rawTableName>_columnar`. */
  readonly rawTableName: string;
  /** The stack's retained results bucket; the copy lives under {@link ColumnarCopy.PREFIX}, which never expires. */
  readonly bucket: s3.Bucket;
  /**
   * The workgroup's per-query scan cutoff: Athena cancels a statement that reads more, so each
   * conversion statement is sized to {@link CUTOFF_SHARE} of it (and at most 40 GiB).
   */
  readonly bytesScannedCutoffPerQueryBytes: number;
  /** The trail bucket: the conversion reads the raw logs through Athena with the function's credentials. */
  readonly trailBucketName: string;
  /** Normalized prefix ('' for none). */
  readonly trailPrefix: string;
  readonly orgId?: string;
}

/**
 * Where the columnar copy (docs/columnar-copy.md) lives and what the function may do to it.
 *
 * The Iceberg table itself is created by the function's first conversion (Athena DDL, `IF NOT
 * EXISTS`): CloudFormation's IcebergInput cannot declare `day(eventtime)` partitioning. Its data
 * lives in the results bucket under `columnar/`, which the bucket's expiry rule does not cover
 * (the rule is limited to `results/`), so the location is the same whether the option is on,
 * off or on again, and the bucket is retained like the raw table.
 *
 * The grants are those Athena's Iceberg statements need (CREATE TABLE, MERGE, OPTIMIZE, VACUUM,
 * DELETE) and the coverage parameter the run writes: Glue CreateTable/GetTable/UpdateTable on the
 * copy's ARN only, S3 read, write and delete under the copy's prefix only (VACUUM and OPTIMIZE
 * delete files; Glue's table-optimizer prerequisites list the same S3 and Glue actions).
 */
export class ColumnarCopy extends Construct {
  /** Key prefix of every columnar copy in the results bucket; ends with '/'. */
  public static readonly PREFIX = AthenaResults.COLUMNAR_PREFIX;

  public readonly databaseName: string;
  public readonly tableName: string;
  /** `arn:…:table/DATABASE/TABLE_columnar`. */
  public readonly tableArn: string;
  /** Key prefix of the copy's data and metadata: `columnar/DATABASE/TABLE_columnar/`. */
  public readonly keyPrefix: string;
  /** `s3://BUCKET/columnar/DATABASE/TABLE_columnar/`: the table's LOCATION. */
  public readonly location: string;
  /** ARN of the copy's objects (`arn:…:BUCKET/columnar/DATABASE/TABLE_columnar/*`), for read grants. */
  public readonly objectsArn: string;
  /** Raw bytes one conversion statement may read (the function's COLUMNAR_STATEMENT_BYTES). */
  public readonly statementBytes: number;

  constructor(scope: Construct, id: string, props: ColumnarCopyProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.databaseName = props.databaseName;
    this.tableName = copyTableName(props.rawTableName);
    this.keyPrefix = `${ColumnarCopy.PREFIX}${props.databaseName}/${this.tableName}/`;
    this.location = `s3://${props.bucket.bucketName}/${this.keyPrefix}`;
    this.objectsArn = props.bucket.arnForObjects(`${this.keyPrefix}*`);
    this.tableArn = stack.formatArn({
      service: 'glue',
      resource: 'table',
      resourceName: `${props.databaseName}/${this.tableName}`,
    });
    for (const statement of ColumnarCopy.statements(this, props.bucket))
      props.role.addToPrincipalPolicy(statement);
    // Registering partitions only lists the trail bucket; converting reads the log objects.
    const logsRoot = trailLogsRoot(props);
    props.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadTrailLogsToConvert',
        actions: ['s3:GetObject'],
        resources: [`${trailBucketArn(this, props.trailBucketName)}/${logsRoot}*`],
      }),
    );
    this.statementBytes = Math.min(
      MAX_STATEMENT_BYTES,
      Math.floor(props.bytesScannedCutoffPerQueryBytes * CUTOFF_SHARE),
    );
    props.function.addEnvironment(ENV.columnarCopy, 'true');
    props.function.addEnvironment(ENV.columnarLocation, this.location);
    props.function.addEnvironment(ENV.columnarStatementBytes, String(this.statementBytes));
    const bucketId = stack.getLogicalId(props.bucket.node.defaultChild as CfnElement);
    Validations.of(props.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:${Token.isUnresolved(stack.partition) ? '<AWS::Partition>' : stack.partition}:s3:::${props.trailBucketName}/${logsRoot}*]`,
      reason:
        'GetObject on the trail log objects under [PREFIX/]AWSLogs/[ORGID/] only, for the columnar conversion: CloudTrail names a file per delivery, so the keys are not known in advance; Athena reads every object of the days converted.',
    });
    Validations.of(props.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${this.keyPrefix}*]`,
      reason:
        "Iceberg names its data and metadata files at write time (query IDs, UUIDs): the function reads, writes and deletes them under the columnar copy's own prefix of the stack-owned results bucket, nothing else.",
    });
  }

  private static statements(copy: ColumnarCopy, bucket: s3.IBucket): iam.PolicyStatement[] {
    const catalogArn = Stack.of(copy).formatArn({ service: 'glue', resource: 'catalog' });
    const databaseArn = Stack.of(copy).formatArn({
      service: 'glue',
      resource: 'database',
      resourceName: copy.databaseName,
    });
    return [
      new iam.PolicyStatement({
        sid: 'KeepColumnarTable',
        // CREATE TABLE IF NOT EXISTS reads and creates; every Iceberg commit (MERGE, OPTIMIZE,
        // VACUUM, DELETE) and the coverage parameter update the table's metadata pointer.
        actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:CreateTable', 'glue:UpdateTable'],
        resources: [catalogArn, databaseArn, copy.tableArn],
      }),
      new iam.PolicyStatement({
        sid: 'ListColumnarData',
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [copy.keyPrefix, `${copy.keyPrefix}*`] } },
      }),
      new iam.PolicyStatement({
        sid: 'WriteColumnarData',
        // Iceberg writes data and metadata files; OPTIMIZE and VACUUM delete the files they replace.
        actions: [
          's3:GetObject',
          's3:PutObject',
          's3:DeleteObject',
          's3:AbortMultipartUpload',
          's3:ListMultipartUploadParts',
        ],
        resources: [copy.objectsArn],
      }),
    ];
  }
}
