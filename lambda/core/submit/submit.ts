/**
 * Runs statements in Athena: the entry point over the {@link Scheduler}. Every statement ends
 * with exactly one outcome (succeeded, failed, unconfirmed or not submitted).
 */
import type { Statement } from '../partitions/ddl';
import type { SubmitResult } from './outcomes';
import type { AthenaPort } from '../shared/ports';
import { Scheduler, type SubmitOptions } from './scheduler';

export { clientRequestToken, isTransient } from './attempts';
export type { OutcomeStatus, StatementOutcome, StatementProblem, SubmitResult } from './outcomes';
export type { SubmitOptions } from './scheduler';

export function submitStatements(
  statements: Iterable<Statement>,
  athena: AthenaPort,
  options: SubmitOptions,
): Promise<SubmitResult> {
  return new Scheduler(statements, athena, options).run();
}
