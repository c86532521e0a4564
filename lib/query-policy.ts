import { type CfnElement, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { trailBucketArn, trailLogsRoot } from './trail-logs';
import { catalogKeyStatement } from './catalog-key';

/** The columnar copy `query --source` reads (docs/columnar-copy.md). */
export interface QueryPolicyColumnarCopy {
  /** The copy's Glue table ARN (`<table>_columnar`, in the raw table's database). */
  readonly tableArn: string;
  /** The bucket holding the copy's data and Iceberg metadata. */
  readonly bucket: s3.IBucket;
  /** The key prefix of the copy's location, ending in `/` (`''`: the whole bucket). */
  readonly prefix: string;
}

export interface QueryPolicyProps {
  /** ARN of the Athena workgroup queries run in. */
  readonly workGroupArn: string;
  /** The Glue catalog, database and table ARNs the queries read. */
  readonly catalogArn: string;
  readonly databaseArn: string;
  readonly tableArn: string;
  /** The trail bucket and its layout: the logs the queries read. */
  readonly trailBucketName: string;
  /** @default - no prefix before AWSLogs/ */
  readonly trailPrefix?: string;
  /** @default - not an organization trail */
  readonly orgId?: string;
  /** The workgroup's results bucket and the prefix results are written under (`results/`). */
  readonly resultsBucket: s3.IBucket;
  readonly resultsPrefix: string;
  /**
   * The key that encrypts the account's Glue Data Catalog: reading the table's metadata needs it.
   * @default - the catalog is not encrypted with a customer key
   */
  readonly glueCatalogKmsKeyArn?: string;
  /**
   * With `columnarCopy`: read the copy's table and objects, as `query --source auto|columnar` does.
   * @default - no columnar copy: no grant on it
   */
  readonly columnarCopy?: QueryPolicyColumnarCopy;
}

/**
 * A managed policy with exactly what `cloudtrail-partitioner query` needs, so an analyst role can
 * be given that and nothing more: run and read queries in the stack's workgroup, read the table
 * (and the `default` database Athena looks up), read the trail's logs, write and read results,
 * and read the stack's outputs, where `query` finds these names.
 */
export class QueryPolicy extends Construct {
  public readonly policy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: QueryPolicyProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const trailBucket = trailBucketArn(this, props.trailBucketName);
    const logsRoot = trailLogsRoot(props);
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      description:
        'Run cloudtrail-partitioner query: Athena in the stack workgroup, the table, the trail logs, the results',
      statements: [
        new iam.PolicyStatement({
          sid: 'RunQueriesInWorkGroup',
          // What the CLI calls: start, poll, read results, stop a query past its wait.
          actions: [
            'athena:StartQueryExecution',
            'athena:GetQueryExecution',
            'athena:GetQueryResults',
            'athena:StopQueryExecution',
            'athena:GetWorkGroup',
          ],
          resources: [props.workGroupArn],
        }),
        new iam.PolicyStatement({
          sid: 'ReadTable',
          actions: [
            'glue:GetDatabase',
            'glue:GetTable',
            'glue:GetPartition',
            'glue:GetPartitions',
            'glue:BatchGetPartition',
          ],
          resources: [props.catalogArn, props.databaseArn, props.tableArn],
        }),
        new iam.PolicyStatement({
          sid: 'AthenaDefaultDatabase',
          // Athena looks up the `default` database before running any statement.
          actions: ['glue:GetDatabase'],
          resources: [
            props.catalogArn,
            stack.formatArn({ service: 'glue', resource: 'database', resourceName: 'default' }),
          ],
        }),
        new iam.PolicyStatement({
          sid: 'ListTrailLogs',
          actions: ['s3:ListBucket'],
          resources: [trailBucket],
          conditions: { StringLike: { 's3:prefix': [logsRoot, `${logsRoot}*`] } },
        }),
        new iam.PolicyStatement({
          sid: 'ReadTrailLogs',
          actions: ['s3:GetObject'],
          resources: [`${trailBucket}/${logsRoot}*`],
        }),
        new iam.PolicyStatement({
          sid: 'LocateBuckets',
          actions: ['s3:GetBucketLocation'],
          resources: [trailBucket, props.resultsBucket.bucketArn],
        }),
        new iam.PolicyStatement({
          sid: 'ListResults',
          actions: ['s3:ListBucket', 's3:ListBucketMultipartUploads'],
          resources: [props.resultsBucket.bucketArn],
        }),
        new iam.PolicyStatement({
          sid: 'WriteAndReadResults',
          actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
          resources: [props.resultsBucket.arnForObjects(`${props.resultsPrefix}*`)],
        }),
        new iam.PolicyStatement({
          sid: 'ReadStackOutputs',
          // `query` reads the workgroup, table and locations from this stack's outputs.
          actions: ['cloudformation:DescribeStacks'],
          resources: [
            stack.formatArn({
              service: 'cloudformation',
              resource: 'stack',
              resourceName: `${stack.stackName}/*`,
            }),
          ],
        }),
        ...(props.glueCatalogKmsKeyArn ? [catalogKeyStatement(props.glueCatalogKmsKeyArn)] : []),
        ...(props.columnarCopy
          ? columnarCopyStatements(props.columnarCopy, props.catalogArn, props.databaseArn)
          : []),
      ],
    });
    // cdk-nag names a finding by the resource as synthesized: tokens stay `<...>` until an env resolves them.
    const partition = Token.isUnresolved(stack.partition) ? '<AWS::Partition>' : stack.partition;
    const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
    const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
    const resultsBucketId = stack.getLogicalId(props.resultsBucket.node.defaultChild as CfnElement);
    Validations.of(this.policy).acknowledge(
      {
        id: `AwsSolutions-IAM5[Resource::arn:${partition}:s3:::${props.trailBucketName}/${logsRoot}*]`,
        reason:
          'GetObject on the trail log objects under [PREFIX/]AWSLogs/[ORGID/] only: CloudTrail names a file per delivery, so the keys are not known in advance; Athena reads every object of a selected partition.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::<${resultsBucketId}.Arn>/${props.resultsPrefix}*]`,
        reason:
          'Athena writes and the CLI reads result objects named after query IDs that are not known in advance, under the workgroup output prefix of the stack-owned results bucket.',
      },
      ...(props.columnarCopy ? [copyObjectsAcknowledgement(stack, props.columnarCopy, partition)] : []),
      {
        id: `AwsSolutions-IAM5[Resource::arn:${partition}:cloudformation:${region}:${account}:stack/${stack.stackName}/*]`,
        reason:
          'DescribeStacks on this stack only, by its name: the ID part of a stack ARN is assigned at creation and not known at synth.',
      },
    );
  }
}

/**
 * Reading the Iceberg copy: Athena gets the table from Glue (its `metadata_location` parameter),
 * then reads metadata, manifests and Parquet data files under the copy's location; `query`
 * itself reads the table's `converted_days` parameter with GetTable.
 */
function columnarCopyStatements(
  copy: QueryPolicyColumnarCopy,
  catalogArn: string,
  databaseArn: string,
): iam.PolicyStatement[] {
  if (copy.prefix !== '' && !copy.prefix.endsWith('/'))
    throw new Error(
      `invalid columnarCopy.prefix ${JSON.stringify(copy.prefix)}: expected '' or a prefix ending in /`,
    );
  return [
    new iam.PolicyStatement({
      sid: 'ReadColumnarTable',
      actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartitions'],
      resources: [catalogArn, databaseArn, copy.tableArn],
    }),
    new iam.PolicyStatement({
      sid: 'ListColumnarCopy',
      actions: ['s3:ListBucket'],
      resources: [copy.bucket.bucketArn],
      ...(copy.prefix === ''
        ? {}
        : { conditions: { StringLike: { 's3:prefix': [copy.prefix, `${copy.prefix}*`] } } }),
    }),
    new iam.PolicyStatement({
      sid: 'ReadColumnarCopy',
      actions: ['s3:GetObject'],
      resources: [copy.bucket.arnForObjects(`${copy.prefix}*`)],
    }),
    new iam.PolicyStatement({
      sid: 'LocateColumnarBucket',
      actions: ['s3:GetBucketLocation'],
      resources: [copy.bucket.bucketArn],
    }),
  ];
}

/** cdk-nag names the objects ARN by the bucket's logical ID when the stack owns it, else literally. */
function copyObjectsAcknowledgement(
  stack: Stack,
  copy: QueryPolicyColumnarCopy,
  partition: string,
): { id: string; reason: string } {
  const owned = copy.bucket.node.defaultChild as CfnElement | undefined;
  const resource = owned
    ? `<${stack.getLogicalId(owned)}.Arn>/${copy.prefix}*`
    : `arn:${partition}:s3:::${copy.bucket.bucketName}/${copy.prefix}*`;
  return {
    id: `AwsSolutions-IAM5[Resource::${resource}]`,
    reason:
      "GetObject under the columnar copy's location only: Iceberg names its data, manifest and metadata files at write time, so the keys are not known in advance.",
  };
}
