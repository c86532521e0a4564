import { lambdaBackfillCommand } from '../../lib/cloudtrail-partitioner-stack';
import { buildStack } from './fixtures';

describe('CloudTrailPartitionerStack', () => {
  const { template } = buildStack();
  const outputs = template.findOutputs('*');

  /** An output value with intrinsics replaced by `<Ref>` / `<LogicalId.Attr>` placeholders. */
  function rendered(name: string): string {
    const value = outputs[name]?.Value as unknown;
    const part = (p: unknown): string => {
      if (typeof p === 'string') return p;
      const ref = (p as { Ref?: string }).Ref;
      if (ref) return `<${ref}>`;
      const att = (p as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
      if (att) return `<${att[0]}.${att[1]}>`;
      const join = (p as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
      if (join) return join[1].map(part).join(join[0]);
      return JSON.stringify(p);
    };
    return part(value);
  }

  it('outputs every name an operator needs', () => {
    // THEN each documented output exists
    expect(Object.keys(outputs).sort()).toEqual(
      [
        'AlarmTopicArn',
        'BackfillCommand',
        'FirstRunOutcome',
        'FunctionName',
        'FunctionRoleArn',
        'QueryCommand',
        'QueryPolicyArn',
        'PartitionKeys',
        'ResultsBucketName',
        'StateMachineArn',
        'StateMachineBackfillCommand',
        'TableName',
        'TableLocation',
        'WorkGroupName',
      ].sort(),
    );
    expect(rendered('TableName')).toBe('cloudtrail.cloudtrail_logs');
    expect(rendered('FunctionName')).toMatch(/^<PartitionerFunction[0-9A-F]{8}>$/);
    expect(rendered('StateMachineArn')).toMatch(/^<PartitionerBackfillStateMachine[0-9A-F]{8}>$/);
    expect(rendered('ResultsBucketName')).toMatch(/^<PartitionerResultsBucket[0-9A-F]{8}>$/);
  });

  it('gives a ready-to-paste Lambda backfill command', () => {
    // THEN it invokes the function synchronously with a from/to payload, waiting past the
    // function's 15-minute timeout (not the CLI's 60 s) and never retrying into a new invocation
    expect(rendered('BackfillCommand')).toMatch(
      /^AWS_MAX_ATTEMPTS=1 aws lambda invoke --function-name <PartitionerFunction[0-9A-F]{8}> --cli-binary-format raw-in-base64-out --cli-read-timeout 960 --payload '\{"from":"2024-01-01","to":"2024-01-31"\}' \/dev\/stdout$/,
    );
  });

  it('sets the read timeout a minute past a shorter function timeout', () => {
    // GIVEN / WHEN a 5-minute function THEN the CLI waits 6 minutes
    expect(lambdaBackfillCommand('fn', 5)).toContain(' --cli-read-timeout 360 ');
  });

  it('gives a ready-to-paste Step Functions backfill command', () => {
    // THEN it starts an execution with the same window
    expect(rendered('StateMachineBackfillCommand')).toMatch(
      /^aws stepfunctions start-execution --state-machine-arn <PartitionerBackfillStateMachine[0-9A-F]{8}> --input '\{"from":"2024-01-01","to":"2024-01-31"\}'$/,
    );
  });
});
