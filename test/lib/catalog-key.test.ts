/**
 * Issue 17, defect 4: an account whose Glue Data Catalog is encrypted with a KMS key needs
 * kms:Decrypt, kms:Encrypt and kms:GenerateDataKey on it for every role that reads or writes
 * the catalog (Athena's guide on encrypted catalog metadata).
 */
import { parseAppContext } from '../../lib/context';
import { validatePartitionerProps } from '../../lib/validate-props';
import { actionsOf, buildStack, iamStatements, resourcesOf, unacknowledgedNagFindings } from './fixtures';

const KEY = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const THREE = ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'];

describe('glueCatalogKmsKeyArn', () => {
  const { stack, template } = buildStack({ glueCatalogKmsKeyArn: KEY, initialBackfillFrom: 7 }, 'Key');
  const policies = template.findResources('AWS::IAM::Policy');

  /** Roles whose policies hold a statement with exactly the three actions on the key. */
  function rolesWithKey(): string[] {
    const roles: string[] = [];
    for (const policy of Object.values(policies)) {
      const statements = policy.Properties.PolicyDocument.Statement as {
        Action: string[];
        Resource: unknown;
      }[];
      const hasKey = statements.some(
        (s) =>
          JSON.stringify([...actionsOf(s as never)].sort()) === JSON.stringify(THREE) && s.Resource === KEY,
      );
      if (hasKey) for (const role of policy.Properties.Roles) roles.push(role.Ref);
    }
    return roles;
  }

  it('grants the function role (which also runs every backfill task) the three actions on that key only', () => {
    expect(rolesWithKey()).toEqual(
      expect.arrayContaining([expect.stringMatching(/^PartitionerFunctionRole/)]),
    );
  });

  it('grants the role of the deploy-time handler that creates the partition index, in the index policy', () => {
    expect(rolesWithKey()).toEqual(
      expect.arrayContaining([expect.stringMatching(/^PartitionerDeployResourcesRole/)]),
    );
  });

  it('grants no other role, and no KMS action on any other resource', () => {
    // THEN the state machine's own role (it only invokes the function) holds no KMS action
    expect(rolesWithKey()).toHaveLength(2);
    for (const statement of iamStatements(template)) {
      if (actionsOf(statement).some((a) => a.startsWith('kms:') && THREE.includes(a)))
        expect(
          resourcesOf(statement).every((r) => r === KEY || JSON.stringify(r).includes('AlarmsTopicKey')),
        ).toBe(true);
    }
    expect(unacknowledgedNagFindings(stack)).toEqual([]);
  });

  it("lets the analysts' QueryPolicy read the encrypted catalog too", () => {
    // GIVEN the stack with a catalog key
    // WHEN the managed policy for `query` is synthesized
    const managed = Object.values(template.findResources('AWS::IAM::ManagedPolicy'));
    const withKey = managed.filter((policy) =>
      (policy.Properties.PolicyDocument.Statement as { Action: string[]; Resource: unknown }[]).some(
        (s) =>
          s.Resource === KEY && JSON.stringify([...actionsOf(s as never)].sort()) === JSON.stringify(THREE),
      ),
    );
    // THEN exactly that policy holds the three actions on the key
    expect(withKey).toHaveLength(1);
    expect(withKey[0].Properties.Description).toMatch(/cloudtrail-partitioner query/);
  });

  it('grants nothing on a key when the setting is absent', () => {
    const plain = buildStack({}, 'NoKey').template;
    const kms = iamStatements(plain).filter((s) => actionsOf(s).includes('kms:GenerateDataKey'));
    expect(
      kms.flatMap((s) => resourcesOf(s)).filter((r) => typeof r === 'string' && r.includes(':kms:')),
    ).toEqual([]);
  });

  it('is read from context', () => {
    const config = parseAppContext(
      (key) => ({ trailBucket: 'example-trail-bucket', glueCatalogKmsKeyArn: KEY })[key],
      ['trailBucket', 'glueCatalogKmsKeyArn'],
    );
    expect(config.props.glueCatalogKmsKeyArn).toBe(KEY);
  });

  it.each([
    ['an alias ARN', 'arn:aws:kms:eu-west-1:111122223333:alias/glue', /an alias ARN grants nothing/],
    ['a key ID alone', '1234abcd-12ab-34cd-56ef-1234567890ab', /expected a KMS key ARN/],
    ['another service', 'arn:aws:s3:::bucket', /expected a KMS key ARN/],
    [
      'a short account',
      'arn:aws:kms:eu-west-1:1111:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      /expected a KMS key ARN/,
    ],
  ])('refuses %s, naming the value and the form expected', (_name, value, message) => {
    expect(() =>
      validatePartitionerProps({ trailBucketName: 'example-trail-bucket', glueCatalogKmsKeyArn: value }),
    ).toThrow(message);
  });

  it.each([
    KEY,
    'arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    'arn:aws-cn:kms:cn-north-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab',
  ])('accepts the key ARN %s', (value) => {
    expect(
      validatePartitionerProps({ trailBucketName: 'example-trail-bucket', glueCatalogKmsKeyArn: value })
        .glueCatalogKmsKeyArn,
    ).toBe(value);
  });
});
