import { STACK_OUTPUT } from '../../lambda/core/shared/contract';
import { LOCATION_PARAMETER, LOCATION_RULE } from '../../lib/location-guard';
import { buildStack } from './fixtures';

type Assertion = { Assert: { 'Fn::Equals': [{ Ref: string }, string] }; AssertDescription: string };

/** What CloudFormation does with the rule: compare the parameter's value with the template's location. */
function ruleHolds(template: ReturnType<typeof buildStack>['template'], parameterValue: string): Assertion[] {
  const rules = template.toJSON().Rules as Record<string, { Assertions: Assertion[] }>;
  return rules[LOCATION_RULE].Assertions.filter((assertion) => {
    const [ref, literal] = assertion.Assert['Fn::Equals'];
    expect(ref).toEqual({ Ref: LOCATION_PARAMETER });
    return parameterValue !== literal;
  });
}

describe('table location guard', () => {
  const first = buildStack({ orgId: 'o-abcdefghij', trailPrefix: 'org' }, 'First');
  const deployed = first.template.toJSON().Parameters[LOCATION_PARAMETER].Default as string;

  it('remembers the location the stack is first deployed with', () => {
    // THEN the parameter defaults to the table's location
    expect(deployed).toBe('s3://example-trail-bucket/org/AWSLogs/o-abcdefghij/');
    expect(first.template.toJSON().Parameters[LOCATION_PARAMETER].Type).toBe('String');
  });

  it('lets a redeploy with the same settings through', () => {
    // GIVEN the same settings again THEN no assertion fails
    const again = buildStack({ orgId: 'o-abcdefghij', trailPrefix: 'org' }, 'Again');
    expect(ruleHolds(again.template, deployed)).toEqual([]);
  });

  it('refuses a deploy that forgot -c orgId, saying what happened and what to do', () => {
    // GIVEN a later deploy without the organization ID, which CDK runs with the previous parameter value
    const forgot = buildStack({ trailPrefix: 'org' }, 'Forgot');
    // WHEN CloudFormation evaluates the rule THEN it fails, naming the new location, cdk.json and the override
    const failed = ruleHolds(forgot.template, deployed);
    expect(failed).toHaveLength(1);
    expect(failed[0].AssertDescription).toContain(
      'would move the table to s3://example-trail-bucket/org/AWSLogs/',
    );
    expect(failed[0].AssertDescription).toContain('cdk.json');
    expect(failed[0].AssertDescription).toContain(
      `--parameters ${LOCATION_PARAMETER}=s3://example-trail-bucket/org/AWSLogs/`,
    );
  });

  it('outputs the function role ARN, for cross-account bucket policies, and the table location', () => {
    // THEN both outputs exist with the role's ARN and the location
    const outputs = first.template.toJSON().Outputs;
    expect(outputs[STACK_OUTPUT.functionRoleArn].Value).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^PartitionerFunctionRole/), 'Arn'],
    });
    expect(outputs.TableLocation.Value).toBe(deployed);
  });
});
