import fc from 'fast-check';
import {
  accessRetryPauses,
  DEPLOY_ACCESS_RETRY,
  isAccessDenied,
  retryWhileDenied,
  StillDeniedError,
} from '../../../lambda/core/shared/access-retry';
import type { Clock } from '../../../lambda/core/shared/ports';

/** A clock that only moves when slept on, or when a call says it took time. */
function fakeClock(): Clock & { slept: number[]; advance(ms: number): void } {
  let now = 1_000_000;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

/** An SDK-shaped error, as @aws-sdk clients throw it. */
function awsError(name: string): Error {
  const error = new Error(`${name}: User: arn:aws:sts::111122223333:assumed-role/x is not authorized`);
  error.name = name;
  return error;
}

describe('retryWhileDenied', () => {
  it('retries an AccessDeniedException until the policy arrives, with doubling pauses', async () => {
    // GIVEN a call denied three times, as IAM does while a new policy propagates
    const clock = fakeClock();
    let calls = 0;
    const call = async () => {
      calls++;
      if (calls <= 3) throw awsError('AccessDeniedException');
      return 'created';
    };
    // WHEN it is retried
    const result = await retryWhileDenied(call, isAccessDenied, clock);
    // THEN it succeeds on the fourth call after pausing 2, 4 and 8 s
    expect(result).toBe('created');
    expect(clock.slept).toEqual([2_000, 4_000, 8_000]);
  });

  it('stops at the stated bound and says how long it tried', async () => {
    // GIVEN a call that is always denied
    const clock = fakeClock();
    const started = clock.now();
    const call = () => Promise.reject(awsError('AccessDenied'));
    // WHEN it is retried with the deploy bound
    const failure = await retryWhileDenied(call, isAccessDenied, clock).catch((e: unknown) => e);
    // THEN it gives up with StillDeniedError, never having waited past 150 s
    expect(failure).toBeInstanceOf(StillDeniedError);
    expect(clock.now() - started).toBeLessThanOrEqual(DEPLOY_ACCESS_RETRY.limitMs);
    expect(clock.now() - started).toBeGreaterThan(
      DEPLOY_ACCESS_RETRY.limitMs - DEPLOY_ACCESS_RETRY.maxPauseMs,
    );
    expect((failure as Error).message).toMatch(/still access denied after \d+ attempts over 1[0-9]{2} s/);
    expect((failure as Error).message).toContain('is not authorized');
  });

  it('rethrows any other error at once', async () => {
    // GIVEN a call that fails with a missing table
    const clock = fakeClock();
    const call = () => Promise.reject(awsError('EntityNotFoundException'));
    // WHEN it is retried
    // THEN the error comes back unchanged, with no pause
    await expect(retryWhileDenied(call, isAccessDenied, clock)).rejects.toThrow(/EntityNotFoundException/);
    expect(clock.slept).toEqual([]);
  });

  it('counts the time the calls themselves take against the bound', async () => {
    // GIVEN denied calls that each take 40 s (a slow endpoint)
    const clock = fakeClock();
    const started = clock.now();
    const call = () => {
      clock.advance(40_000);
      return Promise.reject(awsError('AccessDeniedException'));
    };
    // WHEN it is retried
    await expect(retryWhileDenied(call, isAccessDenied, clock)).rejects.toBeInstanceOf(StillDeniedError);
    // THEN the next pause is never started past the bound
    expect(clock.now() - started - 40_000).toBeLessThanOrEqual(DEPLOY_ACCESS_RETRY.limitMs);
  });

  it('never pauses past the limit, whatever the options', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 600_000 }),
        fc.integer({ min: 100, max: 30_000 }),
        fc.integer({ min: 500, max: 60_000 }),
        (limitMs, firstPauseMs, maxPauseMs) => {
          const pauses = accessRetryPauses({ limitMs, firstPauseMs, maxPauseMs });
          const sum = pauses.reduce((a, b) => a + b, 0);
          // THEN the pauses fit the limit, each doubles the one before (capped), and the next would not fit
          expect(sum).toBeLessThanOrEqual(limitMs);
          pauses.forEach((pause, i) =>
            expect(pause).toBe(i === 0 ? firstPauseMs : Math.min(pauses[i - 1] * 2, maxPauseMs)),
          );
          const next =
            pauses.length === 0 ? firstPauseMs : Math.min(pauses[pauses.length - 1] * 2, maxPauseMs);
          expect(sum + next).toBeGreaterThan(limitMs);
        },
      ),
    );
  });
});

describe('isAccessDenied', () => {
  it.each(['AccessDenied', 'AccessDeniedException'])('recognizes %s', (name) => {
    expect(isAccessDenied(awsError(name))).toBe(true);
  });
  it.each(['ThrottlingException', 'EntityNotFoundException', 'ConflictException'])(
    'leaves %s alone',
    (name) => {
      expect(isAccessDenied(awsError(name))).toBe(false);
      expect(isAccessDenied(undefined)).toBe(false);
    },
  );
});
