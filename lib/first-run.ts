import { CustomResource, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, type IDependable } from 'constructs';
import { FIRST_RUN } from '../lambda/core/run/first-run';
import { METRIC, METRICS_NAMESPACE, SERVICE_DIMENSION } from '../lambda/core/shared/contract';
import type { DeployResources } from './deploy-resources';

export interface FirstRunProps {
  /** The partitioner function: CloudFormation invokes it with the request, and it runs the schedule's own run. */
  readonly function: lambda.IFunction;
  /** Rule ARN put in the event's `resources`, as EventBridge does. */
  readonly ruleArn: string;
  /** What must exist before the run: the table, the workgroup, any Lake Formation grants. */
  readonly after: readonly IDependable[];
  /** Powertools service name: the `service` dimension of the heartbeat metric. */
  readonly serviceName: string;
  /** The deploy-time resources' role and log group, which the heartbeat datapoint is published with. */
  readonly provider: DeployResources;
}

/**
 * Runs the schedule's own run once, when the stack is created, and records its outcome.
 *
 * Why: the heartbeat alarm treats missing data as breaching, so a stack whose first scheduled run
 * is hours away would start in ALARM and page whoever set `alarmEmail` straight after the deploy.
 *
 * How: a custom resource whose handler is the partitioner function itself. CloudFormation invokes
 * it with the request; the function runs the scheduled run under its own deadline
 * ({@link FIRST_RUN}.deadlineSeconds, 540 s) and answers CloudFormation with the outcome, never
 * failing the deploy for a failed run: `succeeded` or `failed: <reason>`, the `FirstRunOutcome`
 * stack output (and the dashboard's first-run widget reads the same outcome from the log).
 *
 * Then the heartbeat datapoint is published synchronously (CloudWatch PutMetricData, same
 * namespace, metric and `service` dimension as the function's EMF metric: 1 after a successful
 * run, 0 after a failed one), and the heartbeat alarm is created after that (it depends on this
 * construct). PutMetricData answers once CloudWatch has accepted the datapoint, where the EMF
 * metric is extracted from the log asynchronously: so the alarm's first evaluation sees the
 * run's real outcome, OK after a success. Updates and deletes do nothing; an upgrade from a
 * version without this resource creates it, so the upgrade runs once too.
 */
export class FirstRun extends Construct {
  /** The payload: an EventBridge "Scheduled Event", which counts as the heartbeat. */
  public static eventFor(ruleArn: string, account: string, region: string): Record<string, unknown> {
    return {
      version: '0',
      id: FIRST_RUN.eventId,
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account,
      region,
      resources: [ruleArn],
      // The run's own budget, well inside the 900 s the function may take (lambda/core/run/first-run.ts).
      detail: { deadlineSeconds: FIRST_RUN.deadlineSeconds },
    };
  }

  /** The custom resource the function answers. */
  public readonly run: CustomResource;
  /** `succeeded`, or `failed: <reason>`. */
  public readonly outcome: string;
  /** PutMetricData of the run's heartbeat datapoint, after the run. */
  public readonly heartbeat: cr.AwsCustomResource;
  /** The datapoint as published: what the heartbeat alarm must watch (a test compares them). */
  public readonly heartbeatMetric: {
    namespace: string;
    metricName: string;
    dimensions: Record<string, string>;
  };

  constructor(scope: Construct, id: string, props: FirstRunProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.run = new CustomResource(this, 'Run', {
      serviceToken: props.function.functionArn,
      resourceType: 'Custom::FirstRun',
      properties: {
        Kind: FIRST_RUN.resourceKind,
        // One JSON string: CloudFormation would pass the deadline's number as a string otherwise.
        Event: stack.toJsonString(FirstRun.eventFor(props.ruleArn, stack.account, stack.region)),
      },
      // The run answers within about 540 s; should it die without answering, the create fails after 20 minutes.
      serviceTimeout: Duration.minutes(20),
    });
    this.run.node.addDependency(...props.after);
    this.outcome = this.run.getAttString(FIRST_RUN.outcomeAttribute);

    this.heartbeatMetric = {
      namespace: METRICS_NAMESPACE,
      metricName: METRIC.scheduledRunSucceeded,
      dimensions: { [SERVICE_DIMENSION]: props.serviceName },
    };
    const publish = new iam.PolicyStatement({
      actions: ['cloudwatch:PutMetricData'],
      // PutMetricData has no resource-level permissions; the namespace condition scopes it.
      resources: ['*'],
      conditions: { StringEquals: { 'cloudwatch:namespace': METRICS_NAMESPACE } },
    });
    // Also in the role's default policy, which exists from the start of the deploy: by the time the
    // run has ended, IAM has long propagated it.
    props.provider.role.addToPrincipalPolicy(publish);
    this.heartbeat = new cr.AwsCustomResource(this, 'Heartbeat', {
      installLatestAwsSdk: false,
      role: props.provider.role,
      logGroup: props.provider.logGroup,
      onCreate: {
        service: 'CloudWatch',
        action: 'PutMetricData',
        parameters: {
          Namespace: this.heartbeatMetric.namespace,
          MetricData: [
            {
              MetricName: this.heartbeatMetric.metricName,
              Dimensions: Object.entries(this.heartbeatMetric.dimensions).map(([Name, Value]) => ({
                Name,
                Value,
              })),
              // 1 after a successful run, 0 after a failed one. A GetAtt is a string: AwsCustomResource's
              // handler coerces it to the double the API expects (aws-cdk PR 27112, every numeric member).
              Value: this.run.getAttString(FIRST_RUN.heartbeatAttribute),
              Unit: 'Count',
            },
          ],
        },
        physicalResourceId: cr.PhysicalResourceId.of('first-run-heartbeat'),
        // Still refused despite the policy above: the EMF datapoint lands a little later instead.
        ignoreErrorCodesMatching: 'AccessDenied.*',
      },
      policy: cr.AwsCustomResourcePolicy.fromStatements([publish]),
    });
    for (const scope of [props.provider.role, this.heartbeat])
      Validations.of(scope).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'cloudwatch:PutMetricData supports no resource-level permissions (Service Authorization Reference); the statement is limited to the CloudTrailPartitioner namespace by the cloudwatch:namespace condition.',
      });
  }
}
