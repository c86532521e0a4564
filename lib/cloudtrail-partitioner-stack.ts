import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { DEFAULT_STACK_NAME, STACK_OUTPUT } from '../lambda/core/shared/contract';
import { partitionKeysFor } from '../lambda/core/shared/cloudtrail-schema';
import { CloudTrailPartitioner, type CloudTrailPartitionerProps } from './cloudtrail-partitioner';
import { guardTableLocation } from './location-guard';

export interface CloudTrailPartitionerStackProps extends StackProps, CloudTrailPartitionerProps {}

/** Example backfill window used in the ready-to-paste commands. */
const EXAMPLE_WINDOW = '{"from":"2024-01-01","to":"2024-01-31"}';

/** One {@link CloudTrailPartitioner} and the outputs an operator needs to use it. */
export class CloudTrailPartitionerStack extends Stack {
  public readonly partitioner: CloudTrailPartitioner;

  constructor(scope: Construct, id: string, props: CloudTrailPartitionerStackProps) {
    super(scope, id, props);
    this.partitioner = new CloudTrailPartitioner(this, 'Partitioner', props);
    const p = this.partitioner;
    guardTableLocation(this, p.table.location);

    new CfnOutput(this, STACK_OUTPUT.functionName, {
      description: 'Lambda that registers partitions',
      value: p.function.functionName,
    });
    new CfnOutput(this, STACK_OUTPUT.workGroupName, {
      description: 'Athena workgroup the statements run in',
      value: p.workGroupName,
    });
    new CfnOutput(this, STACK_OUTPUT.tableName, {
      description: 'Partitioned CloudTrail table, as database.table',
      value: `${p.databaseName}.${p.tableName}`,
    });
    new CfnOutput(this, STACK_OUTPUT.functionRoleArn, {
      description:
        "Role the function runs as: allow it s3:ListBucket and s3:GetBucketLocation in a cross-account trail bucket's policy",
      value: p.functionRole.roleArn,
    });
    new CfnOutput(this, STACK_OUTPUT.firstRunOutcome, {
      description:
        "The deploy's own first run: succeeded, or failed: <reason> (the function's log has the details; the deploy goes on)",
      value: p.firstRun.outcome,
    });
    new CfnOutput(this, STACK_OUTPUT.tableLocation, {
      description: 'S3 location the table and its partitions point at',
      value: p.table.location,
    });
    new CfnOutput(this, 'ResultsBucketName', {
      description: 'Bucket holding Athena query results',
      value: p.resultsBucket.bucketName,
    });
    new CfnOutput(this, STACK_OUTPUT.stateMachineArn, {
      description: 'Step Functions backfill',
      value: p.stateMachine.stateMachineArn,
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      description: 'SNS topic every alarm notifies',
      value: p.alarmTopic.topicArn,
    });
    new CfnOutput(this, 'BackfillCommand', {
      description:
        'Backfill a range (up to the Lambda timeout) with one synchronous invocation; AWS CLI v2, no CLI retries',
      value: lambdaBackfillCommand(p.function.functionName, p.settings.timeoutMinutes),
    });
    new CfnOutput(this, 'QueryCommand', {
      description:
        'Investigate (from a clone or an installed package): who changed Route 53 records in the last 7 days; the CLI reads the workgroup and table from this stack; query --list shows the other presets',
      value: `npx cloudtrail-partitioner query route53-changes --since 7d${this.stackName === DEFAULT_STACK_NAME ? '' : ` --stack ${this.stackName}`}`,
    });
    // An existing table's keys are unknown at synth: then `query` uses its --partition-keys (default 5 keys).
    if (p.settings.createTable) {
      new CfnOutput(this, STACK_OUTPUT.partitionKeys, {
        description: "The table's partition keys, read by the CLI's query command",
        value: partitionKeysFor(p.table.partitionGranularity)
          .map((key) => key.name)
          .join(','),
      });
    }
    new CfnOutput(this, STACK_OUTPUT.queryPolicyArn, {
      description:
        'Managed policy with exactly what `cloudtrail-partitioner query` needs: attach it to an analyst role',
      value: p.queryPolicy.policy.managedPolicyArn,
    });
    if (p.columnarCopy) {
      new CfnOutput(this, STACK_OUTPUT.columnarTableName, {
        description:
          'Columnar copy (Iceberg) of the logs, as database.table: converted by each scheduled run',
        value: `${p.columnarCopy.databaseName}.${p.columnarCopy.tableName}`,
      });
      new CfnOutput(this, STACK_OUTPUT.columnarCopyLocation, {
        description: "S3 location of the columnar copy's data and metadata (never expired)",
        value: p.columnarCopy.location,
      });
    }
    new CfnOutput(this, 'StateMachineBackfillCommand', {
      description: 'Backfill any range through Step Functions, in parallel chunks',
      value: `aws stepfunctions start-execution --state-machine-arn ${p.stateMachine.stateMachineArn} --input '${EXAMPLE_WINDOW}'`,
    });
  }
}

/**
 * AWS CLI v2 (`--cli-binary-format` is v2 only). The CLI's default 60 s read timeout and its
 * retries would each start a new invocation of a backfill that is still running, so the read
 * timeout outlasts the function's own timeout and `AWS_MAX_ATTEMPTS=1` turns retries off.
 */
export function lambdaBackfillCommand(functionName: string, timeoutMinutes: number): string {
  const readTimeoutSeconds = timeoutMinutes * 60 + 60;
  return (
    `AWS_MAX_ATTEMPTS=1 aws lambda invoke --function-name ${functionName} --cli-binary-format raw-in-base64-out ` +
    `--cli-read-timeout ${readTimeoutSeconds} --payload '${EXAMPLE_WINDOW}' /dev/stdout`
  );
}
