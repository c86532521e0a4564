import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CDK_JSON_CONTEXT } from '../support/cdk-context';
import { buildIntegTest, INTEG_DATABASE } from './integ.partitioner';

/** Asset hashes change with every code edit and salts with every synth; the snapshot keeps the shape. */
function normalize(template: unknown): unknown {
  return JSON.parse(
    JSON.stringify(template)
      .replace(/[0-9a-f]{64}/g, '<hash>')
      .replace(/"salt":"\d+"/g, '"salt":"<salt>"'),
  );
}

describe('integration test app (synthesized offline, never deployed in CI)', () => {
  // GIVEN the integ app, without bundling
  const app = new App({ context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
  buildIntegTest(app, 'cloudtrail-partitioner-integ-trail');
  const assembly = app.synth();
  // The assertion stack is the one stack in the assembly that is neither the fixture nor the stack under test.
  const assertions = Template.fromJSON(
    assembly.stacks.find((stack) => stack.stackName.includes('CloudTrailPartitionerInteg'))?.template ?? {},
  );

  it('synthesizes the stack under test, its fixture bucket and the assertion stack', () => {
    // THEN all three stacks are in the assembly, the stack under test after its bucket
    const names = assembly.stacks.map((stack) => stack.stackName).sort();
    expect(names).toEqual(expect.arrayContaining(['CtpInteg', 'CtpIntegFixtures']));
    expect(names.some((name) => name.includes('CloudTrailPartitionerInteg'))).toBe(true);
  });

  it('seeds one log object, runs a dry run and a one-day run, then checks the partition in glue', () => {
    // THEN the assertion stack calls S3 putObject, invokes the function twice and asks Glue for the partition
    const calls = Object.values(
      assertions.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>,
    )
      .filter((resource) => resource.Type.startsWith('Custom::DeployAssert'))
      .map((resource) => `${resource.Properties.service}.${resource.Properties.api}`);
    expect(calls).toEqual(expect.arrayContaining(['S3.putObject', 'Lambda.invoke', 'Glue.getPartition']));
    expect(JSON.stringify(assertions.toJSON())).toContain(INTEG_DATABASE);
  });

  it('matches the committed snapshot of the assertions', () => {
    // THEN the assertions have not drifted (update with `npx jest test/integ -u` when intended)
    expect(normalize(assertions.toJSON())).toMatchSnapshot();
  });
});
