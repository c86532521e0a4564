import { parseAppContext } from '../../lib/context';
import { Match } from 'aws-cdk-lib/assertions';
import {
  functionCalls,
  LAKE_FORMATION_PERMISSION_FOR,
  LakeFormationGrants,
  tablePermissionsFor,
} from '../../lib/lake-formation-grants';
import { validatePartitionerProps } from '../../lib/validate-props';
import { lakeFormationHint } from '../../lambda/core/run/hints';
import { buildStack, unacknowledgedNagFindings } from './fixtures';

const roleArn = { 'Fn::GetAtt': [expect.stringMatching(/^PartitionerFunctionRole/), 'Arn'] };
/** The same, for aws-cdk-lib/assertions matchers. */
const functionRoleArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^PartitionerFunctionRole'), 'Arn'] };

describe('LakeFormationGrants', () => {
  const { stack, template } = buildStack({ lakeFormationPermissions: true });
  const grants = Object.entries(template.findResources('AWS::LakeFormation::PrincipalPermissions'));

  it('grants the function role DESCRIBE on the database, without the grant option', () => {
    // THEN one grant names the database and the role
    const database = grants.find(([, r]) => r.Properties.Resource.Database?.Name === 'cloudtrail')?.[1];
    expect(database?.Properties).toEqual({
      Principal: { DataLakePrincipalIdentifier: roleArn },
      Resource: { Database: { CatalogId: { Ref: 'AWS::AccountId' }, Name: 'cloudtrail' } },
      Permissions: ['DESCRIBE'],
      PermissionsWithGrantOption: [],
    });
  });

  it('grants DESCRIBE on the default database, which Athena looks up before any DDL', () => {
    // THEN a third grant names `default`, DESCRIBE only
    const defaults = grants.filter(([, r]) => r.Properties.Resource.Database?.Name === 'default');
    expect(defaults).toHaveLength(1);
    expect(defaults[0][1].Properties).toMatchObject({
      Principal: { DataLakePrincipalIdentifier: roleArn },
      Permissions: ['DESCRIBE'],
      PermissionsWithGrantOption: [],
    });
    // (database, default, table for the function; database and table for the index's provider)
    expect(grants).toHaveLength(5);
  });

  it('needs no separate default grant when the table lives in `default`', () => {
    // GIVEN the table in the default database
    const built = buildStack({ lakeFormationPermissions: true, databaseName: 'default' }, 'InDefault');
    // THEN only the database and table grants exist, for the function and for the index's provider
    const all = Object.values(built.template.findResources('AWS::LakeFormation::PrincipalPermissions'));
    expect(all.filter((r) => r.Properties.Resource.Database?.Name === 'default')).toHaveLength(2);
    expect(all).toHaveLength(4);
  });

  it('grants the function ALTER, DESCRIBE, INSERT and SELECT on the table, no DELETE without retention', () => {
    // THEN the function's table grant holds what its calls need
    const table = grants.find(
      ([, r]) =>
        r.Properties.Resource.Table && JSON.stringify(r.Properties.Principal).includes('FunctionRole'),
    )?.[1];
    expect(table?.Properties).toEqual({
      Principal: { DataLakePrincipalIdentifier: roleArn },
      Resource: {
        Table: { CatalogId: { Ref: 'AWS::AccountId' }, DatabaseName: 'cloudtrail', Name: 'cloudtrail_logs' },
      },
      Permissions: ['ALTER', 'DESCRIBE', 'INSERT', 'SELECT'],
      PermissionsWithGrantOption: [],
    });
    // SELECT because Lake Formation maps the partition reads (GetPartitions) to it; never with the grant option
    expect(LakeFormationGrants.TABLE_PERMISSIONS).toContain('SELECT');
  });

  it('waits for the database and table it grants on, and the first run waits for the grants', () => {
    // THEN both grants depend on the Glue resources, and the first run on both grants
    const glue = [
      ...Object.keys(template.findResources('AWS::Glue::Database')),
      ...Object.keys(template.findResources('AWS::Glue::Table')),
    ];
    expect(glue).toHaveLength(2);
    // (the grant on `default` names a database this stack does not create)
    for (const [, grant] of grants.filter(([, r]) => r.Properties.Resource.Database?.Name !== 'default')) {
      expect((grant as { DependsOn?: string[] }).DependsOn).toEqual(expect.arrayContaining(glue));
    }
    const [firstRun] = Object.entries(template.findResources('Custom::FirstRun'));
    for (const [id] of grants) expect((firstRun[1] as { DependsOn: string[] }).DependsOn).toContain(id);
    expect(unacknowledgedNagFindings(stack)).toEqual([]);
  });

  it('makes the initial backfill wait for the grants too', () => {
    // GIVEN an initial backfill with Lake Formation grants
    const built = buildStack({ lakeFormationPermissions: true, initialBackfillFrom: 7 }, 'Backfill');
    // THEN the StartExecution custom resource depends on both grants
    const ids = Object.keys(built.template.findResources('AWS::LakeFormation::PrincipalPermissions'));
    const [start] = Object.values(built.template.findResources('Custom::InitialBackfill'));
    expect((start as { DependsOn: string[] }).DependsOn).toEqual(expect.arrayContaining(ids));
  });

  it('is off by default', () => {
    // GIVEN the defaults THEN no Lake Formation resource
    buildStack({}, 'Plain').template.resourceCountIs('AWS::LakeFormation::PrincipalPermissions', 0);
  });

  it('is read from context and refuses anything but a boolean', () => {
    // GIVEN -c lakeFormationPermissions=true THEN the prop is true
    const config = parseAppContext(
      (key) => ({ trailBucket: 'example-trail-bucket', lakeFormationPermissions: 'true' })[key],
      ['trailBucket', 'lakeFormationPermissions'],
    );
    expect(config.props.lakeFormationPermissions).toBe(true);
    // AND a non-boolean prop is refused by name
    expect(() =>
      validatePartitionerProps({
        trailBucketName: 'example-trail-bucket',
        lakeFormationPermissions: 'yes' as unknown as boolean,
      }),
    ).toThrow(`invalid lakeFormationPermissions "yes": expected true, false or 'dataLocation'`);
  });
});

describe('Lake Formation and the partition index (issue 17, defect 2)', () => {
  const { template } = buildStack({ lakeFormationPermissions: true }, 'IndexGrants');
  const grants = Object.entries(template.findResources('AWS::LakeFormation::PrincipalPermissions'));
  // The index is created by the deploy-time resources' handler (lib/deploy-resources.ts), under its role.
  const indexRole = { 'Fn::GetAtt': [expect.stringMatching(/^PartitionerDeployResourcesRole/), 'Arn'] };
  const forIndexRole = grants.filter(([, r]) =>
    /DeployResourcesRole/.test(JSON.stringify(r.Properties.Principal)),
  );

  it('grants the role that creates the index DESCRIBE on the database and ALTER, DESCRIBE on the table', () => {
    // THEN CreatePartitionIndex (ALTER) and GetPartitionIndexes, GetTable (DESCRIBE) are allowed
    expect(forIndexRole.map(([, r]) => r.Properties)).toEqual(
      expect.arrayContaining([
        {
          Principal: { DataLakePrincipalIdentifier: indexRole },
          Resource: { Database: { CatalogId: { Ref: 'AWS::AccountId' }, Name: 'cloudtrail' } },
          Permissions: ['DESCRIBE'],
          PermissionsWithGrantOption: [],
        },
        {
          Principal: { DataLakePrincipalIdentifier: indexRole },
          Resource: {
            Table: {
              CatalogId: { Ref: 'AWS::AccountId' },
              DatabaseName: 'cloudtrail',
              Name: 'cloudtrail_logs',
            },
          },
          Permissions: ['ALTER', 'DESCRIBE'],
          PermissionsWithGrantOption: [],
        },
      ]),
    );
    expect(forIndexRole).toHaveLength(2);
  });

  it('makes the partition index wait for those grants', () => {
    // THEN the CreatePartitionIndex custom resource depends on both
    const [index] = Object.entries(template.findResources('Custom::PartitionIndex'));
    for (const [id] of forIndexRole) expect((index[1] as { DependsOn: string[] }).DependsOn).toContain(id);
  });

  it('grants exactly what each call needs: DELETE only when retention drops partitions', () => {
    // GIVEN the mapping of the Lake Formation permissions reference, kept apart from the grant code
    const expected: Record<string, string> = {
      'glue:GetTable': 'DESCRIBE',
      'glue:GetPartitions': 'SELECT',
      'glue:BatchGetPartition': 'SELECT',
      'glue:BatchCreatePartition': 'INSERT',
      'glue:BatchDeletePartition': 'DELETE',
      'glue:GetPartitionIndexes': 'DESCRIBE',
      'glue:CreatePartitionIndex': 'ALTER',
    };
    for (const [call, permission] of Object.entries(expected))
      expect(LAKE_FORMATION_PERMISSION_FOR[call]).toBe(permission);
    expect(tablePermissionsFor(functionCalls(false))).toEqual(['ALTER', 'DESCRIBE', 'INSERT', 'SELECT']);
    expect(tablePermissionsFor(functionCalls(true))).toEqual([
      'ALTER',
      'DESCRIBE',
      'INSERT',
      'SELECT',
      'DELETE',
    ]);
    // WHEN retention is on THEN the function's table grant carries DELETE
    const built = buildStack({ lakeFormationPermissions: true, retentionDays: 365 }, 'Retention');
    built.template.hasResourceProperties('AWS::LakeFormation::PrincipalPermissions', {
      Principal: { DataLakePrincipalIdentifier: functionRoleArn },
      Resource: { Table: Match.anyValue() },
      Permissions: ['ALTER', 'DESCRIBE', 'INSERT', 'SELECT', 'DELETE'],
    });
  });

  it("gives the CLI's hint the same permissions as the mapping", () => {
    // THEN the hint names the read, add and drop permissions of the mapping, and DELETE only for dropping
    const hint = lakeFormationHint();
    expect(hint).toContain('DESCRIBE, SELECT to read it');
    expect(hint).toContain('ALTER, INSERT to add partitions');
    expect(hint).toContain('ALTER, DELETE only to drop them');
  });
});

describe('Lake Formation data location (issue 17, defect 3)', () => {
  it('grants DATA_LOCATION_ACCESS on the trail bucket with lakeFormationPermissions=dataLocation', () => {
    // GIVEN -c lakeFormationPermissions=dataLocation
    const config = parseAppContext(
      (key) => ({ trailBucket: 'example-trail-bucket', lakeFormationPermissions: 'dataLocation' })[key],
      ['trailBucket', 'lakeFormationPermissions'],
    );
    const { template } = buildStack(config.props, 'DataLocation');
    // THEN the function role holds the data location permission on the bucket's ARN
    template.hasResourceProperties('AWS::LakeFormation::PrincipalPermissions', {
      Principal: { DataLakePrincipalIdentifier: functionRoleArn },
      Resource: {
        DataLocation: {
          CatalogId: { Ref: 'AWS::AccountId' },
          ResourceArn: {
            'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::example-trail-bucket']],
          },
        },
      },
      Permissions: ['DATA_LOCATION_ACCESS'],
      PermissionsWithGrantOption: [],
    });
    // and the catalog grants of `true` as well, and the first run waits for all of them
    const all = Object.keys(template.findResources('AWS::LakeFormation::PrincipalPermissions'));
    expect(all).toHaveLength(6);
    const [firstRun] = Object.entries(template.findResources('Custom::FirstRun'));
    for (const id of all) expect((firstRun[1] as { DependsOn: string[] }).DependsOn).toContain(id);
  });

  it('grants no data location with plain true, which a bucket not registered with Lake Formation would refuse', () => {
    const { template } = buildStack({ lakeFormationPermissions: true }, 'NoDataLocation');
    const all = Object.values(template.findResources('AWS::LakeFormation::PrincipalPermissions'));
    expect(all.filter((r) => r.Properties.Resource.DataLocation)).toEqual([]);
  });

  it('refuses any other context value, naming the three it accepts', () => {
    expect(() =>
      parseAppContext(
        (key) => ({ trailBucket: 'example-trail-bucket', lakeFormationPermissions: 'location' })[key],
        ['trailBucket', 'lakeFormationPermissions'],
      ),
    ).toThrow('invalid context lakeFormationPermissions "location": expected true, false or dataLocation');
  });
});
