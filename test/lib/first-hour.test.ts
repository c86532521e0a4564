/** Issue 12 at synth: contradictory settings are refused, misspelt regions are warned about. */
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { CDK_JSON_CONTEXT } from '../support/cdk-context';
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
    // GIVEN one misspelt and one real region WHEN synthesized (the validation report, which
    // prints warnings on the console at every synth, is captured)
    const lines: unknown[] = [];
    const printed = jest.spyOn(console, 'error').mockImplementation((...args) => void lines.push(...args));
    let warnings, template;
    try {
      const built = buildStack({ regions: ['us-est-1', 'eu-west-1'] });
      template = built.template;
      warnings = Annotations.fromStack(built.stack).findWarning('*', Match.stringLikeRegexp('region'));
    } finally {
      printed.mockRestore();
    }
    // THEN one warning names the misspelt one, the report shows it, and the function still gets both
    expect(warnings.map((w) => w.entry.data)).toEqual([
      expect.stringContaining('regions entry "us-est-1" is not a region the AWS SDK knows (partition aws)'),
    ]);
    expect(lines.join('\n')).toContain('Annotation::cloudtrail-partitioner:unknown-region');
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

describe('cdk.json', () => {
  it('sets every feature flag the installed aws-cdk-lib recommends, as cdk init would', () => {
    // GIVEN the recommended flags of the installed aws-cdk-lib WHEN compared with cdk.json
    // THEN each is set to its recommended value (so `cdk synth` reports no unconfigured flags)
    const missing = Object.entries(CURRENTLY_RECOMMENDED_FLAGS).filter(
      ([flag, value]) => JSON.stringify(CDK_JSON_CONTEXT[flag]) !== JSON.stringify(value),
    );
    expect(missing).toEqual([]);
    expect(Object.keys(CURRENTLY_RECOMMENDED_FLAGS).length).toBeGreaterThan(50);
  });
});
