/**
 * `backfill --columnar` end to end through the request layer: the execution input's `columnar`
 * reaches the split, the split puts it in the selection the state machine merges into every
 * chunk, sizes chunks to one day, and a chunk payload carrying it asks for the conversion,
 * refused by name when the stack has no copy.
 */
import jsonata from 'jsonata';
import { CHUNK_PAYLOAD } from '../../../lib/backfill-expressions';
import { parseRunPayload, parseSplitPayload } from '../../../lambda/core/run/request';
import { splitBackfill } from '../../../lambda/core/run/backfill-split';
import { parseSettings } from '../../../lambda/core/run/settings';
import { formatWindow } from '../../../lambda/core/shared/dates';
import { FakeS3Listing, NOW, trailKey, validationErrorOf, VirtualClock } from '../../support/core-fakes';

const WITH_COPY = parseSettings({
  bucket: 'trail-bucket',
  columnarCopy: true,
  columnarLocation: 's3://results/columnar/cloudtrail/cloudtrail_logs_columnar/',
});
const WITHOUT_COPY = parseSettings({ bucket: 'trail-bucket' });

describe('columnar backfill requests', () => {
  it('a chunk payload with columnar asks for the conversion, only where the copy exists', () => {
    // GIVEN a chunk payload as the state machine builds it (window + merged selection)
    const payload = { from: '2024-06-01', to: '2024-06-01', chunk: true, columnar: true };
    // THEN with the copy it is a columnar chunk; without it, refused naming the setting
    const chunk = parseRunPayload(payload, NOW, WITH_COPY);
    expect(chunk).toMatchObject({ kind: 'chunk', columnar: true });
    // AND it registers the next day too (day D's conversion reads the partitions of D and D + 1),
    // but converts only its own day
    expect(formatWindow(chunk.window)).toEqual({ from: '2024-06-01', to: '2024-06-02' });
    expect(formatWindow(chunk.columnarWindow!)).toEqual({ from: '2024-06-01', to: '2024-06-01' });
    expect(validationErrorOf(() => parseRunPayload(payload, NOW, WITHOUT_COPY))).toMatch(/columnarCopy=true/);
    // AND a non-boolean is refused by name
    expect(validationErrorOf(() => parseRunPayload({ ...payload, columnar: 'yes' }, NOW, WITH_COPY))).toMatch(
      /columnar/,
    );
    // AND without it nothing asks for a conversion
    expect(
      parseRunPayload({ from: '2024-06-01', to: '2024-06-01' }, NOW, WITH_COPY).columnar,
    ).toBeUndefined();
  });

  it('the split cuts one day per chunk and carries columnar to every chunk through the selection', async () => {
    // GIVEN a bucket with two account-regions and the execution input of `backfill --columnar`
    const s3 = new FakeS3Listing([
      trailKey({}, '111111111111', 'us-east-1', '2024-06-01'),
      trailKey({}, '111111111111', 'eu-west-1', '2024-06-01'),
    ]);
    const request = parseSplitPayload(
      { action: 'split', from: '2024-06-01', to: '2024-06-05', columnar: true },
      NOW,
      WITH_COPY,
    );
    // WHEN it is split
    const result = await splitBackfill(request, WITH_COPY, { s3, clock: new VirtualClock() }, NOW);
    // THEN each chunk is one day (a conversion reads a day in minutes), the selection carries columnar
    expect(result.chunkDays).toBe(1);
    expect(result.chunks).toHaveLength(5);
    expect(result.selection).toEqual({ columnar: true, chunk: true });
    // AND the state machine's own chunk payload (lib/backfill-expressions.ts) hands it to a chunk
    const merged = (await jsonata(CHUNK_PAYLOAD.slice(2, -2)).evaluate(
      {},
      { lane: result.lanes[0]?.chunks, next: 0, carry: null, selection: result.selection },
    )) as object;
    expect(parseRunPayload(merged, NOW, WITH_COPY)).toMatchObject({ kind: 'chunk', columnar: true });
  });
});
