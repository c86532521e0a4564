/**
 * Athena stand-in: StartQueryExecution / GetQueryExecution / BatchGetQueryExecution for
 * ALTER TABLE ... ADD PARTITION, with Athena's quotas and a simulated query lifecycle.
 *
 * Queries advance lazily: every request (and every StandIn accessor) first replays, in
 * simulated-time order, the starts and completions that are due. No timers run, so
 * results depend only on simulated time, and close() has nothing to cancel.
 * A query is QUEUED for ddlQueueMs, RUNNING while a run slot is free, then ends at
 * start + ddlFixedMs + ddlPerPartitionMs × partitions; on success its partitions are
 * written to the Glue catalog store.
 */
import { randomUUID } from 'node:crypto';
import {
  DdlParseError,
  parseAddPartitions,
  parseDropPartitions,
  type AddPartitionsDdl,
  type DropPartitionsDdl,
} from './ddl-parser';
import type { Faults, QueryOutcome } from './faults';
import type { GlueCatalogStore } from './glue';
import { ServiceError, jsonResponse, utf8Bytes, type WireResponse } from './protocol';
import {
  bump,
  type Operation,
  type QuotaOptions,
  type SimClock,
  type StandInStats,
  type TokenBucket,
} from './quota-model';
import { applyDdl } from './athena-ddl';

export type QueryStateName = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

/** What a test or benchmark can inspect about one query. */
export interface QueryInfo {
  readonly id: string;
  readonly sql: string;
  readonly token: string;
  readonly workGroup: string;
  readonly database: string;
  readonly partitions: number;
  state: QueryStateName;
  readonly submittedAt: number;
  readyAt: number;
  startedAt?: number;
  endedAt?: number;
  readonly durationMs: number;
  reason?: string;
  retryable?: boolean;
  errorCategory?: number;
  /** When a status answer (Get or BatchGet) first reported it ended: how late the caller saw its end. */
  seenEndedAt?: number;
}

interface QueryRecord extends QueryInfo {
  readonly ddl: AddPartitionsDdl | DropPartitionsDdl;
  readonly catalog: string;
  readonly fault?: QueryOutcome;
}

export interface AthenaContext {
  readonly clock: SimClock;
  readonly quotas: QuotaOptions;
  readonly catalog: GlueCatalogStore;
  readonly faults: Faults;
  readonly stats: StandInStats;
  readonly rates: Partial<Record<Operation, TokenBucket>>;
}

/** Simulated ms from an accepted StopQueryExecution to CANCELLED (Athena documents no figure). */
const STOP_TAKES_MS = 500;

const TOO_MANY =
  'You have exceeded the limit for the number of queries you can run concurrently. Please reduce the number of concurrent queries submitted by this account. Contact customer support to request a concurrent query limit increase.';

export class AthenaSim {
  private readonly byId = new Map<string, QueryRecord>();
  private readonly byToken = new Map<string, QueryRecord>();
  private readonly queued: QueryRecord[] = [];
  private readonly running: QueryRecord[] = [];
  /** Executions started per SQL text: a latency model may draw each execution afresh. */
  private readonly executionsBySql = new Map<string, number>();
  private lastEventAt = 0;
  /** Running queries asked to stop, and when they are CANCELLED. */
  private readonly cancelAt = new Map<string, number>();

  constructor(private readonly ctx: AthenaContext) {}

  handle(operation: string, input: Record<string, unknown>): WireResponse {
    if (
      operation !== 'StartQueryExecution' &&
      operation !== 'GetQueryExecution' &&
      operation !== 'BatchGetQueryExecution' &&
      operation !== 'ListQueryExecutions' &&
      operation !== 'StopQueryExecution'
    ) {
      throw new ServiceError(
        400,
        'UnknownOperationException',
        `the stand-in does not serve AmazonAthena.${operation}`,
      );
    }
    const { stats, faults, rates } = this.ctx;
    bump(stats.calls, operation);
    const injected = faults.takeAthenaError(operation);
    if (injected) {
      const throttle =
        injected.code === 'ThrottlingException' || injected.code === 'TooManyRequestsException';
      bump(throttle ? stats.throttled : stats.errors, operation);
      const status = injected.code === 'InternalServerException' ? 500 : 400;
      throw new ServiceError(status, injected.code, injected.message ?? `injected ${injected.code}`);
    }
    if (faults.isThrottled(operation) || (rates[operation] && !rates[operation].tryTake())) {
      bump(stats.throttled, operation);
      throw new ServiceError(400, 'ThrottlingException', 'Rate exceeded');
    }
    if (operation === 'StartQueryExecution' && faults.slotsTaken()) {
      // Other users hold every active-query slot for a while: Athena's quota refusal.
      bump(stats.throttled, operation);
      throw new ServiceError(400, 'TooManyRequestsException', TOO_MANY, {
        Reason: 'CONCURRENT_QUERY_LIMIT_EXCEEDED',
      });
    }
    this.advance();
    try {
      if (operation === 'StartQueryExecution') return jsonResponse({ QueryExecutionId: this.start(input) });
      if (operation === 'GetQueryExecution')
        return jsonResponse({ QueryExecution: this.render(this.find(input)) });
      if (operation === 'ListQueryExecutions') return this.listQueries(input);
      if (operation === 'StopQueryExecution') return this.stop(input);
      return this.batchGet(input);
    } catch (e) {
      if (e instanceof ServiceError && e.code !== 'TooManyRequestsException') bump(stats.errors, operation);
      throw e;
    }
  }

  private start(input: Record<string, unknown>): string {
    const { quotas, stats, clock, faults } = this.ctx;
    const sql = typeof input.QueryString === 'string' ? input.QueryString : '';
    const token = typeof input.ClientRequestToken === 'string' ? input.ClientRequestToken : randomUUID();
    const bytes = utf8Bytes(sql);
    if (bytes < 1 || bytes > quotas.maxQueryBytes) {
      throw invalid(
        `1 validation error detected: Value at 'queryString' failed to satisfy constraint: Member must have length ${bytes < 1 ? 'greater than or equal to 1' : `less than or equal to ${quotas.maxQueryBytes}`}`,
      );
    }
    if (token.length < 32 || token.length > 128) {
      throw invalid(
        `1 validation error detected: Value at 'clientRequestToken' failed to satisfy constraint: Member must have length ${token.length < 32 ? 'greater than or equal to 32' : 'less than or equal to 128'}`,
      );
    }
    const previous = this.byToken.get(token);
    if (previous) {
      if (previous.sql !== sql) throw invalid('Idempotent parameters do not match');
      return previous.id;
    }
    let ddl: AddPartitionsDdl | DropPartitionsDdl;
    try {
      ddl = parseAddOrDrop(sql);
    } catch (e) {
      if (e instanceof DdlParseError) throw invalid(e.message);
      throw e;
    }
    const active = this.queued.length + this.running.length;
    if (active >= quotas.maxActiveDdl) {
      bump(stats.throttled, 'StartQueryExecution');
      throw new ServiceError(400, 'TooManyRequestsException', TOO_MANY, {
        Reason: 'CONCURRENT_QUERY_LIMIT_EXCEEDED',
      });
    }
    const context = (input.QueryExecutionContext ?? {}) as { Database?: string; Catalog?: string };
    const now = clock.now();
    const partitions = ddl.partitions.length;
    const fault = faults.takeQueryOutcome(sql);
    const execution = this.executionsBySql.get(sql) ?? 0;
    this.executionsBySql.set(sql, execution + 1);
    const query: QueryRecord = {
      id: randomUUID(),
      sql,
      token,
      ddl,
      workGroup: typeof input.WorkGroup === 'string' ? input.WorkGroup : 'primary',
      database: ddl.database ?? context.Database ?? 'default',
      catalog: context.Catalog ?? 'AwsDataCatalog',
      partitions,
      state: 'QUEUED',
      submittedAt: now,
      readyAt: now + quotas.ddlQueueMs,
      durationMs:
        (quotas.ddlLatencyMs?.(partitions, sql, execution) ??
          quotas.ddlFixedMs + quotas.ddlPerPartitionMs * partitions) + faults.extraQueryLatencyMs,
      ...(fault ? { fault } : {}),
    };
    this.byId.set(query.id, query);
    this.byToken.set(token, query);
    this.queued.push(query);
    stats.statements += 1;
    stats.statementBytes.push(bytes);
    stats.maxConcurrentActive = Math.max(stats.maxConcurrentActive, active + 1);
    return query.id;
  }

  /**
   * StopQueryExecution as Athena documents it: a queued or running query goes CANCELLED and
   * frees its active-DDL slot (a DDL cancelled before its end registers nothing here); a query
   * that has ended already is left as it is, and the call succeeds.
   */
  /**
   * StopQueryExecution. A queued query leaves the queue at once; a running one is CANCELLED
   * STOP_TAKES_MS later and holds its slot until then (Athena answers the stop before the query
   * ends, so a client must not count the slot free on the answer). An ended one is left as it is.
   */
  private stop(input: Record<string, unknown>): WireResponse {
    const query = this.find(input);
    if (query.state !== 'QUEUED' && query.state !== 'RUNNING') return jsonResponse({});
    const now = this.ctx.clock.now();
    if (query.state === 'RUNNING') {
      const cancelAt = now + STOP_TAKES_MS;
      if (cancelAt < (query.endedAt ?? Infinity)) {
        this.cancelAt.set(query.id, cancelAt);
        query.endedAt = cancelAt;
      }
      return jsonResponse({});
    }
    this.tick(now);
    this.queued.splice(this.queued.indexOf(query), 1);
    query.state = 'CANCELLED';
    query.endedAt = now;
    this.ctx.stats.cancelled += 1;
    return jsonResponse({});
  }

  private find(input: Record<string, unknown>): QueryRecord {
    const id = typeof input.QueryExecutionId === 'string' ? input.QueryExecutionId : '';
    const query = this.byId.get(id);
    if (!query) throw invalid(`QueryExecution ${id} was not found`);
    return query;
  }

  private batchGet(input: Record<string, unknown>): WireResponse {
    const ids = Array.isArray(input.QueryExecutionIds) ? input.QueryExecutionIds.map(String) : [];
    if (ids.length < 1 || ids.length > this.ctx.quotas.maxBatchGetIds) {
      throw invalid(
        `1 validation error detected: Value at 'queryExecutionIds' failed to satisfy constraint: Member must have length ${ids.length < 1 ? 'greater than or equal to 1' : `less than or equal to ${this.ctx.quotas.maxBatchGetIds}`}`,
      );
    }
    const found = ids.flatMap((id) => (this.byId.has(id) ? [this.byId.get(id) as QueryRecord] : []));
    const unknown = ids.filter((id) => !this.byId.has(id));
    return jsonResponse({
      QueryExecutions: found.map((q) => this.render(q)),
      UnprocessedQueryExecutionIds: unknown.map((id) => ({
        QueryExecutionId: id,
        ErrorCode: 'InvalidRequestException',
        ErrorMessage: `QueryExecution ${id} was not found`,
      })),
    });
  }

  /**
   * ListQueryExecutions as the API reference documents it: the IDs of the workgroup's queries
   * (`primary` when none is named), newest first, MaxResults 0–50 (50 when absent or 0), and a
   * NextToken while more remain. The token pins the listing's newest query, so queries started
   * between pages do not shift the pages.
   */
  private listQueries(input: Record<string, unknown>): WireResponse {
    const workGroup = input.WorkGroup === undefined ? 'primary' : input.WorkGroup;
    if (typeof workGroup !== 'string' || !/^[a-zA-Z0-9._-]{1,128}$/.test(workGroup))
      throw invalid(
        "1 validation error detected: Value at 'workGroup' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9._-]{1,128}",
      );
    const max = input.MaxResults ?? 0;
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 0 || max > 50)
      throw invalid(
        `1 validation error detected: Value '${String(max)}' at 'maxResults' failed to satisfy constraint: Member must have value ${typeof max === 'number' && max > 50 ? 'less than or equal to 50' : 'greater than or equal to 0'}`,
      );
    const all = [...this.byId.values()].filter((q) => q.workGroup === workGroup).reverse();
    let from = 0;
    if (input.NextToken !== undefined) {
      const token = typeof input.NextToken === 'string' ? input.NextToken : '';
      const [newest, offset] = Buffer.from(token, 'base64url').toString().split('\n');
      const pinned = all.findIndex((q) => q.id === newest);
      if (token.length < 1 || token.length > 1024 || pinned < 0 || !/^\d+$/.test(offset ?? ''))
        throw invalid('Invalid NextToken');
      all.splice(0, pinned);
      from = Number(offset);
    }
    const page = all.slice(from, from + (max === 0 ? 50 : max));
    const more = from + page.length < all.length;
    return jsonResponse({
      QueryExecutionIds: page.map((q) => q.id),
      ...(more
        ? { NextToken: Buffer.from(`${all[0].id}\n${from + page.length}`).toString('base64url') }
        : {}),
    });
  }

  /** Replays every queue → run → end transition due by now, in simulated-time order. */
  advance(): void {
    const now = this.ctx.clock.now();
    for (;;) {
      let next: QueryRecord | undefined;
      for (const q of this.running) if (!next || (q.endedAt ?? 0) < (next.endedAt ?? 0)) next = q;
      const endAt = next?.endedAt ?? Number.POSITIVE_INFINITY;
      const head = this.queued[0];
      const startAt =
        head && this.running.length < this.ctx.quotas.ddlRunSlots
          ? Math.max(head.readyAt, this.lastEventAt)
          : Number.POSITIVE_INFINITY;
      if (Math.min(endAt, startAt) > now) break;
      if (next && endAt <= startAt) {
        this.tick(endAt);
        this.running.splice(this.running.indexOf(next), 1);
        this.finish(next);
      } else if (head) {
        this.tick(startAt);
        this.queued.shift();
        head.state = 'RUNNING';
        head.startedAt = startAt;
        head.endedAt = startAt + head.durationMs;
        this.running.push(head);
      }
    }
  }

  /** Simulated time at which the next transition is due, if any query is active. */
  nextEventAt(): number | undefined {
    if (this.running.length === 0 && this.queued.length === 0) return undefined;
    const ends = this.running.map((q) => q.endedAt ?? 0);
    const head = this.queued[0];
    const canStart = head !== undefined && this.running.length < this.ctx.quotas.ddlRunSlots;
    return Math.min(...ends, canStart ? Math.max(head.readyAt, this.lastEventAt) : Number.POSITIVE_INFINITY);
  }

  activeCount(): number {
    return this.queued.length + this.running.length;
  }

  queries(): QueryInfo[] {
    return [...this.byId.values()];
  }

  /** busySimMs including the current, still open, busy stretch. */
  busySimMs(): number {
    return this.ctx.stats.busySimMs + (this.running.length > 0 ? this.ctx.clock.now() - this.lastEventAt : 0);
  }

  private tick(at: number): void {
    if (this.running.length > 0) this.ctx.stats.busySimMs += at - this.lastEventAt;
    this.lastEventAt = Math.max(this.lastEventAt, at);
  }

  private finish(q: QueryRecord): void {
    const { stats, catalog } = this.ctx;
    if (this.cancelAt.get(q.id) === q.endedAt) {
      // Stopped before its end: nothing registered.
      stats.queryRunSimMs += (q.endedAt ?? 0) - (q.startedAt ?? 0);
      q.state = 'CANCELLED';
      stats.cancelled += 1;
      return;
    }
    stats.queryRunSimMs += q.durationMs;
    if (q.fault) {
      q.state = q.fault.state ?? 'FAILED';
      q.reason = q.fault.reason;
      q.retryable = q.fault.retryable;
      q.errorCategory = q.fault.errorCategory ?? (q.fault.retryable ? 1 : 2);
    } else {
      // Created when the statement ended, not when a later request replayed its end.
      const result = applyDdl(catalog, q.database, q.ddl, q.endedAt);
      if ('added' in result) {
        q.state = 'SUCCEEDED';
        stats.partitionsAdded += result.added;
      } else {
        q.state = 'FAILED';
        q.reason = result.failure;
        q.retryable = false;
        q.errorCategory = 2;
      }
    }
    if (q.state === 'SUCCEEDED') stats.succeeded += 1;
    else if (q.state === 'FAILED') stats.failed += 1;
    else stats.cancelled += 1;
  }

  private render(q: QueryRecord): Record<string, unknown> {
    const { clock } = this.ctx;
    const seconds = (sim: number): number => clock.epochMs(sim) / 1000;
    const done = q.state === 'SUCCEEDED' || q.state === 'FAILED' || q.state === 'CANCELLED';
    if (done) q.seenEndedAt ??= clock.now();
    const withError = q.state === 'FAILED' || (q.state === 'CANCELLED' && q.retryable !== undefined);
    return {
      QueryExecutionId: q.id,
      Query: q.sql,
      StatementType: 'DDL',
      WorkGroup: q.workGroup,
      QueryExecutionContext: { Database: q.database, Catalog: q.catalog },
      ResultConfiguration: { OutputLocation: `s3://aws-standin-results/${q.id}.txt` },
      Status: {
        State: q.state,
        SubmissionDateTime: seconds(q.submittedAt),
        ...(done && q.endedAt !== undefined ? { CompletionDateTime: seconds(q.endedAt) } : {}),
        ...(q.reason !== undefined ? { StateChangeReason: q.reason } : {}),
        ...(withError
          ? {
              AthenaError: {
                ErrorCategory: q.errorCategory ?? 2,
                ...(q.retryable !== undefined ? { Retryable: q.retryable } : {}),
                ErrorMessage: q.reason ?? q.state,
              },
            }
          : {}),
      },
      ...(done && q.startedAt !== undefined
        ? {
            Statistics: {
              QueryQueueTimeInMillis: Math.round(q.startedAt - q.submittedAt),
              EngineExecutionTimeInMillis: Math.round((q.endedAt ?? q.startedAt) - q.startedAt),
              TotalExecutionTimeInMillis: Math.round((q.endedAt ?? q.startedAt) - q.submittedAt),
            },
          }
        : {}),
    };
  }
}

function invalid(message: string): ServiceError {
  return new ServiceError(400, 'InvalidRequestException', message);
}

/** ADD first; a statement that is no ADD but parses as a DROP is a DROP. The ADD error wins otherwise. */
function parseAddOrDrop(sql: string): AddPartitionsDdl | DropPartitionsDdl {
  try {
    return parseAddPartitions(sql);
  } catch (addError) {
    if (!(addError instanceof DdlParseError) || !/\bdrop\b/i.test(sql)) throw addError;
    try {
      return parseDropPartitions(sql);
    } catch {
      throw addError;
    }
  }
}
