/**
 * Runs one SELECT in Athena: StartQueryExecution in the workgroup, GetQueryExecution until the
 * query ends (state and data scanned reported on each poll, the wait bounded), then every page
 * of GetQueryResults. Thin: no SQL is built here.
 */
import {
  type AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  type QueryExecution,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import type { Clock } from '../core/shared/ports';

export interface SelectInput {
  readonly sql: string;
  readonly workGroup: string;
  readonly database: string;
  readonly catalog?: string;
}

export interface SelectProgress {
  readonly queryId: string;
  readonly state: string;
  readonly scannedBytes: number;
  readonly elapsedMs: number;
}

export interface SelectOptions {
  readonly clock: Clock;
  /** First poll interval; doubles to {@link maxPollMs}. @default 500 */
  readonly pollMs?: number;
  /** @default 5000 */
  readonly maxPollMs?: number;
  /** Longest wait for the query to end; past it the query is stopped. @default 1_800_000 (30 min) */
  readonly maxWaitMs?: number;
  readonly onProgress?: (progress: SelectProgress) => void;
}

export interface SelectResult {
  readonly queryId: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | null)[])[];
  readonly scannedBytes: number;
  /** Athena's total execution time (queue + planning + engine). */
  readonly runMs: number;
  readonly pages: number;
}

export class SelectError extends Error {
  override readonly name = 'SelectError';
  constructor(
    message: string,
    readonly queryId: string,
    readonly state: string,
    readonly scannedBytes: number,
  ) {
    super(message);
  }
}

const DONE = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

export async function runSelect(
  client: AthenaClient,
  input: SelectInput,
  options: SelectOptions,
): Promise<SelectResult> {
  const { clock } = options;
  const started = clock.now();
  const { QueryExecutionId: queryId } = await client.send(
    new StartQueryExecutionCommand({
      QueryString: input.sql,
      WorkGroup: input.workGroup,
      QueryExecutionContext: {
        Database: input.database,
        ...(input.catalog ? { Catalog: input.catalog } : {}),
      },
    }),
  );
  if (!queryId) throw new Error('athena returned no query execution id');
  const execution = await waitForEnd(client, queryId, options, started);
  const state = execution.Status?.State ?? 'UNKNOWN';
  const scannedBytes = execution.Statistics?.DataScannedInBytes ?? 0;
  if (state !== 'SUCCEEDED') {
    const reason =
      execution.Status?.AthenaError?.ErrorMessage ?? execution.Status?.StateChangeReason ?? 'no reason given';
    throw new SelectError(`query ${queryId} ${state}: ${reason}`, queryId, state, scannedBytes);
  }
  const { columns, rows, pages } = await readResults(client, queryId);
  return {
    queryId,
    columns,
    rows,
    scannedBytes,
    runMs: execution.Statistics?.TotalExecutionTimeInMillis ?? clock.now() - started,
    pages,
  };
}

async function waitForEnd(
  client: AthenaClient,
  queryId: string,
  options: SelectOptions,
  started: number,
): Promise<QueryExecution> {
  const { clock } = options;
  const maxWaitMs = options.maxWaitMs ?? 1_800_000;
  let pollMs = options.pollMs ?? 500;
  for (;;) {
    const { QueryExecution: execution } = await client.send(
      new GetQueryExecutionCommand({ QueryExecutionId: queryId }),
    );
    const state = execution?.Status?.State ?? 'UNKNOWN';
    const elapsedMs = clock.now() - started;
    options.onProgress?.({
      queryId,
      state,
      scannedBytes: execution?.Statistics?.DataScannedInBytes ?? 0,
      elapsedMs,
    });
    if (execution && DONE.has(state)) return execution;
    if (elapsedMs >= maxWaitMs) {
      await client.send(new StopQueryExecutionCommand({ QueryExecutionId: queryId }));
      throw new SelectError(
        `query ${queryId} still ${state} after ${Math.round(elapsedMs / 1000)} s: stopped it`,
        queryId,
        state,
        execution?.Statistics?.DataScannedInBytes ?? 0,
      );
    }
    await clock.sleep(Math.min(pollMs, Math.max(1, maxWaitMs - elapsedMs)));
    pollMs = Math.min(pollMs * 2, options.maxPollMs ?? 5000);
  }
}

/** Every page; the first row of the first page is the header row Athena adds for a SELECT. */
async function readResults(
  client: AthenaClient,
  queryId: string,
): Promise<{ columns: string[]; rows: (string | null)[][]; pages: number }> {
  let columns: string[] = [];
  const rows: (string | null)[][] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await client.send(
      new GetQueryResultsCommand({ QueryExecutionId: queryId, NextToken: token, MaxResults: 1000 }),
    );
    if (pages === 0)
      columns = (page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((c) => c.Label ?? c.Name ?? '');
    const data = (page.ResultSet?.Rows ?? []).map((row) =>
      (row.Data ?? []).map((d) => d.VarCharValue ?? null),
    );
    rows.push(...(pages === 0 ? data.slice(1) : data));
    pages++;
    token = page.NextToken;
  } while (token);
  return { columns, rows, pages };
}
