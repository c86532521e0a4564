/**
 * PartitionValuesPort over Glue GetPartitions: values only (ExcludeColumnSchema), every page
 * followed up to the limit. Kept apart from glue-catalog.ts so retention owns its one read.
 */
import { GetPartitionsCommand, type GlueClient } from '@aws-sdk/client-glue';
import type { PartitionValuesPage, PartitionValuesPort } from '../core/catalog/catalog-reads';
import { PortError } from '../core/shared/ports';
import { isTransientFault, sdkErrorInfo } from './clients';

/** GetPartitions returns at most 1,000 partitions a page. */
const PAGE_SIZE = 1000;
const THROTTLE_CODES = new Set(['ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded']);

export class GluePartitionValues implements PartitionValuesPort {
  constructor(
    private readonly client: GlueClient,
    /** Account ID of the catalog when it is not the caller's own. */
    private readonly catalogId?: string,
  ) {}

  async listPartitionValues(
    database: string,
    table: string,
    expression: string,
    limit: number,
  ): Promise<PartitionValuesPage> {
    const values: string[][] = [];
    let token: string | undefined;
    do {
      let page;
      try {
        page = await this.client.send(
          new GetPartitionsCommand({
            DatabaseName: database,
            TableName: table,
            Expression: expression,
            ExcludeColumnSchema: true,
            MaxResults: Math.min(PAGE_SIZE, limit - values.length + 1),
            ...(token ? { NextToken: token } : {}),
            ...(this.catalogId ? { CatalogId: this.catalogId } : {}),
          }),
        );
      } catch (error) {
        throw classify(error, `${database}.${table}`);
      }
      for (const partition of page.Partitions ?? []) values.push([...(partition.Values ?? [])]);
      token = page.NextToken;
    } while (token && values.length <= limit);
    // One more than the limit was asked for, so "more" is known without another call.
    const more = values.length > limit || (token !== undefined && values.length >= limit);
    return { values: values.slice(0, limit), more };
  }
}

function classify(error: unknown, name: string): PortError {
  const info = sdkErrorInfo(error);
  const what = `glue GetPartitions ${name}`;
  if (info.code === 'EntityNotFoundException')
    return new PortError('not-found', `${what}: ${info.message}`, info.code);
  if (info.code === 'AccessDeniedException' || info.status === 403) {
    return new PortError('access-denied', `access denied for ${what}: ${info.message}`, info.code);
  }
  if (THROTTLE_CODES.has(info.code))
    return new PortError('throttled', `${what} throttled: ${info.message}`, info.code);
  if (
    isTransientFault(info) ||
    info.code === 'InternalServiceException' ||
    info.code === 'OperationTimeoutException'
  ) {
    return new PortError('transient', `${what} unavailable: ${info.message}`, info.code);
  }
  return new PortError('fatal', `${what} failed: ${info.code}: ${info.message}`, info.code);
}
