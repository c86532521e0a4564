import { Match, Template } from 'aws-cdk-lib/assertions';
import { ENV, METRICS_NAMESPACE } from '../../lambda/core/shared/contract';
import { AthenaResults } from '../../lib/athena-results';
import { CloudTrailTable } from '../../lib/cloudtrail-table';
import { PartitionFunction, type PartitionFunctionProps } from '../../lib/partition-function';
import { actionsOf, newStack, resourcesOf, statementsOfRole, type Statement } from './fixtures';

function build(overrides: Partial<Omit<PartitionFunctionProps, 'table' | 'results'>> = {}, trail = {}) {
  const stack = newStack();
  const table = new CloudTrailTable(stack, 'Table', {
    databaseName: 'cloudtrail',
    tableName: 'cloudtrail_logs',
    trailBucketName: 'example-trail-bucket',
    ...trail,
  });
  const results = new AthenaResults(stack, 'Results', { workGroupName: 'partitioner' });
  const fn = new PartitionFunction(stack, 'Fn', {
    table,
    results,
    trailBucketName: 'example-trail-bucket',
    trailPrefix: '',
    accounts: [],
    regions: [],
    scheduleExpression: 'cron(15 0 * * ? *)',
    lookbackDays: 1,
    maxPartitionsPerStatement: 1000,
    maxConcurrentQueries: 4,
    maxRangeDays: 7305,
    serviceName: 'test-service',
    reservedConcurrentExecutions: 4,
    ...trail,
    ...overrides,
  });
  return { stack, fn, template: Template.fromStack(stack) };
}

function sid(statements: Statement[], name: string): Statement {
  const found = statements.find((s) => s.Sid === name);
  if (!found) throw new Error(`no statement ${name}`);
  return found;
}

describe('PartitionFunction', () => {
  const { template } = build();
  const statements = statementsOfRole(template, 'FnRole');

  it('runs Node.js 24 on arm64 with a 15-minute timeout and modest reserved concurrency', () => {
    // THEN the function is configured for backfills
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Timeout: 900,
      MemorySize: 512,
      Handler: 'index.handler',
      ReservedConcurrentExecutions: 4,
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^FnLogGroup') } },
    });
  });

  it('sets every environment variable the handler reads, under the contract names', () => {
    // THEN the environment uses ENV names and the metrics namespace constant
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          [ENV.trailBucket]: 'example-trail-bucket',
          [ENV.trailPrefix]: '',
          [ENV.orgId]: '',
          [ENV.accounts]: '',
          [ENV.regions]: '',
          [ENV.database]: 'cloudtrail',
          [ENV.table]: 'cloudtrail_logs',
          [ENV.workgroup]: 'partitioner',
          [ENV.lookbackDays]: '1',
          [ENV.maxPartitionsPerStatement]: '1000',
          [ENV.maxConcurrentQueries]: '4',
          [ENV.maxRangeDays]: '7305',
          [ENV.serviceName]: 'test-service',
          [ENV.metricsNamespace]: METRICS_NAMESPACE,
          NODE_OPTIONS: '--enable-source-maps',
        },
      },
    });
  });

  it('joins accounts and regions with commas', () => {
    // GIVEN fixed accounts and regions
    const built = build({ accounts: ['111111111111', '222222222222'], regions: ['us-east-1', 'eu-west-1'] });
    // THEN they are comma-joined
    built.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          [ENV.accounts]: '111111111111,222222222222',
          [ENV.regions]: 'us-east-1,eu-west-1',
        }),
      },
    });
  });

  it('keeps its logs for three months by default', () => {
    // THEN the explicit log group has a retention
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
  });

  it('retries async invocations twice and sends failures to the dead-letter queue', () => {
    // THEN the event invoke config points at the DLQ
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FnDeadLetterQueue'), 'Arn'] } },
      },
    });
  });

  it('encrypts the dead-letter queue, keeps messages 14 days and requires TLS', () => {
    // THEN the queue is SSE-SQS encrypted with maximum retention
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 1209600,
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('runs daily at 00:15 UTC with retries and the dead-letter queue on the target', () => {
    // THEN the rule targets the function
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(15 0 * * ? *)',
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FnFunction'), 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 7200 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FnDeadLetterQueue'), 'Arn'] } },
        }),
      ],
    });
  });

  it('uses its own role with no managed policy', () => {
    // THEN the role has no AWSLambdaBasicExecutionRole
    const roles = template.findResources('AWS::IAM::Role', {
      Properties: { AssumeRolePolicyDocument: Match.objectLike({}) },
    });
    for (const role of Object.values(roles)) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it('grants Athena actions on its workgroup only', () => {
    // THEN the statement lists the query actions on one ARN (Stop: a hedge's loser is cancelled)
    const athena = sid(statements, 'RunQueriesInOwnWorkGroup');
    // Sorted: cdk.json's @aws-cdk/aws-iam:minimizePolicies orders them.
    expect(actionsOf(athena)).toEqual([
      'athena:BatchGetQueryExecution',
      'athena:GetQueryExecution',
      'athena:GetWorkGroup',
      'athena:ListQueryExecutions',
      'athena:StartQueryExecution',
      'athena:StopQueryExecution',
    ]);
    expect(JSON.stringify(athena.Resource)).toMatch(/:athena:.*:workgroup\/partitioner"/);
  });

  it("reads its workgroup's query history and stops hedged stragglers on the workgroup only", () => {
    // THEN ListQueryExecutions and StopQueryExecution (resource type: workgroup) sit in the
    // statement scoped to the stack's workgroup
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'RunQueriesInOwnWorkGroup',
            Effect: 'Allow',
            Action: Match.arrayWith(['athena:ListQueryExecutions', 'athena:StopQueryExecution']),
            Resource: Match.objectLike({
              'Fn::Join': Match.arrayWith([
                Match.arrayWith([Match.stringLikeRegexp(':workgroup/partitioner$')]),
              ]),
            }),
          }),
        ]),
      },
    });
  });

  it('grants Glue partition actions on the catalog, database and table only', () => {
    // THEN three ARNs, nothing else
    const glue = sid(statements, 'AddPartitionsToTable');
    // Sorted: cdk.json's @aws-cdk/aws-iam:minimizePolicies orders them.
    expect(actionsOf(glue)).toEqual([
      'glue:BatchCreatePartition',
      'glue:BatchGetPartition',
      'glue:CreatePartition',
      'glue:GetDatabase',
      'glue:GetPartition',
      'glue:GetPartitionIndexes',
      'glue:GetPartitions',
      'glue:GetTable',
    ]);
    const arns = resourcesOf(glue).map((r) => JSON.stringify(r));
    expect(arns).toHaveLength(3);
    expect(arns[0]).toMatch(/:catalog"/);
    expect(arns[1]).toMatch(/:database\/cloudtrail"/);
    expect(arns[2]).toMatch(/:table\/cloudtrail\/cloudtrail_logs"/);
  });

  it('lists the trail bucket only under AWSLogs/', () => {
    // THEN s3:ListBucket carries an s3:prefix condition
    const list = sid(statements, 'ListTrailLogKeys');
    expect(list.Action).toBe('s3:ListBucket');
    expect(JSON.stringify(list.Resource)).toContain(':s3:::example-trail-bucket"');
    expect(list.Condition).toEqual({ StringLike: { 's3:prefix': ['AWSLogs/', 'AWSLogs/*'] } });
    expect(sid(statements, 'LocateTrailBucket').Action).toBe('s3:GetBucketLocation');
  });

  it('narrows the listing to the prefix and organization', () => {
    // GIVEN a prefix and an organization trail
    const built = build({}, { trailPrefix: 'org/trail', orgId: 'o-abcdefghij' });
    // THEN the condition names both
    const list = sid(statementsOfRole(built.template, 'FnRole'), 'ListTrailLogKeys');
    expect(list.Condition).toEqual({
      StringLike: { 's3:prefix': ['org/trail/AWSLogs/o-abcdefghij/', 'org/trail/AWSLogs/o-abcdefghij/*'] },
    });
  });

  it('never reads trail objects', () => {
    // THEN no s3:GetObject and no kms:Decrypt touches the trail bucket
    const trailStatements = statements.filter((s) =>
      JSON.stringify(s.Resource).includes('example-trail-bucket'),
    );
    expect(trailStatements.flatMap(actionsOf).sort()).toEqual([
      's3:GetBucketLocation',
      's3:GetLifecycleConfiguration',
      's3:ListBucket',
    ]);
    expect(statements.flatMap(actionsOf)).not.toContain('kms:Decrypt');
  });

  it('writes query results only under the workgroup output prefix', () => {
    // THEN object actions are on BUCKET/results/*
    const write = sid(statements, 'WriteQueryResults');
    // Sorted: cdk.json's @aws-cdk/aws-iam:minimizePolicies orders them.
    expect(actionsOf(write)).toEqual([
      's3:AbortMultipartUpload',
      's3:GetObject',
      's3:ListMultipartUploadParts',
      's3:PutObject',
    ]);
    expect(JSON.stringify(write.Resource)).toMatch(/ResultsBucket.*"\/results\/\*"/);
    expect(actionsOf(sid(statements, 'UseResultsBucket'))).toEqual([
      's3:GetBucketLocation',
      's3:ListBucket',
      's3:ListBucketMultipartUploads',
    ]);
  });

  it('lets Athena look up and create the default database, as it does before any DDL', () => {
    // THEN GetDatabase and CreateDatabase are granted on the catalog and database/default, nothing wider
    const defaults = sid(statements, 'AthenaDefaultDatabase');
    expect([...actionsOf(defaults)].sort()).toEqual(['glue:CreateDatabase', 'glue:GetDatabase']);
    const arns = resourcesOf(defaults).map((r) => JSON.stringify(r));
    expect(arns).toHaveLength(2);
    expect(arns[0]).toMatch(/:glue:.*:catalog"/);
    expect(arns[1]).toMatch(/:glue:.*:database\/default"/);
    // AND CreateDatabase reaches no other database
    const creators = statements.filter((s) => actionsOf(s).includes('glue:CreateDatabase'));
    expect(creators.flatMap(resourcesOf).map((r) => JSON.stringify(r))).toEqual(arns);
  });
});

describe('PartitionFunction environment size', () => {
  const accounts = (n: number) => Array.from({ length: n }, (_, i) => String(100000000000 + i));

  it('fails the synth past 4 KB, naming accounts and what to do instead', () => {
    // GIVEN 300 fixed accounts, which would make CreateFunction fail at deploy time
    // WHEN the function is built THEN the synth fails and says to leave accounts unset
    expect(() => build({ accounts: accounts(300) })).toThrow(
      /invalid accounts: 300 accounts make the function's environment \d+ bytes, over Lambda's 4096-byte limit.*leave accounts unset/,
    );
  });

  it('accepts as many accounts as fit, and the message counts what would', () => {
    // GIVEN 250 accounts THEN the function builds
    expect(() => build({ accounts: accounts(250) })).not.toThrow();
    // AND the error for too many suggests a number that really fits
    let suggested = 0;
    try {
      build({ accounts: accounts(400) });
    } catch (error) {
      suggested = Number(/at most about (\d+)/.exec((error as Error).message)?.[1]);
    }
    expect(suggested).toBeGreaterThan(250);
    expect(() => build({ accounts: accounts(suggested) })).not.toThrow();
    expect(() => build({ accounts: accounts(suggested + 1) })).toThrow(/invalid accounts/);
  });
});
