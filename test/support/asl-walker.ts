/**
 * A small executor of JSONata-mode Amazon States Language, written apart from the state machine it
 * runs: Pass, Task, Choice, Map (inline), Succeed and Fail, with Arguments, Output, Assign,
 * Condition, Items/ItemSelector, Catch and MaxConcurrency, evaluated with the `jsonata` engine.
 *
 * It follows the documented rules the backfill relies on: a state's expressions read the variables
 * as they were when it was entered and its Assign takes effect when it ends; a Map iteration has a
 * scope of its own that reads the outer one; a Catcher's Output and Assign see `$states.errorOutput`
 * and the state's input; no state's data, Map result or variable may pass 256 KiB
 * (`States.DataLimitExceeded`). Retries are not modelled: a task error goes straight to its Catcher.
 * It also writes a history of the events the CLI's progress reads.
 */
import jsonata from 'jsonata';

/** Step Functions' limit on a state's input, output, a Map's result and a variable, in bytes. */
export const STATE_DATA_LIMIT_BYTES = 256 * 1024;

type Json = unknown;
type Definition = { StartAt: string; States: Record<string, State> };
type State = Record<string, unknown> & { Type: string; Next?: string; End?: boolean };

/** What a task answers: its result, or an error as Step Functions reports it. */
export type TaskOutcome = { result: Json } | { error: string; cause?: string };
export type TaskHandler = (resource: string, args: Json) => Promise<TaskOutcome> | TaskOutcome;

export interface HistoryEvent {
  readonly type: string;
  readonly stateName?: string;
  /** JSON text: a state's input (entered), output (exited), a task's arguments or result. */
  readonly input?: string;
  readonly output?: string;
}

export interface Execution {
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly output?: Json;
  readonly error?: string;
  readonly cause?: string;
  readonly history: HistoryEvent[];
  /** The largest state input/output, Map result or variable seen, in bytes. */
  readonly largestBytes: number;
}

class Failure extends Error {
  constructor(
    readonly error: string,
    readonly reason?: string,
  ) {
    super(`${error}: ${reason ?? ''}`);
  }
}

class Scope {
  private readonly values = new Map<string, Json>();
  constructor(private readonly parent?: Scope) {}
  bindings(): Record<string, Json> {
    return { ...(this.parent?.bindings() ?? {}), ...Object.fromEntries(this.values) };
  }
  set(name: string, value: Json): void {
    this.values.set(name, value);
  }
}

const compiled = new Map<string, ReturnType<typeof jsonata>>();

class Walker {
  readonly history: HistoryEvent[] = [];
  largestBytes = 0;

  constructor(private readonly task: TaskHandler) {}

  private measure(what: string, value: Json): Json {
    const bytes = value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value), 'utf8');
    this.largestBytes = Math.max(this.largestBytes, bytes);
    if (bytes > STATE_DATA_LIMIT_BYTES)
      throw new Failure('States.DataLimitExceeded', `${what} is ${bytes} bytes`);
    return value;
  }

  /** A field's value with every `{% … %}` string evaluated; a JSON copy, as the service stores it. */
  private async evaluate(template: Json, states: Record<string, Json>, scope: Scope): Promise<Json> {
    if (typeof template === 'string') {
      const match = /^\{%([\s\S]*)%\}$/.exec(template);
      if (!match) return template;
      let expression = compiled.get(match[1]);
      if (!expression) compiled.set(match[1], (expression = jsonata(match[1])));
      let value: Json;
      try {
        value = await expression.evaluate({}, { ...scope.bindings(), states });
      } catch (error) {
        throw new Failure('States.QueryEvaluationError', String(error));
      }
      if (value === undefined)
        throw new Failure('States.QueryEvaluationError', `${match[1].trim()} evaluated to nothing`);
      return JSON.parse(JSON.stringify(value)) as Json;
    }
    if (Array.isArray(template)) {
      return Promise.all(template.map((item) => this.evaluate(item, states, scope)));
    }
    if (template !== null && typeof template === 'object') {
      const entries = await Promise.all(
        Object.entries(template).map(async ([key, value]) => [
          key,
          await this.evaluate(value, states, scope),
        ]),
      );
      return Object.fromEntries(entries) as Json;
    }
    return template;
  }

  /** Evaluates every Assign value first, then sets them: all read the values from the state's entry. */
  private async assign(assign: Json, states: Record<string, Json>, scope: Scope, stateName: string) {
    if (assign === undefined) return;
    const values = (await this.evaluate(assign, states, scope)) as Record<string, Json>;
    this.measure(`${stateName}'s Assign`, values);
    for (const [name, value] of Object.entries(values)) scope.set(name, value);
  }

  async run(machine: Definition, input: Json, scope: Scope): Promise<Json> {
    let name: string | undefined = machine.StartAt;
    let data = input;
    while (name !== undefined) {
      const state: State | undefined = machine.States[name];
      if (!state) throw new Error(`no state ${name}`);
      this.measure(`${name}'s input`, data);
      this.history.push({ type: `${state.Type}StateEntered`, stateName: name, input: JSON.stringify(data) });
      const { output, next, caught } = await this.step(name, state, data, scope);
      this.measure(`${name}'s output`, output);
      if (caught !== true)
        this.history.push({
          type: `${state.Type}StateExited`,
          stateName: name,
          output: JSON.stringify(output),
        });
      data = output;
      name = next;
    }
    return data;
  }

  private async step(
    name: string,
    state: State,
    input: Json,
    scope: Scope,
  ): Promise<{ output: Json; next?: string; caught?: boolean }> {
    const following = state.End === true ? undefined : state.Next;
    switch (state.Type) {
      case 'Pass':
      case 'Succeed': {
        const output =
          state.Output === undefined ? input : await this.evaluate(state.Output, { input }, scope);
        await this.assign(state.Assign, { input }, scope, name);
        return { output, next: state.Type === 'Succeed' ? undefined : following };
      }
      case 'Fail': {
        const error = await this.evaluate(state.Error, { input }, scope);
        const cause = await this.evaluate(state.Cause, { input }, scope);
        throw new Failure(String(error), cause === undefined ? undefined : String(cause));
      }
      case 'Choice': {
        for (const rule of state.Choices as { Condition: string; Next: string }[]) {
          if ((await this.evaluate(rule.Condition, { input }, scope)) === true)
            return { output: input, next: rule.Next };
        }
        if (typeof state.Default !== 'string') throw new Failure('States.NoChoiceMatched');
        return { output: input, next: state.Default };
      }
      case 'Task':
        return this.taskStep(name, state, input, scope, following);
      case 'Map':
        return this.mapStep(name, state, input, scope, following);
      default:
        throw new Error(`state type ${state.Type} is not walked`);
    }
  }

  private async taskStep(name: string, state: State, input: Json, scope: Scope, following?: string) {
    const args = await this.evaluate(state.Arguments, { input }, scope);
    this.history.push({ type: 'TaskScheduled', stateName: name, input: JSON.stringify(args) });
    const outcome = await this.task(String(state.Resource), args);
    if ('error' in outcome) {
      this.history.push({ type: 'TaskFailed', stateName: name });
      const errorOutput = {
        Error: outcome.error,
        ...(outcome.cause === undefined ? {} : { Cause: outcome.cause }),
      };
      const catchers = (state.Catch ?? []) as {
        ErrorEquals: string[];
        Next: string;
        Output?: Json;
        Assign?: Json;
      }[];
      const catcher = catchers.find(
        (c) => c.ErrorEquals.includes(outcome.error) || c.ErrorEquals.includes('States.ALL'),
      );
      if (!catcher) throw new Failure(outcome.error, outcome.cause);
      const states = { input, errorOutput };
      const output =
        catcher.Output === undefined ? errorOutput : await this.evaluate(catcher.Output, states, scope);
      await this.assign(catcher.Assign, states, scope, name);
      // A caught error leaves the state without a TaskStateExited: the catcher's state is entered next.
      return { output, next: catcher.Next, caught: true };
    }
    const result = this.measure(`${name}'s result`, outcome.result);
    this.history.push({ type: 'TaskSucceeded', stateName: name, output: JSON.stringify(result) });
    const states = { input, result };
    const output = state.Output === undefined ? result : await this.evaluate(state.Output, states, scope);
    await this.assign(state.Assign, states, scope, name);
    return { output, next: following };
  }

  private async mapStep(name: string, state: State, input: Json, scope: Scope, following?: string) {
    const items = await this.evaluate(state.Items, { input }, scope);
    if (!Array.isArray(items))
      throw new Failure('States.QueryEvaluationError', `${name}'s Items is not an array`);
    const processor = state.ItemProcessor as Definition;
    const slots =
      typeof state.MaxConcurrency === 'number' && state.MaxConcurrency > 0
        ? state.MaxConcurrency
        : items.length;
    const results: Json[] = new Array<Json>(items.length);
    let taken = 0;
    // Slots take items in order and interleave at every await, as concurrent iterations would.
    const slot = async () => {
      while (taken < items.length) {
        const index = taken++;
        const context = { Map: { Item: { Index: index, Value: items[index] } } };
        const itemInput =
          state.ItemSelector === undefined
            ? items[index]
            : await this.evaluate(state.ItemSelector, { input, context }, scope);
        this.history.push({ type: 'MapIterationStarted', stateName: name });
        results[index] = await this.run(processor, itemInput, new Scope(scope));
        this.history.push({ type: 'MapIterationSucceeded', stateName: name });
      }
    };
    await Promise.all(Array.from({ length: Math.min(slots, Math.max(1, items.length)) }, slot));
    this.measure(`${name}'s result`, results);
    const states = { input, result: results };
    const output = state.Output === undefined ? results : await this.evaluate(state.Output, states, scope);
    await this.assign(state.Assign, states, scope, name);
    return { output, next: following };
  }
}

/** Runs a definition to its end with `task` answering every Task state. */
export async function execute(definition: Json, input: Json, task: TaskHandler): Promise<Execution> {
  const walker = new Walker(task);
  try {
    const output = await walker.run(definition as Definition, input, new Scope());
    walker.history.push({ type: 'ExecutionSucceeded', output: JSON.stringify(output) });
    return { status: 'SUCCEEDED', output, history: walker.history, largestBytes: walker.largestBytes };
  } catch (error) {
    if (!(error instanceof Failure)) throw error;
    walker.history.push({ type: 'ExecutionFailed' });
    return {
      status: 'FAILED',
      error: error.error,
      cause: error.reason,
      history: walker.history,
      largestBytes: walker.largestBytes,
    };
  }
}
