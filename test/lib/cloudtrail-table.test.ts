import { CfnWaitConditionHandle } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CLOUDTRAIL_COLUMNS } from '../../lambda/core/shared/cloudtrail-schema';
import { CloudTrailTable, type CloudTrailTableProps } from '../../lib/cloudtrail-table';
import { newStack } from './fixtures';

function build(props: Partial<CloudTrailTableProps> = {}): { table: CloudTrailTable; template: Template } {
  const stack = newStack();
  // Keeps the template non-empty when the construct creates nothing (createTable: false).
  new CfnWaitConditionHandle(stack, 'Placeholder');
  const table = new CloudTrailTable(stack, 'Table', {
    databaseName: 'cloudtrail',
    tableName: 'cloudtrail_logs',
    trailBucketName: 'example-trail-bucket',
    ...props,
  });
  return { table, template: Template.fromStack(stack) };
}

describe('CloudTrailTable', () => {
  const { table, template } = build();

  it('creates the database', () => {
    // GIVEN the defaults
    // THEN a Glue database with the name is created in this account's catalog
    template.hasResourceProperties('AWS::Glue::Database', {
      CatalogId: { Ref: 'AWS::AccountId' },
      DatabaseInput: Match.objectLike({ Name: 'cloudtrail' }),
    });
  });

  it('creates the external table with the documented SerDe, formats and classification', () => {
    // GIVEN the defaults
    // THEN the table reads CloudTrail files the way the Athena user guide does
    template.hasResourceProperties('AWS::Glue::Table', {
      DatabaseName: 'cloudtrail',
      TableInput: Match.objectLike({
        Name: 'cloudtrail_logs',
        TableType: 'EXTERNAL_TABLE',
        Parameters: { classification: 'cloudtrail', EXTERNAL: 'TRUE' },
        PartitionKeys: [
          { Name: 'account', Type: 'string' },
          { Name: 'region', Type: 'string' },
          { Name: 'year', Type: 'string' },
          { Name: 'month', Type: 'string' },
          { Name: 'day', Type: 'string' },
        ],
        StorageDescriptor: Match.objectLike({
          Location: 's3://example-trail-bucket/AWSLogs/',
          InputFormat: 'com.amazon.emr.cloudtrail.CloudTrailInputFormat',
          OutputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          SerdeInfo: { SerializationLibrary: 'org.apache.hive.hcatalog.data.JsonSerDe' },
        }),
      }),
    });
  });

  it('has every documented column, in order, with nested types', () => {
    // GIVEN the synthesized table
    const tables = Object.values(template.findResources('AWS::Glue::Table'));
    const columns = tables[0].Properties.TableInput.StorageDescriptor.Columns as {
      Name: string;
      Type: string;
    }[];
    // THEN the column names are the documented list
    expect(columns.map((c) => c.Name)).toEqual([
      'eventversion',
      'useridentity',
      'eventtime',
      'eventsource',
      'eventname',
      'awsregion',
      'sourceipaddress',
      'useragent',
      'errorcode',
      'errormessage',
      'requestparameters',
      'responseelements',
      'additionaleventdata',
      'requestid',
      'eventid',
      'resources',
      'eventtype',
      'apiversion',
      'readonly',
      'recipientaccountid',
      'serviceeventdetails',
      'sharedeventid',
      'vpcendpointid',
      'vpcendpointaccountid',
      'eventcategory',
      'addendum',
      'sessioncredentialfromconsole',
      'edgedevicedetails',
      'tlsdetails',
    ]);
    expect(columns).toHaveLength(CLOUDTRAIL_COLUMNS.length);
    // AND the nested structs carry the documented members
    const type = (name: string) => columns.find((c) => c.Name === name)?.Type;
    expect(type('useridentity')).toContain(
      'sessioncontext:struct<attributes:struct<mfaauthenticated:string,creationdate:string>,sessionissuer:struct<type:string,principalid:string,arn:string,accountid:string,username:string>,sourceidentity:string,ec2roledelivery:string,webidfederationdata:struct<federatedprovider:string,attributes:map<string,string>>>',
    );
    expect(type('useridentity')).toContain('onbehalfof:struct<userid:string,identitystorearn:string>');
    expect(type('resources')).toBe('array<struct<arn:string,accountid:string,type:string>>');
    expect(type('addendum')).toBe(
      'struct<reason:string,updatedfields:string,originalrequestid:string,originaleventid:string>',
    );
    expect(type('tlsdetails')).toBe(
      'struct<tlsversion:string,ciphersuite:string,clientprovidedhostheader:string>',
    );
  });

  it('makes the table depend on the database', () => {
    // THEN CloudFormation creates the database first
    template.hasResource('AWS::Glue::Table', { DependsOn: [Match.stringLikeRegexp('^TableDatabase')] });
  });

  it('keeps the table, its partitions and the database when the stack is destroyed or replaces them, not after a failed create', () => {
    // THEN both carry DeletionPolicy RetainExceptOnCreate and UpdateReplacePolicy Retain
    for (const type of ['AWS::Glue::Table', 'AWS::Glue::Database']) {
      template.hasResource(type, { DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'Retain' });
    }
  });

  it('exposes catalog, database and table ARNs', () => {
    // THEN the ARNs follow the Glue formats
    const resolve = (value: string) => JSON.stringify(newStack().resolve(value));
    expect(resolve(table.catalogArn)).toContain(':catalog');
    expect(resolve(table.databaseArn)).toContain(':database/cloudtrail');
    expect(resolve(table.tableArn)).toContain(':table/cloudtrail/cloudtrail_logs');
  });

  it.each<[string, Partial<CloudTrailTableProps>, string]>([
    ['prefix', { trailPrefix: 'logs/trail' }, 's3://example-trail-bucket/logs/trail/AWSLogs/'],
    ['slashed prefix', { trailPrefix: '/logs/' }, 's3://example-trail-bucket/logs/AWSLogs/'],
    ['org id', { orgId: 'o-abcdefghij' }, 's3://example-trail-bucket/AWSLogs/o-abcdefghij/'],
    [
      'prefix and org id',
      { trailPrefix: 'p', orgId: 'o-abcdefghij' },
      's3://example-trail-bucket/p/AWSLogs/o-abcdefghij/',
    ],
    ['empty prefix and org id', { trailPrefix: '', orgId: '' }, 's3://example-trail-bucket/AWSLogs/'],
  ])('locates the table with %s and never writes //', (_name, props, location) => {
    // GIVEN a prefix and/or organization id
    const built = build(props);
    // THEN the location is the AWSLogs root
    expect(built.table.location).toBe(location);
    expect(built.table.location.replace('s3://', '')).not.toContain('//');
    built.template.hasResourceProperties('AWS::Glue::Table', {
      TableInput: Match.objectLike({ StorageDescriptor: Match.objectLike({ Location: location }) }),
    });
  });

  it('creates nothing for an existing table', () => {
    // GIVEN createTable false
    const built = build({ createTable: false });
    // THEN no Glue resource exists, but the names and ARNs are still there
    built.template.resourceCountIs('AWS::Glue::Table', 0);
    built.template.resourceCountIs('AWS::Glue::Database', 0);
    expect(built.table.tableName).toBe('cloudtrail_logs');
  });

  it('creates only the table when the database exists', () => {
    // GIVEN createDatabase false
    const built = build({ createDatabase: false });
    // THEN the table is created without a database
    built.template.resourceCountIs('AWS::Glue::Database', 0);
    built.template.resourceCountIs('AWS::Glue::Table', 1);
  });

  it.each<[Partial<CloudTrailTableProps>, RegExp]>([
    [{ tableName: 'Bad-Name' }, /invalid table name "Bad-Name"/],
    [{ databaseName: 'db;drop' }, /invalid database name/],
    [{ trailPrefix: 'a//b' }, /invalid prefix/],
    [{ orgId: 'org' }, /invalid organization id/],
  ])('rejects %j', (props, expected) => {
    // GIVEN a name that could break SQL or a key
    // WHEN the construct is built
    // THEN it throws naming the value
    expect(() => build(props)).toThrow(expected);
  });
});
