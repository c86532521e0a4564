/** Errors that say what to do (issue 19): each names the setting or permission, and the fix. */
import { spawnSync } from 'node:child_process';
import { whatToDo } from '../../../bin/cli/hints';

describe('whatToDo', () => {
  it.each([
    ['Region is missing', /set AWS_REGION, or AWS_PROFILE with a region/],
    ['Region not accepted: region="" is not a valid hostname component.', /set AWS_REGION/],
    [
      'Could not load credentials from any providers',
      /set AWS_PROFILE or AWS_ACCESS_KEY_ID\/AWS_SECRET_ACCESS_KEY, or run `aws sso login`/,
    ],
    ['The security token included in the request is expired', /session has expired: run `aws sso login`/],
    ['ExpiredTokenException: Token has expired and refresh failed', /session has expired/],
    [
      'User: arn:aws:sts::111122223333:assumed-role/analyst/me is not authorized to perform: athena:StartQueryExecution on resource: arn:aws:athena:us-east-1:111122223333:workgroup/wg because no identity-based policy allows the athena:StartQueryExecution action',
      /lacks athena:StartQueryExecution on arn:aws:athena:us-east-1:111122223333:workgroup\/wg: attach the stack's QueryPolicyArn/,
    ],
    [
      'User: arn:aws:sts::111122223333:assumed-role/analyst/me is not authorized to perform: glue:GetTable on resource: arn:aws:glue:us-east-1:111122223333:table/cloudtrail/cloudtrail_logs',
      /lacks glue:GetTable on arn:aws:glue:.*table\/cloudtrail\/cloudtrail_logs: attach the stack's QueryPolicyArn/,
    ],
    [
      'User: arn:aws:iam::111122223333:user/me is not authorized to perform: cloudformation:DescribeStacks on resource: arn:aws:cloudformation:us-east-1:111122223333:stack/CloudTrailPartitioner/*',
      /allow cloudformation:DescribeStacks .* or give --workgroup, --database and --table/,
    ],
    [
      'Permission denied on S3 path: s3://trail/AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/01/x.json.gz',
      /s3:GetObject and s3:ListBucket on the trail bucket's AWSLogs\/ prefix.*kms:Decrypt/,
    ],
    [
      'Access denied when writing output to url: s3://results/results/abc.csv',
      /s3:PutObject\/s3:GetObject on the results prefix/,
    ],
    ['Access Denied', /access denied: attach the stack's QueryPolicyArn/],
  ])('%s', (message, hint) => {
    // GIVEN an AWS error message WHEN explained THEN the setting or permission and the fix
    expect(whatToDo(message)).toMatch(hint);
  });

  it('adds nothing to other errors', () => {
    expect(whatToDo('Query exhausted resources at this scale factor')).toBe('');
  });
});

describe('the CLI process', () => {
  it('on Node 20 prints no SDK Node-version warning, and names what to do without a region', () => {
    // GIVEN no region, no credentials and the SDK warning switch unset WHEN a live query starts
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      AWS_REGION: '',
      AWS_DEFAULT_REGION: '',
      AWS_PROFILE: '',
      AWS_CONFIG_FILE: '/nonexistent',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    delete env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
    const result = spawnSync(
      process.execPath,
      [
        'bin/cloudtrail-partitioner.js',
        'query',
        'root-activity',
        '--since',
        '1d',
        '--workgroup',
        'wg',
        '--offline',
      ],
      { env, encoding: 'utf8', timeout: 60_000 },
    );
    // THEN exit 1, the region hint, and no warning about Node versions
    expect(result.stderr).not.toMatch(/NodeVersion|Node\.js version|no longer support/i);
    expect(result.stderr).toMatch(/set AWS_REGION, or AWS_PROFILE with a region/);
    expect(result.status).toBe(1);
  });
});
