import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { catalogKeyStatement } from './catalog-key';

export interface GluePartitionIndexProps {
  readonly databaseName: string;
  readonly tableName: string;
  /** Glue index name (1 to 255 characters). */
  readonly indexName: string;
  /** Partition keys of the index, a subset of the table's, the first one filtered on by every query. */
  readonly keys: readonly string[];
  /** ARNs of the catalog, database and table, for the provider's policy. */
  readonly resources: readonly string[];
  /** @default logs.RetentionDays.THREE_MONTHS */
  readonly logRetention?: logs.RetentionDays;
  /** Key the Glue Data Catalog is encrypted with: creating the index writes encrypted metadata. @default - none */
  readonly glueCatalogKmsKeyArn?: string;
}

/**
 * A Glue partition index, through the Glue API: CloudFormation's `AWS::Glue::Table` has no
 * property for one. Create and update call CreatePartitionIndex and accept an index that already
 * exists (a retried deployment, an index made by hand); delete removes it and accepts one already
 * gone with its table. The physical ID is the index name, so new keys mean a new name: CloudFormation
 * creates the new index, then deletes the old one.
 *
 * AwsCustomResource runs on one provider function per stack (a CDK singleton): when the stack has
 * another AwsCustomResource, the provider keeps the role it was first built with, and each
 * resource's policy is attached to that role.
 */
export class GluePartitionIndex extends Construct {
  public readonly resource: cr.AwsCustomResource;
  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: GluePartitionIndexProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      // Kept after a delete, not after a failed create: nothing of a rolled-back attempt stays.
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description:
        'Runs the stack custom resources: the partition index, the first run, the initial backfill',
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );
    const where = { CatalogId: stack.account, DatabaseName: props.databaseName, TableName: props.tableName };
    const create: cr.AwsSdkCall = {
      service: 'Glue',
      action: 'CreatePartitionIndex',
      parameters: { ...where, PartitionIndex: { IndexName: props.indexName, Keys: [...props.keys] } },
      physicalResourceId: cr.PhysicalResourceId.of(props.indexName),
      ignoreErrorCodesMatching: 'AlreadyExistsException',
    };
    this.resource = new cr.AwsCustomResource(this, 'Resource', {
      installLatestAwsSdk: false,
      role: this.role,
      logGroup: this.logGroup,
      onCreate: create,
      onUpdate: create,
      onDelete: {
        service: 'Glue',
        action: 'DeletePartitionIndex',
        parameters: { ...where, IndexName: props.indexName },
        // Gone with its table, or still CREATING when an update rolls back (Glue answers
        // ConflictException): the rollback goes on; a leftover index is reported by the run's log.
        ignoreErrorCodesMatching: 'EntityNotFoundException|ConflictException',
      },
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({
          // Glue's CreatePartitionIndex and DeletePartitionIndex also need GetTable and UpdateTable on the table.
          actions: [
            'glue:CreatePartitionIndex',
            'glue:DeletePartitionIndex',
            'glue:GetPartitionIndexes',
            'glue:GetTable',
            'glue:UpdateTable',
          ],
          resources: [...props.resources],
        }),
        ...(props.glueCatalogKmsKeyArn ? [catalogKeyStatement(props.glueCatalogKmsKeyArn)] : []),
      ]),
    });
  }
}
