/**
 * A real-account check: deploys the stack next to a throwaway trail bucket holding one
 * CloudTrail-shaped object, runs a dry run and a one-day run, asserts the partition exists
 * in Glue with the exact location, and tears everything down.
 *
 *   INTEG_TRAIL_BUCKET=<globally-unique-name> npx integ-runner --directory test/integ \
 *     --app "npx tsx {filePath}" --update-snapshots
 *
 * CI never deploys it: test/integ/integ-app.test.ts synthesizes it offline on every run.
 */
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { CloudTrailPartitionerStack } from '../../lib/cloudtrail-partitioner-stack';

export const INTEG_DATABASE = 'ctp_integ';
export const INTEG_TABLE = 'cloudtrail_logs';
export const INTEG_DAY = { from: '2024-01-15', to: '2024-01-15' } as const;

export function buildIntegTest(app: App, bucketName: string): IntegTest {
  const fixtures = new Stack(app, 'CtpIntegFixtures');
  new s3.Bucket(fixtures, 'TrailBucket', {
    bucketName,
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    removalPolicy: RemovalPolicy.DESTROY,
    autoDeleteObjects: true,
  });
  const stack = new CloudTrailPartitionerStack(app, 'CtpInteg', {
    trailBucketName: bucketName,
    databaseName: INTEG_DATABASE,
    tableName: INTEG_TABLE,
    reserveConcurrency: false,
  });
  stack.addStackDependency(fixtures);

  const integ = new IntegTest(app, 'CloudTrailPartitionerInteg', {
    testCases: [stack],
    diffAssets: false,
    stackUpdateWorkflow: false,
  });
  const dayFolder = `AWSLogs/${stack.account}/CloudTrail/${stack.region}/2024/01/15/`;
  const functionName = stack.partitioner.function.functionName;

  const seed = integ.assertions.awsApiCall('S3', 'putObject', {
    Bucket: bucketName,
    Key: `${dayFolder}${stack.account}_CloudTrail_${stack.region}_20240115T0000Z_integ.json.gz`,
    Body: '{"Records":[]}',
  });
  const dryRun = integ.assertions.invokeFunction({
    functionName,
    payload: JSON.stringify({ ...INTEG_DAY, dryRun: true }),
  });
  dryRun.expect(
    ExpectedResult.objectLike({
      StatusCode: 200,
      Payload: Match.serializedJson(
        Match.objectLike({ ok: true, dryRun: true, partitions: 1, statements: 1 }),
      ),
    }),
  );
  const run = integ.assertions.invokeFunction({ functionName, payload: JSON.stringify(INTEG_DAY) });
  run.expect(
    ExpectedResult.objectLike({
      StatusCode: 200,
      Payload: Match.serializedJson(Match.objectLike({ ok: true, partitions: 1, succeeded: 1, failed: 0 })),
    }),
  );
  const partition = integ.assertions.awsApiCall('Glue', 'getPartition', {
    DatabaseName: INTEG_DATABASE,
    TableName: INTEG_TABLE,
    PartitionValues: [stack.account, stack.region, '2024', '01', '15'],
  });
  partition.expect(
    ExpectedResult.objectLike({
      Partition: { StorageDescriptor: Match.objectLike({ Location: `s3://${bucketName}/${dayFolder}` }) },
    }),
  );
  seed.next(dryRun).next(run).next(partition);
  return integ;
}

if (require.main === module) {
  const app = new App();
  buildIntegTest(app, process.env.INTEG_TRAIL_BUCKET ?? 'cloudtrail-partitioner-integ-trail');
  app.synth();
}
