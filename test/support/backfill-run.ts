/**
 * The synthesized backfill definition run end to end by the ASL walker, with the real split step
 * (pure: chunkDays given, no S3 call) and a fake chunk function that hands carries on.
 */
import { splitBackfill } from '../../lambda/core/run/backfill-split';
import { parseRunPayload, parseSplitPayload } from '../../lambda/core/run/request';
import { parseSettings } from '../../lambda/core/run/settings';
import { type Execution, execute, type TaskOutcome } from './asl-walker';
import { backfillDefinitionWith } from './backfill-definition';
import { FakeS3Listing, NOW, VirtualClock } from './core-fakes';

export interface ChunkCall {
  readonly from: string;
  readonly to: string;
  readonly carry: Carry | null;
  readonly carryTail: boolean;
  readonly payload: Record<string, unknown>;
}

export interface Carry {
  readonly from: string;
  readonly to: string;
  readonly queries: { ids: string[]; partitions: number; startedAt: number }[];
}

export interface FakeFunction {
  /** Chunks whose invocation throws, by their `from`. */
  readonly failing?: ReadonlySet<string>;
  /** The error a failing chunk throws. */
  readonly error?: { error: string; cause: string };
  /** False: the function always waits for its queries and hands nothing on. @default true */
  readonly carries?: boolean;
  /** A broken function: hands its queries on even when told to wait (carryTail false). */
  readonly carriesPastTheEnd?: boolean;
}

/** Lambda's error for a function that threw: the cause is the JSON envelope. */
export function lambdaError(message: string, error = 'RunFailedError') {
  return {
    error,
    cause: JSON.stringify({
      errorType: error,
      errorMessage: message,
      trace: ['at x (/var/task/index.js:1:1)'],
    }),
  };
}

const SETTINGS = parseSettings({ bucket: 'trail-bucket' });
const definitions = new Map<number, ReturnType<typeof backfillDefinitionWith>>();

/** The definition for a concurrency, synthesized once per test file. */
function definitionFor(maxConcurrency: number) {
  let definition = definitions.get(maxConcurrency);
  if (!definition) definitions.set(maxConcurrency, (definition = backfillDefinitionWith({ maxConcurrency })));
  return definition;
}

/**
 * Runs a backfill over `input` on a state machine with `maxConcurrency`. The fake answers a chunk
 * with a carry covering the chunks it did not wait for (its own and the carry it was handed) when
 * `carryTail` is true, and with none otherwise; it adds one partition per day it confirms.
 */
export async function runBackfill(
  input: Record<string, unknown>,
  maxConcurrency: number,
  fake: FakeFunction = {},
): Promise<{ execution: Execution; calls: ChunkCall[] }> {
  const calls: ChunkCall[] = [];
  const execution = await execute(
    definitionFor(maxConcurrency),
    input,
    async (resource, args): Promise<TaskOutcome> => {
      if (!resource.endsWith(':lambda:invoke')) throw new Error(`unexpected resource ${resource}`);
      const payload = (args as { Payload: Record<string, unknown> }).Payload;
      if (payload.action === 'split') {
        const request = parseSplitPayload(payload, NOW, SETTINGS);
        const result = await splitBackfill(
          request,
          SETTINGS,
          { s3: new FakeS3Listing([]), clock: new VirtualClock() },
          NOW,
        );
        return { result: { Payload: JSON.parse(JSON.stringify(result)), StatusCode: 200 } };
      }
      const call = {
        from: String(payload.from),
        to: String(payload.to),
        carry: (payload.carry ?? null) as Carry | null,
        carryTail: payload.carryTail as boolean,
        payload,
      };
      calls.push(call);
      // The function's own validation: what the state machine sends, the handler accepts.
      parseRunPayload(payload, NOW, SETTINGS);
      // Lanes run side by side: let the others move before answering.
      await new Promise((resolve) => setImmediate(resolve));
      if (fake.failing?.has(call.from)) return fake.error ?? lambdaError(`chunk ${call.from} failed`);
      const days = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1;
      const start = call.carry?.from ?? call.from;
      const carry: Carry | null =
        (call.carryTail || fake.carriesPastTheEnd === true) && fake.carries !== false
          ? {
              from: start,
              to: call.to,
              queries: [{ ids: [`q-${call.from}`], partitions: days(call.from, call.to), startedAt: 0 }],
            }
          : null;
      // What it waited for (its own days and the carry's) is confirmed now; a tail handed on is not.
      const partitionsAdded = carry !== null ? 0 : days(start, call.to);
      return { result: { Payload: { partitionsAdded, carry }, StatusCode: 200 } };
    },
  );
  return { execution, calls };
}
