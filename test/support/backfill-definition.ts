/**
 * The backfill state machine's definition as synthesized, and its JSONata expressions
 * evaluated with the jsonata engine the way Step Functions binds them ($states, variables).
 */
import jsonata from 'jsonata';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { BackfillStateMachine, type BackfillStateMachineProps } from '../../lib/backfill-state-machine';
import { newStack, stateMachineDefinition } from '../lib/fixtures';

export type AslState = Record<string, unknown> & {
  Arguments?: Record<string, unknown>;
  Catch?: { Output: string }[];
  Retry?: Record<string, unknown>[];
};

export function backfillTemplate(
  chunkDays?: number,
  props: Partial<Omit<BackfillStateMachineProps, 'function'>> = {},
): Template {
  const stack = newStack();
  const fn = new lambda.Function(stack, 'Fn', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({});'),
  });
  new BackfillStateMachine(stack, 'Backfill', { function: fn, chunkDays, ...props });
  return Template.fromStack(stack);
}

export function backfillDefinition(chunkDays?: number) {
  return stateMachineDefinition(backfillTemplate(chunkDays));
}

/** The definition of a state machine built with these props. */
export function backfillDefinitionWith(props: Partial<Omit<BackfillStateMachineProps, 'function'>>) {
  return stateMachineDefinition(backfillTemplate(undefined, props));
}

const compiled = new Map<string, ReturnType<typeof jsonata>>();

/** `{% expr %}` evaluated with `$states` and any workflow variables bound. */
export async function evaluateJsonata(
  template: unknown,
  states: Record<string, unknown>,
  variables: Record<string, unknown> = {},
): Promise<unknown> {
  const match = /^\{%([\s\S]*)%\}$/.exec(String(template));
  if (!match) throw new Error(`not a JSONata template: ${String(template)}`);
  let expression = compiled.get(match[1]);
  if (!expression) compiled.set(match[1], (expression = jsonata(match[1])));
  return expression.evaluate({}, { states, ...variables });
}
