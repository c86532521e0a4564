/** Issue 12 at synth: contradictory settings are refused, misspelt regions are warned about. */
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { validatePartitionerProps } from '../../lib/validate-props';
import { buildStack, TRAIL_BUCKET } from './fixtures';

const base = { trailBucketName: TRAIL_BUCKET };

describe('contradictory settings', () => {
  it('refuses createDatabase true with createTable false', () => {
    // GIVEN an existing table but a database to create WHEN validated THEN refused, naming both
    expect(() => validatePartitionerProps({ ...base, createTable: false, createDatabase: true })).toThrow(
      /^invalid createDatabase true with createTable false: /,
    );
  });

  it.each([
    [{ createTable: false }],
    [{ createTable: false, createDatabase: false }],
    [{ createTable: true, createDatabase: false }],
    [{ createDatabase: true }],
  ])('accepts %j', (props) => {
    // GIVEN a consistent pair WHEN validated THEN accepted
    expect(() => validatePartitionerProps({ ...base, ...props })).not.toThrow();
  });
});

describe('region names at synth', () => {
  it('warns about a region the SDK does not know, and still deploys it', () => {
    // GIVEN one misspelt and one real region WHEN synthesized
    const { stack, template } = buildStack({ regions: ['us-est-1', 'eu-west-1'] });
    // THEN one warning names the misspelt one, and the function still gets both
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('region'));
    expect(warnings.map((w) => w.entry.data)).toEqual([
      expect.stringContaining('regions entry "us-est-1" is not a region the AWS SDK knows (partition aws)'),
    ]);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ REGIONS: 'us-est-1,eu-west-1' }) },
    });
  });

  it('says nothing about known regions', () => {
    // GIVEN known regions WHEN synthesized THEN no region warning
    const { stack } = buildStack({ regions: ['us-east-1', 'ap-southeast-2'] });
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('region'))).toEqual([]);
  });
});
