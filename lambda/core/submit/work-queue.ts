/**
 * The statements a scheduler has yet to start: retries first (a statement whose start was
 * refused goes back to the head, one that failed in Athena to the end), then the source,
 * read lazily so a large plan is never held in memory.
 */
import type { Statement } from '../partitions/ddl';
import type { Flight } from './scheduler-options';

export class WorkQueue {
  private readonly retries: Flight[] = [];
  private readonly source: Iterator<Statement>;
  private exhausted = false;
  /** A statement read ahead by {@link isEmpty}, returned by the next call of next(). */
  private peeked: Statement | undefined;

  /** `onRead` counts each statement read from the source. */
  constructor(
    statements: Iterable<Statement>,
    private readonly onRead: () => void,
  ) {
    this.source = statements[Symbol.iterator]();
  }

  /** Retries or statements still waiting to start (true until the source says it is done). */
  get hasWork(): boolean {
    return this.retries.length > 0 || this.peeked !== undefined || !this.exhausted;
  }

  next(): Flight | undefined {
    if (this.retries.length > 0) return this.retries.shift();
    const statement = this.read();
    this.peeked = undefined;
    return statement ? { statement, attempt: 1, queryIds: [], startErrors: 0 } : undefined;
  }

  /** True when nothing is left to start: it reads one statement ahead to know. */
  isEmpty(): boolean {
    return this.retries.length === 0 && this.read() === undefined;
  }

  private read(): Statement | undefined {
    if (this.peeked || this.exhausted) return this.peeked;
    const next = this.source.next();
    if (next.done) {
      this.exhausted = true;
      return undefined;
    }
    this.onRead();
    this.peeked = next.value;
    return this.peeked;
  }

  /** The same attempts again, before anything else, in this order (their starts were refused or failed). */
  again(...flights: Flight[]): void {
    this.retries.unshift(...flights);
  }

  /** Another attempt, after the work already waiting. */
  later(flight: Flight): void {
    this.retries.push(flight);
  }

  /** Everything left, emptied: pending retries as they are, then unread statements with attempt 0. */
  *drain(): Generator<Flight> {
    while (this.retries.length > 0) yield this.retries.shift() as Flight;
    for (let flight = this.next(); flight; flight = this.next()) yield { ...flight, attempt: 0 };
  }
}
