/**
 * The core's view of the outside world. Adapters in lambda/aws implement these over the
 * AWS SDK; tests and the benchmark implement them over fakes or a local HTTP stand-in.
 * Errors crossing a port are classified so the pure core can decide what to retry.
 */

/** S3 listing of one bucket, as the discovery walk needs it. */
export interface S3ListingPort {
  /**
   * Names (without the parent prefix and without the trailing '/') of the "folders"
   * directly under `prefix` (ListObjectsV2 with Delimiter '/', every page followed).
   * `prefix` ends with '/' or is ''.
   */
  listChildNames(prefix: string): Promise<string[]>;
  /** True when at least one object key starts with `prefix`. */
  hasAnyObject(prefix: string): Promise<boolean>;
}

/** One partition column as the Glue catalog reports it. */
export interface PartitionColumn {
  readonly name: string;
  readonly type: string;
}

/** Glue catalog lookups. */
export interface CatalogPort {
  /** Partition columns of the table, in table order. Throws {@link PortError} `not-found` when the table is missing. */
  getPartitionKeys(database: string, table: string): Promise<PartitionColumn[]>;
  /**
   * One page of GetPartitions: partitions matching `expression`, in `segment` when given.
   * Optional so ports that never audit need not implement it.
   */
  getPartitionsPage?(request: PartitionPageRequest): Promise<PartitionPage>;
  /** The table's partition indexes and their state (GetPartitionIndexes). Optional like the above. */
  getPartitionIndexes?(database: string, table: string): Promise<PartitionIndexSummary[]>;
}

/** One partition index as Glue reports it; lambda/core/catalog/index-health.ts judges it. */
export interface PartitionIndexSummary {
  readonly name: string;
  readonly keys: readonly string[];
  readonly status: string;
  readonly errors: readonly string[];
}

/** One registered partition: values in the table's partition-key order, and its location. */
export interface CatalogPartitionEntry {
  readonly values: readonly string[];
  readonly location?: string;
  /** Glue's CreationTime, epoch ms, when the answer carries it. */
  readonly createdAt?: number;
}

export interface PartitionPageRequest {
  readonly database: string;
  readonly table: string;
  readonly expression: string;
  /** Zero-based segment of `total` (1 to 10), for parallel reads. */
  readonly segment?: { readonly number: number; readonly total: number };
  readonly nextToken?: string;
  /** At most 1,000. */
  readonly maxResults: number;
}

export interface PartitionPage {
  readonly partitions: readonly CatalogPartitionEntry[];
  readonly nextToken?: string;
}

export type QueryStateName = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

export interface QueryState {
  readonly queryId: string;
  readonly state: QueryStateName;
  /** Athena's StateChangeReason or AthenaError message, when it failed. */
  readonly reason?: string;
  /** Athena's AthenaError.Retryable, when Athena says so. */
  readonly retryable?: boolean;
  /** Athena's own clock for this query, when the answer carries it (ended queries). */
  readonly timing?: QueryTiming;
  /**
   * The statement's text (QueryExecution.Query), when the answer carries it: a query adopted
   * from an earlier invocation learns its SQL here, so it can be hedged or retried.
   */
  readonly sql?: string;
}

/**
 * What Athena reports about a query's time: Status.SubmissionDateTime / CompletionDateTime
 * (ms since epoch) and Statistics.TotalExecutionTimeInMillis / QueryQueueTimeInMillis. Any
 * field may be missing (older APIs, stand-ins, queries that never ran).
 */
export interface QueryTiming {
  readonly submittedAtMs?: number;
  readonly completedAtMs?: number;
  readonly totalExecutionMs?: number;
  readonly queueMs?: number;
}

/** A query from the workgroup's history, as Athena reports it. */
export interface RecentQuery {
  readonly queryId: string;
  readonly sql: string;
  readonly state: QueryStateName;
  /** Athena's StatementType (DDL, DML, UTILITY), when reported. */
  readonly statementType?: string;
  readonly timing?: QueryTiming;
}

/** Athena query execution in one workgroup and database. */
export interface AthenaPort {
  /**
   * StartQueryExecution. The token makes the call idempotent: the same token returns the same query ID.
   * Throws {@link PortError} `throttled` when Athena refuses for rate or concurrency, `transient` or `fatal` otherwise.
   */
  startQuery(sql: string, clientRequestToken: string): Promise<string>;
  /** Status of up to 50 queries (BatchGetQueryExecution). Unknown IDs are omitted. */
  getQueryStates(queryIds: readonly string[]): Promise<QueryState[]>;
  /**
   * The workgroup's newest queries, newest first, at most `maxCount` (ListQueryExecutions, then
   * one BatchGetQueryExecution). Optional: adapters without it, or a role without
   * athena:ListQueryExecutions, leave the scheduler to learn latency from scratch.
   * Throws {@link PortError} like the other methods.
   */
  recentQueries?(maxCount: number): Promise<readonly RecentQuery[]>;
  /**
   * StopQueryExecution: the query goes CANCELLED and frees its slot; stopping a query that has
   * ended already is a no-op. Optional: without it, a hedge's loser runs to its end.
   * Throws {@link PortError} like the others.
   */
  stopQuery?(queryId: string): Promise<void>;
}

export type PortErrorKind = 'throttled' | 'transient' | 'not-found' | 'access-denied' | 'fatal';

/** An error an adapter raises after classifying what the service said. */
export class PortError extends Error {
  constructor(
    readonly kind: PortErrorKind,
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'PortError';
  }
}

/** Time, injected so tests and the benchmark control it. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
