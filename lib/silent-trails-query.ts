/**
 * The Logs Insights query that lists silent account-regions: the function logs one line per
 * silent trail (message `silent trail`, with account, region and lastDelivery). The alarm and
 * the dashboard both use it, so what they show is the same list.
 */
import type * as logs from 'aws-cdk-lib/aws-logs';
import { LOG_MESSAGE } from '../lambda/core/shared/contract';

export function silentTrailsQuery(): logs.QueryStringProps {
  return {
    fields: ['@timestamp', 'account', 'region', 'lastDelivery'],
    filterStatements: [`message = '${LOG_MESSAGE.silentTrail}'`],
    sort: '@timestamp desc',
    limit: 500,
  };
}
