import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { METRIC, METRICS_NAMESPACE, SERVICE_DIMENSION } from '../../lambda/core/shared/contract';
import { PartitionerAlarms, type PartitionerAlarmsProps } from '../../lib/partitioner-alarms';
import { newStack } from './fixtures';

function build(props: Partial<PartitionerAlarmsProps> = {}) {
  const stack = newStack();
  const alarms = new PartitionerAlarms(stack, 'Alarms', {
    function: lambda.Function.fromFunctionName(stack, 'Fn', 'partitioner'),
    deadLetterQueue: sqs.Queue.fromQueueArn(
      stack,
      'Dlq',
      'arn:aws:sqs:us-east-1:111111111111:partitioner-dlq',
    ),
    stateMachine: sfn.StateMachine.fromStateMachineName(stack, 'Sm', 'backfill'),
    serviceName: 'svc',
    heartbeatWindowHours: 26,
    ...props,
  });
  return { alarms, template: Template.fromStack(stack) };
}

const topicActions = {
  AlarmActions: [{ Ref: Match.stringLikeRegexp('^AlarmsTopic') }],
  OKActions: [{ Ref: Match.stringLikeRegexp('^AlarmsTopic') }],
};

describe('PartitionerAlarms', () => {
  const { alarms, template } = build({ alarmEmail: 'ops@example.com' });

  it('encrypts the topic with a rotating customer managed key and requires TLS', () => {
    // THEN the topic uses the stack's key, and its policy denies plain HTTP
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AlarmsTopicKey'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true, PendingWindowInDays: 7 });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Sid: 'CloudWatchAlarmsPublish',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }),
          }),
        ]),
      },
    });
  });

  it('lets CloudWatch use the key only for its own alarms', () => {
    // THEN the key policy grants CloudWatch Decrypt/GenerateDataKey* with source conditions
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              ArnLike: {
                'aws:SourceArn': Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([':alarm:svc-*'])] }),
              },
            },
          }),
        ]),
      },
    });
  });

  it('subscribes the alarm e-mail', () => {
    // THEN one e-mail subscription
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
  });

  it('alarms on any function error', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'svc-FunctionErrors',
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: Match.anyValue() }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      ...topicActions,
    });
  });

  it('alarms on any failed statement, on the service dimension', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'svc-StatementsFailed',
      Namespace: METRICS_NAMESPACE,
      MetricName: METRIC.statementsFailed,
      Dimensions: [{ Name: SERVICE_DIMENSION, Value: 'svc' }],
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      ...topicActions,
    });
  });

  it('fires the heartbeat when no scheduled run succeeded in 26 hourly periods, missing data breaching', () => {
    // THEN 26 x 1 h = 93600 s, within CloudWatch's 7-day evaluation range, on the metric only
    // scheduled runs emit (a backfill's RunSucceeded must not keep it quiet)
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'svc-Heartbeat',
      Namespace: METRICS_NAMESPACE,
      MetricName: METRIC.scheduledRunSucceeded,
      Dimensions: [{ Name: SERVICE_DIMENSION, Value: 'svc' }],
      Statistic: 'Sum',
      Period: 3600,
      EvaluationPeriods: 26,
      DatapointsToAlarm: 26,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      ...topicActions,
    });
  });

  it('keeps every alarm within CloudWatch limits on Period x EvaluationPeriods', () => {
    // THEN no alarm looks back more than 7 days, nor more than 1 day with sub-hour periods
    for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
      const { Period, EvaluationPeriods } = alarm.Properties as { Period: number; EvaluationPeriods: number };
      expect(Period * EvaluationPeriods).toBeLessThanOrEqual(Period < 3600 ? 86400 : 604800);
    }
  });

  it('alarms on a visible message in the dead-letter queue', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'svc-DeadLetters',
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: 'partitioner-dlq' }],
      Statistic: 'Maximum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      ...topicActions,
    });
  });

  it.each([
    ['BackfillFailed', 'ExecutionsFailed'],
    ['BackfillTimedOut', 'ExecutionsTimedOut'],
    ['BackfillAborted', 'ExecutionsAborted'],
  ])('alarms on %s (%s >= 1)', (name, metricName) => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: `svc-${name}`,
      Namespace: 'AWS/States',
      MetricName: metricName,
      Dimensions: [{ Name: 'StateMachineArn', Value: Match.anyValue() }],
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      ...topicActions,
    });
  });

  it('exposes every alarm', () => {
    // THEN the list and the template agree
    expect(alarms.alarms).toHaveLength(10);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 10);
  });

  it('watches only metric names the Lambda contract defines', () => {
    // THEN every custom-namespace alarm metric is a member of METRIC
    const custom = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter(
      (alarm) => alarm.Properties.Namespace === METRICS_NAMESPACE,
    );
    expect(custom.length).toBeGreaterThan(0);
    for (const alarm of custom) expect(Object.values(METRIC)).toContain(alarm.Properties.MetricName);
  });

  it('creates no subscription without an e-mail', () => {
    build().template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('sizes the heartbeat from the window', () => {
    // GIVEN a six-hour schedule plus slack
    build({ heartbeatWindowHours: 8 }).template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'svc-Heartbeat',
      EvaluationPeriods: 8,
      DatapointsToAlarm: 8,
    });
  });

  it.each([0, 169, 2.5])('rejects a heartbeat window of %s hours', (hours) => {
    expect(() => build({ heartbeatWindowHours: hours })).toThrow(/invalid heartbeatWindowHours/);
  });
});
