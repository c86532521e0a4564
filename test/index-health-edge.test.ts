import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Logger } from '@aws-lambda-powertools/logger';
import { METRIC } from '../lambda/core/shared/contract';
import type { PartitionIndexSummary } from '../lambda/core/shared/ports';
import { logIndexHealth } from '../lambda/scheduled-edge';
import type { Settings } from '../lambda/core/run/settings';

const settings = { database: 'cloudtrail', table: 'cloudtrail_logs' } as Settings;

function sinks() {
  const lines: { level: string; message: string; extra: unknown }[] = [];
  const metrics: { name: string; value: number }[] = [];
  const log = (level: string) => (message: string, extra: unknown) =>
    void lines.push({ level, message, extra });
  return {
    lines,
    metrics,
    logger: { info: log('info'), warn: log('warn'), error: log('error') } as unknown as Pick<
      Logger,
      'info' | 'warn' | 'error'
    >,
    sink: {
      addMetric: (name: string, _unit: unknown, value: number) => void metrics.push({ name, value }),
    } as unknown as Pick<Metrics, 'addMetric'>,
  };
}

function catalog(indexes: PartitionIndexSummary[] | Error) {
  return {
    catalog: {
      getPartitionKeys: async () => [],
      getPartitionIndexes: async () => {
        if (indexes instanceof Error) throw indexes;
        return indexes;
      },
    },
  };
}

describe('the scheduled run reports the partition index (issue 17, defect 7)', () => {
  it('logs a FAILED backfill with its error and emits PartitionIndexFailed = 1', async () => {
    // GIVEN Glue reporting the index's backfill FAILED
    const { lines, metrics, logger, sink } = sinks();
    const failed = {
      name: 'year_month_day',
      keys: ['year', 'month', 'day'],
      status: 'FAILED',
      errors: ['EncryptedPartitionError on 2 partitions, e.g. 111122223333/us-east-1/2024/01/01'],
    };
    // WHEN the scheduled run checks it
    await logIndexHealth(settings, catalog([failed]), logger, sink);
    // THEN the log line is an error naming the error, and the dashboard's metric says 1
    expect(lines).toEqual([expect.objectContaining({ level: 'error', message: 'partition index' })]);
    expect(JSON.stringify(lines[0].extra)).toContain('EncryptedPartitionError on 2 partitions');
    expect(metrics).toEqual([{ name: METRIC.partitionIndexFailed, value: 1 }]);
  });

  it('emits 0 for a healthy index and nothing when the indexes cannot be read', async () => {
    const healthy = sinks();
    await logIndexHealth(
      settings,
      catalog([{ name: 'i', keys: ['year'], status: 'ACTIVE', errors: [] }]),
      healthy.logger,
      healthy.sink,
    );
    expect(healthy.metrics).toEqual([{ name: METRIC.partitionIndexFailed, value: 0 }]);
    const denied = sinks();
    await logIndexHealth(settings, catalog(new Error('access denied')), denied.logger, denied.sink);
    expect(denied.metrics).toEqual([]);
    expect(denied.lines[0].level).toBe('warn');
  });
});
