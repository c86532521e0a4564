/**
 * The gate's burst bound while concurrency climbs back after a quota refusal: the range Athena
 * accepted refills at once, and one start probes beyond it.
 */
import { StartGate } from '../../../lambda/core/submit/start-gate';
import { PortError } from '../../../lambda/core/shared/ports';

const QUOTA_REFUSAL = new PortError('throttled', 'Too many queries', 'TooManyRequestsException');

describe('StartGate.burstLimit', () => {
  test('after a refusal the accepted range refills in one burst, with one probe beyond it', () => {
    // GIVEN a share of 16, refused by Athena's quota with 4 in flight
    const gate = new StartGate(16, 500);
    gate.throttled(QUOTA_REFUSAL, 4, 0);
    expect(gate.limit).toBe(4);
    expect(gate.burstLimit(0)).toBe(Number.POSITIVE_INFINITY);
    // WHEN a quiet spell passes and the limit doubles
    gate.refresh(600);
    expect(gate.limit).toBe(8);
    // THEN with the 4 finished, 4 refill and 1 probes in one burst; with 4 running only the probe goes
    expect(gate.burstLimit(0)).toBe(5);
    expect(gate.burstLimit(4)).toBe(1);
    // AND WHEN the probe is accepted (5 in flight) THEN bursts are no longer bounded
    gate.started(5);
    expect(gate.burstLimit(5)).toBe(Number.POSITIVE_INFINITY);
  });

  test('a doubling before the last one was proven keeps what was proven', () => {
    // GIVEN a refusal at 2 in flight, and two quiet spells with no start in between
    const gate = new StartGate(16, 500);
    gate.throttled(QUOTA_REFUSAL, 2, 0);
    gate.refresh(600);
    gate.refresh(1200);
    expect(gate.limit).toBe(8);
    // THEN only the 2 Athena accepted refill at once, with one probe
    expect(gate.burstLimit(0)).toBe(3);
    // AND a start that lands within the proven range proves nothing new
    gate.started(2);
    expect(gate.burstLimit(2)).toBe(1);
  });

  test('a probe refused again ends the probing: the cut limit is what Athena accepted', () => {
    // GIVEN a doubled limit being probed
    const gate = new StartGate(16, 500);
    gate.throttled(QUOTA_REFUSAL, 4, 0);
    gate.refresh(600);
    // WHEN the probe is refused with 4 in flight
    gate.throttled(QUOTA_REFUSAL, 4, 700);
    // THEN the limit is 4 again and bursts are bounded only by it
    expect(gate.limit).toBe(4);
    expect(gate.burstLimit(0)).toBe(Number.POSITIVE_INFINITY);
  });
});
