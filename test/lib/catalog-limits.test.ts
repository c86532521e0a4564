/**
 * What keeps the catalog within Glue's and Athena's limits, as the template shows it: the
 * partition index and partition_filtering.enabled on the created table, month granularity,
 * retention's permissions and setting, and the CatalogPartitions alarm on the metric the handler emits.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { ENV, METRIC, METRICS_NAMESPACE, SERVICE_DIMENSION } from '../../lambda/core/shared/contract';
import { actionsOf, buildStack, iamStatements, resourcesOf } from './fixtures';

describe('catalog limits in the template', () => {
  const { stack, template } = buildStack({ retentionDays: 400, glueMaxPartitionsPerTable: 20_000_000 });
  const indexResources = () => Object.values(template.findResources('Custom::PartitionIndex'));

  it('enables partition filtering on the created table', () => {
    // THEN Athena asks Glue for matching partitions through the index
    template.hasResourceProperties('AWS::Glue::Table', {
      TableInput: Match.objectLike({
        Parameters: Match.objectLike({ 'partition_filtering.enabled': 'true' }),
      }),
    });
  });

  it('creates a time-first partition index through the Glue API, kept with the table', () => {
    // THEN one custom resource asks the deploy handler for year/month/day on the table
    // (lambda/deploy-resources.ts creates it, adopts an existing one, waits while one is CREATING)
    const [index] = indexResources();
    expect(indexResources()).toHaveLength(1);
    expect(index.Properties).toMatchObject({
      Kind: 'PartitionIndex',
      DatabaseName: 'cloudtrail',
      TableName: 'cloudtrail_logs',
      Keys: ['year', 'month', 'day'],
    });
    // AND cdk destroy keeps it with the table (a reinstall finds it); a failed create removes it
    expect(index).toMatchObject({ DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'Delete' });
    // AND it runs after the table exists
    const dependsOn = (index as { DependsOn?: string[] }).DependsOn ?? [];
    expect(dependsOn.some((id) => /^PartitionerTable[0-9A-F]{8}$/.test(id))).toBe(true);
  });

  it('lets the provider manage indexes on this table only', () => {
    // THEN the index actions are granted on the catalog, database and table ARNs, no wildcard
    const statements = iamStatements(template).filter((s) =>
      actionsOf(s).includes('glue:CreatePartitionIndex'),
    );
    expect(statements).toHaveLength(1);
    expect(actionsOf(statements[0]).sort()).toEqual([
      'glue:CreatePartitionIndex',
      'glue:DeletePartitionIndex',
      'glue:GetPartitionIndexes',
      'glue:GetTable',
      'glue:UpdateTable',
    ]);
    expect(JSON.stringify(resourcesOf(statements[0]))).toContain(':table/cloudtrail/cloudtrail_logs');
    expect(resourcesOf(statements[0])).not.toContain('*');
  });

  it('gives the function retentionDays and the rights to drop partitions of its table', () => {
    // THEN the environment carries the setting, and the delete actions are scoped to the table
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ [ENV.retentionDays]: '400' }) },
    });
    const drop = iamStatements(template).find((s) => s.Sid === 'DropExpiredPartitions');
    expect(drop && actionsOf(drop).sort()).toEqual(['glue:BatchDeletePartition', 'glue:DeletePartition']);
    expect(JSON.stringify(drop && resourcesOf(drop))).toContain(':table/cloudtrail/cloudtrail_logs');
  });

  it('alarms at 80 % of the Glue quota on the CatalogPartitions metric with the service dimension', () => {
    // THEN the alarm watches the metric name, namespace and dimension the handler emits
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: METRIC.catalogPartitions,
      Namespace: METRICS_NAMESPACE,
      Dimensions: [{ Name: SERVICE_DIMENSION, Value: stack.partitioner.serviceName }],
      Statistic: 'Maximum',
      Threshold: 16_000_000,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
  });
});

describe('defaults and month granularity', () => {
  it('grants no drop without retention and alarms at 8,000,000 by default', () => {
    // GIVEN the defaults
    const { template } = buildStack({}, 'Defaults');
    // THEN no delete right, no RETENTION_DAYS, and the default threshold
    expect(iamStatements(template).some((s) => actionsOf(s).includes('glue:BatchDeletePartition'))).toBe(
      false,
    );
    const env = Object.values(template.findResources('AWS::Lambda::Function')).map(
      (f) => f.Properties.Environment?.Variables ?? {},
    );
    expect(env.some((vars) => ENV.retentionDays in vars)).toBe(false);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: METRIC.catalogPartitions,
      Threshold: 8_000_000,
    });
  });

  it('creates a month table: keys account, region, year, month and a year/month index', () => {
    // GIVEN month granularity
    const { template } = buildStack({ partitionGranularity: 'month' }, 'Months');
    // THEN the table has four string keys and the index covers year and month
    template.hasResourceProperties('AWS::Glue::Table', {
      TableInput: Match.objectLike({
        PartitionKeys: ['account', 'region', 'year', 'month'].map((name) => ({ Name: name, Type: 'string' })),
      }),
    });
    const [index] = Object.values(template.findResources('Custom::PartitionIndex'));
    expect(index.Properties.Keys).toEqual(['year', 'month']);
  });

  it('refuses a granularity other than day or month, and retention outside 1 to 7305 days', () => {
    expect(() => buildStack({ partitionGranularity: 'week' as 'day' }, 'Bad1')).toThrow(
      /invalid partitionGranularity "week": expected 'day' or 'month'/,
    );
    expect(() => buildStack({ retentionDays: 0 }, 'Bad2')).toThrow(/retentionDays/);
  });
});
