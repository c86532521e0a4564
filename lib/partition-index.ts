import { CfnDeletionPolicy, type CfnResource, type CustomResource } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { DEPLOY_RESOURCE } from '../lambda/core/shared/contract';
import { catalogKeyStatement } from './catalog-key';
import type { DeployResources } from './deploy-resources';

export interface GluePartitionIndexProps {
  /** The handler of the stack's deploy-time resources. */
  readonly provider: DeployResources;
  readonly databaseName: string;
  readonly tableName: string;
  /**
   * Partition keys of the index, a subset of the table's, the first one filtered on by every query.
   * @default - the table's `year`, `month` and `day` keys, read from Glue at deploy (an existing table)
   */
  readonly keys?: readonly string[];
  /** ARNs of the catalog, database and table, for the index's own policy. */
  readonly resources: readonly string[];
  /** Key the Glue Data Catalog is encrypted with: creating the index writes encrypted metadata. @default - none */
  readonly glueCatalogKmsKeyArn?: string;
}

/**
 * A Glue partition index, through the Glue API: CloudFormation's `AWS::Glue::Table` has no
 * property for one. Create and update make the index unless the table already has one on the
 * same keys, which is adopted (a reinstall over a kept table, an index made by hand) and never
 * deleted. The index is named after its keys: new keys mean a new index, and CloudFormation then
 * deletes the old one, waiting (bounded) while Glue is still building either.
 *
 * It stays with the table: `cdk destroy` keeps the table (RetainExceptOnCreate), so it keeps the
 * index too, and a reinstall with `createTable=false` finds it. A create that rolls back deletes it.
 */
export class GluePartitionIndex extends Construct {
  public readonly resource: CustomResource;
  /** The index's own policy, on the deploy handler's role; the resource depends on it. */
  public readonly policy: iam.Policy;
  /** The role that creates the index: Lake Formation grants go to it. */
  public readonly role: iam.IRole;

  constructor(scope: Construct, id: string, props: GluePartitionIndexProps) {
    super(scope, id);
    const statements = [
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
    ];
    const { resource, policy } = props.provider.add(
      this,
      'Index',
      DEPLOY_RESOURCE.partitionIndex,
      {
        DatabaseName: props.databaseName,
        TableName: props.tableName,
        ...(props.keys ? { Keys: [...props.keys] } : {}),
      },
      statements,
    );
    const cfn = resource.node.defaultChild as CfnResource;
    cfn.cfnOptions.deletionPolicy = CfnDeletionPolicy.RETAIN_EXCEPT_ON_CREATE;
    // Replaced by an index on other keys: the old one goes, the table keeps room for new ones (3 at most).
    cfn.cfnOptions.updateReplacePolicy = CfnDeletionPolicy.DELETE;
    this.resource = resource;
    this.policy = policy;
    this.role = props.provider.role;
  }
}
