import type { Logger } from '@aws-lambda-powertools/logger';
import { remainingMs, withFirstRunOutcome } from '../lambda/first-run-edge';
import { FIRST_RUN } from '../lambda/core/run/first-run';
import type { Clock } from '../lambda/core/shared/ports';

const FIRST = {
  id: 'first-run-at-deploy',
  source: 'aws.events',
  'detail-type': 'Scheduled Event',
  detail: { deadlineSeconds: 540 },
};
const SCHEDULED = { id: 'e1', source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} };

function fakeClock(): Clock & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return { slept, now: () => now, sleep: async (ms) => void (slept.push(ms), (now += ms)) };
}

function fakeLogger() {
  const lines: { level: string; message: string; extra: Record<string, unknown> }[] = [];
  const log =
    (level: string) =>
    (message: string, extra: Record<string, unknown> = {}) =>
      lines.push({ level, message, extra });
  return {
    lines,
    logger: { info: log('info'), warn: log('warn'), error: log('error') } as unknown as Logger,
  };
}

const context = (ms = 900_000) => ({ awsRequestId: 'r', getRemainingTimeInMillis: () => ms });

describe('the first run edge', () => {
  it("ends the first run at its own deadline, and any other run at Lambda's", () => {
    // GIVEN 900 s left in Lambda and 10 s already spent
    expect(remainingMs(FIRST, context(), 0, 10_000)).toBe(530_000);
    expect(remainingMs(SCHEDULED, context(), 0, 10_000)).toBe(900_000);
    // and a function with less time than the budget keeps its own
    expect(remainingMs(FIRST, context(120_000), 0, 0)).toBe(120_000);
  });

  it('records a failed first run in one log line the dashboard shows, then holds for its metrics', async () => {
    // GIVEN a run that fails
    const clock = fakeClock();
    const { lines, logger } = fakeLogger();
    const handle = withFirstRunOutcome(
      async () => {
        throw new Error('access denied reading table cloudtrail.cloudtrail_logs from glue');
      },
      clock,
      logger,
    );
    // WHEN the first run ends THEN the failure is rethrown, logged, and the metrics get their minute
    await expect(handle(FIRST, context())).rejects.toThrow('access denied');
    expect(lines).toContainEqual({
      level: 'error',
      message: FIRST_RUN.logMessage,
      extra: { outcome: 'failed', error: 'access denied reading table cloudtrail.cloudtrail_logs from glue' },
    });
    expect(clock.slept).toEqual([FIRST_RUN.settleSeconds * 1000]);
  });

  it('records success, never holds past Lambda, and leaves other runs alone', async () => {
    const clock = fakeClock();
    const { lines, logger } = fakeLogger();
    const handle = withFirstRunOutcome(async () => 'report', clock, logger);
    await expect(handle(FIRST, context(20_000))).resolves.toBe('report');
    expect(lines).toContainEqual({
      level: 'info',
      message: FIRST_RUN.logMessage,
      extra: { outcome: 'succeeded' },
    });
    expect(clock.slept).toEqual([15_000]);
    // a scheduled run: no outcome line, no hold
    const quiet = fakeClock();
    const other = fakeLogger();
    await withFirstRunOutcome(async () => 'x', quiet, other.logger)(SCHEDULED, context());
    expect(other.lines).toEqual([]);
    expect(quiet.slept).toEqual([]);
  });
});
