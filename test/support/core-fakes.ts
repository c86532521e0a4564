/**
 * Small hand-written in-memory fakes of the core's ports. No jest.mock, no SDK mocks: each fake
 * behaves like the service it stands for, as far as the core can observe, and records what
 * it was asked so tests can assert on the conversation.
 */
import { ValidationError } from '../../lambda/core/shared/validation';
import type {
  AthenaPort,
  CatalogPort,
  Clock,
  PartitionColumn,
  QueryState,
  QueryStateName,
  S3ListingPort,
} from '../../lambda/core/shared/ports';
import { PortError } from '../../lambda/core/shared/ports';
import type { PartitionSpec, Statement } from '../../lambda/core/partitions/ddl';

/** 2024-06-15T12:00:00Z: a fixed "now" for every test that needs one. */
export const NOW = new Date(Date.UTC(2024, 5, 15, 12, 0, 0));

/**
 * Virtual time: `sleep` advances the clock instantly. A budget turns an endless retry loop
 * into a test failure instead of a hang.
 */
export class VirtualClock implements Clock {
  private current: number;
  readonly start: number;
  sleeps = 0;
  slept = 0;

  constructor(
    start: number = NOW.getTime(),
    private readonly budgetMs = 30 * 24 * 3_600_000,
  ) {
    this.current = start;
    this.start = start;
  }

  now(): number {
    return this.current;
  }

  async sleep(ms: number): Promise<void> {
    if (!Number.isFinite(ms)) throw new Error(`sleep(${ms}): not a finite duration`);
    const step = Math.max(0, ms);
    this.current += step;
    this.sleeps++;
    this.slept += step;
    if (this.current - this.start > this.budgetMs) {
      throw new Error(`virtual time budget of ${this.budgetMs} ms exceeded: an endless loop?`);
    }
  }

  /** Virtual milliseconds since construction. */
  elapsed(): number {
    return this.current - this.start;
  }
}

/**
 * S3 over a sorted key list: `listChildNames` returns the CommonPrefixes of a delimiter
 * listing (names only), `hasAnyObject` a MaxKeys=1 listing. `order: 'reversed'` hands names back
 * in reverse, to prove callers sort for themselves.
 */
export class FakeS3Listing implements S3ListingPort {
  private readonly keys: string[];
  readonly listCalls: string[] = [];
  readonly probeCalls: string[] = [];

  constructor(
    keys: Iterable<string>,
    private readonly order: 'sorted' | 'reversed' = 'sorted',
  ) {
    this.keys = [...new Set(keys)].sort();
  }

  private lowerBound(prefix: string): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.keys[mid] < prefix) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  async listChildNames(prefix: string): Promise<string[]> {
    if (prefix !== '' && !prefix.endsWith('/'))
      throw new Error(`listChildNames(${JSON.stringify(prefix)}): prefix must end with /`);
    this.listCalls.push(prefix);
    const names: string[] = [];
    for (let i = this.lowerBound(prefix); i < this.keys.length && this.keys[i].startsWith(prefix); i++) {
      const rest = this.keys[i].slice(prefix.length);
      const slash = rest.indexOf('/');
      if (slash < 0) continue;
      const name = rest.slice(0, slash);
      if (names[names.length - 1] !== name) names.push(name);
    }
    return this.order === 'reversed' ? names.reverse() : names;
  }

  async hasAnyObject(prefix: string): Promise<boolean> {
    this.probeCalls.push(prefix);
    const i = this.lowerBound(prefix);
    return i < this.keys.length && this.keys[i].startsWith(prefix);
  }

  get calls(): number {
    return this.listCalls.length + this.probeCalls.length;
  }
}

/**
 * A CloudTrail log object key, written out by hand (not with lambda/core/layout) so discovery
 * tests do not check the layout module against itself.
 */
export function trailKey(
  where: { readonly prefix?: string; readonly orgId?: string },
  account: string,
  region: string,
  isoDate: string,
): string {
  const [year, month, day] = isoDate.split('-');
  const root = `${where.prefix ? `${where.prefix}/` : ''}AWSLogs/${where.orgId ? `${where.orgId}/` : ''}`;
  const file = `${account}_CloudTrail_${region}_${year}${month}${day}T0005Z_abcdEFGH1234.json.gz`;
  return `${root}${account}/CloudTrail/${region}/${year}/${month}/${day}/${file}`;
}

export const ORG_COLUMNS: readonly PartitionColumn[] = ['account', 'region', 'year', 'month', 'day'].map(
  (name) => ({
    name,
    type: 'string',
  }),
);
export const SINGLE_ACCOUNT_COLUMNS: readonly PartitionColumn[] = ['region', 'year', 'month', 'day'].map(
  (name) => ({
    name,
    type: 'string',
  }),
);

/** Glue: a map of `database.table` to partition columns. */
export class FakeCatalog implements CatalogPort {
  readonly calls: string[] = [];

  constructor(private readonly tables: Readonly<Record<string, readonly PartitionColumn[]>>) {}

  async getPartitionKeys(database: string, table: string): Promise<PartitionColumn[]> {
    const name = `${database}.${table}`;
    this.calls.push(name);
    const columns = this.tables[name];
    if (!columns)
      throw new PortError('not-found', `Entity Not Found: table ${name}`, 'EntityNotFoundException');
    return [...columns];
  }
}

/** How one query execution goes in the fake Athena. */
export interface QueryPlan {
  /** Virtual time from start to the terminal state. @default 1000 */
  readonly runMs?: number;
  /** Virtual time from start during which status calls report QUEUED. @default runMs / 4 */
  readonly queuedMs?: number;
  /** @default 'SUCCEEDED' */
  readonly state?: 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
  readonly reason?: string;
  readonly retryable?: boolean;
}

/** What a StartQueryExecution call does: start a query, refuse, or start one and then fail to answer. */
export type StartScript =
  | { readonly kind: 'start'; readonly plan?: QueryPlan }
  | { readonly kind: 'refuse'; readonly error: Error }
  | { readonly kind: 'start-then-fail'; readonly error: Error; readonly plan?: QueryPlan };

export interface StartContext {
  readonly sql: string;
  readonly token: string;
  /** 0-based number of this StartQueryExecution call. */
  readonly call: number;
  /** How many executions already exist for this SQL (0 on the first attempt). */
  readonly executionsOfSql: number;
  /** Queries QUEUED or RUNNING in Athena right now. */
  readonly running: number;
}

export interface StartRecord {
  readonly sql: string;
  readonly token: string;
  readonly at: number;
  /** Query IDs the client held and had not yet seen finish, when it made this call. */
  readonly outstanding: number;
  readonly result: 'started' | 'deduplicated' | 'refused' | 'started-then-failed';
  readonly queryId?: string;
}

interface Execution {
  readonly id: string;
  readonly sql: string;
  readonly token: string;
  readonly startedAt: number;
  readonly plan: QueryPlan;
}

export interface FakeAthenaOptions {
  /** Decides each StartQueryExecution; default: start, succeed after 1 s. */
  readonly script?: (context: StartContext) => StartScript;
  /** Athena's own concurrency quota: starts beyond it are throttled (TooManyRequestsException). */
  readonly quota?: number;
  /** Decides each BatchGetQueryExecution: return an error to throw it. */
  readonly pollScript?: (call: number, ids: readonly string[]) => Error | undefined;
  /**
   * Which of Athena's own timings an ended query's status carries: 'dates' (Submission and
   * CompletionDateTime), 'statistics' (TotalExecutionTimeInMillis) or 'none' (an older API
   * or a stand-in). @default 'dates'
   */
  readonly timings?: 'dates' | 'statistics' | 'none';
  /** False: status answers leave out the query's text (QueryExecution.Query). @default true */
  readonly statusSql?: boolean;
  /** Decides each StopQueryExecution: return an error to throw it (the query keeps running). */
  readonly stopScript?: (queryId: string) => Error | undefined;
  /**
   * Simulated ms between an accepted StopQueryExecution and the query's CANCELLED: Athena
   * answers the stop first, and the query holds its slot until it is cancelled. @default 1000
   */
  readonly stopTakesMs?: number;
}

/**
 * Athena with a scripted story per query and a virtual clock. Honors ClientRequestToken
 * idempotency (same token, same query ID, no new execution), answers status for at most 50 IDs,
 * and tracks how many queries the client has in flight.
 */
export class ScriptedAthena implements AthenaPort {
  readonly starts: StartRecord[] = [];
  readonly pollBatches: number[] = [];
  /** StopQueryExecution calls, in order, with whether the query was still running. */
  readonly stops: { readonly queryId: string; readonly at: number; readonly wasRunning: boolean }[] = [];
  /** Queries stopped while running, and when: CANCELLED from then on. */
  private readonly stoppedAt = new Map<string, number>();
  private readonly executions = new Map<string, Execution>();
  private readonly byToken = new Map<string, string>();
  private readonly executionsBySql = new Map<string, number>();
  /** IDs handed to the client and not yet reported terminal to it: exactly what the client has in flight. */
  private readonly outstanding = new Set<string>();
  maxOutstanding = 0;
  maxRunning = 0;
  private nextId = 1;

  constructor(
    private readonly clock: Clock,
    private readonly options: FakeAthenaOptions = {},
  ) {}

  private running(): number {
    const now = this.clock.now();
    let count = 0;
    for (const execution of this.executions.values()) {
      const end = Math.min(
        execution.startedAt + (execution.plan.runMs ?? 1000),
        this.stoppedAt.get(execution.id) ?? Infinity,
      );
      if (now < end) count++;
    }
    return count;
  }

  /**
   * StopQueryExecution: a running query goes CANCELLED `stopTakesMs` later, holding its slot
   * until then (and stays "outstanding" until a status call reports it); an ended one is left as it is.
   */
  async stopQuery(queryId: string): Promise<void> {
    const execution = this.executions.get(queryId);
    const now = this.clock.now();
    const wasRunning =
      execution !== undefined &&
      !this.stoppedAt.has(queryId) &&
      now < execution.startedAt + (execution.plan.runMs ?? 1000);
    this.stops.push({ queryId, at: now, wasRunning });
    const error = this.options.stopScript?.(queryId);
    if (error) throw error;
    if (!execution)
      throw new PortError('fatal', `QueryExecution ${queryId} was not found`, 'InvalidRequestException');
    if (wasRunning) this.stoppedAt.set(queryId, now + (this.options.stopTakesMs ?? 1000));
  }

  async startQuery(sql: string, clientRequestToken: string): Promise<string> {
    const call = this.starts.length;
    const base = { sql, token: clientRequestToken, at: this.clock.now(), outstanding: this.outstanding.size };
    if (clientRequestToken.length < 32 || clientRequestToken.length > 128) {
      this.starts.push({ ...base, result: 'refused' });
      throw new PortError(
        'fatal',
        `ClientRequestToken must be 32 to 128 characters`,
        'InvalidRequestException',
      );
    }
    const existing = this.byToken.get(clientRequestToken);
    if (existing !== undefined) {
      this.starts.push({ ...base, result: 'deduplicated', queryId: existing });
      this.handOut(existing);
      return existing;
    }
    const running = this.running();
    if (this.options.quota !== undefined && running >= this.options.quota) {
      this.starts.push({ ...base, result: 'refused' });
      throw new PortError('throttled', 'Too many queries are running', 'TooManyRequestsException');
    }
    const executionsOfSql = this.executionsBySql.get(sql) ?? 0;
    const script = this.options.script?.({
      sql,
      token: clientRequestToken,
      call,
      executionsOfSql,
      running,
    }) ?? {
      kind: 'start',
    };
    if (script.kind === 'refuse') {
      this.starts.push({ ...base, result: 'refused' });
      throw script.error;
    }
    const id = `q-${String(this.nextId++).padStart(6, '0')}`;
    this.executions.set(id, {
      id,
      sql,
      token: clientRequestToken,
      startedAt: this.clock.now(),
      plan: script.plan ?? {},
    });
    this.byToken.set(clientRequestToken, id);
    this.executionsBySql.set(sql, executionsOfSql + 1);
    this.maxRunning = Math.max(this.maxRunning, this.running());
    if (script.kind === 'start-then-fail') {
      // Athena runs it, but the client never hears the ID (until it retries with the same token).
      this.starts.push({ ...base, result: 'started-then-failed', queryId: id });
      throw script.error;
    }
    this.starts.push({ ...base, result: 'started', queryId: id });
    this.handOut(id);
    return id;
  }

  /** The client now holds this ID and must poll it until it sees a terminal state. */
  private handOut(id: string): void {
    this.outstanding.add(id);
    this.maxOutstanding = Math.max(this.maxOutstanding, this.outstanding.size);
  }

  async getQueryStates(queryIds: readonly string[]): Promise<QueryState[]> {
    if (queryIds.length > 50)
      throw new Error(`BatchGetQueryExecution accepts at most 50 ids, got ${queryIds.length}`);
    const error = this.options.pollScript?.(this.pollBatches.length, queryIds);
    this.pollBatches.push(queryIds.length);
    if (error) throw error;
    const now = this.clock.now();
    const states: QueryState[] = [];
    for (const id of queryIds) {
      const execution = this.executions.get(id);
      if (!execution) continue;
      const elapsed = now - execution.startedAt;
      const stoppedAt = this.stoppedAt.get(id);
      if (
        stoppedAt !== undefined &&
        now >= stoppedAt &&
        stoppedAt < execution.startedAt + (execution.plan.runMs ?? 1000)
      ) {
        this.outstanding.delete(id);
        const timing = { submittedAtMs: execution.startedAt, completedAtMs: stoppedAt };
        states.push({ queryId: id, state: 'CANCELLED', reason: 'Query cancelled by user', timing });
        continue;
      }
      const runMs = execution.plan.runMs ?? 1000;
      if (elapsed < runMs) {
        states.push({
          queryId: id,
          state: elapsed < (execution.plan.queuedMs ?? runMs / 4) ? 'QUEUED' : 'RUNNING',
        });
        continue;
      }
      this.outstanding.delete(id);
      const state: QueryStateName = execution.plan.state ?? 'SUCCEEDED';
      const timings = this.options.timings ?? 'dates';
      const timing =
        timings === 'dates'
          ? { submittedAtMs: execution.startedAt, completedAtMs: execution.startedAt + runMs }
          : timings === 'statistics'
            ? { totalExecutionMs: runMs }
            : undefined;
      states.push({
        queryId: id,
        state,
        ...(execution.plan.reason !== undefined ? { reason: execution.plan.reason } : {}),
        ...(execution.plan.retryable !== undefined ? { retryable: execution.plan.retryable } : {}),
        ...(timing ? { timing } : {}),
      });
    }
    if (this.options.statusSql === false) return states;
    return states.map((state) => ({ ...state, sql: this.executions.get(state.queryId)?.sql }));
  }

  /** Queries Athena actually executed (deduplicated starts excluded). */
  get executionCount(): number {
    return this.executions.size;
  }

  /** Tokens of the executions for one SQL text, in start order. */
  tokensFor(sql: string): string[] {
    return [...this.executions.values()]
      .filter((execution) => execution.sql === sql)
      .map((execution) => execution.token);
  }

  get startCalls(): number {
    return this.starts.length;
  }
}

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of an epoch day, computed independently of lambda/core/dates. */
export function isoOf(epochDay: number): string {
  return new Date(epochDay * DAY_MS).toISOString().slice(0, 10);
}

/** Epoch day of `YYYY-MM-DD`, computed independently of lambda/core/dates. */
export function dayOf(iso: string): number {
  return Date.parse(`${iso}T00:00:00Z`) / DAY_MS;
}

/** A partition for an account, region and epoch day, with a plausible location. */
export function partition(account: string, region: string, epochDay: number): PartitionSpec {
  const [year, month, day] = isoOf(epochDay).split('-');
  return {
    account,
    region,
    year,
    month,
    day,
    location: `s3://trail-bucket/AWSLogs/${account}/CloudTrail/${region}/${year}/${month}/${day}/`,
  };
}

/**
 * `count` statements of `perStatement` consecutive days each for one account and region (day
 * ranges follow on from statement to statement). The SQL is distinct per statement.
 */
export function sampleStatements(
  count: number,
  perStatement = 3,
  options: { readonly account?: string; readonly region?: string; readonly firstDay?: string } = {},
): Statement[] {
  const account = options.account ?? '111122223333';
  const region = options.region ?? 'us-east-1';
  const first = dayOf(options.firstDay ?? '2024-01-01');
  return Array.from({ length: count }, (_, index) => {
    const partitions = Array.from({ length: perStatement }, (_, j) =>
      partition(account, region, first + index * perStatement + j),
    );
    const sql =
      'ALTER TABLE `cloudtrail`.`cloudtrail_logs` ADD IF NOT EXISTS' +
      partitions
        .map(
          (p) =>
            `\n  PARTITION (\`account\` = '${p.account}', \`region\` = '${p.region}', \`year\` = '${p.year}', \`month\` = '${p.month}', \`day\` = '${p.day}') LOCATION '${p.location}'`,
        )
        .join('');
    return { index, sql, bytes: Buffer.byteLength(sql), partitions };
  });
}

/** An iterable that counts how many items have been pulled from it. */
export function countingIterable<T>(source: Iterable<T>): {
  readonly iterable: Iterable<T>;
  pulled(): number;
} {
  let pulled = 0;
  return {
    iterable: {
      *[Symbol.iterator]() {
        for (const item of source) {
          pulled++;
          yield item;
        }
      },
    },
    pulled: () => pulled,
  };
}

/** Expands `{account, region, from, to}` ranges into `account/region/YYYY-MM-DD` keys. */
export function expandRanges(
  ranges: readonly {
    readonly account: string;
    readonly region: string;
    readonly from: string;
    readonly to: string;
  }[],
): string[] {
  const keys: string[] = [];
  for (const range of ranges) {
    for (let day = dayOf(range.from); day <= dayOf(range.to); day++)
      keys.push(`${range.account}/${range.region}/${isoOf(day)}`);
  }
  return keys;
}

export function partitionKey(p: PartitionSpec): string {
  return `${p.account}/${p.region}/${p.year}-${p.month}-${p.day}`;
}

/** The message of the ValidationError `run` throws; fails the test when it throws nothing or something else. */
export function validationErrorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as Error).message;
  }
  throw new Error('expected a ValidationError, but nothing was thrown');
}
