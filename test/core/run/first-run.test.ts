import {
  FIRST_RUN,
  firstRunDeadlineMs,
  isFirstRunEvent,
  waitForAccess,
} from '../../../lambda/core/run/first-run';
import { PortError, type Clock } from '../../../lambda/core/shared/ports';

/** A clock that only moves when slept on. */
function fakeClock(): Clock & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

const EVENT = {
  id: 'first-run-at-deploy',
  source: 'aws.events',
  'detail-type': 'Scheduled Event',
  detail: { deadlineSeconds: 540 },
};

describe('the first run at deploy', () => {
  it('reads its budget from the event it is sent, and no other event has one', () => {
    expect(isFirstRunEvent(EVENT)).toBe(true);
    expect(firstRunDeadlineMs(EVENT)).toBe(540_000);
    // a real scheduled event, a manual invoke and a bad budget get Lambda's own time
    expect(firstRunDeadlineMs({ ...EVENT, id: 'abc' })).toBeUndefined();
    expect(
      firstRunDeadlineMs({ id: 'first-run-at-deploy', detail: { deadlineSeconds: 540 } }),
    ).toBeUndefined();
    expect(firstRunDeadlineMs({ ...EVENT, detail: { deadlineSeconds: '540' } })).toBeUndefined();
    // and a budget beyond the provider's wait is cut to leave it a minute
    expect(firstRunDeadlineMs({ ...EVENT, detail: { deadlineSeconds: 3600 } })).toBe(840_000);
  });

  it('retries a denied probe until it is allowed, pausing between probes', async () => {
    // GIVEN a role whose policy reaches IAM after 25 s
    const clock = fakeClock();
    const probe = async () => {
      if (clock.now() < 25_000) throw new PortError('access-denied', 'AccessDeniedException');
    };
    // WHEN the first run waits for access THEN it goes on once allowed
    await expect(waitForAccess(probe, clock)).resolves.toEqual({
      granted: true,
      waitedMs: 30_000,
      probes: 4,
    });
  });

  it(`gives up after ${FIRST_RUN.accessWaitSeconds} s, and never waits on other errors`, async () => {
    const clock = fakeClock();
    const denied = async () => {
      throw new PortError('access-denied', 'AccessDeniedException');
    };
    const wait = await waitForAccess(denied, clock);
    expect(wait.granted).toBe(false);
    expect(wait.waitedMs).toBeLessThanOrEqual(FIRST_RUN.accessWaitSeconds * 1000);
    expect(clock.now()).toBeLessThanOrEqual(FIRST_RUN.accessWaitSeconds * 1000);
    // a missing table is the run's to report, at once
    const other = fakeClock();
    const missing = async () => {
      throw new PortError('not-found', 'EntityNotFoundException');
    };
    await expect(waitForAccess(missing, other)).resolves.toMatchObject({ granted: true, probes: 1 });
    expect(other.slept).toEqual([]);
  });
});
