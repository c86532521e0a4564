/**
 * Glue `GetPartitions` for the stand-in: the expression subset of glue-expression.ts, pages of
 * at most 1,000 with an opaque NextToken, and `Segment`s that split the table's partitions into
 * disjoint parts (by a hash of the values, so every partition is in exactly one segment).
 */
import type { CatalogPartition, GlueCatalogStore } from './glue';
import { ExpressionSyntaxError, parseExpression } from './glue-expression';
import { ServiceError, jsonResponse, type WireResponse } from './protocol';

const MAX_RESULTS = 1000;

function fnv(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

interface PageToken {
  readonly offset: number;
  readonly query: string;
}

function invalid(message: string): ServiceError {
  return new ServiceError(400, 'InvalidInputException', message);
}

/** The partitions one request selects, kept while the catalog is unchanged: its pages reuse them. */
const memo = new WeakMap<GlueCatalogStore, Map<string, { version: number; list: CatalogPartition[] }>>();

function matchingOf(
  catalog: GlueCatalogStore,
  key: string,
  compute: () => CatalogPartition[],
): CatalogPartition[] {
  let byKey = memo.get(catalog);
  if (!byKey) memo.set(catalog, (byKey = new Map()));
  const hit = byKey.get(key);
  if (hit && hit.version === catalog.version) return hit.list;
  const list = compute();
  byKey.set(key, { version: catalog.version, list });
  return list;
}

function creationTime(
  simulatedMs: number | undefined,
  epochMs: (simulatedMs: number) => number,
): { CreationTime?: number } {
  return simulatedMs === undefined ? {} : { CreationTime: epochMs(simulatedMs) / 1000 };
}

export function getPartitions(
  input: Record<string, unknown>,
  catalog: GlueCatalogStore,
  epochMs: (simulatedMs: number) => number = (ms) => ms,
): WireResponse {
  const database = typeof input.DatabaseName === 'string' ? input.DatabaseName : '';
  const name = typeof input.TableName === 'string' ? input.TableName : '';
  if (!database || !name) throw invalid('DatabaseName and TableName are required');
  const table = catalog.getTable(database, name);
  if (!table) throw new ServiceError(400, 'EntityNotFoundException', `Table ${name} not found.`);
  const maxResults = input.MaxResults === undefined ? MAX_RESULTS : Number(input.MaxResults);
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > MAX_RESULTS) {
    throw invalid(`MaxResults must be 1 to ${MAX_RESULTS}`);
  }
  const segment = input.Segment as { SegmentNumber?: number; TotalSegments?: number } | undefined;
  const total = segment?.TotalSegments ?? 1;
  const number = segment?.SegmentNumber ?? 0;
  if (
    !Number.isInteger(total) ||
    total < 1 ||
    total > 10 ||
    !Number.isInteger(number) ||
    number < 0 ||
    number >= total
  ) {
    throw invalid('Segment must have TotalSegments 1 to 10 and SegmentNumber below it');
  }
  const expression = typeof input.Expression === 'string' ? input.Expression : '';
  if (expression.length > 2048) throw invalid('Expression is longer than 2048 characters');
  const keys = table.partitionKeys.map((key) => key.name.toLowerCase());
  let predicate: (row: Record<string, string>) => boolean = () => true;
  if (expression.trim() !== '') {
    try {
      predicate = parseExpression(expression, keys);
    } catch (error) {
      if (error instanceof ExpressionSyntaxError) throw invalid(`Unsupported expression: ${error.message}`);
      throw error;
    }
  }
  const query = JSON.stringify([expression, total, number]);
  let offset = 0;
  if (typeof input.NextToken === 'string') {
    let token: PageToken;
    try {
      token = JSON.parse(Buffer.from(input.NextToken, 'base64').toString('utf8')) as PageToken;
    } catch {
      throw invalid('invalid NextToken');
    }
    if (token.query !== query) throw invalid('NextToken does not belong to this request');
    offset = token.offset;
  }
  const matching = matchingOf(catalog, `${database}.${name}\u0000${query}`, () =>
    catalog.partitions(database, name).filter((partition) => {
      if (total > 1 && fnv(partition.values.join('\u0000')) % total !== number) return false;
      return predicate(Object.fromEntries(keys.map((key, i) => [key, partition.values[i] ?? ''])));
    }),
  );
  const page = matching.slice(offset, offset + maxResults);
  const next = offset + maxResults < matching.length ? offset + maxResults : undefined;
  return jsonResponse({
    Partitions: page.map((partition) => ({
      DatabaseName: table.database,
      TableName: table.name,
      Values: [...partition.values],
      // The JSON protocol's timestamps are epoch seconds.
      ...creationTime(catalog.createdAt(table, partition.values), epochMs),
      ...(partition.location !== undefined ? { StorageDescriptor: { Location: partition.location } } : {}),
    })),
    ...(next !== undefined
      ? { NextToken: Buffer.from(JSON.stringify({ offset: next, query })).toString('base64') }
      : {}),
  });
}
