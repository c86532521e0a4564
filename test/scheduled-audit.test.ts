/** The scheduled checks day after day, with the real handler on the stand-in. */
import { METRIC } from '../lambda/core/shared/contract';
import { createHandler } from '../lambda/handler';
import { SILENT_TRAIL_MESSAGE } from '../lambda/scheduled-edge';
import type { StandIn } from './support/aws-standin';
import {
  BUCKET,
  captureStdout,
  lambdaEnv,
  logKeys,
  metricValue,
  scaledClock,
  startTrailStandIn,
  useEnv,
} from './support/handler-harness';

const SCHEDULED = { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} };
const days = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `2024-03-${String(from + i).padStart(2, '0')}`);

let standIn: StandIn;
let restoreEnv: () => void;

beforeEach(async () => {
  standIn = await startTrailStandIn();
  // GIVEN one trail that delivers every day, and one that stops after 03-07
  standIn.putObjects(BUCKET, logKeys(['111111111111'], ['us-east-1'], days(1, 14)));
  standIn.putObjects(BUCKET, logKeys(['222222222222'], ['eu-west-1'], days(1, 7)));
  restoreEnv = useEnv(lambdaEnv(standIn, { AUDIT_WINDOW_DAYS: '7', SILENT_AFTER_DAYS: '3' }));
});

afterEach(async () => {
  restoreEnv();
  await standIn.close();
});

async function scheduledRunOn(date: string): Promise<{ silent: number; lines: number }> {
  const stdout = captureStdout();
  try {
    const handler = createHandler({
      env: process.env,
      clock: scaledClock(standIn, new Date(`${date}T00:15:00Z`)),
    });
    await handler(SCHEDULED, { awsRequestId: date, getRemainingTimeInMillis: () => 900_000 });
    const lines = stdout.lines().filter((line) => line.includes(`"message":"${SILENT_TRAIL_MESSAGE}"`));
    return { silent: metricValue(stdout.metrics(), METRIC.silentTrails) ?? -1, lines: lines.length };
  } finally {
    stdout.restore();
  }
}

describe('silent trails over days', () => {
  it('names a trail once on each of the three days after it stops, then lets it go', async () => {
    // WHEN the daily schedule fires from 03-08 to 03-12
    const seen: Record<string, { silent: number; lines: number }> = {};
    for (const date of days(8, 12)) seen[date] = await scheduledRunOn(date);
    // THEN 03-08 still saw 03-07's logs; 03-09..03-11 report it exactly once each; 03-12 is past the 3 days
    expect(seen).toEqual({
      '2024-03-08': { silent: 0, lines: 0 },
      '2024-03-09': { silent: 1, lines: 1 },
      '2024-03-10': { silent: 1, lines: 1 },
      '2024-03-11': { silent: 1, lines: 1 },
      '2024-03-12': { silent: 0, lines: 0 },
    });
  });
});
