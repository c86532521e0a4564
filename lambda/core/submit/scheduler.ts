/**
 * Runs statements in Athena with bounded, adaptive concurrency. Four steps, one method each:
 * fill (start statements while slots are free), poll (one batched status call when the
 * earliest query is expected to end), retry (another attempt after a transient failure) and
 * finish (exactly one outcome per statement). It stops starting work before the deadline,
 * and stops altogether when an Athena operation keeps failing past the API patience.
 */
import { randomUUID } from 'node:crypto';
import { clientRequestToken, isTransient } from './attempts';
import type { Statement } from '../partitions/ddl';
import { OutcomeTally, type OutcomeStatus, type SubmitResult } from './outcomes';
import { Patience } from './patience';
import { LatencyEstimator } from './latency';
import { MIN_GAP_MS, PollPlanner } from './poll-plan';
import { ConcurrencyRecovery, isConcurrencyRefusal } from './recovery';
import type { Flight, SubmitOptions } from './scheduler-options';
import { type AthenaPort, type Clock, PortError, type QueryState } from '../shared/ports';

export type { SubmitOptions } from './scheduler-options';

const MAX_BACKOFF_MS = 20_000;
const MAX_THROTTLE_BACKOFF_MS = 2000;
const POLL_BATCH = 50;
const FATAL_KINDS: ReadonlySet<string> = new Set(['fatal', 'access-denied', 'not-found']);

export class Scheduler {
  private readonly clock: Clock;
  private readonly tally: OutcomeTally;
  private readonly source: Iterator<Statement>;
  private readonly retries: Flight[] = [];
  private readonly inFlight = new Map<string, Flight>();
  private readonly polls: PollPlanner;
  private readonly patience: Patience;
  private readonly maxAttempts: number;
  private readonly nonce: string;
  private readonly startDeadline: number;
  private exhausted = false;
  private limit: number;
  private readonly recovery: ConcurrencyRecovery;
  private notBefore = 0;
  private startBackoffMs = 0;
  private pollBackoffMs = 0;
  private stopReason: string | undefined;

  constructor(
    statements: Iterable<Statement>,
    private readonly athena: AthenaPort,
    private readonly options: SubmitOptions,
  ) {
    this.clock = options.clock;
    this.tally = new OutcomeTally(options.onOutcome);
    this.source = statements[Symbol.iterator]();
    this.patience = new Patience(options.clock, options.apiPatienceMs);
    this.polls = new PollPlanner(options, LatencyEstimator.fromHistory(options.latencyHistory ?? []), {
      maxWaitMs: this.patience.patienceMs,
      ...(options.waitDeadline !== undefined ? { deadline: options.waitDeadline } : {}),
    });
    this.maxAttempts = options.maxAttempts ?? 4;
    this.nonce = options.nonce ?? randomUUID();
    this.limit = Math.max(1, options.maxConcurrent);
    this.recovery = new ConcurrencyRecovery(options.recoveryQuietMs);
    this.startDeadline = Math.min(options.startDeadline ?? Infinity, options.waitDeadline ?? Infinity);
  }

  async run(): Promise<SubmitResult> {
    for (;;) {
      await this.fill();
      if (this.stopReason !== undefined) break;
      if (this.inFlight.size === 0) {
        if (!this.hasWork() || this.pastStartDeadline()) break;
        await this.clock.sleep(Math.max(10, this.notBefore - this.clock.now()));
        continue;
      }
      if (this.clock.now() >= (this.options.waitDeadline ?? Infinity)) break;
      await this.clock.sleep(this.nextPollDelayMs());
      await this.poll();
      if (this.stopReason !== undefined) break;
    }
    this.finishRest();
    return this.tally.result(this.stopReason);
  }

  /** Starts statements while slots are free, until a refusal or an error says to wait. */
  private async fill(): Promise<void> {
    this.limit = this.recovery.grow(this.limit, this.options.maxConcurrent, this.clock.now());
    while (
      this.inFlight.size < this.limit &&
      this.clock.now() >= this.notBefore &&
      !this.pastStartDeadline()
    ) {
      const flight = this.nextFlight();
      if (!flight) return;
      if (!(await this.start(flight))) return;
    }
  }

  /** One StartQueryExecution; false when starting should pause. */
  private async start(flight: Flight): Promise<boolean> {
    const { statement, attempt } = flight;
    try {
      this.tally.startCalls++;
      const token = clientRequestToken(this.options.tokenSeed, statement, attempt, this.nonce);
      const id = await this.athena.startQuery(statement.sql, token);
      this.patience.succeeded('StartQueryExecution');
      flight.queryIds.push(id);
      if (this.inFlight.has(id)) {
        this.finish(flight, 'failed', `athena returned query ${id}, already in flight for another statement`);
        return true;
      }
      this.inFlight.set(id, flight);
      this.polls.started(id, statement.partitions.length, this.clock.now());
      this.polls.setDraining(!this.hasWork());
      this.recovery.started(this.inFlight.size);
      this.startBackoffMs = 0;
      return true;
    } catch (error) {
      return this.startFailed(flight, error);
    }
  }

  private startFailed(flight: Flight, error: unknown): boolean {
    if (!(error instanceof PortError) || FATAL_KINDS.has(error.kind)) {
      this.finish(flight, 'failed', errorMessage(error));
      return true;
    }
    const throttled = error.kind === 'throttled';
    if (throttled) {
      this.tally.throttled++;
      this.options.onThrottle?.('start', error);
      // Only the active-query quota says the slots are fewer than our limit (other runs, other
      // users); a rate refusal says to start more slowly, and the backoff below does that.
      if (isConcurrencyRefusal(error)) {
        this.limit = Math.max(1, Math.min(this.limit, this.inFlight.size));
        this.recovery.refused(this.clock.now());
      }
    }
    // A refusal while our own queries hold slots is the quota at work, not a failing API.
    if ((!throttled || this.inFlight.size === 0) && this.patience.failed('StartQueryExecution')) {
      this.retries.unshift(flight);
      this.stopReason = throttled
        ? `not started: athena refused every start for ${Math.round(this.patience.patienceMs / 1000)} s (${error.message})`
        : `not started: ${this.patience.describe('StartQueryExecution', error)}`;
      return false;
    }
    if (!throttled && flight.startErrors + 1 >= this.maxAttempts) {
      this.finish(flight, 'failed', error.message);
      return true;
    }
    // Same attempt, same token: if Athena did start the query, it answers with the same ID.
    this.retries.unshift({ ...flight, startErrors: flight.startErrors + (throttled ? 0 : 1) });
    // A throttle passes in seconds: a short cap keeps the restart close to its end.
    const cap = throttled ? MAX_THROTTLE_BACKOFF_MS : MAX_BACKOFF_MS;
    this.startBackoffMs = Math.min(cap, Math.max(250, this.startBackoffMs * 2));
    this.notBefore = this.clock.now() + this.startBackoffMs * (0.5 + Math.random() / 2);
    return false;
  }

  /** One batched status call per 50 queries in flight. */
  private async poll(): Promise<void> {
    const ids = [...this.inFlight.keys()];
    for (let i = 0; i < ids.length; i += POLL_BATCH) {
      let states: QueryState[];
      try {
        this.tally.pollCalls++;
        states = await this.athena.getQueryStates(ids.slice(i, i + POLL_BATCH));
      } catch (error) {
        this.pollFailed(error);
        return;
      }
      this.patience.succeeded('athena status calls');
      this.pollBackoffMs = 0;
      const now = this.clock.now();
      for (const state of states) this.settle(state, now);
    }
  }

  private pollFailed(error: unknown): void {
    const passing = error instanceof PortError && (error.kind === 'throttled' || error.kind === 'transient');
    if (!passing) {
      // Access denied or a bug: no status can be read, so stop; every statement still gets an outcome.
      this.stopReason = `athena status unavailable: ${errorMessage(error)}`;
      return;
    }
    if (error.kind === 'throttled') this.tally.throttled++;
    this.options.onThrottle?.('poll', error);
    if (this.patience.failed('athena status calls')) {
      this.stopReason = `athena status unavailable: ${this.patience.describe('athena status calls', error)}`;
      return;
    }
    this.pollBackoffMs = Math.min(MAX_BACKOFF_MS, Math.max(500, this.pollBackoffMs * 2));
  }

  /** What one status answer means for its statement: wait, succeed, retry or fail. */
  private settle(state: QueryState, now: number): void {
    const flight = this.inFlight.get(state.queryId);
    if (!flight) return;
    if (state.state === 'QUEUED' || state.state === 'RUNNING') {
      this.polls.stillRunning(state.queryId, now);
      return;
    }
    this.inFlight.delete(state.queryId);
    this.polls.ended(state.queryId, now, state.timing);
    if (state.state === 'SUCCEEDED') {
      this.finish(flight, 'succeeded');
    } else if (flight.attempt < this.maxAttempts && (isTransient(state) || flight.attempt === 1)) {
      this.retry(flight);
    } else {
      this.finish(flight, 'failed', state.reason ?? state.state.toLowerCase());
    }
  }

  /**
   * Another attempt with a token of its own. A first attempt's failure may be an earlier
   * invocation's answer to the same token (a retried invocation), so every statement gets one.
   */
  private retry(flight: Flight): void {
    this.tally.retried++;
    this.retries.push({ ...flight, attempt: flight.attempt + 1, startErrors: 0 });
  }

  private finish(flight: Flight, status: OutcomeStatus, reason?: string): void {
    const { statement, attempt: attempts, queryIds } = flight;
    this.tally.record({ statement, status, attempts, queryIds, reason });
  }

  /** After the loop: what still runs is unconfirmed, what never started is not submitted. */
  private finishRest(): void {
    const running = this.stopReason ?? 'still running in athena when the invocation ran out of time';
    for (const flight of this.inFlight.values()) this.finish(flight, 'unconfirmed', running);
    const reason = this.stopReason ?? 'not started: the invocation ran out of time';
    for (const flight of this.retries) this.finish(flight, 'not-submitted', reason);
    this.retries.length = 0;
    for (let flight = this.nextFlight(); flight; flight = this.nextFlight()) {
      this.finish({ ...flight, attempt: 0 }, 'not-submitted', reason);
    }
  }

  private nextFlight(): Flight | undefined {
    if (this.retries.length > 0) return this.retries.shift();
    if (this.exhausted) return undefined;
    const next = this.source.next();
    if (next.done) {
      this.exhausted = true;
      return undefined;
    }
    this.tally.statements++;
    return { statement: next.value, attempt: 1, queryIds: [], startErrors: 0 };
  }

  private nextPollDelayMs(): number {
    const now = this.clock.now();
    this.polls.setDraining(!this.hasWork());
    let delay = Math.max(this.polls.delayMs(now), this.pollBackoffMs);
    // Work waiting for a free slot or the end of a start backoff wakes the loop on its own.
    if (this.hasWork() && !this.pastStartDeadline()) {
      const max = this.options.maxConcurrent;
      const startAt =
        this.inFlight.size < this.limit
          ? this.notBefore
          : Math.max(this.notBefore, this.recovery.nextGrowthAt(this.limit, max));
      delay = Math.min(delay, Math.max(MIN_GAP_MS, startAt - now));
    }
    if (this.options.waitDeadline !== undefined)
      delay = Math.min(delay, Math.max(1, this.options.waitDeadline - now));
    return delay;
  }

  private hasWork(): boolean {
    return this.retries.length > 0 || !this.exhausted;
  }

  private pastStartDeadline(): boolean {
    return this.clock.now() >= this.startDeadline;
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
