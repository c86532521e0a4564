import { Stack } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as lakeformation from 'aws-cdk-lib/aws-lakeformation';
import { Construct, type IDependable } from 'constructs';
import type { CloudTrailTable } from './cloudtrail-table';
import { functionCalls, INDEX_CALLS, tablePermissionsFor } from '../lambda/core/catalog/lake-formation';

export interface LakeFormationGrantsProps {
  /** The role that runs the DDL: the partitioner function's. */
  readonly role: iam.IRole;
  /** The database and table the role registers partitions in. */
  readonly table: CloudTrailTable;
  /**
   * The role that creates the table's partition index (the stack's custom-resource provider).
   * @default - none: no index is created (an existing table)
   */
  readonly indexRole?: iam.IRole;
  /**
   * The function drops expired partitions (`retentionDays` is set): grant DELETE.
   * @default false
   */
  readonly dropsPartitions?: boolean;
  /**
   * The function creates the columnar copy in the database (`columnarCopy`): grant CREATE_TABLE
   * on it. Lake Formation gives a table's creator every permission on the table it creates, so
   * no grant on the copy is needed (nor possible at deploy: the table does not exist yet).
   * @default false
   */
  readonly createsTables?: boolean;
  /**
   * ARN of the S3 location the trail bucket is registered at in Lake Formation: grant
   * DATA_LOCATION_ACCESS on it, which partitions whose LOCATION lies there need.
   * @default - none: the trail bucket is not a registered location
   */
  readonly dataLocationArn?: string;
}

export {
  functionCalls,
  INDEX_CALLS,
  LAKE_FORMATION_PERMISSION_FOR,
  tablePermissionsFor,
} from '../lambda/core/catalog/lake-formation';

/**
 * Lake Formation grants, for catalogs where Lake Formation permissions are in force (the
 * database or table has no `IAMAllowedPrincipals` grant): there, IAM allows the Glue calls and
 * Lake Formation still refuses them.
 *
 * - Function role, database: DESCRIBE, so Athena can resolve it; and DESCRIBE on `default`,
 *   which Athena's Glue client looks up before any DDL (Athena's Lake Formation limitations: "The
 *   DESCRIBE permission is required on the default database"). A grant on a database that does
 *   not exist fails the deploy: in a region where Athena has never run, create `default` first.
 * - Function role, table: the permissions of {@link LAKE_FORMATION_PERMISSION_FOR} for its calls
 *   (ALTER, DESCRIBE, INSERT, SELECT; DELETE only with retention). SELECT because Lake Formation
 *   maps the partition reads (GetPartitions, BatchGetPartition, which the audit makes) to it.
 * - Index role: DESCRIBE on the database, ALTER and DESCRIBE on the table; the index waits for them.
 * - With `dataLocationArn`: DATA_LOCATION_ACCESS for the function role on the registered location.
 *
 * Nothing is granted with the grant option. CloudFormation creates these as the deploying
 * principal (CDK's CloudFormation execution role), which must be a Lake Formation data lake
 * administrator or hold these permissions with the grant option itself.
 */
export class LakeFormationGrants extends Construct {
  public static readonly DATABASE_PERMISSIONS: readonly string[] = ['DESCRIBE'];
  /** The function's table permissions with retention on (the most it is ever granted). */
  public static readonly TABLE_PERMISSIONS: readonly string[] = tablePermissionsFor(functionCalls(true));

  public readonly databasePermissions: lakeformation.CfnPrincipalPermissions;
  public readonly tablePermissions: lakeformation.CfnPrincipalPermissions;
  /** DESCRIBE on `default`; undefined when the table's database is `default` itself. */
  public readonly defaultDatabasePermissions?: lakeformation.CfnPrincipalPermissions;
  /** The index role's database and table grants; empty without an index role. */
  public readonly indexPermissions: lakeformation.CfnPrincipalPermissions[] = [];
  /** DATA_LOCATION_ACCESS on the registered trail location; undefined without `dataLocationArn`. */
  public readonly dataLocationPermissions?: lakeformation.CfnPrincipalPermissions;

  constructor(scope: Construct, id: string, props: LakeFormationGrantsProps) {
    super(scope, id);
    const catalogId = Stack.of(this).account;
    const { databaseName, tableName } = props.table;
    const database = { database: { catalogId, name: databaseName } };
    const table = { table: { catalogId, databaseName, name: tableName } };
    const grant = (
      grantId: string,
      role: iam.IRole,
      resource: lakeformation.CfnPrincipalPermissions.ResourceProperty,
      permissions: readonly string[],
    ) =>
      new lakeformation.CfnPrincipalPermissions(this, grantId, {
        principal: { dataLakePrincipalIdentifier: role.roleArn },
        resource,
        permissions: [...permissions],
        permissionsWithGrantOption: [],
      });

    this.databasePermissions = grant('Database', props.role, database, [
      ...LakeFormationGrants.DATABASE_PERMISSIONS,
      ...(props.createsTables === true ? ['CREATE_TABLE'] : []),
    ]);
    if (databaseName !== 'default') {
      this.defaultDatabasePermissions = grant(
        'DefaultDatabase',
        props.role,
        { database: { catalogId, name: 'default' } },
        ['DESCRIBE'],
      );
    }
    const functionTable = tablePermissionsFor(functionCalls(props.dropsPartitions === true));
    this.tablePermissions = grant('Table', props.role, table, functionTable);
    if (props.indexRole) {
      this.indexPermissions.push(
        grant('IndexDatabase', props.indexRole, database, ['DESCRIBE']),
        grant('IndexTable', props.indexRole, table, tablePermissionsFor(INDEX_CALLS)),
      );
    }
    if (props.dataLocationArn) {
      this.dataLocationPermissions = grant(
        'DataLocation',
        props.role,
        { dataLocation: { catalogId, resourceArn: props.dataLocationArn } },
        ['DATA_LOCATION_ACCESS'],
      );
    }
    // A grant on a database or table that does not exist yet fails: wait for the ones this stack creates.
    const onCatalog = [this.databasePermissions, this.tablePermissions, ...this.indexPermissions];
    for (const created of [props.table.database, props.table.table]) {
      if (created) for (const permission of onCatalog) permission.node.addDependency(created);
    }
  }

  /** Every grant: what the first run and the initial backfill wait for. */
  public get all(): IDependable[] {
    return [
      this.databasePermissions,
      this.tablePermissions,
      ...(this.defaultDatabasePermissions ? [this.defaultDatabasePermissions] : []),
      ...this.indexPermissions,
      ...(this.dataLocationPermissions ? [this.dataLocationPermissions] : []),
    ];
  }
}
