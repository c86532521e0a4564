import type { Template } from 'aws-cdk-lib/assertions';
import { countsAsHeartbeat } from '../../lambda/core/run/heartbeat';
import { parseRunPayload } from '../../lambda/core/run/request';
import { parseSettings } from '../../lambda/core/run/settings';
import { FirstRun } from '../../lib/first-run';
import { firstRunDeadlineMs } from '../../lambda/core/run/first-run';
import { DEPLOY_ACCESS_RETRY } from '../../lambda/core/shared/access-retry';
import { INDEX_BUSY_WAIT } from '../../lambda/deploy-resources';
import { actionsOf, buildStack, unacknowledgedNagFindings } from './fixtures';

type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] };

/** A JSON string property built with Fn::Join, with every intrinsic replaced by `token`. */
function joinedJson(property: unknown, token = 'TOKEN'): Record<string, unknown> {
  if (typeof property === 'string') return JSON.parse(property) as Record<string, unknown>;
  const join = (property as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  return JSON.parse(join[1].map((part) => (typeof part === 'string' ? part : token)).join('')) as Record<
    string,
    unknown
  >;
}

function resources(template: Template): [string, Resource][] {
  return Object.entries(template.toJSON().Resources as Record<string, Resource>);
}

function one(template: Template, type: string, idPrefix = ''): [string, Resource] {
  const found = resources(template).filter(([id, r]) => r.Type === type && id.startsWith(idPrefix));
  expect(found).toHaveLength(1);
  return found[0];
}

describe('FirstRun', () => {
  const { stack, template } = buildStack({ alarmEmail: 'ops@example.com' });
  const [runId, run] = one(template, 'Custom::FirstRun');

  it('is answered by the partitioner function itself, with the scheduled event as one JSON string', () => {
    // THEN CloudFormation invokes the function, and the event survives CloudFormation's all-strings properties
    expect(run.Properties.ServiceToken).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^PartitionerFunction[0-9A-F]{8}$/), 'Arn'],
    });
    const event = joinedJson(run.Properties.Event);
    expect(event).toMatchObject({ source: 'aws.events', 'detail-type': 'Scheduled Event' });
    expect(firstRunDeadlineMs(event)).toBe(540_000);
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
    // THEN the run depends on them, and the heartbeat alarm on the run and on its published datapoint
    for (const prefix of [
      'PartitionerTable',
      'PartitionerResultsWorkGroup',
      'PartitionerFunctionRoleDefaultPolicy',
    ])
      expect(run.DependsOn?.some((dep) => dep.startsWith(prefix))).toBe(true);
    const [, alarm] = one(template, 'AWS::CloudWatch::Alarm', 'PartitionerAlarmsHeartbeat');
    const [seedId] = one(template, 'Custom::AWS', 'PartitionerFirstRunHeartbeat');
    expect(alarm.DependsOn).toEqual(expect.arrayContaining([runId, seedId]));
  });

  it("publishes the run's heartbeat datapoint exactly where the heartbeat alarm looks (issue 17, defect 9)", () => {
    // GIVEN the PutMetricData call of the template and the heartbeat alarm of the template
    const [, seed] = one(template, 'Custom::AWS', 'PartitionerFirstRunHeartbeat');
    const call = joinedJson(seed.Properties.Create) as {
      action: string;
      parameters: {
        Namespace: string;
        MetricData: { MetricName: string; Dimensions: unknown[]; Value: string }[];
      };
    };
    const [, alarm] = one(template, 'AWS::CloudWatch::Alarm', 'PartitionerAlarmsHeartbeat');
    // THEN namespace, metric name and dimensions are the alarm's, and the value is the run's answer
    expect(call.action).toBe('PutMetricData');
    expect(call.parameters.Namespace).toBe(alarm.Properties.Namespace);
    expect(call.parameters.MetricData).toHaveLength(1);
    expect(call.parameters.MetricData[0].MetricName).toBe(alarm.Properties.MetricName);
    expect(call.parameters.MetricData[0].Dimensions).toEqual(alarm.Properties.Dimensions);
    const join = (seed.Properties.Create as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
    expect(join).toContainEqual({ 'Fn::GetAtt': [runId, 'HeartbeatValue'] });
  });

  it('may publish only into its own namespace, a permission in place from the start of the deploy', () => {
    // THEN every PutMetricData statement carries the cloudwatch:namespace condition
    const statements = resources(template)
      .filter(([, r]) => r.Type === 'AWS::IAM::Policy')
      .flatMap(([id, r]) =>
        ((r.Properties.PolicyDocument as { Statement: never[] }).Statement ?? []).map(
          (s) => [id, s] as const,
        ),
      )
      .filter(([, s]) => actionsOf(s).includes('cloudwatch:PutMetricData'));
    expect(statements.map(([id]) => id)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^PartitionerDeployResourcesRoleDefaultPolicy/)]),
    );
    for (const [, s] of statements)
      expect((s as { Condition: unknown }).Condition).toEqual({
        StringEquals: { 'cloudwatch:namespace': 'CloudTrailPartitioner' },
      });
    expect(unacknowledgedNagFindings(stack)).toEqual([]);
  });

  it('records the outcome as a stack output', () => {
    // THEN FirstRunOutcome is the run's Outcome attribute
    expect(template.toJSON().Outputs.FirstRunOutcome.Value).toEqual({ 'Fn::GetAtt': [runId, 'Outcome'] });
  });
});

describe('deploy-time resources and IAM eventual consistency (issue 17, defects 5 and 6)', () => {
  const { stack, template } = buildStack(
    { initialBackfillFrom: 30, lakeFormationPermissions: true },
    'RealAccount',
  );
  const all = resources(template);

  it('makes every custom resource depend on its own policy', () => {
    // GIVEN every custom resource of the stack
    const customs = all.filter(([, r]) => r.Type.startsWith('Custom::') && r.Type !== 'Custom::FirstRun');
    expect(customs.map(([, r]) => r.Type).sort()).toEqual([
      'Custom::AWS',
      'Custom::InitialBackfill',
      'Custom::PartitionIndex',
    ]);
    for (const [id, resource] of customs) {
      // THEN it depends on a policy built beside it that holds the permissions it uses
      const own = all.filter(
        ([policyId, r]) =>
          r.Type === 'AWS::IAM::Policy' &&
          policyId.startsWith(id.replace(/[0-9A-F]{8}$/, '')) &&
          !/DefaultPolicy/.test(policyId),
      );
      expect(own).toHaveLength(1);
      expect(resource.DependsOn).toContain(own[0][0]);
    }
    const wanted: Record<string, string> = {
      'Custom::InitialBackfill': 'states:StartExecution',
      'Custom::PartitionIndex': 'glue:CreatePartitionIndex',
    };
    for (const [type, action] of Object.entries(wanted)) {
      const [id, resource] = all.find(([, r]) => r.Type === type) as [string, Resource];
      const policy = all.find(
        ([pid]) => resource.DependsOn?.includes(pid) && pid.startsWith(id.replace(/[0-9A-F]{8}$/, '')),
      );
      const statements = (policy?.[1].Properties.PolicyDocument as { Statement: never[] }).Statement;
      expect(statements.flatMap(actionsOf)).toContain(action);
    }
  });

  it('gives the handler time for the stated access retry and the wait on a busy index', () => {
    // GIVEN the deploy handler's timeout and its custom resources' service timeout
    const [, fn] = one(template, 'AWS::Lambda::Function', 'PartitionerDeployResourcesFunction');
    const timeout = fn.Properties.Timeout as number;
    // THEN a full access retry (150 s) plus the longest busy-index wait fit, and CloudFormation waits longer
    expect(DEPLOY_ACCESS_RETRY.limitMs).toBe(150_000);
    expect((DEPLOY_ACCESS_RETRY.limitMs + INDEX_BUSY_WAIT.limitMs) / 1000).toBeLessThan(timeout);
    for (const [, r] of all.filter(([, r]) =>
      /Custom::(PartitionIndex|InitialBackfill|FirstRun)/.test(r.Type),
    ))
      expect(Number(r.Properties.ServiceTimeout)).toBeGreaterThan(timeout);
    // AND no async retry answers CloudFormation twice
    const config = all.find(
      ([, r]) => r.Type === 'AWS::Lambda::EventInvokeConfig' && JSON.stringify(r).includes('DeployResources'),
    );
    expect(config?.[1].Properties.MaximumRetryAttempts).toBe(0);
  });

  it("gives the first run a deadline well inside the function's own timeout", () => {
    // GIVEN the event the template sends and the function's timeout
    const [, run] = one(template, 'Custom::FirstRun');
    const event = joinedJson(run.Properties.Event) as { detail: { deadlineSeconds: number } };
    const [, fn] = one(template, 'AWS::Lambda::Function', 'PartitionerFunction');
    // THEN the run plus its 120 s access wait leaves the function 4 minutes to answer
    expect(event.detail.deadlineSeconds + 120 + 240).toBeLessThanOrEqual(fn.Properties.Timeout as number);
    expect(firstRunDeadlineMs(event)).toBe(event.detail.deadlineSeconds * 1000);
    expect(unacknowledgedNagFindings(stack)).toEqual([]);
  });
});

describe('an existing table (createTable=false)', () => {
  it('gets the partition index too, on the keys Glue reports at deploy', () => {
    // GIVEN a stack over a table it does not create
    const { template } = buildStack({ createTable: false, initialBackfillFrom: 30 }, 'ExistingTable');
    // THEN the index resource exists, without keys (the handler reads them), and is kept on delete
    const [, index] = one(template, 'Custom::PartitionIndex');
    expect(index.Properties).toMatchObject({ DatabaseName: 'cloudtrail', TableName: 'cloudtrail_logs' });
    expect(index.Properties.Keys).toBeUndefined();
    expect(index).toMatchObject({ DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'Delete' });
  });
});
