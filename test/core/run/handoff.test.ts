/**
 * The pure parts of the daily run's hand-off and of the Glue read before submit: the execution
 * name, the days handed off, what counts as left over, the reference time and the month cut.
 */
import fc from 'fast-check';
import {
  type BackfillStartPort,
  handOff,
  handoffExecutionName,
  handoffWindow,
  leftOver,
  STATE_MACHINE_ARN,
} from '../../../lambda/core/run/handoff';
import { monthWindows } from '../../../lambda/core/run/registered';
import { emptyReport, type Report } from '../../../lambda/core/run/report';
import { referenceTime } from '../../../lambda/core/run/request';

const ARN = 'arn:aws:states:eu-west-1:123456789012:stateMachine:Stack-Partitioner-1A2B3C4D-backfill';

function report(overrides: Partial<Report> = {}): Report {
  return {
    ...emptyReport({
      window: { from: '2024-03-09', to: '2024-03-11' },
      dryRun: false,
      accounts: 1,
      regions: 1,
      partitions: 3,
      skippedEmpty: 0,
    }),
    ...overrides,
  };
}

const range = (from: string, to: string) => ({ account: '111111111111', region: 'eu-west-1', from, to });
const unconfirmed = (partitions: number, from: string) => ({
  index: 0,
  partitions,
  attempts: 1,
  queryIds: ['q'],
  reason: 'still running',
  ranges: [range(from, from)],
  status: 'unconfirmed' as const,
});

function recordingPort(): BackfillStartPort & { calls: unknown[][] } {
  const calls: unknown[][] = [];
  return {
    calls,
    startBackfill: (arn, name, input) => {
      calls.push([arn, name, input]);
      return Promise.resolve({ executionArn: `${arn}:${name}`, alreadyStarted: false });
    },
  };
}

describe('hand-off execution name', () => {
  it('is a valid Step Functions name, the same for the same instant and different for another minute', () => {
    // GIVEN any instant between 2000 and 2100
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) }), (at) => {
        // THEN a name of ≤ 80 of [A-Za-z0-9_-], stable, and another a minute later
        const name = handoffExecutionName(at);
        expect(name).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
        expect(handoffExecutionName(at)).toBe(name);
        expect(handoffExecutionName(at + 60_000)).not.toBe(name);
      }),
    );
    expect(handoffExecutionName(Date.parse('2024-03-10T06:00:00Z'))).toBe('daily-remainder-20240310T0600Z');
  });
});

describe('what is left over, and its days', () => {
  it('nothing left over: no window', () => {
    expect(leftOver(report())).toBe(0);
    expect(handoffWindow(report())).toBeUndefined();
  });

  it('counts partitions not submitted and those still running, not those that failed', () => {
    // GIVEN 2 not submitted on 03-11, 5 running on 03-10, and a failure
    const r = report({
      notSubmitted: 2,
      notSubmittedRanges: [range('2024-03-11', '2024-03-11')],
      failures: [unconfirmed(5, '2024-03-10'), { ...unconfirmed(7, '2024-03-09'), status: 'failed' }],
    });
    // THEN 7 left over, on 03-10..03-11
    expect(leftOver(r)).toBe(7);
    expect(handoffWindow(r)).toEqual({ from: '2024-03-10', to: '2024-03-11' });
  });

  it('spans the earliest and the latest day of any number of ranges (an organization: 100,000+)', () => {
    // GIVEN 120,000 ranges over random days of a year, the oracle a sort
    const days = Array.from(
      { length: 200_000 },
      (_, i) => `2024-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`,
    );
    const r = report({ notSubmitted: days.length, notSubmittedRanges: days.map((d) => range(d, d)) });
    const sorted = [...days].sort();
    // THEN the window is exactly first..last, without exhausting the stack
    expect(handoffWindow(r)).toEqual({ from: sorted[0], to: sorted[sorted.length - 1] });
  });
});

describe('handOff', () => {
  it('starts one execution and makes the run ok when nothing failed', async () => {
    const port = recordingPort();
    const r = await handOff(
      report({ notSubmitted: 3, notSubmittedRanges: [range('2024-03-11', '2024-03-11')] }),
      port,
      ARN,
      Date.parse('2024-03-10T06:00:00Z'),
    );
    expect(port.calls).toEqual([
      [ARN, 'daily-remainder-20240310T0600Z', { from: '2024-03-11', to: '2024-03-11' }],
    ]);
    expect(r.ok).toBe(true);
    expect(r.handedOff).toMatchObject({ partitions: 3, alreadyStarted: false });
  });

  it('keeps the run failed when a statement failed, and starts nothing when nothing is left or for a dry run', async () => {
    const port = recordingPort();
    const failed = await handOff(
      report({
        ok: false,
        failed: 1,
        notSubmitted: 1,
        notSubmittedRanges: [range('2024-03-11', '2024-03-11')],
      }),
      port,
      ARN,
      0,
    );
    expect(failed.ok).toBe(false);
    expect(await handOff(report(), port, ARN, 0)).toEqual(report());
    const dry = report({ dryRun: true, notSubmitted: 1 });
    expect(await handOff(dry, port, ARN, 0)).toBe(dry);
    expect(port.calls).toHaveLength(1);
  });

  it('accepts state machine ARNs of every partition, nothing else', () => {
    expect(ARN).toMatch(STATE_MACHINE_ARN);
    expect('arn:aws-us-gov:states:us-gov-west-1:123456789012:stateMachine:x').toMatch(STATE_MACHINE_ARN);
    for (const bad of [
      'arn:aws:states:eu-west-1:123456789012:execution:x:y',
      'arn:aws:lambda:eu-west-1:123456789012:function:x',
      `${ARN}*`,
    ])
      expect(bad).not.toMatch(STATE_MACHINE_ARN);
  });
});

describe('reference time', () => {
  const now = new Date('2024-03-10T06:05:00Z');
  it("takes an EventBridge event's time, never later than now; otherwise now", () => {
    expect(referenceTime({ source: 'aws.events', time: '2024-03-10T06:00:00Z' }, now)).toBe(
      Date.parse('2024-03-10T06:00:00Z'),
    );
    expect(referenceTime({ time: '2024-03-10T07:00:00Z' }, now)).toBe(now.getTime());
    for (const payload of [
      undefined,
      {},
      { time: 'yesterday' },
      { time: 42 },
      { from: '2024-03-01', to: '2024-03-02' },
    ])
      expect(referenceTime(payload, now)).toBe(now.getTime());
  });
});

describe('month windows (one AND-only Glue expression each)', () => {
  it('cover the window exactly, in order, each inside one calendar month', () => {
    const day = fc.integer({ min: 19_000, max: 20_500 });
    fc.assert(
      fc.property(day, fc.integer({ min: 0, max: 400 }), (from, length) => {
        const parts = monthWindows({ from, to: from + length });
        // THEN contiguous, covering from..to
        expect(parts[0].from).toBe(from);
        expect(parts[parts.length - 1].to).toBe(from + length);
        for (let i = 1; i < parts.length; i++) expect(parts[i].from).toBe(parts[i - 1].to + 1);
        // AND each part's first and last day share a month (the oracle: Date)
        for (const p of parts) {
          const a = new Date(p.from * 86_400_000);
          const b = new Date(p.to * 86_400_000);
          expect([a.getUTCFullYear(), a.getUTCMonth()]).toEqual([b.getUTCFullYear(), b.getUTCMonth()]);
        }
      }),
    );
  });
});
