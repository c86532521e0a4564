/** The suite's own output stays clean, so that a real error stands out (issue 12). */
import { spawnSync } from 'node:child_process';

describe('a quiet test suite', () => {
  it('importing the Lambda handler module logs nothing, even without its environment', () => {
    // GIVEN no Lambda environment, and stdout and stderr watched
    const written: string[] = [];
    const spies = [process.stdout, process.stderr].map((stream) =>
      jest.spyOn(stream, 'write').mockImplementation((text) => {
        written.push(String(text));
        return true;
      }),
    );
    // WHEN the module is loaded afresh
    try {
      jest.isolateModules(() => {
        jest.requireActual('../../lambda/handler');
      });
    } finally {
      spies.forEach((spy) => spy.mockRestore());
    }
    // THEN nothing was written (the configuration is checked at the first invocation)
    expect(written).toEqual([]);
  });

  it("the setup file turns off the SDK's Node.js version warning with the SDK's own switch", () => {
    // GIVEN the switch set by test/support/jest-setup.js
    expect(process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED).toBe('true');
    // WHEN a child process creates an SDK client, with and without the switch
    const script =
      "const {S3Client}=require('@aws-sdk/client-s3'); new S3Client({region:'us-east-1'}).config.region();";
    const child = (disabled: boolean) =>
      spawnSync(process.execPath, ['-e', script], {
        encoding: 'utf8',
        env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: disabled ? 'true' : '' },
      }).stderr;
    // THEN it is silent with the switch; without it, Node.js < 22 gets the warning this silences
    expect(child(true)).not.toContain('NodeVersionSupportWarning');
    const major = Number(process.versions.node.split('.')[0]);
    if (major < 22) expect(child(false)).toContain('NodeVersionSupportWarning');
  });
});
