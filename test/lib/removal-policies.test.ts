/**
 * Defect 1 of issue 17: a first deploy that rolls back must leave nothing behind that makes the
 * retry fail. CloudFormation applies `Retain` during a create rollback too; `RetainExceptOnCreate`
 * deletes what the failed create made and keeps it on every later update or delete.
 */
import { buildStack } from './fixtures';

interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

/**
 * Where each type's physical name is set, from the CloudFormation resource reference. A resource
 * with one of these set has a fixed name: left behind, it makes the retry fail with "already exists".
 */
const NAME_PATHS: Record<string, readonly string[]> = {
  'AWS::Glue::Database': ['DatabaseInput', 'Name'],
  'AWS::Glue::Table': ['TableInput', 'Name'],
  'AWS::Athena::WorkGroup': ['Name'],
  'AWS::Logs::LogGroup': ['LogGroupName'],
  'AWS::S3::Bucket': ['BucketName'],
  'AWS::IAM::Role': ['RoleName'],
  'AWS::Lambda::Function': ['FunctionName'],
  'AWS::StepFunctions::StateMachine': ['StateMachineName'],
  'AWS::SNS::Topic': ['TopicName'],
  'AWS::SQS::Queue': ['QueueName'],
  'AWS::CloudWatch::Alarm': ['AlarmName'],
  'AWS::CloudWatch::Dashboard': ['DashboardName'],
};

function fixedName(resource: CfnResource): boolean {
  const path = NAME_PATHS[resource.Type];
  if (!path) return false;
  let value: unknown = resource.Properties;
  for (const key of path) value = (value as Record<string, unknown> | undefined)?.[key];
  return value !== undefined;
}

/** What a create rollback keeps: CloudFormation deletes all but `Retain` (and `Snapshot`'s snapshot). */
function keptByCreateRollback(resource: CfnResource): boolean {
  return resource.DeletionPolicy === 'Retain';
}

const VARIANTS = {
  sample: {},
  organization: {
    orgId: 'o-abcdefghij',
    initialBackfillFrom: '2024-01-01',
    alarmEmail: 'secops@example.com',
    lakeFormationPermissions: true,
  },
  month: { partitionGranularity: 'month' as const, retentionDays: 365 },
};

describe.each(Object.entries(VARIANTS))('a create rollback of the %s stack', (name, props) => {
  const { template } = buildStack(props, `Rollback${name}`);
  const resources = Object.entries(template.toJSON().Resources as Record<string, CfnResource>);

  it('leaves no resource with a fixed name behind, so the retry cannot fail with "already exists"', () => {
    // GIVEN every resource the failed create made WHEN CloudFormation rolls it back
    const blockers = resources.filter(([, r]) => keptByCreateRollback(r) && fixedName(r)).map(([id]) => id);
    // THEN none of those it keeps has a fixed name
    expect(blockers).toEqual([]);
  });

  it('keeps only the auto-named results bucket, which CloudFormation cannot delete once Athena wrote to it', () => {
    // THEN plain Retain is on the results bucket alone: deleting a non-empty bucket fails, and a
    // rollback that fails to delete ends in ROLLBACK_FAILED, which blocks the retry far worse
    const kept = resources.filter(([, r]) => keptByCreateRollback(r));
    expect(kept.map(([, r]) => r.Type)).toEqual(['AWS::S3::Bucket']);
    expect(fixedName(kept[0][1])).toBe(false);
  });

  it('still keeps the Glue database and table, and every log group, on update and delete', () => {
    const retained = resources.filter(([, r]) =>
      ['AWS::Glue::Database', 'AWS::Glue::Table', 'AWS::Logs::LogGroup'].includes(r.Type),
    );
    expect(retained.length).toBeGreaterThanOrEqual(3);
    for (const [, r] of retained) {
      expect(r.DeletionPolicy).toBe('RetainExceptOnCreate');
      expect(r.UpdateReplacePolicy).toBe('Retain');
    }
  });
});

describe('the dashboard shows the first run and the partition index (issue 17, defects 5 and 7)', () => {
  it("queries the function log for the first run's outcome and the index's state", () => {
    const { template } = buildStack({}, 'DashboardLines');
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    // THEN a Logs Insights widget filters on the two log messages the function writes
    expect(body).toContain("filter message = 'first run at deploy' or message = 'partition index'");
  });
});
