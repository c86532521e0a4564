import type { Template } from 'aws-cdk-lib/assertions';
import { countsAsHeartbeat } from '../../lambda/core/run/heartbeat';
import { parseRunPayload } from '../../lambda/core/run/request';
import { parseSettings } from '../../lambda/core/run/settings';
import { FirstRun } from '../../lib/first-run';
import { firstRunDeadlineMs } from '../../lambda/core/run/first-run';
import {
  actionsOf,
  buildStack,
  iamStatements,
  statementsOfRole,
  unacknowledgedNagFindings,
} from './fixtures';

/** The SDK call of a Custom::AWS property, with intrinsics replaced by 'TOKEN'. */
function sdkCall(property: unknown): Record<string, unknown> & { parameters: Record<string, string> } {
  const join = (property as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  return JSON.parse(join[1].map((part) => (typeof part === 'string' ? part : 'TOKEN')).join(''));
}

function firstRunResource(template: Template): { id: string; Properties: Record<string, unknown> } {
  const [entry] = Object.entries(template.findResources('Custom::AWS')).filter(([id]) =>
    id.startsWith('PartitionerFirstRun'),
  );
  expect(entry).toBeDefined();
  return { id: entry[0], Properties: entry[1].Properties };
}

function provider(template: Template) {
  const fns = Object.entries(template.findResources('AWS::Lambda::Function')).filter(([id]) =>
    id.startsWith('AWS679f53fac002430cb0da5b7982bd2287'),
  );
  expect(fns).toHaveLength(1);
  return fns[0][1].Properties as { Timeout: number; Role: unknown };
}

describe('FirstRun', () => {
  const { stack, template } = buildStack({ alarmEmail: 'ops@example.com' });

  it('invokes the function once, on create, synchronously, with the scheduled event', () => {
    // THEN Lambda Invoke is called on create only, waiting for the run, keeping only the status
    const call = sdkCall(firstRunResource(template).Properties.Create);
    expect(call).toMatchObject({
      service: 'Lambda',
      action: 'Invoke',
      parameters: { FunctionName: 'TOKEN', InvocationType: 'RequestResponse' },
      outputPaths: ['StatusCode'],
    });
    // AND a refused invoke is not swallowed (issue 17, defect 5): it fails the create visibly
    expect(call.ignoreErrorCodesMatching).toBeUndefined();
    expect(firstRunResource(template).Properties.Update).toBeUndefined();
    expect(firstRunResource(template).Properties.Delete).toBeUndefined();
    // AND the payload is an EventBridge scheduled event
    const payload = JSON.parse(call.parameters.Payload) as Record<string, unknown>;
    expect(payload).toMatchObject({ source: 'aws.events', 'detail-type': 'Scheduled Event' });
  });

  it('sends a payload the function treats as the scheduled run, which counts as the heartbeat', () => {
    // GIVEN the payload the construct sends
    const event = FirstRun.eventFor(
      'arn:aws:events:us-east-1:111111111111:rule/r',
      '111111111111',
      'us-east-1',
    );
    const settings = parseSettings({ bucket: 'example-trail-bucket' });
    // WHEN the function parses it
    const request = parseRunPayload(event, new Date('2024-03-10T06:00:00Z'), settings);
    // THEN it is the scheduled window, and its success is a heartbeat
    expect(request.kind).toBe('scheduled');
    expect(countsAsHeartbeat(event, request)).toBe(true);
  });

  it('runs after the table, workgroup and role policy exist, and before the heartbeat alarm', () => {
    // THEN the custom resource depends on them, and the heartbeat alarm on it
    const { id } = firstRunResource(template);
    const dependsOn = (template.findResources('Custom::AWS')[id] as { DependsOn?: string[] }).DependsOn ?? [];
    for (const prefix of [
      'PartitionerTable',
      'PartitionerResultsWorkGroup',
      'PartitionerFunctionRoleDefaultPolicy',
    ]) {
      expect(dependsOn.some((dep) => dep.startsWith(prefix))).toBe(true);
    }
    const heartbeat = Object.entries(template.findResources('AWS::CloudWatch::Alarm')).find(([alarmId]) =>
      alarmId.startsWith('PartitionerAlarmsHeartbeat'),
    );
    expect((heartbeat?.[1] as { DependsOn?: string[] }).DependsOn).toContain(id);
  });

  it('may invoke only this function, and gives the provider 15 minutes to wait for it', () => {
    // THEN lambda:InvokeFunction is granted on the function's ARN only
    // (on the stack's one custom-resource role: the partition index's, built first)
    const invoke = statementsOfRole(template, 'PartitionerTablePartitionIndexRole').filter((s) =>
      actionsOf(s).includes('lambda:InvokeFunction'),
    );
    expect(invoke.length).toBeGreaterThan(0);
    for (const statement of invoke)
      expect(statement.Resource).toEqual({
        'Fn::GetAtt': [expect.stringMatching(/^PartitionerFunction/), 'Arn'],
      });
    expect(provider(template).Timeout).toBe(900);
    expect(unacknowledgedNagFindings(stack)).toEqual([]);
  });

  it('shares the provider with the initial backfill and still gives it 15 minutes', () => {
    // GIVEN an initial backfill, whose custom resource creates the stack's provider first
    const built = buildStack({ initialBackfillFrom: 30 }, 'WithBackfill');
    // THEN one provider, on the partition index's role, with the first run's timeout, and both calls allowed
    const fn = provider(built.template);
    expect(fn.Timeout).toBe(900);
    expect(JSON.stringify(fn.Role)).toMatch(/PartitionIndexRole/);
    const actions = iamStatements(built.template).flatMap(actionsOf);
    expect(actions).toEqual(expect.arrayContaining(['lambda:InvokeFunction', 'states:StartExecution']));
    // AND no second provider role is left unused
    expect(
      Object.keys(built.template.findResources('AWS::IAM::Role')).some((id) =>
        /FirstRunRole|InitialBackfillRole/.test(id),
      ),
    ).toBe(false);
    expect(unacknowledgedNagFindings(built.stack)).toEqual([]);
  });
});

describe('FirstRun without a created table', () => {
  it('runs on the initial backfill provider role when there is no partition index', () => {
    // GIVEN an existing table (no partition index) and an initial backfill
    const built = buildStack({ createTable: false, initialBackfillFrom: 30 }, 'ExistingTable');
    // THEN the provider runs as the initial backfill's role, which may start the backfill and invoke the function
    const fn = provider(built.template);
    expect(JSON.stringify(fn.Role)).toMatch(/InitialBackfillRole/);
    const actions = statementsOfRole(built.template, 'PartitionerInitialBackfillRole').flatMap(actionsOf);
    expect(actions).toEqual(expect.arrayContaining(['lambda:InvokeFunction', 'states:StartExecution']));
    expect(unacknowledgedNagFindings(built.stack)).toEqual([]);
  });
});

describe('FirstRun and a real account (issue 17, defects 5 and 6)', () => {
  const { template } = buildStack({ initialBackfillFrom: 30, lakeFormationPermissions: true }, 'RealAccount');
  const customs = Object.entries(template.findResources('Custom::AWS')) as [
    string,
    { DependsOn?: string[] },
  ][];
  const policies = Object.keys(template.findResources('AWS::IAM::Policy'));

  it('gives the first run a deadline well inside the provider timeout', () => {
    // GIVEN the payload the template sends and the provider's timeout
    const call = sdkCall(firstRunResource(template).Properties.Create);
    const payload = JSON.parse(call.parameters.Payload) as { detail: { deadlineSeconds: number } };
    const providerSeconds = provider(template).Timeout as number;
    // THEN the run, plus the 60 s it holds for its metrics, leaves the provider 4 minutes or more
    expect(payload.detail.deadlineSeconds).toBeGreaterThanOrEqual(60);
    expect(payload.detail.deadlineSeconds + 60 + 240).toBeLessThanOrEqual(providerSeconds);
    // AND the function reads that budget from the event
    expect(firstRunDeadlineMs(payload)).toBe(payload.detail.deadlineSeconds * 1000);
  });

  it('makes every custom resource wait for its own policy', () => {
    // THEN each Custom::AWS depends on the CustomResourcePolicy built beside it
    expect(customs.length).toBe(3);
    for (const [id, resource] of customs) {
      const own = policies.filter(
        (p) => p.startsWith(id.replace(/[0-9A-F]{8}$/, '')) && /CustomResourcePolicy/.test(p),
      );
      expect(own).toHaveLength(1);
      expect(resource.DependsOn).toContain(own[0]);
    }
  });

  it("puts the invoke permission on the provider role's default policy, which the provider function waits for", () => {
    // THEN the permission exists from the provider's creation, long before the first run is invoked
    const [providerId] = Object.keys(template.findResources('AWS::Lambda::Function')).filter((id) =>
      id.startsWith('AWS679f53fac002430cb0da5b7982bd2287'),
    );
    const fn = template.findResources('AWS::Lambda::Function')[providerId] as { DependsOn: string[] };
    const defaultPolicy = fn.DependsOn.find((d) => /PartitionIndexRoleDefaultPolicy/.test(d));
    expect(defaultPolicy).toBeDefined();
    const statements = template.findResources('AWS::IAM::Policy')[defaultPolicy as string].Properties
      .PolicyDocument.Statement as { Action: string | string[] }[];
    expect(statements.some((s) => actionsOf(s as never).includes('lambda:InvokeFunction'))).toBe(true);
  });
});
