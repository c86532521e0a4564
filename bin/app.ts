#!/usr/bin/env node
/**
 * CDK app: one CloudTrailPartitionerStack configured from context, checked by cdk-nag.
 *
 *   npx cdk synth -c trailBucket=my-trail-bucket [-c trailPrefix=org -c orgId=o-abc1234567
 *     -c accounts=111111111111,222222222222 -c regions=us-east-1,eu-west-1 -c alarmEmail=ops@example.com
 *     -c schedule='cron(15 0 * * ? *)' -c initialBackfillFrom=2024-01-01 -c stackName=CloudTrailPartitioner]
 *
 * See lib/context.ts for every key.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CloudTrailPartitionerStack } from '../lib/cloudtrail-partitioner-stack';
import { parseAppContext } from '../lib/context';

export interface CreatedApp {
  readonly app: App;
  readonly stack: CloudTrailPartitionerStack;
}

/**
 * Builds the app. cdk-nag's AWS Solutions pack runs as a validation plugin during synthesis,
 * so `cdk synth` fails on any finding that is not acknowledged with a reason.
 */
export function createApp(app: App = new App(), env: NodeJS.ProcessEnv = process.env): CreatedApp {
  const config = parseAppContext(
    (key) => app.node.tryGetContext(key),
    Object.keys(app.node.getAllContext() as object),
  );
  const stack = new CloudTrailPartitionerStack(app, config.stackName, {
    ...config.props,
    stackName: config.stackName,
    description: 'Registers CloudTrail log partitions in Athena daily and backfills any range',
    env: { account: env.CDK_DEFAULT_ACCOUNT, region: env.CDK_DEFAULT_REGION },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

if (require.main === module) {
  try {
    createApp();
  } catch (error) {
    console.error(`cloudtrail-partitioner: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}
