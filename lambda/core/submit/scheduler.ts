/**
 * Runs statements in Athena with bounded, adaptive concurrency. Four steps, one method each:
 * fill (start statements while slots are free), poll (one batched status call when the
 * earliest query is expected to end), retry (another attempt after a transient failure) and
 * finish (exactly one outcome per statement). It stops starting work before the deadline,
 * and stops altogether when an Athena operation keeps failing past the API patience. A
 * statement far past what Athena's recent timings predict gets a second execution (hedge.ts);
 * the first of the two to succeed settles it and the other is stopped.
 */
import { randomUUID } from 'node:crypto';
import { clientRequestToken, isTransient } from './attempts';
import { adoptInto, CarryTally, handOnAll, learnSql, UnknownAdopted } from './carry';
import { canRestart, flightPartitions } from './executions';
import type { Statement } from '../partitions/ddl';
import { Executions } from './executions';
import { hedgeAfterMs } from './hedge';
import { athenaLatencyMs } from './latency';
import { OutcomeTally, type OutcomeStatus, type SubmitResult } from './outcomes';
import { Patience } from './patience';
import { LatencyEstimator } from './latency';
import { MIN_GAP_MS, PollPlanner } from './poll-plan';
import type { Flight, SubmitOptions } from './scheduler-options';
import { BurstOutcome, START_BURST } from './start-burst';
import { StartGate } from './start-gate';
import { WorkQueue } from './work-queue';
import { type AthenaPort, type Clock, PortError, type QueryState } from '../shared/ports';

export type { SubmitOptions } from './scheduler-options';

const MAX_BACKOFF_MS = 20_000;
const POLL_BATCH = 50;
/** A loser asked to stop is checked again this soon: its slot is free once Athena says CANCELLED. */
const STOP_CHECK_MS = 500;
const FATAL_KINDS: ReadonlySet<string> = new Set(['fatal', 'access-denied', 'not-found']);

export class Scheduler {
  private readonly clock: Clock;
  private readonly tally: OutcomeTally;
  private readonly work: WorkQueue;
  private readonly inFlight = new Executions();
  /** Losing executions of settled statements, to stop after the status batch. */
  private readonly losers: string[] = [];
  /** Successful ends measured by Athena's clock: hedging waits for a few. */
  private measuredEnds = 0;
  private readonly polls: PollPlanner;
  private readonly patience: Patience;
  private readonly maxAttempts: number;
  private readonly nonce: string;
  private readonly startDeadline: number;
  private readonly gate: StartGate;
  private readonly carry = new CarryTally();
  private readonly unknownAdopted = new UnknownAdopted();
  private pollBackoffMs = 0;
  /** What the current burst's refusals leave to decide once all its starts have answered. */
  private readonly burst = new BurstOutcome();
  private stopReason: string | undefined;

  constructor(
    statements: Iterable<Statement>,
    private readonly athena: AthenaPort,
    private readonly options: SubmitOptions,
  ) {
    this.clock = options.clock;
    this.tally = new OutcomeTally(options.onOutcome);
    this.work = new WorkQueue(statements, () => this.tally.statements++);
    this.patience = new Patience(options.clock, options.apiPatienceMs);
    this.polls = new PollPlanner(options, LatencyEstimator.fromHistory(options.latencyHistory ?? []), {
      maxWaitMs: this.patience.patienceMs,
      ...(options.hedging !== false ? { hedgeAfterMs } : {}),
      ...(options.waitDeadline !== undefined ? { deadline: options.waitDeadline } : {}),
    });
    this.maxAttempts = options.maxAttempts ?? 4;
    this.nonce = options.nonce ?? randomUUID();
    this.gate = new StartGate(options.maxConcurrent, options.recoveryQuietMs);
    this.startDeadline = Math.min(options.startDeadline ?? Infinity, options.waitDeadline ?? Infinity);
    this.adopt();
  }

  /** An earlier invocation's tail: in flight from the start, each at its own start time. */
  private adopt(): void {
    adoptInto(this.options.adopted ?? [], this.inFlight, this.polls);
    if (this.inFlight.size > 0) this.gate.started(this.inFlight.size);
  }

  async run(): Promise<SubmitResult> {
    for (;;) {
      await this.fill();
      if (this.stopReason !== undefined || this.handingOn()) break;
      // An orphan (a loser that could not be stopped) holds a slot but decides nothing.
      if (this.inFlight.deciding === 0 && (!this.work.hasWork || this.pastStartDeadline())) break;
      if (this.inFlight.size === 0) {
        await this.clock.sleep(Math.max(10, this.gate.notBefore - this.clock.now()));
        continue;
      }
      if (this.clock.now() >= (this.options.waitDeadline ?? Infinity)) break;
      await this.clock.sleep(this.nextPollDelayMs());
      await this.poll();
      await this.stopLosers();
      if (this.stopReason !== undefined) break;
    }
    await this.stopLosers();
    // Losers still stopping are handed on too when every statement ended in this chunk.
    if (this.mayHandOn() && this.inFlight.size > 0) this.handOn();
    this.finishRest();
    const carry = this.carry.result(() => this.polls.latencySamples());
    return { ...this.tally.result(this.stopReason), carry };
  }

  /**
   * Every statement started, and a lane's next chunk will confirm what still runs: return now.
   * Not after an adopted query failed: the run then waits for everything and repairs its window.
   */
  private handingOn(): boolean {
    return this.mayHandOn() && this.inFlight.deciding > 0 && this.work.isEmpty();
  }

  /**
   * A tail may be handed on unless the run is failing: a statement of its own failed for good
   * (the invocation will throw, and Step Functions' retry would start the tail again beside it),
   * an adopted one did (the chunk repairs its days once everything ended), or it stopped early.
   */
  private mayHandOn(): boolean {
    return (
      this.options.handTailOn === true &&
      this.stopReason === undefined &&
      this.carry.failedCount === 0 &&
      !this.tally.anyFailed
    );
  }

  private handOn(): void {
    handOnAll(this.inFlight, this.carry);
  }

  /**
   * Starts hedges and statements while slots are free, up to {@link START_BURST} calls at a
   * time, until a refusal or an error says to wait. Sent one by one, a wave of 18 starts took
   * 18 round trips, and the last slot of each wave idled through all of them.
   */
  private async fill(): Promise<void> {
    this.gate.refresh(this.clock.now());
    for (;;) {
      const starts = this.nextStarts();
      if (starts.length === 0) return;
      const before = this.inFlight.size;
      // Settled, not all: a start that throws must not leave the others unaccounted for.
      const answers = await Promise.allSettled(starts.map(({ flight, hedge }) => this.start(flight, hedge)));
      const now = this.clock.now();
      const inFlight = this.inFlight.size;
      const stop = this.burst.close(this.gate, this.work, this.patience, {
        inFlight,
        startedAny: inFlight > before,
        now,
      });
      this.stopReason ??= stop;
      const thrown = answers.find((answer) => answer.status === 'rejected');
      if (thrown) throw thrown.reason;
      if (
        this.stopReason !== undefined ||
        answers.some((answer) => answer.status === 'fulfilled' && !answer.value)
      )
        return;
    }
  }

  /** The next starts the gate allows now: a hedge first (at most one per burst), then work. */
  private nextStarts(): { flight: Flight; hedge: boolean }[] {
    const burst: { flight: Flight; hedge: boolean }[] = [];
    const now = this.clock.now();
    const most = Math.min(START_BURST, this.gate.burstLimit(this.inFlight.size));
    while (
      burst.length < most &&
      this.gate.open(now, this.inFlight.size + burst.length) &&
      !this.pastStartDeadline()
    ) {
      const hedge = burst.length === 0 ? this.hedgeCandidate() : undefined;
      const flight = hedge ?? this.work.next();
      if (!flight) break;
      burst.push({ flight, hedge: hedge !== undefined });
    }
    return burst;
  }

  private hedgeCandidate(): Flight | undefined {
    if (this.options.hedging === false) return undefined;
    const slots = {
      now: this.clock.now(),
      startDeadline: this.startDeadline,
      limit: this.gate.limit,
      workWaiting: this.work.hasWork,
      measuredEnds: this.measuredEnds,
    };
    return this.inFlight.pickHedge(slots, (partitions) => this.polls.expectMs(partitions));
  }

  /** One StartQueryExecution (of a statement, or of its hedge); false when starting should pause. */
  private async start(flight: Flight, hedge = false): Promise<boolean> {
    const { statement, attempt } = flight;
    try {
      this.tally.startCalls++;
      const token = clientRequestToken(this.options.tokenSeed, statement, attempt, this.nonce, hedge);
      const id = await this.athena.startQuery(statement.sql, token);
      this.patience.succeeded('StartQueryExecution');
      if (hedge && this.inFlight.has(id)) {
        this.inFlight.refuseHedge(statement.index);
        return true;
      }
      flight.queryIds.push(id);
      if (this.inFlight.has(id)) {
        this.finish(flight, 'failed', `athena returned query ${id}, already in flight for another statement`);
        return true;
      }
      if (hedge) {
        this.tally.hedges.started++;
        const of = this.inFlight.of(flight)[0] ?? '';
        this.options.onHedge?.({ kind: 'started', statement: statement.index, queryId: id, of });
      }
      this.inFlight.add(id, flight, this.clock.now(), hedge);
      this.polls.started(id, flightPartitions(flight), this.clock.now(), statement.index);
      this.polls.setDraining(!this.work.hasWork);
      this.gate.started(this.inFlight.size);
      return true;
    } catch (error) {
      return hedge ? this.hedgeFailed(flight, error) : this.startFailed(flight, error);
    }
  }

  /**
   * A hedge that cannot start is never the statement's failure. A throttle defers it; a
   * transient error too, up to maxAttempts (the same token: if Athena did start it, the retry
   * gets the same ID back); any other refusal drops it for good.
   */
  private hedgeFailed(flight: Flight, error: unknown): boolean {
    const reason = errorMessage(error);
    const statement = flight.statement.index;
    this.options.onHedge?.({ kind: 'start-refused', statement, reason });
    const kind = error instanceof PortError ? error.kind : 'fatal';
    if (kind === 'throttled') {
      this.throttledStart(error as PortError);
      this.burst.askPause(true);
      return false;
    }
    if (kind === 'transient' && this.inFlight.hedgeStartFailed(statement) < this.maxAttempts) {
      this.burst.askPause(false);
      return false;
    }
    this.inFlight.refuseHedge(statement);
    return true;
  }

  private throttledStart(error: PortError): void {
    this.tally.throttled++;
    this.options.onThrottle?.('start', error);
    this.burst.refused(error);
  }

  private startFailed(flight: Flight, error: unknown): boolean {
    if (!(error instanceof PortError) || FATAL_KINDS.has(error.kind)) {
      this.finish(flight, 'failed', errorMessage(error));
      return true;
    }
    const throttled = error.kind === 'throttled';
    // A throttle counts toward the API patience once the burst is over (BurstOutcome.close).
    if (throttled) this.throttledStart(error);
    else if (this.patience.failed('StartQueryExecution')) {
      this.burst.retry(flight);
      this.stopReason = `not started: ${this.patience.describe('StartQueryExecution', error)}`;
      return false;
    }
    if (!throttled && flight.startErrors + 1 >= this.maxAttempts) {
      this.finish(flight, 'failed', error.message);
      return true;
    }
    // Same attempt, same token: if Athena did start the query, it answers with the same ID.
    this.burst.retry({ ...flight, startErrors: flight.startErrors + (throttled ? 0 : 1) });
    this.burst.askPause(throttled);
    return false;
  }

  /** One batched status call per 50 queries in flight. */
  private async poll(): Promise<void> {
    const ids = this.inFlight.ids();
    for (let i = 0; i < ids.length; i += POLL_BATCH) {
      let states: QueryState[];
      const batch = ids.slice(i, i + POLL_BATCH);
      try {
        this.tally.pollCalls++;
        states = await this.athena.getQueryStates(batch);
      } catch (error) {
        this.pollFailed(error);
        return;
      }
      this.patience.succeeded('athena status calls');
      this.pollBackoffMs = 0;
      const now = this.clock.now();
      for (const state of states) this.settle(state, now);
      for (const id of this.unknownAdopted.check(batch, states, this.inFlight)) {
        this.polls.forget(id); // no end was seen: no latency sample
        this.settle(
          { queryId: id, state: 'FAILED', reason: `athena has no query ${id} for this workgroup` },
          now,
        );
      }
    }
  }

  /**
   * Asks Athena to stop the losers of settled statements (best effort: see Executions.stop).
   * A loser keeps its slot until a status call sees it end, so it is checked again soon.
   */
  private async stopLosers(): Promise<void> {
    if (this.losers.length === 0) return;
    const { requested, retry } = await this.inFlight.stop(
      this.losers.splice(0),
      this.athena,
      (statement, queryId, error) =>
        this.options.onHedge?.({ kind: 'stop-failed', statement, queryId, reason: errorMessage(error) }),
    );
    this.losers.push(...retry);
    // Stops Athena accepted (it also accepts one for a query that had just ended).
    this.tally.hedges.stopped += requested.length;
    const soon = this.clock.now() + STOP_CHECK_MS;
    for (const id of requested) this.polls.checkBy(id, soon);
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

  /**
   * What one status answer means for its statement: wait, succeed, retry or fail. The first
   * execution to succeed settles a hedged statement; a failure settles it only when no other
   * execution of it is left in flight.
   */
  private settle(state: QueryState, now: number): void {
    const execution = this.inFlight.get(state.queryId);
    if (!execution) return;
    learnSql(execution.flight, state.sql, this.options.table);
    if (state.state === 'QUEUED' || state.state === 'RUNNING') {
      // Only a running execution can be a straggler: a queued one waits for Athena's capacity,
      // and a second execution would only wait beside it, holding another slot.
      if (state.state === 'RUNNING') execution.seenRunningAt = now;
      this.polls.stillRunning(state.queryId, now);
      return;
    }
    this.inFlight.delete(state.queryId);
    if (execution.stopRequested && state.state === 'CANCELLED') {
      // Stopped by us: its time says nothing about Athena's latency.
      this.polls.forget(state.queryId);
      return;
    }
    this.polls.ended(state.queryId, now, state.timing);
    if (state.state === 'SUCCEEDED' && athenaLatencyMs(state.timing) !== undefined) this.measuredEnds++;
    const { flight } = execution;
    if (execution.orphan) return;
    const others = this.inFlight.of(flight);
    if (state.state === 'SUCCEEDED') {
      for (const id of others) this.polls.orphaned(id);
      this.losers.push(...this.inFlight.orphan(others));
      if (execution.hedge) this.tally.hedges.won++;
      const hedgeWon = execution.hedge;
      if (hedgeWon || others.length > 0)
        this.options.onHedge?.({
          kind: 'settled',
          statement: flight.statement.index,
          winner: state.queryId,
          hedgeWon,
        });
      this.finish(flight, 'succeeded');
    } else if (others.length > 0) {
      return; // the other execution may still succeed
    } else if (
      canRestart(flight) &&
      flight.attempt < this.maxAttempts &&
      (isTransient(state) || flight.attempt === 1)
    ) {
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
    this.work.later({ ...flight, attempt: flight.attempt + 1, startErrors: 0 });
  }

  private finish(flight: Flight, status: OutcomeStatus, reason?: string): void {
    if (flight.adopted) {
      const ended = status === 'succeeded' || status === 'unconfirmed' ? status : 'failed';
      this.carry.ended(flight, ended, reason ?? status);
      return;
    }
    const { statement, attempt: attempts, queryIds } = flight;
    this.tally.record({ statement, status, attempts, queryIds, reason });
  }

  /** After the loop: what still runs is unconfirmed, what never started is not submitted. */
  private finishRest(): void {
    const running = this.stopReason ?? 'still running in athena when the invocation ran out of time';
    for (const flight of this.inFlight.flights()) this.finish(flight, 'unconfirmed', running);
    const reason = this.stopReason ?? 'not started: the invocation ran out of time';
    for (const flight of this.work.drain()) this.finish(flight, 'not-submitted', reason);
  }

  private nextPollDelayMs(): number {
    const now = this.clock.now();
    this.polls.setDraining(!this.work.hasWork);
    let delay = Math.max(this.polls.delayMs(now), this.pollBackoffMs);
    // Work waiting for a free slot or the end of a start backoff wakes the loop on its own.
    if (this.work.hasWork && !this.pastStartDeadline()) {
      const startAt = this.gate.nextStartAt(this.inFlight.size);
      delay = Math.min(delay, Math.max(MIN_GAP_MS, startAt - now));
    }
    if (this.options.waitDeadline !== undefined)
      delay = Math.min(delay, Math.max(1, this.options.waitDeadline - now));
    return delay;
  }

  private pastStartDeadline(): boolean {
    return this.clock.now() >= this.startDeadline;
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
