import { Stack } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as lakeformation from 'aws-cdk-lib/aws-lakeformation';
import { Construct } from 'constructs';
import type { CloudTrailTable } from './cloudtrail-table';

export interface LakeFormationGrantsProps {
  /** The role that runs the DDL: the partitioner function's. */
  readonly role: iam.IRole;
  /** The database and table the role registers partitions in. */
  readonly table: CloudTrailTable;
}

/**
 * Lake Formation grants for the function's role, for catalogs where Lake Formation permissions
 * are in force (the database or table has no `IAMAllowedPrincipals` grant): there, IAM allows
 * the Glue calls and Lake Formation still refuses them.
 *
 * - Database: DESCRIBE, so Athena can resolve it; and DESCRIBE on `default`, which Athena's Glue
 *   client looks up before any DDL (Athena's Lake Formation limitations: "The DESCRIBE permission
 *   is required on the default database"). A grant on a database that does not exist fails the
 *   deploy: in a region where Athena has never run, create `default` first (docs/deploy.md, Lake Formation).
 * - Table: DESCRIBE (read its metadata and partitions), ALTER (the `ALTER TABLE` DDL itself),
 *   INSERT (Glue's CreatePartition/BatchCreatePartition map to it) and DELETE (DROP PARTITION,
 *   for retention). No SELECT: the function never reads log data.
 *
 * Nothing is granted with the grant option. CloudFormation creates these as the deploying
 * principal (CDK's CloudFormation execution role), which must be a Lake Formation data lake
 * administrator or hold these permissions with the grant option itself.
 */
export class LakeFormationGrants extends Construct {
  public static readonly DATABASE_PERMISSIONS: readonly string[] = ['DESCRIBE'];
  public static readonly TABLE_PERMISSIONS: readonly string[] = ['ALTER', 'DESCRIBE', 'INSERT', 'DELETE'];

  public readonly databasePermissions: lakeformation.CfnPrincipalPermissions;
  public readonly tablePermissions: lakeformation.CfnPrincipalPermissions;
  /** DESCRIBE on `default`; undefined when the table's database is `default` itself. */
  public readonly defaultDatabasePermissions?: lakeformation.CfnPrincipalPermissions;

  constructor(scope: Construct, id: string, props: LakeFormationGrantsProps) {
    super(scope, id);
    const catalogId = Stack.of(this).account;
    const principal = { dataLakePrincipalIdentifier: props.role.roleArn };
    this.databasePermissions = new lakeformation.CfnPrincipalPermissions(this, 'Database', {
      principal,
      resource: { database: { catalogId, name: props.table.databaseName } },
      permissions: [...LakeFormationGrants.DATABASE_PERMISSIONS],
      permissionsWithGrantOption: [],
    });
    if (props.table.databaseName !== 'default') {
      this.defaultDatabasePermissions = new lakeformation.CfnPrincipalPermissions(this, 'DefaultDatabase', {
        principal,
        resource: { database: { catalogId, name: 'default' } },
        permissions: ['DESCRIBE'],
        permissionsWithGrantOption: [],
      });
    }
    this.tablePermissions = new lakeformation.CfnPrincipalPermissions(this, 'Table', {
      principal,
      resource: {
        table: { catalogId, databaseName: props.table.databaseName, name: props.table.tableName },
      },
      permissions: [...LakeFormationGrants.TABLE_PERMISSIONS],
      permissionsWithGrantOption: [],
    });
    // A grant on a database or table that does not exist yet fails: wait for the ones this stack creates.
    for (const created of [props.table.database, props.table.table]) {
      if (created) {
        this.databasePermissions.node.addDependency(created);
        this.tablePermissions.node.addDependency(created);
      }
    }
  }
}
