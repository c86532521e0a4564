import { PortError } from '../../../lambda/core/shared/ports';
import { retrying, retryingCatalog, retryingS3 } from '../../../lambda/core/submit/retry';
import { VirtualClock } from '../../support/core-fakes';

/** Fails with `errors` in order, then answers `value`. */
function flaky<T>(errors: Error[], value: T): { fn: () => Promise<T>; calls: () => number } {
  let calls = 0;
  return {
    fn: async () => {
      const error = errors[calls++];
      if (error) throw error;
      return value;
    },
    calls: () => calls,
  };
}

describe('retrying', () => {
  it('retries throttled and transient errors with growing waits, then answers', async () => {
    // GIVEN two passing failures before an answer
    const clock = new VirtualClock();
    const call = flaky(
      [new PortError('throttled', 'slow down'), new PortError('transient', 'timeout')],
      'ok',
    );
    // WHEN retried
    const value = await retrying(call.fn, clock, { baseDelayMs: 1000 });
    // THEN it answered on the third try after two waits of at least half the base, doubling
    expect(value).toBe('ok');
    expect(call.calls()).toBe(3);
    expect(clock.sleeps).toBe(2);
    expect(clock.slept).toBeGreaterThanOrEqual(500 + 1000);
    expect(clock.slept).toBeLessThanOrEqual(1000 + 2000);
  });

  it.each(['access-denied', 'not-found', 'fatal'] as const)('does not retry %s', async (kind) => {
    // GIVEN a lasting failure
    const clock = new VirtualClock();
    const call = flaky([new PortError(kind, 'no')], 'ok');
    // WHEN retried THEN it fails at once
    await expect(retrying(call.fn, clock)).rejects.toThrow('no');
    expect(call.calls()).toBe(1);
    expect(clock.sleeps).toBe(0);
  });

  it('gives up after the last attempt with the last error', async () => {
    const clock = new VirtualClock();
    const errors = [1, 2, 3].map((n) => new PortError('transient', `failure ${n}`));
    const call = flaky(errors, 'ok');
    await expect(retrying(call.fn, clock, { attempts: 3 })).rejects.toThrow('failure 3');
    expect(call.calls()).toBe(3);
  });

  it('wraps the s3 and catalog ports call by call', async () => {
    // GIVEN ports that fail once each
    const clock = new VirtualClock();
    const names = flaky([new PortError('throttled', 'SlowDown')], ['a']);
    const any = flaky([new PortError('transient', '500')], true);
    const keys = flaky(
      [new PortError('transient', 'OperationTimeoutException')],
      [{ name: 'region', type: 'string' }],
    );
    const s3 = retryingS3({ listChildNames: names.fn, hasAnyObject: any.fn }, clock);
    const catalog = retryingCatalog({ getPartitionKeys: keys.fn }, clock);
    // WHEN called THEN each answers after one retry
    await expect(s3.listChildNames('x/')).resolves.toEqual(['a']);
    await expect(s3.hasAnyObject('x/')).resolves.toBe(true);
    await expect(catalog.getPartitionKeys('db', 't')).resolves.toEqual([{ name: 'region', type: 'string' }]);
    expect([names.calls(), any.calls(), keys.calls()]).toEqual([2, 2, 2]);
  });
});
