/**
 * The managed policy for analysts (issue 19): exactly what `query` needs, scoped to the stack's
 * workgroup, table, trail logs and results, and an output to attach it by.
 */
import { readFileSync } from 'node:fs';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { QueryPolicy } from '../../lib/query-policy';
import { buildStack, unacknowledgedNagFindings } from './fixtures';

const ORG = { trailPrefix: 'org', orgId: 'o-abcdefghij' };

interface Doc {
  Statement: { Sid: string; Action: string | string[]; Resource: unknown; Condition?: unknown }[];
}

describe('QueryPolicy', () => {
  const { stack, template } = buildStack(ORG);
  const policies = template.findResources('AWS::IAM::ManagedPolicy');
  const doc = (Object.values(policies)[0].Properties as { PolicyDocument: Doc }).PolicyDocument;
  const actions = doc.Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));

  it('is one managed policy, attached to nothing, output as QueryPolicyArn', () => {
    expect(Object.keys(policies)).toHaveLength(1);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: Match.absent(),
      Users: Match.absent(),
      Groups: Match.absent(),
    });
    expect(template.findOutputs('QueryPolicyArn').QueryPolicyArn.Value).toEqual({
      Ref: Object.keys(policies)[0],
    });
  });

  it('runs queries in the stack workgroup only, and reads the table and the default database', () => {
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'RunQueriesInWorkGroup',
            Action: Match.arrayWith(['athena:GetQueryResults', 'athena:StartQueryExecution']),
          }),
          Match.objectLike({
            Sid: 'ReadTable',
            Action: [
              'glue:BatchGetPartition',
              'glue:GetDatabase',
              'glue:GetPartition',
              'glue:GetPartitions',
              'glue:GetTable',
            ],
          }),
          Match.objectLike({ Sid: 'AthenaDefaultDatabase', Action: 'glue:GetDatabase' }),
        ]),
      },
    });
    // AND the workgroup statement names the stack's workgroup alone
    const run = doc.Statement.find((st) => st.Sid === 'RunQueriesInWorkGroup');
    expect(JSON.stringify(run?.Resource)).toContain(`:workgroup/${stack.partitioner.workGroupName}"`);
    // AND nothing that writes the catalog
    expect(actions.filter((a) => /^glue:(Create|BatchCreate|Delete|BatchDelete|Update)/.test(a))).toEqual([]);
  });

  it('reads the trail logs under AWSLogs/ORGID/ only, and writes only the results prefix', () => {
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'ListTrailLogs',
            Action: 's3:ListBucket',
            Condition: {
              StringLike: { 's3:prefix': ['org/AWSLogs/o-abcdefghij/', 'org/AWSLogs/o-abcdefghij/*'] },
            },
          }),
          Match.objectLike({
            Sid: 'ReadTrailLogs',
            Action: 's3:GetObject',
            Resource: {
              'Fn::Join': [
                '',
                ['arn:', { Ref: 'AWS::Partition' }, ':s3:::example-trail-bucket/org/AWSLogs/o-abcdefghij/*'],
              ],
            },
          }),
          Match.objectLike({
            Sid: 'WriteAndReadResults',
            Action: Match.arrayWith(['s3:GetObject', 's3:PutObject']),
            Resource: {
              'Fn::Join': ['', [Match.objectLike({ 'Fn::GetAtt': Match.anyValue() }), '/results/*']],
            },
          }),
          Match.objectLike({ Sid: 'ReadStackOutputs', Action: 'cloudformation:DescribeStacks' }),
        ]),
      },
    });
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
    // AND the stack outputs are read from this stack alone
    const outputs = doc.Statement.find((st) => st.Sid === 'ReadStackOutputs');
    expect(JSON.stringify(outputs?.Resource)).toContain(':stack/Test/');
  });

  it('allows every AWS call the query path makes (read from the adapters it uses)', () => {
    // GIVEN the SDK commands sent by the adapters `query` uses, read from their source
    const sources = ['athena-query', 'glue-table', 's3-sizes', 'stack-outputs'].map((f) =>
      readFileSync(`lambda/aws/${f}.ts`, 'utf8'),
    );
    const service = { Athena: 'athena', Glue: 'glue', S3: 's3', CloudFormation: 'cloudformation' } as const;
    const needed = new Set<string>();
    for (const [i, source] of sources.entries()) {
      const prefix = ['athena', 'glue', 's3', 'cloudformation'][i];
      for (const m of source.matchAll(/new (\w+)Command\(/g))
        needed.add(`${prefix}:${m[1] === 'ListObjectsV2' ? 'ListBucket' : m[1]}`);
    }
    expect(Object.keys(service)).toHaveLength(4);
    // THEN each is allowed
    for (const action of needed) expect(actions).toContain(action);
    expect(needed.size).toBeGreaterThanOrEqual(7);
  });

  it('leaves no cdk-nag finding unacknowledged', () => {
    expect(unacknowledgedNagFindings(stack)).toEqual([]);
  });
});

describe('QueryPolicy with the columnar copy', () => {
  /** A stack with just the policy: the copy's bucket owned by the stack, or imported by name. */
  function build(copy: 'owned' | 'imported' | 'none', prefix = 'columnar/') {
    const app = new App();
    const stack = new Stack(app, 'Copy', { env: { account: '111122223333', region: 'eu-west-1' } });
    const results = new s3.Bucket(stack, 'Results', { enforceSSL: true, serverAccessLogsPrefix: 'logs/' });
    const bucket =
      copy === 'owned'
        ? new s3.Bucket(stack, 'CopyBucket', { enforceSSL: true, serverAccessLogsPrefix: 'logs/' })
        : s3.Bucket.fromBucketName(stack, 'CopyBucket', 'copy-bucket');
    const glue = 'arn:aws:glue:eu-west-1:111122223333';
    const policy = new QueryPolicy(stack, 'QueryPolicy', {
      workGroupArn: 'arn:aws:athena:eu-west-1:111122223333:workgroup/wg',
      catalogArn: `${glue}:catalog`,
      databaseArn: `${glue}:database/cloudtrail`,
      tableArn: `${glue}:table/cloudtrail/cloudtrail_logs`,
      trailBucketName: 'example-trail-bucket',
      resultsBucket: results,
      resultsPrefix: 'results/',
      ...(copy === 'none'
        ? {}
        : {
            columnarCopy: { tableArn: `${glue}:table/cloudtrail/cloudtrail_logs_columnar`, bucket, prefix },
          }),
    });
    const statements = (Template.fromStack(stack).toJSON().Resources as Record<string, never>)[
      stack.getLogicalId(policy.policy.node.defaultChild as CfnElement)
    ] as { Properties: { PolicyDocument: Doc } };
    return {
      stack,
      statements: stack.resolve(statements.Properties.PolicyDocument.Statement) as Doc['Statement'],
    };
  }
  const sid = (statements: Doc['Statement'], name: string) => statements.find((s) => s.Sid === name);

  it('reads the copy table from Glue, and only that table besides the raw one', () => {
    // GIVEN the copy WHEN the policy is built THEN GetTable/GetPartitions on the copy's table
    const { statements } = build('owned');
    expect(sid(statements, 'ReadColumnarTable')).toMatchObject({
      Action: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartitions'],
      Resource: [
        'arn:aws:glue:eu-west-1:111122223333:catalog',
        'arn:aws:glue:eu-west-1:111122223333:database/cloudtrail',
        'arn:aws:glue:eu-west-1:111122223333:table/cloudtrail/cloudtrail_logs_columnar',
      ],
    });
  });

  it("lists and reads the copy's location only, in the copy's bucket", () => {
    const { statements } = build('imported');
    expect(sid(statements, 'ListColumnarCopy')).toMatchObject({
      Action: 's3:ListBucket',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::copy-bucket']] },
      Condition: { StringLike: { 's3:prefix': ['columnar/', 'columnar/*'] } },
    });
    expect(sid(statements, 'ReadColumnarCopy')).toMatchObject({
      Action: 's3:GetObject',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::copy-bucket/columnar/*']] },
    });
    // AND nothing in the copy is written or deleted by an analyst
    const copyActions = statements
      .filter((s) => s.Sid.includes('Columnar'))
      .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    expect(copyActions.filter((a) => /Put|Delete|Create|Update/.test(a))).toEqual([]);
  });

  it('grants nothing on a copy when there is none', () => {
    const { statements } = build('none');
    expect(statements.filter((s) => s.Sid.includes('Columnar'))).toEqual([]);
  });

  it('refuses a prefix that does not end in /', () => {
    expect(() => build('owned', 'columnar')).toThrow(
      'invalid columnarCopy.prefix "columnar": expected \'\' or a prefix ending in /',
    );
  });

  it.each(['owned', 'imported'] as const)('leaves no cdk-nag finding unacknowledged (%s bucket)', (copy) => {
    expect(unacknowledgedNagFindings(build(copy).stack)).toEqual([]);
  });
});
