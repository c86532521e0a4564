/**
 * The split step with lanes: the request's `lanes` (set by the state machine to its Map
 * concurrency) cuts the window into that many lanes of consecutive chunks, within MAX_CHUNKS.
 */
import { splitBackfill } from '../../../lambda/core/run/backfill-split';
import { parseSplitPayload } from '../../../lambda/core/run/request';
import { parseSettings } from '../../../lambda/core/run/settings';
import { MAX_CHUNKS } from '../../../lambda/core/partitions/split';
import { FakeS3Listing, NOW, validationErrorOf, VirtualClock } from '../../support/core-fakes';

const SETTINGS = parseSettings({ bucket: 'trail-bucket' });

async function split(payload: Record<string, unknown>, s3 = new FakeS3Listing([])) {
  const request = parseSplitPayload({ action: 'split', ...payload }, NOW, SETTINGS);
  return splitBackfill(request, SETTINGS, { s3, clock: new VirtualClock() }, NOW);
}

describe('splitBackfill with lanes', () => {
  it('cuts the window into the lanes asked for; their chunks, in turn, are the flat list', async () => {
    // GIVEN 2024-06-01 .. 2024-06-10, chunks of at most 2 days, 3 lanes (the state machine's Map slots)
    const result = await split({ from: '2024-06-01', to: '2024-06-10', chunkDays: 2, lanes: 3 });
    // THEN lanes of 4, 3 and 3 days; each lane's chunks alike; the flat list is the lanes in turn
    expect(result.lanes).toEqual([
      {
        chunks: [
          { from: '2024-06-01', to: '2024-06-02' },
          { from: '2024-06-03', to: '2024-06-04' },
        ],
      },
      {
        chunks: [
          { from: '2024-06-05', to: '2024-06-06' },
          { from: '2024-06-07', to: '2024-06-07' },
        ],
      },
      {
        chunks: [
          { from: '2024-06-08', to: '2024-06-09' },
          { from: '2024-06-10', to: '2024-06-10' },
        ],
      },
    ]);
    expect(result.chunks).toEqual(result.lanes.flatMap((lane) => lane.chunks));
    expect(result.chunkDays).toBe(2);
  });

  it('without lanes (the CLI, any caller without a Map): one lane holding every chunk', async () => {
    const result = await split({ from: '2024-06-01', to: '2024-06-10', chunkDays: 4 });
    expect(result.lanes).toEqual([{ chunks: result.chunks }]);
    expect(result.chunks).toHaveLength(3);
  });

  it('sized chunks grow so that the lanes stay within MAX_CHUNKS', async () => {
    // GIVEN 20,000 account-regions (one day a chunk by size), 2,000 days and 3 lanes: 2-day chunks
    // would make 1,001 (334 + 334 + 333)
    const accounts = Array.from({ length: 1000 }, (_, i) => String(100000000000 + i));
    const regions = Array.from({ length: 20 }, (_, i) => `us-test-${i + 1}`);
    const result = await split({ from: '2018-12-24', to: '2024-06-14', accounts, regions, lanes: 3 });
    // THEN at most MAX_CHUNKS, and three lanes
    expect(result.chunks.length).toBeLessThanOrEqual(MAX_CHUNKS);
    expect(result.lanes).toHaveLength(3);
    expect(result.chunkDays).toBe(3);
  });

  it('refuses an explicit chunkDays that the lanes would push past MAX_CHUNKS, saying so', async () => {
    // GIVEN the same 2,000 days in chunks of 2 over 3 lanes WHEN split THEN refused, naming both
    await expect(split({ from: '2018-12-24', to: '2024-06-14', chunkDays: 2, lanes: 3 })).rejects.toThrow(
      /chunkDays 2 makes 1001 chunks over 3 lanes; at most 1000 fit one execution/,
    );
    // AND in one lane the same request fits exactly
    expect(
      (await split({ from: '2018-12-24', to: '2024-06-14', chunkDays: 2, lanes: 1 })).chunks,
    ).toHaveLength(1000);
  });

  it.each([
    [0, /lanes: expected lanes from 1 to 40 \(got 0\)/],
    [41, /lanes: expected lanes from 1 to 40 \(got 41\)/],
    [2.5, /lanes: expected lanes as a whole number from 1 to 40 \(got 2\.5\)/],
    ['3', /lanes: expected lanes as a whole number from 1 to 40 \(got "3"\)/],
  ])('refuses lanes %j, naming it and what was expected', (lanes, message) => {
    expect(
      validationErrorOf(() =>
        parseSplitPayload({ action: 'split', from: '2024-06-01', lanes }, NOW, SETTINGS),
      ),
    ).toMatch(message);
  });
});
