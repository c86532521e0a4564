import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, type IDependable } from 'constructs';
import { FIRST_RUN } from '../lambda/core/run/first-run';

export interface FirstRunProps {
  /** The partitioner function; it gets the schedule's own event, once. */
  readonly function: lambda.IFunction;
  /** Rule ARN put in the event's `resources`, as EventBridge does. */
  readonly ruleArn: string;
  /** What must exist before the run: the table, the workgroup, any Lake Formation grants. */
  readonly after: readonly IDependable[];
  /**
   * Role of the stack's custom-resource provider. The provider is one function per stack, so
   * a stack that already has one (the initial backfill's) passes its role here.
   * @default - a role of its own
   */
  readonly role?: iam.IRole;
  /** Log group of that provider. @default - one of its own */
  readonly logGroup?: logs.ILogGroup;
  /** @default logs.RetentionDays.THREE_MONTHS */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * Runs the schedule's own run once, when the stack is created, and waits for it to end.
 *
 * Why: the heartbeat alarm treats missing data as breaching, so a stack whose first scheduled
 * run is hours away would start in ALARM and page whoever set `alarmEmail` straight after the
 * deploy. Create the heartbeat alarm after this resource, and it starts from a real outcome:
 * OK when the function can do its job, ALARM (with FunctionErrors beside it) when it cannot.
 *
 * Why synchronous: an asynchronous invoke would return before the run published its metric,
 * and the alarm, created a moment later, would see nothing. The event carries the run's own
 * deadline ({@link FIRST_RUN}.deadlineSeconds, 540 s): with the function's 60 s hold for its
 * metrics, it answers by about 600 s, 300 s inside the provider's 900 s. A failed run does not
 * fail the deploy: the invoke succeeds, the function logs the outcome (the dashboard shows it)
 * and the alarms report it. A refused invoke fails the create, which a retry repeats cleanly.
 * Updates and deletes do nothing; an upgrade from a version without this resource creates it,
 * so the upgrade runs once too.
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
      // The run's own budget, well inside the provider's 900 s (lambda/core/run/first-run.ts).
      detail: { deadlineSeconds: FIRST_RUN.deadlineSeconds },
    };
  }

  public readonly invocation: cr.AwsCustomResource;

  constructor(scope: Construct, id: string, props: FirstRunProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const logGroup =
      props.logGroup ??
      new logs.LogGroup(this, 'Logs', {
        retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
        removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
      });
    let role = props.role;
    if (!role) {
      const own = new iam.Role(this, 'Role', {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: 'Runs the CloudTrail partitioner once, on stack creation',
      });
      own.addToPolicy(
        new iam.PolicyStatement({
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [logGroup.logGroupArn],
        }),
      );
      role = own;
    }
    this.invocation = new cr.AwsCustomResource(this, 'Invoke', {
      installLatestAwsSdk: false,
      role,
      logGroup,
      timeout: Duration.minutes(15),
      // Should the provider itself die, CloudFormation gives up after 20 minutes, not an hour.
      serviceTimeout: Duration.minutes(20),
      onCreate: {
        service: 'Lambda',
        action: 'Invoke',
        parameters: {
          FunctionName: props.function.functionArn,
          InvocationType: 'RequestResponse',
          Payload: JSON.stringify(FirstRun.eventFor(props.ruleArn, stack.account, stack.region)),
        },
        // The report can exceed a custom resource's 4 KB of response data: keep the status only.
        outputPaths: ['StatusCode'],
        physicalResourceId: cr.PhysicalResourceId.of('first-run'),
        // A refused invoke is not ignored: it fails the create with the reason in the stack
        // events, and the retry starts clean (everything retained is RetainExceptOnCreate).
      },
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({
          actions: ['lambda:InvokeFunction'],
          resources: [props.function.functionArn],
        }),
      ]),
    });
    // The invoke permission also goes on the provider role's default policy, which exists from the
    // start of the deploy: by the time the run is invoked, IAM has had the whole deploy to propagate it.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [props.function.functionArn],
      }),
    );
    this.invocation.node.addDependency(...props.after);
    // The provider is the stack's singleton: another custom resource may have created it first,
    // with the 2-minute default. The wait above needs the full 15 minutes whoever created it.
    const provider = stack.node.tryFindChild(
      `AWS${cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`,
    );
    if (provider instanceof lambda.Function) {
      (provider.node.defaultChild as lambda.CfnFunction).timeout = Duration.minutes(15).toSeconds();
    }
  }
}
