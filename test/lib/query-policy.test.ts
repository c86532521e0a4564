/**
 * The managed policy for analysts (issue 19): exactly what `query` needs, scoped to the stack's
 * workgroup, table, trail logs and results, and an output to attach it by.
 */
import { readFileSync } from 'node:fs';
import { Match } from 'aws-cdk-lib/assertions';
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
