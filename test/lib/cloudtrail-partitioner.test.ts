import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import { CloudTrailPartitioner } from '../../lib/cloudtrail-partitioner';
import {
  actionsOf,
  buildStack,
  iamStatements,
  newStack,
  resourcesOf,
  TRAIL_BUCKET,
  unacknowledgedNagFindings,
} from './fixtures';

/** Actions AWS offers no resource-level permissions for; Step Functions logging and tracing need them. */
const SERVICE_LEVEL_ONLY = new Set([
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
  // The first run's heartbeat datapoint; scoped by the cloudwatch:namespace condition (test/lib/first-run.test.ts).
  'cloudwatch:PutMetricData',
]);

describe('CloudTrailPartitioner', () => {
  // One fully featured stack, shared: synthesis is the slow part.
  const { stack, template } = buildStack({
    trailPrefix: 'org',
    orgId: 'o-abcdefghij',
    alarmEmail: 'ops@example.com',
    initialBackfillFrom: '2024-01-01',
  });
  const partitioner = stack.partitioner;

  it('composes table, workgroup, function, schedule, state machine and alarms', () => {
    // THEN one of each
    for (const [type, count] of [
      ['AWS::Glue::Database', 1],
      ['AWS::Glue::Table', 1],
      ['AWS::Athena::WorkGroup', 1],
      ['AWS::Events::Rule', 1],
      ['AWS::StepFunctions::StateMachine', 1],
      ['AWS::SNS::Topic', 1],
      ['AWS::SQS::Queue', 1],
      ['AWS::CloudWatch::Alarm', 10],
    ] as const) {
      template.resourceCountIs(type, count);
    }
  });

  it('exposes the names and resources callers need', () => {
    // THEN the public properties are set
    expect(partitioner.databaseName).toBe('cloudtrail');
    expect(partitioner.tableName).toBe('cloudtrail_logs');
    expect(partitioner.workGroupName).toMatch(/^[A-Za-z0-9._-]+$/);
    expect(partitioner.alarms).toHaveLength(10);
    expect(partitioner.function).toBeDefined();
    expect(partitioner.resultsBucket).toBeDefined();
    expect(partitioner.stateMachine).toBeDefined();
    expect(partitioner.alarmTopic).toBeDefined();
    expect(partitioner.serviceName.length).toBeLessThanOrEqual(64);
  });

  it('uses the same service name for the function and its alarms', () => {
    // THEN the function's POWERTOOLS_SERVICE_NAME is the alarm dimension value
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: partitioner.serviceName }) },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ScheduledRunSucceeded',
      Dimensions: [{ Name: 'service', Value: partitioner.serviceName }],
    });
  });

  it('with reserveConcurrency, reserves one more concurrent execution than backfill chunks, for the scheduled run', () => {
    const { template: reserved } = buildStack({ reserveConcurrency: true }, 'Reserved');
    reserved.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 4 });
  });

  it('synthesizes with a long prefix: the function description is cut to the 256 characters Lambda allows', () => {
    // GIVEN a 180-character prefix
    const { template: long } = buildStack({ trailPrefix: 'p'.repeat(180) }, 'LongPrefix');
    // THEN the function exists and its description fits
    const functions = Object.values(long.findResources('AWS::Lambda::Function')) as {
      Properties: { Description?: string };
    }[];
    expect(functions.every((fn) => (fn.Properties.Description ?? '').length <= 256)).toBe(true);
  });

  it('reserves nothing by default, so accounts still at the 10-execution quota can deploy', () => {
    // GIVEN the default props
    const { template: unreserved } = buildStack({}, 'Unreserved');
    // THEN the partition function has no reserved concurrency
    const fn = unreserved.findResources('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: { TRAIL_BUCKET: TRAIL_BUCKET } } },
    });
    expect(Object.values(fn)).toHaveLength(1);
    expect(Object.values(fn)[0].Properties.ReservedConcurrentExecutions).toBeUndefined();
  });

  it('grants no wildcard action in any IAM policy', () => {
    // THEN no action contains '*'
    const actions = iamStatements(template).flatMap(actionsOf);
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.filter((action) => action.includes('*'))).toEqual([]);
  });

  it('scopes every resource, except for actions that have no resource-level permissions', () => {
    // THEN Resource "*" appears only with X-Ray and log-delivery actions
    for (const statement of iamStatements(template)) {
      if (resourcesOf(statement).includes('*')) {
        expect(actionsOf(statement).filter((action) => !SERVICE_LEVEL_ONLY.has(action))).toEqual([]);
      }
    }
  });

  it('limits trail listing to the organization trail folder', () => {
    // THEN the s3:prefix condition is the AWSLogs/ORGID root under the prefix
    const list = iamStatements(template).find((s) => s.Sid === 'ListTrailLogKeys');
    expect(list?.Condition).toEqual({
      StringLike: { 's3:prefix': ['org/AWSLogs/o-abcdefghij/', 'org/AWSLogs/o-abcdefghij/*'] },
    });
  });

  it('starts the initial backfill once, on create, with a policy scoped to the state machine', () => {
    // THEN one custom resource asks the deploy handler to start it with {from} (create only: the handler's rule)
    const resources = Object.values(template.findResources('Custom::InitialBackfill'));
    expect(resources).toHaveLength(1);
    expect(resources[0].Properties).toMatchObject({
      Kind: 'InitialBackfill',
      StateMachineArn: { Ref: expect.stringMatching(/^PartitionerBackfillStateMachine/) },
      Input: '{"from":"2024-01-01"}',
    });
    // (the function's own hand-off statement names the state machine by its ARN, built from its name)
    const start = iamStatements(template).filter(
      (s) => actionsOf(s).includes('states:StartExecution') && s.Sid !== 'HandOffToBackfill',
    );
    expect(start).toHaveLength(1);
    expect(start[0].Resource).toEqual({ Ref: expect.stringMatching(/^PartitionerBackfillStateMachine/) });
    // AND it waits for the workgroup, the table and the state machine to exist
    const dependsOn = (resources[0] as { DependsOn?: string[] }).DependsOn ?? [];
    for (const prefix of [
      'PartitionerResultsWorkGroup',
      'PartitionerTable',
      'PartitionerBackfillStateMachine',
    ]) {
      expect(dependsOn.some((id) => id.startsWith(prefix))).toBe(true);
    }
  });

  it('gives the custom resource handlers their own role and log group, no managed policy', () => {
    // THEN no role in the stack carries a managed policy
    for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  it('leaves no cdk-nag finding unacknowledged', () => {
    // WHEN the AWS Solutions pack checks the stack
    // THEN every finding is fixed or acknowledged with a reason
    expect(unacknowledgedNagFindings(stack)).toEqual([]);
  });

  it('creates no backfill custom resource without initialBackfillFrom', () => {
    // GIVEN the defaults
    const built = buildStack({}, 'Plain');
    // THEN there is nothing to start: the custom resources are the partition index, the first run and its heartbeat
    built.template.resourceCountIs('Custom::InitialBackfill', 0);
    built.template.resourceCountIs('Custom::PartitionIndex', 1);
    built.template.resourceCountIs('Custom::FirstRun', 1);
    expect(built.stack.partitioner.initialBackfill).toBeUndefined();
    expect(unacknowledgedNagFindings(built.stack)).toEqual([]);
  });

  it('starts a daysBack backfill and creates no table for an existing one', () => {
    // GIVEN a number of days and createTable false
    const built = buildStack({ initialBackfillFrom: 30, createTable: false }, 'Existing');
    // THEN the input is {daysBack} and no Glue resource is created
    const resources = Object.values(built.template.findResources('Custom::InitialBackfill'));
    expect(resources[0].Properties.Input).toBe('{"daysBack":30}');
    built.template.resourceCountIs('AWS::Glue::Table', 0);
    built.template.resourceCountIs('AWS::Glue::Database', 0);
  });

  it('follows a custom schedule and sizes the heartbeat from it', () => {
    // GIVEN a six-hourly rate
    const built = buildStack({ schedule: events.Schedule.rate(Duration.hours(6)) }, 'Rate');
    // THEN the rule and the heartbeat agree
    built.template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(6 hours)' });
    built.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ScheduledRunSucceeded',
      EvaluationPeriods: 8,
    });
  });

  it('validates props before creating anything', () => {
    // GIVEN a bad table name
    // WHEN constructed
    // THEN it throws with the validator's message
    expect(
      () =>
        new CloudTrailPartitioner(newStack(), 'P', { trailBucketName: TRAIL_BUCKET, tableName: 'x; drop' }),
    ).toThrow(/invalid table name "x; drop": expected 1 to 255 lowercase letters, digits or underscores/);
  });
});
