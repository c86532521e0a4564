import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { createApp } from '../../bin/app';
import { CDK_JSON_CONTEXT } from '../support/cdk-context';

describe('bin/app', () => {
  it('synthesizes with real esbuild bundling and passes the cdk-nag validation plugin', () => {
    // GIVEN the app with only the bucket, bundling on, as `cdk synth -c trailBucket=...` runs it
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'partitioner-app-'));
    const app = new App({ outdir, context: { ...CDK_JSON_CONTEXT, trailBucket: 'example-trail-bucket' } });
    // WHEN built and synthesized (the AwsSolutions plugin throws on any unacknowledged finding),
    // with CDK's bundling progress line captured so the suite's output stays clean
    const written: string[] = [];
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((text) => {
      written.push(String(text));
      return true;
    });
    let stack, assembly;
    try {
      stack = createApp(app, {
        CDK_DEFAULT_ACCOUNT: '111111111111',
        CDK_DEFAULT_REGION: 'eu-west-1',
      }).stack;
      assembly = app.synth();
    } finally {
      stderr.mockRestore();
    }
    // One line per bundled function (the partition function and the deploy-time resources' handler).
    expect(written.join('')).toMatch(/^(Bundling asset CloudTrailPartitioner\/.*\.\.\.\n)+$/);
    // THEN the stack has the default name and environment, and the bundle exists
    expect(stack.stackName).toBe('CloudTrailPartitioner');
    expect(stack.account).toBe('111111111111');
    expect(stack.region).toBe('eu-west-1');
    expect(assembly.getStackByName('CloudTrailPartitioner').template).toBeDefined();
    // (the partitioner's own bundle: the stack's custom-resource provider is another asset)
    const template = assembly.getStackByName('CloudTrailPartitioner').template as {
      Resources: Record<
        string,
        {
          Type: string;
          Properties: { Environment?: { Variables?: Record<string, string> }; Code: { S3Key: string } };
        }
      >;
    };
    const partitioner = Object.values(template.Resources).filter(
      (r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Environment?.Variables?.TRAIL_BUCKET,
    );
    expect(partitioner).toHaveLength(1);
    const assetHash = String(partitioner[0].Properties.Code.S3Key).replace(/\.zip$/, '');
    const bundle = path.join(outdir, `asset.${assetHash}`, 'index.js');
    expect(fs.existsSync(bundle)).toBe(true);
    expect(fs.statSync(bundle).size).toBeGreaterThan(1000);
    expect(fs.existsSync(`${bundle}.map`)).toBe(true);
    // AND the AWS SDK clients are bundled in, not required from the runtime
    // (only the optional CRT signer, used for SigV4a, stays a guarded require)
    expect(fs.readFileSync(bundle, 'utf8')).not.toMatch(/require\("@aws-sdk\/client-/);
    fs.rmSync(outdir, { recursive: true, force: true });
  }, 120_000);

  it('passes context through to the stack', () => {
    // GIVEN context as the CLI gives it, with bundling skipped
    const app = new App({
      context: {
        'aws:cdk:bundling-stacks': [],
        trailBucket: 'example-trail-bucket',
        stackName: 'Trail',
        tableName: 'trail',
        regions: 'us-east-1,eu-west-1',
        schedule: 'cron(0 6 * * ? *)',
      },
    });
    // WHEN built
    const { stack } = createApp(app, {});
    const template = Template.fromStack(stack);
    // THEN the values arrive
    expect(stack.stackName).toBe('Trail');
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(0 6 * * ? *)' });
    template.hasResourceProperties('AWS::Glue::Table', { TableInput: { Name: 'trail' } });
  });

  it.each<[Record<string, unknown>, RegExp]>([
    [{}, /missing context trailBucket/],
    [{ trailBucket: 'Bad_Bucket' }, /invalid bucket name "Bad_Bucket"/],
    [{ trailBucket: 'example-trail-bucket', lookbackDays: 'x' }, /invalid context lookbackDays "x"/],
  ])('refuses bad context %j with a clear message', (context, expected) => {
    // GIVEN bad context
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
    // WHEN / THEN building fails and says why
    expect(() => createApp(app, {})).toThrow(expected);
  });
});
