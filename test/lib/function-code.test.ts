import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { functionCode, PREBUNDLED_DIR } from '../../lib/function-code';

describe('functionCode', () => {
  it('uses the prebundled handler when the directory holds index.js (an installed package)', () => {
    // GIVEN a directory like dist/lambda-bundle
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prebundled-'));
    fs.writeFileSync(path.join(dir, 'index.js'), 'exports.handler = async () => ({});');
    // WHEN
    const props = functionCode(dir);
    // THEN the asset is that directory and nothing is left for esbuild
    expect(props.code).toBeInstanceOf(lambda.AssetCode);
    expect((props.code as lambda.AssetCode).path).toBe(dir);
    expect(props).toEqual({ code: props.code, handler: 'index.handler' });
    fs.rmSync(dir, { recursive: true });
  });

  it('bundles from source in this checkout, where lib/ has no prebundled sibling', () => {
    // GIVEN the default location, which only a built package has
    expect(fs.existsSync(PREBUNDLED_DIR)).toBe(false);
    // WHEN
    const props = functionCode();
    // THEN NodejsFunction gets the handler source and the lock file
    expect(props.code).toBeUndefined();
    expect(props.entry).toBe(path.join(__dirname, '..', '..', 'lambda', 'handler.ts'));
    expect(props.handler).toBe('handler');
    expect(props.depsLockFilePath).toBe(path.join(__dirname, '..', '..', 'package-lock.json'));
  });

  it('serves the deploy-time custom resources from the same bundle, or their own source', () => {
    // GIVEN a bundle directory with both entry points
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prebundled-'));
    fs.writeFileSync(path.join(dir, 'index.js'), '');
    fs.writeFileSync(path.join(dir, 'deploy-resources.js'), '');
    // WHEN / THEN the packed file is used when present, the source otherwise
    expect(functionCode(dir, 'deployResources').handler).toBe('deploy-resources.handler');
    expect(functionCode(undefined, 'deployResources').entry).toBe(
      path.join(__dirname, '..', '..', 'lambda', 'deploy-resources.ts'),
    );
    fs.rmSync(dir, { recursive: true });
  });
});
