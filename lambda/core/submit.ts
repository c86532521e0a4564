/**
 * Runs statements in Athena with bounded, adaptive concurrency; polls every in-flight query
 * with one batched status call; retries what failed for a transient reason; and stops
 * starting work before the deadline. Every statement ends with exactly one outcome.
 */
import { randomUUID } from 'node:crypto';
import { clientRequestToken, isTransient } from './attempts';
import type { Statement } from './ddl';
import type { OutcomeStatus, StatementOutcome, StatementProblem, SubmitResult } from './outcomes';
import { type AthenaPort, type Clock, PortError, type QueryState } from './ports';
import { RangeCollector } from './ranges';

export { clientRequestToken, isTransient } from './attempts';
export type { OutcomeStatus, StatementOutcome, StatementProblem, SubmitResult } from './outcomes';

export interface SubmitOptions {
  /** Upper bound on queries in flight (Athena counts queued and running DDL toward its quota of 20). */
  readonly maxConcurrent: number;
  /** Stable per invocation: retried invocations derive the same ClientRequestTokens. */
  readonly tokenSeed: string;
  /** Distinguishes this submission's retry tokens from an earlier invocation's. @default a random UUID */
  readonly nonce?: string;
  /** Attempts per statement for transient failures. @default 4 */
  readonly maxAttempts?: number;
  /** No statement is started at or after this instant (ms since epoch). */
  readonly startDeadline?: number;
  /** Give up starting statements after Athena has refused every start for this long. @default 10 minutes */
  readonly throttlePatienceMs?: number;
  /** In-flight queries still running at this instant are reported unconfirmed. */
  readonly waitDeadline?: number;
  /** Delay before the next poll after something finished. @default 500 */
  readonly pollInitialMs?: number;
  /** Delay before the first poll after the in-flight set was empty: no DDL finishes sooner. @default 1500 */
  readonly pollFirstMs?: number;
  /** Longest delay between polls while nothing finishes. @default 3000 */
  readonly pollMaxMs?: number;
  readonly clock: Clock;
  readonly onOutcome?: (outcome: StatementOutcome) => void;
  readonly onThrottle?: (where: 'start' | 'poll', error: PortError) => void;
}

interface Flight {
  readonly statement: Statement;
  /** 1-based; a new attempt (and token) only after Athena ran the query and it failed. */
  readonly attempt: number;
  readonly queryIds: string[];
  /** StartQueryExecution errors other than throttling, for this attempt. */
  readonly startErrors: number;
}

const MAX_BACKOFF_MS = 20_000;
const POLL_BATCH = 50;

export async function submitStatements(
  statements: Iterable<Statement>,
  athena: AthenaPort,
  options: SubmitOptions,
): Promise<SubmitResult> {
  const { clock } = options;
  const maxAttempts = options.maxAttempts ?? 4;
  const nonce = options.nonce ?? randomUUID();
  const pollInitialMs = options.pollInitialMs ?? 500;
  const pollMaxMs = options.pollMaxMs ?? 3000;
  const pollFirstMs = options.pollFirstMs ?? 1500;
  const source = statements[Symbol.iterator]();
  const failed: StatementProblem[] = [];
  const unconfirmed: StatementProblem[] = [];
  const undone = new RangeCollector();
  let statementCount = 0;
  let succeeded = 0;
  let partitionsAdded = 0;
  let notSubmittedStatements = 0;
  let retried = 0;
  const retries: Flight[] = [];
  const inFlight = new Map<string, Flight>();
  let exhausted = false;
  let limit = Math.max(1, options.maxConcurrent);
  let startBackoffMs = 0;
  let notBefore = 0;
  let pollDelay = pollInitialMs;
  let throttled = 0;
  let startCalls = 0;
  let pollCalls = 0;

  const finish = (flight: Flight, status: OutcomeStatus, reason?: string): void => {
    const { statement } = flight;
    const outcome = { statement, status, attempts: flight.attempt, queryIds: flight.queryIds, reason };
    options.onOutcome?.(outcome);
    if (status === 'succeeded') {
      succeeded++;
      partitionsAdded += statement.partitions.length;
    } else if (status === 'not-submitted') {
      notSubmittedStatements++;
      undone.addAll(statement.partitions);
    } else {
      const problem = {
        index: statement.index,
        partitions: statement.partitions.length,
        attempts: flight.attempt,
        queryIds: flight.queryIds,
        reason: reason ?? status,
        ranges: new RangeCollector().addAll(statement.partitions).list(),
      };
      (status === 'failed' ? failed : unconfirmed).push(problem);
    }
  };
  const nextFlight = (): Flight | undefined => {
    if (retries.length > 0) return retries.shift();
    if (exhausted) return undefined;
    const next = source.next();
    if (next.done) {
      exhausted = true;
      return undefined;
    }
    statementCount++;
    return { statement: next.value, attempt: 1, queryIds: [], startErrors: 0 };
  };
  const startDeadline = Math.min(options.startDeadline ?? Infinity, options.waitDeadline ?? Infinity);
  const pastStartDeadline = (): boolean => clock.now() >= startDeadline;
  // Without deadlines (the CLI) a throttling Athena must still end the run, not hang it.
  const throttlePatienceMs = options.throttlePatienceMs ?? 10 * 60_000;
  let throttledSince: number | undefined;
  let stopReason: string | undefined;

  const fill = async (): Promise<void> => {
    while (inFlight.size < limit && clock.now() >= notBefore && !pastStartDeadline()) {
      const flight = nextFlight();
      if (!flight) return;
      try {
        startCalls++;
        const id = await athena.startQuery(
          flight.statement.sql,
          clientRequestToken(options.tokenSeed, flight.statement, flight.attempt, nonce),
        );
        flight.queryIds.push(id);
        if (inFlight.has(id)) {
          finish(flight, 'failed', `athena returned query ${id}, already in flight for another statement`);
          continue;
        }
        inFlight.set(id, flight);
        startBackoffMs = 0;
        throttledSince = undefined;
      } catch (error) {
        if (
          !(error instanceof PortError) ||
          error.kind === 'fatal' ||
          error.kind === 'access-denied' ||
          error.kind === 'not-found'
        ) {
          finish(flight, 'failed', errorMessage(error));
          continue;
        }
        if (error.kind === 'throttled') {
          // Athena said no: the quota is lower than our limit right now (other runs, other users).
          throttled++;
          options.onThrottle?.('start', error);
          limit = Math.max(1, Math.min(limit, inFlight.size));
          throttledSince ??= clock.now();
          if (inFlight.size === 0 && clock.now() - throttledSince >= throttlePatienceMs) {
            retries.unshift(flight);
            stopReason = `not started: athena refused every start for ${Math.round(throttlePatienceMs / 1000)} s (${error.message})`;
            return;
          }
        } else if (flight.startErrors + 1 >= maxAttempts) {
          finish(flight, 'failed', errorMessage(error));
          continue;
        }
        // Same attempt, same token: if Athena did start the query, it answers with the same ID.
        retries.unshift({
          ...flight,
          startErrors: flight.startErrors + (error.kind === 'throttled' ? 0 : 1),
        });
        startBackoffMs = Math.min(MAX_BACKOFF_MS, Math.max(250, startBackoffMs * 2));
        notBefore = clock.now() + startBackoffMs * (0.5 + Math.random() / 2);
        return;
      }
    }
  };

  const poll = async (): Promise<void> => {
    const ids = [...inFlight.keys()];
    let finished = 0;
    for (let i = 0; i < ids.length; i += POLL_BATCH) {
      let states: QueryState[];
      try {
        pollCalls++;
        states = await athena.getQueryStates(ids.slice(i, i + POLL_BATCH));
      } catch (error) {
        if (error instanceof PortError && (error.kind === 'throttled' || error.kind === 'transient')) {
          throttled += error.kind === 'throttled' ? 1 : 0;
          options.onThrottle?.('poll', error);
          pollDelay = Math.min(pollMaxMs * 2, pollDelay * 2);
          return;
        }
        // Access denied or a bug: no status can be read, so stop; every statement still gets an outcome.
        stopReason = `athena status unavailable: ${errorMessage(error)}`;
        return;
      }
      for (const state of states) {
        const flight = inFlight.get(state.queryId);
        if (!flight || state.state === 'QUEUED' || state.state === 'RUNNING') continue;
        inFlight.delete(state.queryId);
        finished++;
        if (state.state === 'SUCCEEDED') {
          finish(flight, 'succeeded');
          limit = Math.min(options.maxConcurrent, limit + 1);
        } else if (flight.attempt < maxAttempts && (isTransient(state) || flight.attempt === 1)) {
          // A first attempt's failure may be an earlier invocation's answer to the same token
          // (a retried invocation): every statement gets one try with a token of its own.
          retried++;
          retries.push({ ...flight, attempt: flight.attempt + 1, startErrors: 0 });
        } else {
          finish(flight, 'failed', state.reason ?? state.state.toLowerCase());
        }
      }
    }
    pollDelay = finished > 0 ? pollInitialMs : Math.min(pollMaxMs, pollDelay * 1.5);
  };

  for (;;) {
    const wasIdle = inFlight.size === 0;
    await fill();
    // Polling a DDL that was just started only costs a call: Athena needs over a second for any.
    if (wasIdle && inFlight.size > 0) pollDelay = pollFirstMs;
    if (stopReason !== undefined) break;
    const waitingToStart = retries.length > 0 || !exhausted;
    if (inFlight.size === 0) {
      if (!waitingToStart) break;
      if (pastStartDeadline()) break;
      await clock.sleep(Math.max(10, notBefore - clock.now()));
      continue;
    }
    if (options.waitDeadline !== undefined && clock.now() >= options.waitDeadline) break;
    await clock.sleep(pollDelay);
    await poll();
    if (stopReason !== undefined) break;
  }

  for (const flight of inFlight.values()) {
    finish(
      flight,
      'unconfirmed',
      stopReason ?? 'still running in athena when the invocation ran out of time',
    );
  }
  const reason = stopReason ?? 'not started: the invocation ran out of time';
  for (const flight of retries) finish(flight, 'not-submitted', reason);
  if (!exhausted) {
    for (let next = source.next(); !next.done; next = source.next()) {
      statementCount++;
      finish({ statement: next.value, attempt: 0, queryIds: [], startErrors: 0 }, 'not-submitted', reason);
    }
  }
  return {
    statements: statementCount,
    succeeded,
    partitionsAdded,
    failed,
    unconfirmed,
    notSubmitted: { statements: notSubmittedStatements, partitions: undone.count, ranges: undone.list() },
    retried,
    throttled,
    startCalls,
    pollCalls,
  };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
