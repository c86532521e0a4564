import { parseAppContext } from '../../lib/context';
import { LakeFormationGrants } from '../../lib/lake-formation-grants';
import { validatePartitionerProps } from '../../lib/validate-props';
import { buildStack, unacknowledgedNagFindings } from './fixtures';

const roleArn = { 'Fn::GetAtt': [expect.stringMatching(/^PartitionerFunctionRole/), 'Arn'] };

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
    expect(grants).toHaveLength(3);
  });

  it('needs no separate default grant when the table lives in `default`', () => {
    // GIVEN the table in the default database
    const built = buildStack({ lakeFormationPermissions: true, databaseName: 'default' }, 'InDefault');
    // THEN only the database and table grants exist
    const all = Object.values(built.template.findResources('AWS::LakeFormation::PrincipalPermissions'));
    expect(all).toHaveLength(2);
  });

  it('grants ALTER, DESCRIBE, INSERT and DELETE on the table, and no SELECT', () => {
    // THEN the other grant names the table
    const table = grants.find(([, r]) => r.Properties.Resource.Table)?.[1];
    expect(table?.Properties).toEqual({
      Principal: { DataLakePrincipalIdentifier: roleArn },
      Resource: {
        Table: { CatalogId: { Ref: 'AWS::AccountId' }, DatabaseName: 'cloudtrail', Name: 'cloudtrail_logs' },
      },
      Permissions: ['ALTER', 'DESCRIBE', 'INSERT', 'DELETE'],
      PermissionsWithGrantOption: [],
    });
    expect(LakeFormationGrants.TABLE_PERMISSIONS).not.toContain('SELECT');
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
    const [firstRun] = Object.entries(template.findResources('Custom::AWS')).filter(([id]) =>
      id.startsWith('PartitionerFirstRun'),
    );
    for (const [id] of grants) expect((firstRun[1] as { DependsOn: string[] }).DependsOn).toContain(id);
    expect(unacknowledgedNagFindings(stack)).toEqual([]);
  });

  it('makes the initial backfill wait for the grants too', () => {
    // GIVEN an initial backfill with Lake Formation grants
    const built = buildStack({ lakeFormationPermissions: true, initialBackfillFrom: 7 }, 'Backfill');
    // THEN the StartExecution custom resource depends on both grants
    const ids = Object.keys(built.template.findResources('AWS::LakeFormation::PrincipalPermissions'));
    const [start] = Object.values(built.template.findResources('Custom::AWS')).filter((r) =>
      JSON.stringify(r.Properties.Create).includes('StartExecution'),
    );
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
    ).toThrow('invalid lakeFormationPermissions "yes": expected true or false');
  });
});
