/** CatalogPort over Glue GetTable. Thin: one lookup and error classification. */
import { GetTableCommand, type GlueClient } from '@aws-sdk/client-glue';
import { lakeFormationHint } from '../core/hints';
import { PortError, type CatalogPort, type PartitionColumn } from '../core/ports';
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
}

function classify(error: unknown, database: string, table: string): PortError {
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
      `access denied reading table ${name} from glue: ${info.message}${lakeFormationHint()}`,
      info.code,
    );
  }
  if (THROTTLE_CODES.has(info.code)) {
    return new PortError('throttled', `glue throttled GetTable ${name}: ${info.message}`, info.code);
  }
  if (
    isTransientFault(info) ||
    info.code === 'InternalServiceException' ||
    info.code === 'OperationTimeoutException'
  ) {
    return new PortError('transient', `glue unavailable for GetTable ${name}: ${info.message}`, info.code);
  }
  return new PortError('fatal', `glue GetTable ${name} failed: ${info.code}: ${info.message}`, info.code);
}
