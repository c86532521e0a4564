import { progressFromEvents, renderProgress } from '../../../lambda/core/run/progress';

describe('backfill progress', () => {
  it('counts chunks done and failed and sums partitions from the history', () => {
    // GIVEN a split into 3 chunks, one done with 120 partitions, one caught as failed
    const events = [
      { type: 'TaskStateExited', stateName: 'SplitWindow', output: '{"chunks":[{},{},{}]}' },
      { type: 'TaskSucceeded', output: '{"Payload":{"partitionsAdded":120}}' },
      { type: 'TaskStateExited', stateName: 'RegisterChunk', output: '{"failed":false}' },
      { type: 'TaskFailed' },
      { type: 'PassStateEntered', stateName: 'RecordChunkFailure' },
      { type: 'TaskSucceeded', output: 'not json' },
    ];
    // WHEN computing progress
    const progress = progressFromEvents(events);
    // THEN
    expect(progress).toEqual({ totalChunks: 3, chunksDone: 2, chunksFailed: 1, partitionsAdded: 120 });
  });

  it('reads the lane-shaped history: the split counts its chunks, lanes loop over RegisterChunk', () => {
    // GIVEN a split into 4 chunks over 2 lanes (the output counts them), three chunks done (one
    // retried first), one caught and recorded, with choices between them
    const done = (partitions: number) => [
      { type: 'TaskStateEntered', stateName: 'RegisterChunk' },
      {
        type: 'TaskSucceeded',
        output: JSON.stringify({ Payload: { partitionsAdded: partitions, carry: null } }),
      },
      { type: 'TaskStateExited', stateName: 'RegisterChunk', output: '{"failed":false}' },
      { type: 'ChoiceStateEntered', stateName: 'MoreChunksInLane' },
      { type: 'ChoiceStateExited', stateName: 'MoreChunksInLane', output: '{"failed":false}' },
    ];
    const events = [
      { type: 'TaskSucceeded', output: JSON.stringify({ Payload: { chunks: [{}, {}, {}, {}], lanes: [] } }) },
      { type: 'TaskStateExited', stateName: 'SplitWindow', output: '{"chunks":4,"lanes":[]}' },
      { type: 'PassStateExited', stateName: 'StartLane', output: '{"chunks":[{},{}]}' },
      { type: 'TaskFailed' },
      ...done(0),
      ...done(70),
      { type: 'TaskFailed' },
      { type: 'PassStateEntered', stateName: 'RecordChunkFailure' },
      { type: 'PassStateExited', stateName: 'RecordChunkFailure', output: '{"failed":true}' },
      ...done(30),
      { type: 'PassStateExited', stateName: 'LaneDone', output: '{"chunks":2,"failedCount":1}' },
    ];
    // WHEN computing progress THEN the lanes' chunks are counted once each, partitions summed
    expect(progressFromEvents(events)).toEqual({
      totalChunks: 4,
      chunksDone: 4,
      chunksFailed: 1,
      partitionsAdded: 100,
    });
  });

  it('renders a bar with an estimate of the time left', () => {
    // GIVEN 1 of 4 chunks done after 60 s
    const line = renderProgress(
      { totalChunks: 4, chunksDone: 1, chunksFailed: 0, partitionsAdded: 12345 },
      60_000,
      8,
    );
    // THEN a quarter of the bar, the counts, and 3 more minutes estimated
    expect(line).toBe('[##------] 1/4 chunks  12,345 partitions  1m00s elapsed  ~3m00s left');
  });

  it('says it is still splitting before the split step ends', () => {
    expect(renderProgress({ chunksDone: 0, chunksFailed: 0, partitionsAdded: 0 }, 5000, 4)).toBe(
      '[----] splitting…  0 partitions  5s elapsed',
    );
  });
});
