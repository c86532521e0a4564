/**
 * Every wait of `cli run` ends, even without a Lambda deadline: against the local stand-in
 * whose status calls answer HTTP 500, the CLI falls back or gives up after its API patience,
 * names the operation and the error, and gives every statement an outcome.
 */
import { main } from '../../../bin/cli/main';
import type { StandIn } from '../../support/aws-standin';
import {
  BUCKET,
  DB,
  lambdaEnv,
  logKeys,
  ORG,
  startTrailStandIn,
  TABLE,
  useEnv,
} from '../../support/handler-harness';

const NOW = new Date();
const day = (offset: number) =>
  new Date(Date.UTC(NOW.getUTCFullYear(), NOW.getUTCMonth(), NOW.getUTCDate() + offset))
    .toISOString()
    .slice(0, 10);

let standIn: StandIn;
let restore: () => void;

beforeEach(async () => {
  standIn = await startTrailStandIn({ timeScale: 0.001 });
  standIn.putObjects(BUCKET, logKeys(['111111111111', '222222222222'], ['us-east-1'], [day(-1)]));
  // One SDK attempt per call: the patience under test is the core's, not the SDK's backoff.
  restore = useEnv({ ...lambdaEnv(standIn), AWS_MAX_ATTEMPTS: '1' });
});
afterEach(async () => {
  restore();
  await standIn.close();
});

async function run(...extra: string[]) {
  let stdout = '';
  let stderr = '';
  const argv = ['run', '--bucket', BUCKET, '--org-id', ORG, '--workgroup', 'partitioner', '--date', day(1)];
  const code = await main([...argv, '--max-partitions-per-statement', '1', ...extra], {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    now: NOW,
  });
  return { code, stdout, stderr };
}

describe('cli run when Athena status calls keep failing', () => {
  it('BatchGetQueryExecution always HTTP 500: status falls back to GetQueryExecution and the run completes', async () => {
    // GIVEN a stand-in whose BatchGetQueryExecution always answers 500
    standIn.faults.athenaError('BatchGetQueryExecution', 'InternalServerException', Number.POSITIVE_INFINITY);
    // WHEN cli run registers tomorrow for both accounts
    const { code, stdout } = await run();
    // THEN it ends with exit 0: every partition added, status read with GetQueryExecution
    expect(code).toBe(0);
    expect(stdout).toMatch(/2 partitions in 2 statements; 2 succeeded, 0 failed/);
    expect(standIn.stats().calls.GetQueryExecution).toBeGreaterThan(0);
    expect(standIn.partitions(DB, TABLE)).toHaveLength(2);
  });

  it('every status call HTTP 500: the run ends after the patience with exit 1, naming the operation and error', async () => {
    // GIVEN both status operations failing forever, and a 10-s patience
    standIn.faults.athenaError('BatchGetQueryExecution', 'InternalServerException', Number.POSITIVE_INFINITY);
    standIn.faults.athenaError('GetQueryExecution', 'InternalServerException', Number.POSITIVE_INFINITY);
    // WHEN cli run starts
    const { code, stdout } = await run('--api-patience-seconds', '10');
    // THEN it ends with exit 1; the summary and each statement's line name the operation and the error
    expect(code).toBe(1);
    expect(stdout).toMatch(/0 succeeded, 0 failed, 2 unconfirmed, 0 partitions not submitted/);
    expect(stdout).toMatch(
      /stopped: athena status unavailable: athena status calls kept failing for 10 s \(api patience\): athena unavailable BatchGetQueryExecution: InternalServerException/,
    );
    expect(stdout.match(/statement \d+ unconfirmed .*kept failing for 10 s/g)).toHaveLength(2);
  }, 60_000);
});
