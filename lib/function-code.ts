import * as fs from 'node:fs';
import * as path from 'node:path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';

/**
 * Where `npm run build` puts the prebundled handler: `dist/lambda-bundle`, next to the
 * compiled `dist/lib`. An installed package carries it, so a consumer's app deploys the exact
 * bundle that was packed, with no esbuild, no lambda/ sources and no lock file of ours.
 */
export const PREBUNDLED_DIR = path.join(__dirname, '..', 'lambda-bundle');

/** Repository root: lambda/ and package-lock.json live here when running from a checkout. */
const PROJECT_ROOT = path.join(__dirname, '..');

export type FunctionCodeProps = Pick<
  nodejs.NodejsFunctionProps,
  'code' | 'handler' | 'entry' | 'projectRoot' | 'depsLockFilePath'
>;

/**
 * The Lambda entry points: the partitioner (`index.js` in the bundle) and the deploy-time custom
 * resources (`deploy-resources.js`). `npm run bundle:lambda` writes both.
 */
export const LAMBDA_ENTRIES = {
  partitioner: { source: 'handler.ts', bundled: 'index' },
  deployResources: { source: 'deploy-resources.ts', bundled: 'deploy-resources' },
} as const;

/**
 * The prebundled asset when there is one (an installed package), otherwise the handler's
 * source for NodejsFunction to bundle with esbuild (this repository: tests, `cdk synth`).
 */
export function functionCode(
  prebundledDir: string = PREBUNDLED_DIR,
  entry: keyof typeof LAMBDA_ENTRIES = 'partitioner',
): FunctionCodeProps {
  const { source, bundled } = LAMBDA_ENTRIES[entry];
  if (fs.existsSync(path.join(prebundledDir, `${bundled}.js`))) {
    return { code: lambda.Code.fromAsset(prebundledDir), handler: `${bundled}.handler` };
  }
  return {
    entry: path.join(PROJECT_ROOT, 'lambda', source),
    handler: 'handler',
    projectRoot: PROJECT_ROOT,
    depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
  };
}
