/**
 * The backfill's state stays under Step Functions' 256 KiB payload limit when every one of
 * MAX_CHUNKS chunks fails, as a permissions error would make it, with the expressions
 * evaluated by the jsonata engine.
 */
import fc from 'fast-check';
import { MAX_CHUNKS, splitWindow } from '../../lambda/core/partitions/split';
import { CAUSE_CHARS, ERROR_CHARS, FIRST_FAILURES } from '../../lib/backfill-expressions';
import { type AslState, backfillDefinition, evaluateJsonata } from '../support/backfill-definition';

/** Step Functions' limit on a state's input, output and a Map's result, in UTF-8 bytes. */
const PAYLOAD_LIMIT_BYTES = 256 * 1024;
const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');

const definition = backfillDefinition();
const states = definition.States as Record<string, AslState>;
const map = states.RegisterChunks as AslState & { ItemProcessor: { States: Record<string, AslState> } };
const catchOutput = map.ItemProcessor.States.RegisterChunk.Catch?.[0].Output;

/** Lambda's error output for a function that threw: the cause wraps the message in JSON. */
function lambdaError(message: string, error = 'RunFailedError') {
  return {
    Error: error,
    Cause: JSON.stringify({
      errorType: error,
      errorMessage: message,
      trace: ['at x (/var/task/index.js:1:1)'],
    }),
  };
}

/** MAX_CHUNKS consecutive daily chunks, as the split step hands them to the Map. */
const chunks = splitWindow({ from: 0, to: MAX_CHUNKS - 1 }, 1);

async function mapResult(failedAt: (index: number) => boolean, errorOutput: Record<string, unknown>) {
  return Promise.all(
    chunks.map((chunk, index) =>
      failedAt(index) ? evaluateJsonata(catchOutput, { input: chunk, errorOutput }) : { failed: false },
    ),
  );
}

async function downstream(result: unknown[]) {
  const output = (await evaluateJsonata(map.Output, {
    input: { window: { from: chunks[0].from, to: chunks.at(-1)?.to }, chunks },
    result,
  })) as { failedCount: number; failedChunks: unknown[]; rerun: { from: string; to: string }[] };
  const cause = (await evaluateJsonata(states.SomeChunksFailed.Cause, { input: output })) as string;
  return { output, cause };
}

describe('backfill payload bounds', () => {
  it(`keeps ${MAX_CHUNKS} failed chunks, with long hostile errors, under 256 KiB at every step`, async () => {
    // GIVEN every chunk failing with a long cause full of characters JSON must escape
    const errorOutput = lambdaError(
      `access denied "\\" é ☃ ${'\u0001"'.repeat(2000)}`,
      `E${'"'.repeat(300)}`,
    );
    // WHEN each catch record, the Map output and the Fail cause are evaluated
    const result = await mapResult(() => true, errorOutput);
    const { output, cause } = await downstream(result);
    // THEN the Map result (what Step Functions collects) and the output fit, with room to spare
    expect(bytes(result)).toBeLessThan(PAYLOAD_LIMIT_BYTES);
    expect(bytes(result)).toBeLessThanOrEqual(MAX_CHUNKS * (90 + ERROR_CHARS + CAUSE_CHARS));
    expect(bytes(output)).toBeLessThan(PAYLOAD_LIMIT_BYTES);
    // AND the counts are whole, the first failures keep their error, and the rerun list is one range
    expect(output.failedCount).toBe(MAX_CHUNKS);
    expect(output.failedChunks).toHaveLength(FIRST_FAILURES);
    expect(output.rerun).toEqual([{ from: chunks[0].from, to: chunks.at(-1)?.to }]);
    // AND the Fail cause is whole JSON well inside the 32,768-character limit
    expect(cause.length).toBeLessThan(32768);
    expect(JSON.parse(cause)).toEqual({ failedChunks: MAX_CHUNKS, chunks: MAX_CHUNKS, rerun: output.rerun });
  });

  it('records a failure in a fixed size: the envelope is cut off, the message begins the cause', async () => {
    // GIVEN a realistic Lambda error
    const message = 'discovery failed: AccessDenied on s3://example-trail-bucket/AWSLogs/ (ListObjectsV2)';
    // WHEN the catch output is evaluated
    const record = (await evaluateJsonata(catchOutput, {
      input: chunks[0],
      errorOutput: lambdaError(message),
    })) as Record<string, unknown>;
    // THEN it holds the range, the error and the start of the message, quotes and all removed
    expect(record).toEqual({
      failed: true,
      from: chunks[0].from,
      to: chunks[0].to,
      error: 'RunFailedError',
      cause: message.slice(0, CAUSE_CHARS),
    });
  });

  it('keeps the worst case of alternating failures (500 separate ranges) under every limit', async () => {
    // GIVEN every other chunk failing, which no coalescing can shorten
    const result = await mapResult((index) => index % 2 === 0, lambdaError('x'.repeat(5000)));
    // WHEN
    const { output, cause } = await downstream(result);
    // THEN 500 ranges to rerun, the output small, and the cause whole
    expect(output.rerun).toHaveLength(MAX_CHUNKS / 2);
    expect(bytes(output)).toBeLessThan(PAYLOAD_LIMIT_BYTES);
    expect(cause.length).toBeLessThan(32768);
    expect(JSON.parse(cause).rerun).toHaveLength(MAX_CHUNKS / 2);
  });

  it('rerun ranges cover exactly the failed chunks, adjacent ones merged', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.boolean(), { minLength: 1, maxLength: 60 }), async (pattern) => {
        // GIVEN any pattern of failed chunks
        const result = chunks
          .slice(0, pattern.length)
          .map((chunk, i) => (pattern[i] ? { failed: true, ...chunk, error: 'E' } : { failed: false }));
        // WHEN the Map output is evaluated
        const { output } = await downstream(result);
        // THEN the ranges, expanded back to days, are the failed days, and no two ranges touch
        const days = output.rerun.flatMap((r) => chunks.filter((c) => c.from >= r.from && c.to <= r.to));
        expect(days.map((c) => c.from)).toEqual(chunks.filter((_, i) => pattern[i]).map((c) => c.from));
        const runs = pattern.filter((failed, i) => failed && !pattern[i - 1]).length;
        expect(output.rerun).toHaveLength(runs);
        expect(output.failedCount).toBe(pattern.filter(Boolean).length);
      }),
      { numRuns: 40 },
    );
  });
});
