/**
 * Athena stand-in for SELECT queries: StartQueryExecution of a SELECT (or WITH) statement,
 * GetQueryExecution that steps QUEUED → RUNNING → SUCCEEDED (or FAILED) one poll at a time, with
 * data scanned growing on the way, and GetQueryResults in pages of MaxResults rows, the header
 * row first, as Athena returns them. A test says what the next queries return with `respond`.
 */
import { randomUUID } from 'node:crypto';
import { jsonResponse, ServiceError, type WireResponse } from './protocol';

export interface SelectResponse {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | null)[])[];
  readonly scannedBytes?: number;
  /** GetQueryExecution polls spent RUNNING before the end. Default 1. */
  readonly runningPolls?: number;
  /** Ends FAILED with this reason (AthenaError.ErrorMessage and StateChangeReason). */
  readonly failure?: string;
  /** Never ends: stays RUNNING (to test the bounded wait). */
  readonly hang?: boolean;
  /** StartQueryExecution itself fails with this error (e.g. no such workgroup). */
  readonly startError?: { readonly code: string; readonly message: string };
}

export interface SelectQuery {
  readonly id: string;
  readonly sql: string;
  readonly workGroup: string;
  readonly database: string;
  readonly response: SelectResponse;
  polls: number;
  state: 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
  resultPages: number;
}

const SELECT = /^\s*(\(\s*)*(SELECT|WITH)\b/i;
const OPERATIONS = new Set(['GetQueryResults']);
/** Operations on one query: a SELECT's when its ID is one of ours, else the DDL simulator's. */
const PER_QUERY = new Set(['GetQueryExecution', 'StopQueryExecution']);

export class AthenaSelectSim {
  private readonly byId = new Map<string, SelectQuery>();
  private readonly pending: SelectResponse[] = [];

  /** The next SELECTs answer with these, in order; a SELECT with no answer left goes to the DDL simulator. */
  respond(...responses: SelectResponse[]): void {
    this.pending.push(...responses);
  }

  queries(): SelectQuery[] {
    return [...this.byId.values()];
  }

  /** True when this request is a SELECT's, so the DDL simulator never sees it. */
  claims(operation: string, input: Record<string, unknown>): boolean {
    // Only SELECTs a test has given an answer for: any other statement still reaches the DDL
    // simulator, which refuses what it cannot parse, as before.
    if (operation === 'StartQueryExecution')
      return (
        this.pending.length > 0 &&
        typeof input.QueryString === 'string' &&
        SELECT.test(stripComments(input.QueryString))
      );
    if (OPERATIONS.has(operation)) return true;
    return PER_QUERY.has(operation) && this.byId.has(String(input.QueryExecutionId));
  }

  handle(operation: string, input: Record<string, unknown>): WireResponse {
    if (operation === 'StartQueryExecution') {
      const refusal = this.pending[0]?.startError;
      if (refusal) {
        this.pending.shift();
        throw new ServiceError(400, refusal.code, refusal.message);
      }
      const context = (input.QueryExecutionContext ?? {}) as { Database?: string };
      const query: SelectQuery = {
        id: randomUUID(),
        sql: String(input.QueryString),
        workGroup: typeof input.WorkGroup === 'string' ? input.WorkGroup : 'primary',
        database: context.Database ?? 'default',
        response: this.pending.shift() as SelectResponse,
        polls: 0,
        state: 'QUEUED',
        resultPages: 0,
      };
      this.byId.set(query.id, query);
      return jsonResponse({ QueryExecutionId: query.id });
    }
    const query = this.find(input);
    if (operation === 'StopQueryExecution') {
      query.state = 'CANCELLED';
      return jsonResponse({});
    }
    if (operation === 'GetQueryExecution') return jsonResponse({ QueryExecution: this.poll(query) });
    return this.results(query, input);
  }

  private find(input: Record<string, unknown>): SelectQuery {
    const query = this.byId.get(String(input.QueryExecutionId));
    if (!query)
      throw new ServiceError(
        400,
        'InvalidRequestException',
        `QueryExecution ${String(input.QueryExecutionId)} was not found`,
      );
    return query;
  }

  private poll(query: SelectQuery): Record<string, unknown> {
    const { response } = query;
    if (query.state === 'QUEUED' || query.state === 'RUNNING') {
      query.polls++;
      const running = response.runningPolls ?? 1;
      if (query.polls === 1) query.state = 'QUEUED';
      else if (response.hang || query.polls <= running + 1) query.state = 'RUNNING';
      else query.state = response.failure ? 'FAILED' : 'SUCCEEDED';
    }
    const total = response.scannedBytes ?? 0;
    const done = query.state !== 'QUEUED' && query.state !== 'RUNNING';
    const scanned = done ? total : query.state === 'RUNNING' ? Math.floor(total / 2) : 0;
    return {
      QueryExecutionId: query.id,
      Query: query.sql,
      StatementType: 'DML',
      WorkGroup: query.workGroup,
      Status: {
        State: query.state,
        ...(query.state === 'FAILED'
          ? {
              StateChangeReason: response.failure,
              AthenaError: {
                ErrorCategory: 2,
                ErrorType: 1100,
                Retryable: false,
                ErrorMessage: response.failure,
              },
            }
          : {}),
      },
      Statistics: {
        DataScannedInBytes: scanned,
        ...(done ? { TotalExecutionTimeInMillis: 1234, EngineExecutionTimeInMillis: 1000 } : {}),
      },
    };
  }

  private results(query: SelectQuery, input: Record<string, unknown>): WireResponse {
    if (query.state !== 'SUCCEEDED') {
      throw new ServiceError(
        400,
        'InvalidRequestException',
        `Query has not yet finished. Current state: ${query.state}`,
      );
    }
    const max = typeof input.MaxResults === 'number' ? input.MaxResults : 1000;
    if (max < 1 || max > 1000)
      throw new ServiceError(400, 'InvalidRequestException', 'MaxResults must be between 1 and 1000');
    const header = [query.response.columns as readonly (string | null)[]];
    const all = [...header, ...query.response.rows];
    const start = typeof input.NextToken === 'string' ? Number(input.NextToken) : 0;
    if (!Number.isInteger(start) || start < 0 || start > all.length)
      throw new ServiceError(400, 'InvalidRequestException', 'invalid NextToken');
    const page = all.slice(start, start + max);
    query.resultPages++;
    return jsonResponse({
      ResultSet: {
        Rows: page.map((row) => ({ Data: row.map((v) => (v === null ? {} : { VarCharValue: v })) })),
        ResultSetMetadata: {
          ColumnInfo: query.response.columns.map((name) => ({ Name: name, Label: name, Type: 'varchar' })),
        },
      },
      ...(start + max < all.length ? { NextToken: String(start + max) } : {}),
      UpdateCount: 0,
    });
  }
}

function stripComments(sql: string): string {
  return sql.replace(/--[^\n]*\n?/g, '').replace(/\/\*[\s\S]*?\*\//g, '');
}
