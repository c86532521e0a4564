import { parseAppContext } from '../../lib/context';
import { validatePartitionerProps } from '../../lib/validate-props';

describe('audit settings', () => {
  it.each([
    [{ auditWindowDays: 91 }, 'invalid auditWindowDays 91: expected an integer from 0 to 90'],
    [{ auditWindowDays: 1.5 }, 'invalid auditWindowDays 1.5'],
    [{ silentAfterDays: 31 }, 'invalid silentAfterDays 31: expected an integer from 0 to 30'],
  ])('refuses %j', (props, message) => {
    expect(() => validatePartitionerProps({ trailBucketName: 'example-trail-bucket', ...props })).toThrow(
      message,
    );
  });

  it('accepts 0 to turn them off, and defaults to 7 and 3', () => {
    expect(
      validatePartitionerProps({ trailBucketName: 'b-bucket', auditWindowDays: 0, silentAfterDays: 0 }),
    ).toMatchObject({
      auditWindowDays: 0,
      silentAfterDays: 0,
    });
    expect(validatePartitionerProps({ trailBucketName: 'b-bucket' })).toMatchObject({
      auditWindowDays: 7,
      silentAfterDays: 3,
    });
  });

  it('reads both from context', () => {
    const context: Record<string, unknown> = {
      trailBucket: 'b-bucket',
      auditWindowDays: '14',
      silentAfterDays: 2,
    };
    const { props } = parseAppContext((key) => context[key], Object.keys(context));
    expect(props).toMatchObject({ auditWindowDays: 14, silentAfterDays: 2 });
  });
});
