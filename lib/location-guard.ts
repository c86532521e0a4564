/**
 * A CloudFormation-level guard against moving the table by accident. `-c` settings are not
 * saved anywhere, so a later `cdk deploy` without `-c orgId=...` (or `trailPrefix`,
 * `trailBucket`) would quietly point the table, and every partition added from then on, at
 * another S3 location. The stack keeps the location it was deployed with in a parameter (CDK
 * reuses a deployed stack's parameter values unless told otherwise), and a template rule
 * refuses any change set whose location differs, before anything is touched.
 */
import { CfnParameter, CfnRule, Fn, type Stack, Token } from 'aws-cdk-lib';

/** Parameter name, as `cdk deploy --parameters` takes it. */
export const LOCATION_PARAMETER = 'DeployedTableLocation';
export const LOCATION_RULE = 'TableLocationUnchanged';

/** Adds the parameter and the rule; does nothing for a location only known at deploy time. */
export function guardTableLocation(stack: Stack, location: string): CfnRule | undefined {
  if (Token.isUnresolved(location)) return undefined;
  const deployed = new CfnParameter(stack, LOCATION_PARAMETER, {
    type: 'String',
    default: location,
    description:
      'S3 location the table was deployed with. Leave it alone: it only changes with cdk deploy --parameters DeployedTableLocation=<new location> when moving the table on purpose.',
  });
  return new CfnRule(stack, LOCATION_RULE, {
    assertions: [
      {
        assert: Fn.conditionEquals(deployed.valueAsString, location),
        assertDescription:
          `This deploy would move the table to ${location}, away from the location it was deployed with (parameter ${LOCATION_PARAMETER}): ` +
          'trailBucket, trailPrefix or orgId differs from the last deploy, most often a -c setting left out. ' +
          'Keep the settings in cdk.json so every deploy uses them. To move the table on purpose, deploy with ' +
          `--parameters ${LOCATION_PARAMETER}=${location}`,
      },
    ],
  });
}
