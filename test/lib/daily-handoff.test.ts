/**
 * The daily run's hand-off wiring: the state machine has a fixed name, the function gets its ARN
 * (built from the name, so no reference cycle: the state machine invokes the function) and may
 * start executions of exactly that state machine, nothing else.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { ENV } from '../../lambda/core/shared/contract';
import { STATE_MACHINE_ARN } from '../../lambda/core/run/handoff';
import {
  actionsOf,
  buildStack,
  iamStatements,
  statementsOfRole,
  unacknowledgedNagFindings,
} from './fixtures';

/** `{"Fn::Join": ["", parts]}` with pseudo parameters put in, as CloudFormation would resolve them. */
function resolveArn(value: unknown): string {
  const join = (value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  const pseudo: Record<string, string> = {
    'AWS::Partition': 'aws',
    'AWS::Region': 'eu-west-1',
    'AWS::AccountId': '123456789012',
  };
  return join[1]
    .map((part) => (typeof part === 'string' ? part : (pseudo[(part as { Ref: string }).Ref] ?? '?')))
    .join(join[0]);
}

describe('daily run hand-off wiring', () => {
  const { stack, template } = buildStack(
    {},
    'A-Rather-Long-Stack-Name-For-A-CloudTrail-Partitioner-Deployment',
  );
  const machine = Object.values(template.findResources('AWS::StepFunctions::StateMachine'))[0];
  const name = machine.Properties.StateMachineName as string;
  const fn = Object.values(template.findResources('AWS::Lambda::Function')).find(
    (f) => f.Properties.Environment?.Variables?.[ENV.backfillStateMachineArn] !== undefined,
  );

  it('names the state machine: a valid Step Functions name, unique to this stack', () => {
    // THEN a literal name of at most 80 characters of [A-Za-z0-9_-], carrying the stack's name
    expect(typeof name).toBe('string');
    expect(name).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
    expect(name).toMatch(/^ARatherLong.*-backfill$/);
  });

  it("gives the function the state machine's ARN, built from its name (no reference back)", () => {
    // THEN the variable holds arn:<partition>:states:<region>:<account>:stateMachine:<name>
    const arn = fn?.Properties.Environment.Variables[ENV.backfillStateMachineArn];
    expect(resolveArn(arn)).toBe(`arn:aws:states:eu-west-1:123456789012:stateMachine:${name}`);
    // AND the handler accepts it at cold start
    expect(resolveArn(arn)).toMatch(STATE_MACHINE_ARN);
    expect(JSON.stringify(arn)).not.toMatch(/StateMachine[0-9A-F]{8}/);
  });

  it('lets the function start executions of exactly that state machine', () => {
    // THEN one statement, one action, one resource: the same ARN as in the environment
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'HandOffToBackfill',
            Effect: 'Allow',
            Action: 'states:StartExecution',
            Resource: fn?.Properties.Environment.Variables[ENV.backfillStateMachineArn],
          }),
        ]),
      },
    });
    const starts = statementsOfRole(template, 'PartitionerFunctionRole').filter((s) =>
      actionsOf(s).some((a) => a.startsWith('states:')),
    );
    expect(starts).toHaveLength(1);
    expect(iamStatements(template).some((s) => actionsOf(s).includes('states:*'))).toBe(false);
  });

  it('runs the first run at deploy only once the state machine exists (it may hand off to it)', () => {
    const machineId = Object.keys(template.findResources('AWS::StepFunctions::StateMachine'))[0];
    const firstRun = Object.entries(
      template.toJSON().Resources as Record<string, { DependsOn?: string[] }>,
    ).filter(([id]) => /FirstRun/.test(id));
    expect(firstRun.some(([, r]) => (r.DependsOn ?? []).includes(machineId))).toBe(true);
  });

  it('keeps cdk-nag clean', () => {
    expect(unacknowledgedNagFindings(stack)).toEqual([]);
  });
});
