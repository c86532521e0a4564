/**
 * What makes another attempt worth it, and the token each attempt carries. Kept apart from
 * the scheduler so the retry policy reads in one place.
 */
import { createHash } from 'node:crypto';
import type { Statement } from '../partitions/ddl';
import type { QueryState } from '../shared/ports';

/** Failure reasons Athena gives for work that can succeed on another try. */
const TRANSIENT_REASON =
  /rate exceed|throttl|slow ?down|too many|internal (server )?error|internalfailure|service ?unavailable|temporar|try again|timed? ?out|concurrent modification|connection/i;

export function isTransient(state: QueryState): boolean {
  if (state.state === 'CANCELLED') return true;
  if (state.retryable === true) return true;
  return TRANSIENT_REASON.test(state.reason ?? '');
}

/**
 * 32-128 characters, as Athena requires. The first attempt's token depends only on the
 * invocation and the statement, so a retried invocation gets the same query back instead of
 * starting a second one. Later attempts follow a failure that this invocation saw, so their
 * tokens also take the submission's nonce: a retried invocation re-runs what failed rather
 * than being handed the old failed queries again.
 */
export function clientRequestToken(
  seed: string,
  statement: Statement,
  attempt: number,
  nonce = '',
  hedge = false,
): string {
  // The index keeps two statements with the same SQL apart; the seed keeps two runs apart.
  const salt = attempt === 1 ? '' : nonce;
  // A hedge (a second execution of the same attempt) needs a token of its own, or Athena would
  // hand back the straggler; it follows the same rule, so a retried invocation gets the same hedge.
  const hedgeMark = hedge ? '\nhedge' : '';
  return createHash('sha256')
    .update(`${seed}\n${salt}\n${statement.index}\n${attempt}\n${statement.sql}${hedgeMark}`)
    .digest('hex');
}
