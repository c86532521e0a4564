/** The hand-off's configuration is checked at cold start: a bad ARN is named, an absent one turns hand-off off. */
import { handoffTarget } from '../lambda/handoff-edge';

describe('BACKFILL_STATE_MACHINE_ARN', () => {
  it('accepts a state machine ARN and treats unset or empty as no hand-off', () => {
    const arn = 'arn:aws:states:eu-west-1:123456789012:stateMachine:Stack-Partitioner-1A2B3C4D-backfill';
    expect(handoffTarget({ BACKFILL_STATE_MACHINE_ARN: arn })).toBe(arn);
    expect(handoffTarget({})).toBeUndefined();
    expect(handoffTarget({ BACKFILL_STATE_MACHINE_ARN: '' })).toBeUndefined();
  });

  it('refuses anything else, naming the variable and what was expected', () => {
    for (const bad of [
      'backfill',
      'arn:aws:lambda:eu-west-1:123456789012:function:f',
      'arn:aws:states:eu-west-1:1:stateMachine:x',
    ]) {
      expect(() => handoffTarget({ BACKFILL_STATE_MACHINE_ARN: bad })).toThrow(
        /invalid BACKFILL_STATE_MACHINE_ARN .*expected arn:aws:states:REGION:ACCOUNT:stateMachine:NAME/,
      );
    }
  });
});
