/** CatalogPort over Glue GetTable and GetPartitions. Thin: one call each and error classification. */
import {
  GetPartitionIndexesCommand,
  GetPartitionsCommand,
  GetTableCommand,
  type GlueClient,
} from '@aws-sdk/client-glue';
import { accessDeniedHint } from '../core/run/hints';
import {
  PortError,
  type CatalogPort,
  type PartitionColumn,
  type PartitionIndexSummary,
  type PartitionPage,
  type PartitionPageRequest,
} from '../core/shared/ports';
import { isTransientFault, sdkErrorInfo } from './clients';

const THROTTLE_CODES = new Set(['ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded']);

export class GlueCatalog implements CatalogPort {
  constructor(
    private readonly client: GlueClient,
    /** Account ID of the catalog when it is not the caller's own. */
    private readonly catalogId?: string,
  ) {}

  async getPartitionKeys(database: string, table: string): Promise<PartitionColumn[]> {
    try {
      const { Table } = await this.client.send(
        new GetTableCommand({
          DatabaseName: database,
          Name: table,
          ...(this.catalogId ? { CatalogId: this.catalogId } : {}),
        }),
      );
      // Hive column names are case-insensitive and Glue stores them lowercased; normalise
      // anyway so the partition spec we build always matches what Athena resolves.
      return (Table?.PartitionKeys ?? []).map((key) => ({
        name: (key.Name ?? '').toLowerCase(),
        type: key.Type ?? 'string',
      }));
    } catch (error) {
      throw classify(error, database, table);
    }
  }

  async getPartitionIndexes(database: string, table: string): Promise<PartitionIndexSummary[]> {
    const indexes: PartitionIndexSummary[] = [];
    let nextToken: string | undefined;
    try {
      do {
        const output = await this.client.send(
          new GetPartitionIndexesCommand({
            DatabaseName: database,
            TableName: table,
            ...(nextToken ? { NextToken: nextToken } : {}),
            ...(this.catalogId ? { CatalogId: this.catalogId } : {}),
          }),
        );
        for (const index of output.PartitionIndexDescriptorList ?? []) {
          indexes.push({
            name: index.IndexName ?? '',
            keys: (index.Keys ?? []).map((key) => key.Name ?? ''),
            status: index.IndexStatus ?? 'UNKNOWN',
            errors: (index.BackfillErrors ?? []).map(
              (e) =>
                `${e.Code ?? 'error'}${e.Partitions?.length ? ` on ${e.Partitions.length} partitions, e.g. ${(e.Partitions[0].Values ?? []).join('/')}` : ''}`,
            ),
          });
        }
        nextToken = output.NextToken;
      } while (nextToken);
      return indexes;
    } catch (error) {
      throw classify(error, database, table, 'GetPartitionIndexes');
    }
  }

  async getPartitionsPage(request: PartitionPageRequest): Promise<PartitionPage> {
    try {
      const output = await this.client.send(
        new GetPartitionsCommand({
          DatabaseName: request.database,
          TableName: request.table,
          Expression: request.expression,
          MaxResults: request.maxResults,
          // Values and locations are all the audit reads: the column schema would only fill the page.
          ExcludeColumnSchema: true,
          ...(request.segment
            ? { Segment: { SegmentNumber: request.segment.number, TotalSegments: request.segment.total } }
            : {}),
          ...(request.nextToken ? { NextToken: request.nextToken } : {}),
          ...(this.catalogId ? { CatalogId: this.catalogId } : {}),
        }),
      );
      return {
        partitions: (output.Partitions ?? []).map((partition) => ({
          values: partition.Values ?? [],
          ...(partition.StorageDescriptor?.Location !== undefined
            ? { location: partition.StorageDescriptor.Location }
            : {}),
          ...(partition.CreationTime !== undefined ? { createdAt: partition.CreationTime.getTime() } : {}),
        })),
        ...(output.NextToken ? { nextToken: output.NextToken } : {}),
      };
    } catch (error) {
      throw classify(error, request.database, request.table, 'GetPartitions');
    }
  }
}

function classify(error: unknown, database: string, table: string, operation = 'GetTable'): PortError {
  const info = sdkErrorInfo(error);
  const name = `${database}.${table}`;
  if (info.code === 'EntityNotFoundException') {
    return new PortError(
      'not-found',
      `table ${name} not found in the glue catalog: ${info.message}`,
      info.code,
    );
  }
  if (info.code === 'AccessDeniedException' || info.status === 403) {
    return new PortError(
      'access-denied',
      `access denied reading table ${name} from glue${operation === 'GetTable' ? '' : ` (${operation})`}: ${info.message}${accessDeniedHint(info.message)}`,
      info.code,
    );
  }
  if (THROTTLE_CODES.has(info.code)) {
    return new PortError('throttled', `glue throttled ${operation} ${name}: ${info.message}`, info.code);
  }
  if (
    isTransientFault(info) ||
    info.code === 'InternalServiceException' ||
    info.code === 'OperationTimeoutException'
  ) {
    return new PortError(
      'transient',
      `glue unavailable for ${operation} ${name}: ${info.message}`,
      info.code,
    );
  }
  return new PortError('fatal', `glue ${operation} ${name} failed: ${info.code}: ${info.message}`, info.code);
}
