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

const STACK_ID =
  'arn:aws:cloudformation:eu-west-1:123456789012:stack/Any/1b2c3d4e-aaaa-bbbb-cccc-000000000000';

/** Resolves Fn::Join, Fn::Select, Fn::Split and pseudo parameters as CloudFormation would. */
function resolveArn(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, unknown>;
  const pseudo: Record<string, string> = {
    'AWS::Partition': 'aws',
    'AWS::Region': 'eu-west-1',
    'AWS::AccountId': '123456789012',
    'AWS::StackId': STACK_ID,
  };
  if (v.Ref !== undefined) return pseudo[v.Ref as string] ?? '?';
  if (v['Fn::Join']) {
    const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map(resolveArn).join(sep);
  }
  if (v['Fn::Select']) {
    const [index, list] = v['Fn::Select'] as [number, unknown];
    return resolveList(list)[index];
  }
  throw new Error(`cannot resolve ${JSON.stringify(value)}`);
}

function resolveList(value: unknown): string[] {
  const [sep, text] = (value as { 'Fn::Split': [string, unknown] })['Fn::Split'];
  return resolveArn(text).split(sep);
}

describe('daily run hand-off wiring', () => {
  const { stack, template } = buildStack(
    {},
    'A-Rather-Long-Stack-Name-For-A-CloudTrail-Partitioner-Deployment',
  );
  const machine = Object.values(template.findResources('AWS::StepFunctions::StateMachine'))[0];
  const name = resolveArn(machine.Properties.StateMachineName);
  const fn = Object.values(template.findResources('AWS::Lambda::Function')).find(
    (f) => f.Properties.Environment?.Variables?.[ENV.backfillStateMachineArn] !== undefined,
  );

  it('names the state machine: a valid Step Functions name, unique to this stack', () => {
    // THEN at most 80 characters of [A-Za-z0-9_-], carrying the stack's name and its UUID's first
    // part, so a retried first deploy (a new stack) never meets the old one's name still deleting
    expect(name).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
    expect(name).toMatch(/^ARatherLong.*-backfill-1b2c3d4e$/);
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
