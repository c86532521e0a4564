/**
 * AthenaPort over StartQueryExecution, BatchGetQueryExecution and StopQueryExecution (and
 * ListQueryExecutions for the workgroup's recent history). Thin: requests and error
 * classification, plus one fallback: where BatchGetQueryExecution is refused as unsupported,
 * or keeps answering 5xx while GetQueryExecution works (some emulators and proxies), status
 * is read with GetQueryExecution per query from then on.
 */
import {
  BatchGetQueryExecutionCommand,
  GetQueryExecutionCommand,
  ListQueryExecutionsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type AthenaClient,
  type QueryExecution,
} from '@aws-sdk/client-athena';
import { accessDeniedHint, withQueryFailureHint } from '../core/run/hints';
import {
  PortError,
  type AthenaPort,
  type QueryState,
  type QueryStateName,
  type QueryTiming,
  type RecentQuery,
} from '../core/shared/ports';
import { isTransientFault, sdkErrorInfo } from './clients';

/** BatchGetQueryExecution accepts at most 50 IDs per call. */
export const MAX_BATCH_GET_IDS = 50;

export interface AthenaQueriesOptions {
  readonly workGroup: string;
  readonly database: string;
  /** Data catalog name; Athena's default catalog when omitted. */
  readonly catalog?: string;
  /**
   * Real-time budget for both calls of {@link AthenaQueries.recentQueries} together, SDK
   * retries included (an AbortSignal): the history only speeds a run up, it must not hold
   * one up. @default 3000
   */
  readonly historyTimeoutMs?: number;
}

/** ListQueryExecutions returns at most 50 IDs per page. */
export const MAX_LIST_QUERY_IDS = 50;

const THROTTLE_CODES = new Set([
  'TooManyRequestsException',
  'ThrottlingException',
  'Throttling',
  'RequestLimitExceeded',
]);
/**
 * Athena documents rate-quota errors as ThrottlingException "Rate exceeded" and the active-query
 * quota as TooManyRequestsException "You have exceeded the limit for the number of queries you
 * can run concurrently". Should either arrive under another code, the wording still says so.
 */
const THROTTLE_WORDING =
  /rate exceeded|too many (queries|requests)|exceeded the limit for the number of queries/i;
/** How a service says it does not serve an operation at all. */
const UNSUPPORTED_CODES = new Set([
  'UnknownOperationException',
  'UnsupportedOperation',
  'UnsupportedOperationException',
  'NotImplemented',
  'InvalidAction',
]);
const UNSUPPORTED_WORDING = /not (yet )?implemented|not supported|unknown operation|unsupported operation/i;
/** Consecutive BatchGetQueryExecution server errors after which GetQueryExecution is tried. */
const BATCH_FAILURES_BEFORE_FALLBACK = 3;

const STATES: ReadonlySet<string> = new Set<QueryStateName>([
  'QUEUED',
  'RUNNING',
  'SUCCEEDED',
  'FAILED',
  'CANCELLED',
]);

export class AthenaQueries implements AthenaPort {
  /** True once BatchGetQueryExecution proved unusable here: every status comes from GetQueryExecution. */
  private singleGets = false;
  private batchFailures = 0;

  constructor(
    private readonly client: AthenaClient,
    private readonly options: AthenaQueriesOptions,
  ) {}

  async startQuery(sql: string, clientRequestToken: string): Promise<string> {
    try {
      const out = await this.client.send(
        new StartQueryExecutionCommand({
          QueryString: sql,
          ClientRequestToken: clientRequestToken,
          WorkGroup: this.options.workGroup,
          QueryExecutionContext: {
            Database: this.options.database,
            Catalog: this.options.catalog ?? 'AwsDataCatalog',
          },
        }),
      );
      if (!out.QueryExecutionId)
        throw new PortError('fatal', 'StartQueryExecution returned no QueryExecutionId');
      return out.QueryExecutionId;
    } catch (error) {
      throw error instanceof PortError ? error : classify(error, 'StartQueryExecution');
    }
  }

  /** Stops a hedge's loser; Athena answers a stop of a query that has ended already with success. */
  async stopQuery(queryId: string): Promise<void> {
    try {
      await this.client.send(new StopQueryExecutionCommand({ QueryExecutionId: queryId }));
    } catch (error) {
      throw classify(error, 'StopQueryExecution');
    }
  }

  async getQueryStates(queryIds: readonly string[]): Promise<QueryState[]> {
    if (queryIds.length > MAX_BATCH_GET_IDS) {
      // A caller bug, not a service condition: never hand this to the retry logic.
      throw new Error(`getQueryStates takes at most ${MAX_BATCH_GET_IDS} IDs, got ${queryIds.length}`);
    }
    if (queryIds.length === 0) return [];
    if (this.singleGets) return this.getEach(queryIds);
    try {
      const out = await this.client.send(
        new BatchGetQueryExecutionCommand({ QueryExecutionIds: [...queryIds] }),
      );
      this.batchFailures = 0;
      // UnprocessedQueryExecutionIds (unknown IDs) are left out, as the port promises.
      return (out.QueryExecutions ?? []).flatMap((q) =>
        q.QueryExecutionId ? [toQueryState(q, q.QueryExecutionId)] : [],
      );
    } catch (error) {
      return this.batchFailed(error, queryIds);
    }
  }

  async recentQueries(maxCount: number): Promise<readonly RecentQuery[]> {
    const count = Math.min(MAX_BATCH_GET_IDS, MAX_LIST_QUERY_IDS, Math.floor(maxCount));
    if (!(count >= 1)) return [];
    // One budget for both calls: an unreachable or slow endpoint costs the run this much at most.
    const abortSignal = AbortSignal.timeout(this.options.historyTimeoutMs ?? 3000);
    let ids: string[];
    try {
      const listed = await this.client.send(
        new ListQueryExecutionsCommand({ WorkGroup: this.options.workGroup, MaxResults: count }),
        { abortSignal },
      );
      ids = (listed.QueryExecutionIds ?? []).slice(0, count);
    } catch (error) {
      throw classify(error, 'ListQueryExecutions');
    }
    if (ids.length === 0) return [];
    try {
      const out = await this.client.send(new BatchGetQueryExecutionCommand({ QueryExecutionIds: ids }), {
        abortSignal,
      });
      const byId = new Map<string, RecentQuery>();
      for (const q of out.QueryExecutions ?? []) {
        if (q.QueryExecutionId) byId.set(q.QueryExecutionId, toRecentQuery(q, q.QueryExecutionId));
      }
      // Newest first, as ListQueryExecutions listed them (the batch answer has no documented order).
      return ids.flatMap((id) => byId.get(id) ?? []);
    } catch (error) {
      throw classify(error, 'BatchGetQueryExecution');
    }
  }

  private async batchFailed(error: unknown, queryIds: readonly string[]): Promise<QueryState[]> {
    const info = sdkErrorInfo(error);
    const classified = classify(error, 'BatchGetQueryExecution');
    const unsupported =
      UNSUPPORTED_CODES.has(info.code) || info.status === 501 || UNSUPPORTED_WORDING.test(info.message);
    if (unsupported) {
      this.singleGets = true;
      return this.getEach(queryIds);
    }
    if (classified.kind !== 'transient' || ++this.batchFailures < BATCH_FAILURES_BEFORE_FALLBACK)
      throw classified;
    try {
      const states = await this.getEach(queryIds);
      this.singleGets = true;
      return states;
    } catch {
      // GetQueryExecution fails too: the service is down, not the batch call; report the batch error.
      throw classified;
    }
  }

  /** GetQueryExecution for each ID, at once (its rate quota is five times the batch call's). */
  private async getEach(queryIds: readonly string[]): Promise<QueryState[]> {
    const states = await Promise.all(queryIds.map((id) => this.getOne(id)));
    return states.filter((state): state is QueryState => state !== undefined);
  }

  private async getOne(queryId: string): Promise<QueryState | undefined> {
    try {
      const out = await this.client.send(new GetQueryExecutionCommand({ QueryExecutionId: queryId }));
      return out.QueryExecution ? toQueryState(out.QueryExecution, queryId) : undefined;
    } catch (error) {
      const info = sdkErrorInfo(error);
      // An unknown ID is left out, as BatchGetQueryExecution leaves it out.
      if (info.code === 'InvalidRequestException' && /not found|does not exist/i.test(info.message))
        return undefined;
      throw classify(error, 'GetQueryExecution');
    }
  }
}

function toQueryState(q: QueryExecution, queryId: string): QueryState {
  const status = q.Status;
  // A state this code does not know yet is reported as still queued, so the caller keeps polling.
  const state = (status?.State && STATES.has(status.State) ? status.State : 'QUEUED') as QueryStateName;
  const athenaReason = status?.AthenaError?.ErrorMessage ?? status?.StateChangeReason;
  const reason = athenaReason === undefined ? undefined : withQueryFailureHint(athenaReason);
  const retryable = status?.AthenaError?.Retryable;
  const timing = toTiming(q);
  return {
    queryId,
    state,
    ...(reason !== undefined ? { reason } : {}),
    ...(retryable !== undefined ? { retryable } : {}),
    ...(timing ? { timing } : {}),
    ...(q.Query !== undefined ? { sql: q.Query } : {}),
  };
}

function toRecentQuery(q: QueryExecution, queryId: string): RecentQuery {
  const { state, timing } = toQueryState(q, queryId);
  return {
    queryId,
    sql: q.Query ?? '',
    state,
    ...(q.StatementType !== undefined ? { statementType: q.StatementType } : {}),
    ...(timing ? { timing } : {}),
  };
}

/** Athena's own timings, passed through as numbers; the core decides what they mean. */
function toTiming(q: QueryExecution): QueryTiming | undefined {
  const timing: Record<string, number> = {};
  const put = (key: keyof QueryTiming, value: number | undefined): void => {
    if (value !== undefined && Number.isFinite(value)) timing[key] = value;
  };
  put('submittedAtMs', epochMs(q.Status?.SubmissionDateTime));
  put('completedAtMs', epochMs(q.Status?.CompletionDateTime));
  put('totalExecutionMs', q.Statistics?.TotalExecutionTimeInMillis);
  put('queueMs', q.Statistics?.QueryQueueTimeInMillis);
  return Object.keys(timing).length > 0 ? (timing as QueryTiming) : undefined;
}

function epochMs(value: Date | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = value instanceof Date ? value.getTime() : Number(value);
  return Number.isFinite(ms) ? ms : undefined;
}

function classify(error: unknown, operation: string): PortError {
  const info = sdkErrorInfo(error);
  const detail = `${operation}: ${info.code}: ${info.message}`;
  if (
    THROTTLE_CODES.has(info.code) ||
    (info.code === 'InvalidRequestException' && THROTTLE_WORDING.test(info.message))
  ) {
    return new PortError('throttled', `athena throttled ${detail}`, info.code);
  }
  if (info.code === 'AccessDeniedException' || info.status === 403) {
    return new PortError(
      'access-denied',
      `access denied calling athena ${detail}${accessDeniedHint(info.message)}`,
      info.code,
    );
  }
  if (info.code === 'InternalServerException' || isTransientFault(info)) {
    return new PortError('transient', `athena unavailable ${detail}`, info.code);
  }
  return new PortError('fatal', `athena rejected ${detail}`, info.code);
}
