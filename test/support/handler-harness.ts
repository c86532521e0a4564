/**
 * Runs the real Lambda handler, with its real SDK clients, against the local stand-in:
 * endpoints come from AWS_ENDPOINT_URL_*, exactly as a user would point the CLI at a fake.
 * Captures what Powertools writes to stdout, so tests read the EMF metrics the alarms watch.
 */
import { ENV, METRICS_NAMESPACE, SERVICE_DIMENSION } from '../../lambda/core/shared/contract';
import type { Clock } from '../../lambda/core/shared/ports';
import { startStandIn, type StandIn, type StandInOptions } from './aws-standin';

export const SERVICE = 'partitioner-test';
export const DB = 'cloudtrail';
export const TABLE = 'cloudtrail_logs';
export const BUCKET = 'trail-bucket';
export const ORG = 'o-abcdefghij';

/** A clock that starts at `start` and runs as fast as the stand-in's simulated time. */
export function scaledClock(standIn: StandIn, start: Date, anchor = false): Clock {
  const base = standIn.clock.now();
  // Anchored, the stand-in's timestamps (Glue CreationTime, Athena's timings) are on this clock.
  if (anchor) standIn.clock.anchor(start.getTime(), base);
  return {
    now: () => start.getTime() + (standIn.clock.now() - base),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(1, ms * standIn.clock.timeScale))),
  };
}

export function lambdaEnv(
  standIn: StandIn,
  overrides: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  return {
    [ENV.trailBucket]: BUCKET,
    [ENV.orgId]: ORG,
    [ENV.database]: DB,
    [ENV.table]: TABLE,
    [ENV.workgroup]: 'partitioner',
    [ENV.serviceName]: SERVICE,
    [ENV.metricsNamespace]: METRICS_NAMESPACE,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_S3: standIn.endpoint,
    AWS_ENDPOINT_URL_ATHENA: standIn.endpoint,
    AWS_ENDPOINT_URL_GLUE: standIn.endpoint,
    AWS_MAX_ATTEMPTS: '2',
    // The scheduled audit covers the run's own past day and the silent-trail check is off, so
    // tests of the run see its calls alone; the audit's tests set the production defaults.
    [ENV.auditWindowDays]: '1',
    [ENV.silentAfterDays]: '0',
    ...overrides,
  };
}

/** Sets process.env for the duration of a test file (the SDK reads endpoints from it). */
export function useEnv(env: Record<string, string | undefined>): () => void {
  const saved = { ...process.env };
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  return () => {
    process.env = saved;
  };
}

export interface EmittedMetric {
  readonly name: string;
  readonly value: number;
  readonly namespace: string;
  readonly dimensions: Record<string, string>;
}

/**
 * Captures stdout and stderr lines (Powertools writes warnings and errors to stderr);
 * `metrics()` parses the EMF documents among them.
 */
export function captureStdout(): {
  lines: () => string[];
  metrics: () => EmittedMetric[];
  restore: () => void;
} {
  const originals = [process.stdout.write, process.stderr.write] as const;
  let buffer = '';
  const capture = ((chunk: string | Uint8Array) => {
    buffer += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = capture;
  process.stderr.write = capture;
  const lines = (): string[] => buffer.split('\n').filter((line) => line.trim() !== '');
  const metrics = (): EmittedMetric[] =>
    lines().flatMap((line) => {
      if (!line.startsWith('{')) return [];
      const doc = JSON.parse(line) as Record<string, unknown> & {
        _aws?: {
          CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[];
        };
      };
      if (!doc._aws) return [];
      return doc._aws.CloudWatchMetrics.flatMap((directive) =>
        directive.Metrics.map((metric) => ({
          name: metric.Name,
          value: Number(doc[metric.Name]),
          namespace: directive.Namespace,
          dimensions: Object.fromEntries(directive.Dimensions.flat().map((d) => [d, String(doc[d])])),
        })),
      );
    });
  const restore = (): void => {
    [process.stdout.write, process.stderr.write] = originals;
  };
  return { lines, metrics, restore };
}

export function metricValue(metrics: readonly EmittedMetric[], name: string): number | undefined {
  const found = metrics.filter(
    (metric) => metric.name === name && metric.dimensions[SERVICE_DIMENSION] === SERVICE,
  );
  return found.length === 0 ? undefined : found.reduce((sum, metric) => sum + metric.value, 0);
}

/** A stand-in with an organization trail's bucket and the partitioned table defined. */
export async function startTrailStandIn(options: StandInOptions = {}): Promise<StandIn> {
  const standIn = await startStandIn({ timeScale: 0.002, ...options });
  standIn.createBucket(BUCKET);
  standIn.defineTable(
    DB,
    TABLE,
    ['account', 'region', 'year', 'month', 'day'].map((name) => ({ name, type: 'string' })),
  );
  return standIn;
}

/** One log object per account/region/day: `AWSLogs/o-…/ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/file`. */
export function logKeys(
  accounts: readonly string[],
  regions: readonly string[],
  days: readonly string[],
): string[] {
  return accounts.flatMap((account) =>
    regions.flatMap((region) =>
      days.map((day) => {
        const [y, m, d] = day.split('-');
        return `AWSLogs/${ORG}/${account}/CloudTrail/${region}/${y}/${m}/${d}/${account}_CloudTrail_${region}_${y}${m}${d}T0000Z_x.json.gz`;
      }),
    ),
  );
}
