import * as s3 from 'aws-cdk-lib/aws-s3';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AthenaResults, type AthenaResultsProps } from '../../lib/athena-results';
import { newStack, unacknowledgedNagFindings } from './fixtures';

function build(props: AthenaResultsProps = {}) {
  const stack = newStack();
  const results = new AthenaResults(stack, 'Results', props);
  return { stack, results, template: Template.fromStack(stack) };
}

describe('AthenaResults', () => {
  const { stack, results, template } = build();

  it('encrypts the bucket with SSE-S3 and blocks public access', () => {
    // THEN the bucket is encrypted, private and owner-enforced
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
  });

  it('expires results and aborts stale uploads', () => {
    // THEN the lifecycle rule expires after the default 30 days
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({
            Id: 'ExpireQueryResults',
            Status: 'Enabled',
            // Only the workgroup's results: the columnar copy under columnar/ is kept.
            Prefix: 'results/',
            ExpirationInDays: 30,
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
          }),
        ]),
      },
    });
  });

  it('retains the bucket and does not version it', () => {
    // THEN stack deletion keeps the bucket
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    const bucket = Object.values(template.findResources('AWS::S3::Bucket'))[0];
    expect(bucket.Properties.VersioningConfiguration).toBeUndefined();
  });

  it('denies requests without TLS 1.2', () => {
    // THEN the bucket policy denies insecure transport and old TLS
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
          }),
        ]),
      },
    });
  });

  it('configures the workgroup: engine 3, enforced, metrics, cutoff, encrypted output, recursive delete', () => {
    // THEN the workgroup matches the guardrails
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: results.workGroupName,
      State: 'ENABLED',
      RecursiveDeleteOption: true,
      WorkGroupConfiguration: {
        EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
        EnforceWorkGroupConfiguration: true,
        PublishCloudWatchMetricsEnabled: true,
        BytesScannedCutoffPerQuery: 10737418240,
        RequesterPaysEnabled: false,
        ResultConfiguration: {
          OutputLocation: {
            'Fn::Join': ['', ['s3://', { Ref: Match.stringLikeRegexp('^ResultsBucket') }, '/results/']],
          },
          ExpectedBucketOwner: { Ref: 'AWS::AccountId' },
          EncryptionConfiguration: { EncryptionOption: 'SSE_S3' },
        },
      },
    });
  });

  it('names the workgroup uniquely and gives its ARN', () => {
    // THEN the name is a valid workgroup name and the ARN points at it
    expect(results.workGroupName).toMatch(/^[a-zA-Z0-9._-]{1,128}$/);
    expect(JSON.stringify(stack.resolve(results.workGroupArn))).toContain(
      `:workgroup/${results.workGroupName}`,
    );
  });

  it('passes cdk-nag with the access-log acknowledgement', () => {
    // WHEN checked
    // THEN nothing is left unacknowledged
    expect(unacknowledgedNagFindings(stack)).toEqual([]);
  });

  it('uses given retention, cutoff and access-log bucket', () => {
    // GIVEN explicit values and an access-log bucket
    const s = newStack();
    const logsBucket = s3.Bucket.fromBucketName(s, 'AccessLogs', 'central-access-logs');
    new AthenaResults(s, 'Results', {
      resultsRetentionDays: 7,
      bytesScannedCutoffPerQueryBytes: 1024 ** 3,
      accessLogsBucket: logsBucket,
      workGroupName: 'partitioner',
    });
    // (cdk.json's @aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy asks for a policy on the target
    // bucket, which an imported bucket cannot get: CDK warns on the console, captured here)
    const lines: unknown[] = [];
    const printed = jest.spyOn(console, 'error').mockImplementation((...args) => void lines.push(...args));
    let t: Template;
    try {
      t = Template.fromStack(s);
    } finally {
      printed.mockRestore();
    }
    expect(lines.join('\n')).toContain('Unable to add necessary logging permissions');
    // THEN they are applied
    t.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: {
        DestinationBucketName: 'central-access-logs',
        LogFilePrefix: 'athena-results/',
      },
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 7 })]) },
    });
    t.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: 'partitioner',
      WorkGroupConfiguration: Match.objectLike({ BytesScannedCutoffPerQuery: 1073741824 }),
    });
  });

  it.each<[AthenaResultsProps, RegExp]>([
    [{ bytesScannedCutoffPerQueryBytes: 1000 }, /at least 10485760 \(10 MB\)/],
    [{ resultsRetentionDays: 0 }, /invalid resultsRetentionDays 0/],
  ])('rejects %j', (props, expected) => {
    // GIVEN a value Athena or S3 would refuse
    // THEN construction fails
    expect(() => build(props)).toThrow(expected);
  });
});
