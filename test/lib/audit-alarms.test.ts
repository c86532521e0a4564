import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { METRIC, METRICS_NAMESPACE, SERVICE_DIMENSION } from '../../lambda/core/shared/contract';
import { PartitionerAlarms } from '../../lib/partitioner-alarms';
import { buildStack, newStack } from './fixtures';

function build(withLogGroup: boolean) {
  const stack = newStack();
  new PartitionerAlarms(stack, 'Alarms', {
    function: lambda.Function.fromFunctionName(stack, 'Fn', 'partitioner'),
    deadLetterQueue: sqs.Queue.fromQueueArn(stack, 'Dlq', 'arn:aws:sqs:us-east-1:111111111111:dlq'),
    stateMachine: sfn.StateMachine.fromStateMachineName(stack, 'Sm', 'backfill'),
    serviceName: 'svc',
    heartbeatWindowHours: 26,
    ...(withLogGroup
      ? { logGroup: logs.LogGroup.fromLogGroupName(stack, 'Logs', '/aws/lambda/partitioner') }
      : {}),
  });
  return Template.fromStack(stack);
}

const topicActions = {
  AlarmActions: [{ Ref: Match.stringLikeRegexp('^AlarmsTopic') }],
  OKActions: [{ Ref: Match.stringLikeRegexp('^AlarmsTopic') }],
};

describe('audit and silent-trail alarms', () => {
  const template = build(true);

  it.each([
    ['PartitionsStillMissing', METRIC.partitionsStillMissing],
    ['SilentTrails', METRIC.silentTrails],
  ])('alarms on %s >= 1 on the service dimension, missing data not breaching', (name, metricName) => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: `svc-${name}`,
      Namespace: METRICS_NAMESPACE,
      MetricName: metricName,
      Dimensions: [{ Name: SERVICE_DIMENSION, Value: 'svc' }],
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      ...topicActions,
    });
  });

  it('saves a Logs Insights query that lists the silent account-regions, and the alarm names it', () => {
    // THEN a query definition on the function's log group, filtering the handler's log line
    template.hasResourceProperties('AWS::Logs::QueryDefinition', {
      Name: 'svc/SilentTrails',
      LogGroupNames: ['/aws/lambda/partitioner'],
      QueryString: Match.stringLikeRegexp("filter message = 'silent trail'"),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'svc-SilentTrails',
      AlarmDescription: Match.stringLikeRegexp(
        'saved query svc/SilentTrails: @timestamp, account, region, lastDelivery',
      ),
    });
  });

  it('still says how to list them without a log group', () => {
    const bare = build(false);
    bare.resourceCountIs('AWS::Logs::QueryDefinition', 0);
    bare.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'svc-SilentTrails',
      AlarmDescription: Match.stringLikeRegexp(
        "this query on the function log group.*message = 'silent trail'",
      ),
    });
  });

  it('is deployed by the stack with the dashboard, and the function gets the audit settings', () => {
    const { template: stack } = buildStack({ auditWindowDays: 14, silentAfterDays: 2 });
    stack.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    stack.resourceCountIs('AWS::Logs::QueryDefinition', 1);
    stack.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ AUDIT_WINDOW_DAYS: '14', SILENT_AFTER_DAYS: '2' }) },
    });
  });
});
