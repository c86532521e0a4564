/**
 * The bad-input corpus (test/corpus/bad-inputs.json): every hostile or malformed input to the
 * invoke payload, the CLI and the stack's settings is refused with an error naming the value,
 * and nothing reaches S3, Glue or Athena.
 */
import { App } from 'aws-cdk-lib';
import { createApp } from '../../bin/app';
import { main } from '../../bin/cli/main';
import { createHandler } from '../../lambda/handler';
import type { StandIn } from '../support/aws-standin';
import { captureStdout, lambdaEnv, scaledClock, startTrailStandIn, useEnv } from '../support/handler-harness';
import corpus from './bad-inputs.json';

interface Case {
  readonly surface: 'payload' | 'cli' | 'stack';
  readonly description: string;
  readonly input: unknown;
  readonly error: string;
}

const NOW = new Date(corpus.now);
const cases = corpus.cases as Case[];
const bySurface = (surface: Case['surface']) =>
  cases.filter((c) => c.surface === surface).map((c) => [c.description, c] as const);

/** Every call the stand-in served: a refused input must leave this at zero. */
function awsCalls(standIn: StandIn): number {
  return Object.values(standIn.stats().calls).reduce((sum: number, n) => sum + (n ?? 0), 0);
}

let standIn: StandIn;
let restoreEnv: () => void;

beforeAll(async () => {
  standIn = await startTrailStandIn();
  restoreEnv = useEnv(lambdaEnv(standIn, { MAX_RANGE_DAYS: '3650' }));
});
afterAll(async () => {
  restoreEnv();
  await standIn.close();
});
beforeEach(() => standIn.resetStats());

it('holds at least 40 cases across all three surfaces', () => {
  expect(cases.length).toBeGreaterThanOrEqual(40);
  expect(new Set(cases.map((c) => c.surface))).toEqual(new Set(['payload', 'cli', 'stack']));
});

describe('invoke payload', () => {
  it.each(bySurface('payload'))('refuses %s', async (_name, badCase) => {
    // GIVEN the real handler pointed at the stand-in
    const handler = createHandler({ env: process.env, clock: scaledClock(standIn, NOW) });
    const input =
      badCase.input === '__PROTO__'
        ? JSON.parse('{"from":"2024-01-01","to":"2024-01-02","__proto__":{"dryRun":true}}')
        : badCase.input;
    const out = captureStdout();
    // WHEN invoked with the bad payload
    const result = handler(input, { awsRequestId: 'corpus', getRemainingTimeInMillis: () => 900_000 });
    // THEN it throws naming the value, and no AWS call was made
    try {
      await expect(result).rejects.toThrow(/^invalid /);
      if (badCase.error) await expect(result).rejects.toThrow(badCase.error);
    } finally {
      out.restore();
    }
    expect(awsCalls(standIn)).toBe(0);
  });
});

describe('cli options', () => {
  it.each(bySurface('cli'))('refuses %s with exit code 2', async (_name, badCase) => {
    // GIVEN bad options WHEN the cli runs
    let stdout = '';
    let stderr = '';
    const code = await main(badCase.input as string[], {
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
      now: NOW,
    });
    // THEN usage error naming the value, nothing printed, nothing called
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(badCase.error);
    expect(awsCalls(standIn)).toBe(0);
  });
});

describe('stack settings', () => {
  it.each(bySurface('stack'))('refuses %s at synth time', (_name, badCase) => {
    // GIVEN the CDK app with bad context, without bundling
    const app = new App({ context: { ...(badCase.input as object), 'aws:cdk:bundling-stacks': [] } });
    // WHEN building the app THEN a validation error names the value
    expect(() => createApp(app, {})).toThrow(badCase.error);
  });
});
