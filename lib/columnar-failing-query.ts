/**
 * The Logs Insights query that lists the days the columnar copy failed to convert FAILING_RUNS
 * runs in a row: the function logs one line per such day (message `columnar day failing`, with
 * day, runs and table) on every run while the day stays unconverted.
 */
import type * as logs from 'aws-cdk-lib/aws-logs';
import { LOG_MESSAGE } from '../lambda/core/shared/contract';

export function columnarFailingQuery(): logs.QueryStringProps {
  return {
    fields: ['@timestamp', 'day', 'runs', 'table'],
    filterStatements: [`message = '${LOG_MESSAGE.columnarDayFailing}'`],
    sort: '@timestamp desc',
    limit: 500,
  };
}
