/**
 * The backfill's state stays under Step Functions' 256 KiB limit on every state's input and
 * output, Map result and variable when every one of MAX_CHUNKS chunks fails, as a permissions
 * error would make it, in one lane or spread over 40: the synthesized definition executed by the
 * ASL walker, which fails with States.DataLimitExceeded as the service would.
 */
import fc from 'fast-check';
import { MAX_CHUNKS } from '../../lambda/core/partitions/split';
import { CAUSE_CHARS, ERROR_CHARS, FIRST_FAILURES } from '../../lib/backfill-expressions';
import { STATE_DATA_LIMIT_BYTES } from '../support/asl-walker';
import { lambdaError, runBackfill } from '../support/backfill-run';

/** MAX_CHUNKS days ending the day before the fakes' NOW: one chunk a day. */
const THOUSAND_DAYS = { from: '2021-09-19', to: '2024-06-14', chunkDays: 1 };
/** A long cause full of characters JSON must escape, and an error name of quotes. */
const HOSTILE = lambdaError(`access denied "\\" é ☃ ${'\u0001"'.repeat(2000)}`, `E${'"'.repeat(300)}`);
/**
 * The same characters, long enough to be cut (jsonata-js takes about 20 ms a record on the long
 * one, so the 1,000 records of one lane take the short one; 40 lanes take the long one).
 */
const HOSTILE_SHORT = lambdaError(`access denied "\\" é ☃ ${'\u0001"'.repeat(60)}`, `E${'"'.repeat(100)}`);

/** A failure record's ceiling: fixed fields, two dates, ERROR_CHARS and CAUSE_CHARS one-byte characters. */
const RECORD_BYTES = 90 + ERROR_CHARS + CAUSE_CHARS;

function cause(text: string | undefined) {
  return JSON.parse(text ?? '') as {
    failedChunks: number;
    chunks: number;
    rerun: { from: string; to: string }[];
  };
}

const days = (from: string, to: string) => {
  const out: string[] = [];
  for (let at = Date.parse(from); at <= Date.parse(to); at += 86_400_000)
    out.push(new Date(at).toISOString().slice(0, 10));
  return out;
};

describe('backfill payload bounds', () => {
  it.each([
    ['in one lane', 1, HOSTILE_SHORT],
    ['spread over 40 lanes', 40, HOSTILE],
  ])(
    `keeps ${MAX_CHUNKS} failed chunks with hostile errors, %s, under 256 KiB everywhere`,
    async (_where, lanes, error) => {
      // GIVEN every chunk failing with a long cause and an error name that JSON must escape
      const all = new Set(days(THOUSAND_DAYS.from, THOUSAND_DAYS.to));
      // WHEN the backfill runs to its end
      const { execution, calls } = await runBackfill(THOUSAND_DAYS, lanes, { failing: all, error });
      // THEN it fails as a backfill (not with States.DataLimitExceeded), every state and variable
      // having stayed under the limit: the largest is the split's result (every chunk twice, flat
      // and in lanes, 40 bytes each) or the Map result, at most FIRST_FAILURES records of at
      // most RECORD_BYTES per lane (40 lanes: about 180 KB, a fixed ceiling)
      expect(calls).toHaveLength(MAX_CHUNKS);
      expect(execution.error).toBe('BackfillIncomplete');
      expect(execution.largestBytes).toBeLessThan(STATE_DATA_LIMIT_BYTES);
      expect(execution.largestBytes).toBeLessThanOrEqual(
        Math.max(2 * MAX_CHUNKS * 42, lanes * FIRST_FAILURES * RECORD_BYTES) + 8 * 1024,
      );
      // AND the counts are whole, and the rerun list is the whole window
      const failure = cause(execution.cause);
      expect(failure).toEqual({
        failedChunks: MAX_CHUNKS,
        chunks: MAX_CHUNKS,
        rerun: [{ from: THOUSAND_DAYS.from, to: THOUSAND_DAYS.to }],
      });
      expect(execution.cause?.length).toBeLessThan(32768);
    },
  );

  it('keeps the worst case of alternating failures (500 separate ranges) under every limit', async () => {
    // GIVEN every other chunk failing in one lane, and a function that hands nothing on, so no
    // carry joins a failure to the success before it: no coalescing can shorten the list
    const everyOther = new Set(days(THOUSAND_DAYS.from, THOUSAND_DAYS.to).filter((_, i) => i % 2 === 0));
    const { execution } = await runBackfill(THOUSAND_DAYS, 1, {
      failing: everyOther,
      error: lambdaError('x'.repeat(500)),
      carries: false,
    });
    // THEN 500 ranges to rerun, every state small enough, and the cause whole
    expect(execution.error).toBe('BackfillIncomplete');
    expect(cause(execution.cause).rerun).toHaveLength(MAX_CHUNKS / 2);
    expect(execution.largestBytes).toBeLessThan(STATE_DATA_LIMIT_BYTES);
    expect(execution.cause?.length).toBeLessThan(32768);
  });

  it('a 10,000-account selection and 1,000 chunks over 40 lanes fit the split result and every chunk', async () => {
    // GIVEN the longest selection the split accepts
    const accounts = Array.from({ length: 10_000 }, (_, i) => String(100_000_000_000 + i));
    // WHEN the backfill runs
    const { execution, calls } = await runBackfill({ ...THOUSAND_DAYS, accounts }, 40);
    // THEN it succeeds, each chunk carrying the accounts, nothing over the limit
    expect(execution.status).toBe('SUCCEEDED');
    expect(calls).toHaveLength(MAX_CHUNKS);
    expect((calls[0].payload.accounts as string[]).length).toBe(10_000);
    expect(execution.largestBytes).toBeLessThan(STATE_DATA_LIMIT_BYTES);
  });

  it(`keeps the first ${FIRST_FAILURES} failures in full, in date order, whatever the lanes`, async () => {
    const all = new Set(days('2024-05-01', '2024-06-14'));
    const { execution } = await runBackfill({ from: '2024-05-01', to: '2024-06-14', chunkDays: 1 }, 4, {
      failing: all,
      carries: false,
    });
    const output = execution.history.find((e) => e.type === 'MapStateExited');
    const failed = (JSON.parse(output?.output ?? '') as { failedChunks: { from: string }[] }).failedChunks;
    expect(failed.map((f) => f.from)).toEqual(days('2024-05-01', '2024-05-20'));
  });

  it('rerun ranges cover exactly the failed chunks and the carries they held, adjacent ones merged (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.boolean(), { minLength: 1, maxLength: 24 }),
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        async (pattern, lanes, carries) => {
          // GIVEN one-day chunks, any of them failing, over any lanes, with or without carries
          const all = days('2024-05-01', '2024-06-14').slice(0, pattern.length);
          const failing = new Set(all.filter((_, i) => pattern[i]));
          const { execution, calls } = await runBackfill(
            { from: all[0], to: all[all.length - 1], chunkDays: 1 },
            lanes,
            { failing, carries },
          );
          // THEN (oracle: a failed call loses its own day and every day of the carry it was handed)
          const lost = new Set(
            calls.filter((c) => failing.has(c.from)).flatMap((c) => days(c.carry?.from ?? c.from, c.to)),
          );
          const rerun = failing.size === 0 ? [] : cause(execution.cause).rerun;
          expect(rerun.flatMap((r) => days(r.from, r.to))).toEqual(all.filter((d) => lost.has(d)));
          // AND no two ranges touch, and the status says whether anything failed
          const touching = rerun.filter((r, i) => i > 0 && days(rerun[i - 1].to, r.from).length <= 2);
          expect(touching).toEqual([]);
          expect(execution.status).toBe(failing.size > 0 ? 'FAILED' : 'SUCCEEDED');
        },
      ),
      { numRuns: 40 },
    );
  });
});
