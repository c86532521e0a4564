import { CustomResource, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DEPLOY_ACCESS_RETRY } from '../lambda/core/shared/access-retry';
import { functionCode } from './function-code';

export interface DeployResourcesProps {
  /** @default logs.RetentionDays.THREE_MONTHS */
  readonly logRetention?: logs.RetentionDays;
}

/** One custom resource and the policy that is its own. */
export interface DeployResource {
  readonly resource: CustomResource;
  readonly policy: iam.Policy;
}

/**
 * The handler of the stack's deploy-time custom resources (lambda/deploy-resources.ts): the
 * partition index and the initial backfill's start. CloudFormation invokes it directly (no
 * provider framework in between) and it answers at the request's ResponseURL.
 *
 * Why not AwsCustomResource: it makes one SDK call and fails on the first AccessDenied, and a
 * policy attached moments before is often refused for a while (IAM is eventually consistent;
 * aws-cdk issues 37675, 31429, 23340). This handler retries a denied call for
 * {@link DEPLOY_ACCESS_RETRY} (150 s, doubling pauses from 2 s), and each resource depends on a
 * policy of its own, so CloudFormation creates the policy first and deletes it last.
 */
export class DeployResources extends Construct {
  /** The seconds a denied call is retried, as the handler does it. */
  public static readonly ACCESS_RETRY_SECONDS = DEPLOY_ACCESS_RETRY.limitMs / 1000;

  public readonly function: lambda.Function;
  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: DeployResourcesProps = {}) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      // Kept after a delete, not after a failed create: nothing of a rolled-back attempt stays.
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'CloudTrail partitioner deploy-time resources: the partition index, the initial backfill',
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      description: 'CloudTrail partitioner: deploy-time custom resources, retried while IAM propagates',
      ...functionCode(undefined, 'deployResources'),
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      // The longest answer: 150 s of access retries plus 600 s waiting for a busy index, inside 900 s.
      timeout: Duration.minutes(15),
      role: this.role,
      logGroup: this.logGroup,
      // CloudFormation's request is answered once; an async retry would answer a second time.
      retryAttempts: 0,
      bundling: {
        forceDockerBundling: false,
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        externalModules: [],
        logLevel: nodejs.LogLevel.WARNING,
      },
    });
  }

  /**
   * A custom resource of `kind` with its own policy: attached to the handler's role, created before
   * the resource and deleted after it (an explicit DependsOn), so neither a create nor a delete
   * runs without its permissions.
   */
  public add(
    scope: Construct,
    id: string,
    kind: string,
    properties: Record<string, unknown>,
    statements: iam.PolicyStatement[],
  ): DeployResource {
    const policy = new iam.Policy(scope, `${id}Policy`, { statements, roles: [this.role] });
    const resource = new CustomResource(scope, id, {
      serviceToken: this.function.functionArn,
      resourceType: `Custom::${kind}`,
      properties: { Kind: kind, ...properties },
      // Should the handler die without answering, CloudFormation gives up after 20 minutes, not an hour.
      serviceTimeout: Duration.minutes(20),
    });
    resource.node.addDependency(policy);
    return { resource, policy };
  }
}
