/**
 * Fault-injection harness: the REAL Lambda handler, with REAL SDK v3 clients built by the
 * project's own factories (endpoints from AWS_ENDPOINT_URL_*, path-style S3, region
 * redirects, production attempt counts), against the local stand-in on simulated time.
 *
 * One thing is scaled: the SDK's retry backoff. The SDK sleeps on the wall clock, while
 * the handler's clock and Athena's query lifecycle run on simulated time (timeScale 0.002:
 * one real millisecond is half a simulated second). Unscaled, one throttled SDK retry
 * (up to a second of real time) would burn several simulated minutes of the Lambda's
 * budget. {@link scaledRetryStrategy} keeps the SDK's standard strategy (same attempts,
 * same exponential backoff, same error classes) and sleeps that backoff in simulated time.
 *
 * Also here: the seeded trail (which logs exist), the partitions a request should leave
 * in the catalog (derived from the seeded keys, independently of the code under test),
 * and {@link verifyCatalog}, an exact set comparison against the stand-in's catalog.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { RetryErrorInfo, RetryStrategyV2, RetryToken } from '@smithy/types';
import type { Context } from 'aws-lambda';
import { AthenaQueries } from '../../lambda/aws/athena-port';
import { createAthenaClient, createGlueClient, createS3Client, MAX_ATTEMPTS } from '../../lambda/aws/clients';
import { GlueCatalog } from '../../lambda/aws/glue-catalog';
import { S3Listing } from '../../lambda/aws/s3-listing';
import { type MetricName, METRIC } from '../../lambda/core/shared/contract';
import type { Clock } from '../../lambda/core/shared/ports';
import type { Report } from '../../lambda/core/run/report';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SfnBackfillStarter } from '../../lambda/aws/sfn-handoff';
import type { RunPorts } from '../../lambda/core/run/run';
import { createHandler } from '../../lambda/handler';
import type { QueryInfo, StandIn, StandInOptions } from './aws-standin';
import {
  BUCKET,
  DB,
  type EmittedMetric,
  lambdaEnv,
  logKeys,
  metricValue,
  ORG,
  scaledClock,
  startTrailStandIn,
  TABLE,
  useEnv,
} from './handler-harness';

// ---------------------------------------------------------------------------------------
// The trail: which logs exist
// ---------------------------------------------------------------------------------------

/** The instant every fault scenario starts at (simulated time then moves on from here). */
export const NOW = new Date('2024-03-10T06:00:00Z');
export const TODAY = '2024-03-10';
/** What EventBridge sends on schedule: the default window (yesterday, today, tomorrow). */
export const SCHEDULED_EVENT = {
  source: 'aws.events',
  // EventBridge's scheduled instant: the same in every delivery and retry of one event.
  time: NOW.toISOString(),
  'detail-type': 'Scheduled Event',
  detail: {},
} as const;
/** What the Lambda gets from a real invocation with its 15-minute timeout. */
export const FULL_REMAINING_MS = 900_000;

export const A1 = '111111111111';
export const A2 = '222222222222';
export const A3 = '333333333333';

/** Logs of one account in one region: one object per listed day. */
export interface LogSeries {
  readonly account: string;
  readonly region: string;
  readonly days: readonly string[];
}

export interface TrailWorld {
  readonly series: readonly LogSeries[];
  /** Keys that are not CloudTrail event logs (digests, Config, stray folders): discovery must ignore them. */
  readonly noise: readonly string[];
}

const LOG_DAYS = ['2024-03-01', '2024-03-02', '2024-03-04', '2024-03-08', '2024-03-09'];

/** Three accounts, five account-regions, logs on five days with gaps (03-03, 03-05..07 empty). */
export const DEFAULT_WORLD: TrailWorld = {
  series: [
    { account: A1, region: 'eu-west-1', days: LOG_DAYS },
    { account: A1, region: 'us-east-1', days: LOG_DAYS },
    { account: A2, region: 'eu-west-1', days: LOG_DAYS },
    { account: A2, region: 'us-east-1', days: LOG_DAYS },
    { account: A3, region: 'us-east-1', days: LOG_DAYS },
  ],
  noise: [
    `AWSLogs/${ORG}/${A1}/CloudTrail-Digest/us-east-1/2024/03/09/d.json.gz`,
    `AWSLogs/${ORG}/${A2}/Config/us-east-1/2024/03/09/c.json.gz`,
    `AWSLogs/${ORG}/notanaccount/CloudTrail/us-east-1/2024/03/09/x.json.gz`,
    `AWSLogs/${ORG}/${A3}/CloudTrail/not-a-region/2024/03/09/x.json.gz`,
  ],
};

/** `count` accounts (…000001, …000002, …) with logs in one region on the given days. */
export function manyAccountsWorld(count: number, region: string, days: readonly string[]): TrailWorld {
  const series = Array.from({ length: count }, (_, i) => ({
    account: String(100_000_000_001 + i),
    region,
    days,
  }));
  return { series, noise: [] };
}

export function seedWorld(standIn: StandIn, world: TrailWorld): void {
  for (const { account, region, days } of world.series)
    standIn.putObjects(BUCKET, logKeys([account], [region], days));
  standIn.putObjects(BUCKET, world.noise);
}

// ---------------------------------------------------------------------------------------
// What the catalog should hold
// ---------------------------------------------------------------------------------------

/** A request's selection, as the catalog should reflect it. */
export interface CatalogSpec {
  readonly from: string;
  readonly to: string;
  readonly accounts?: readonly string[];
  readonly regions?: readonly string[];
  readonly includeEmptyDays?: boolean;
}

/** The default window of a scheduled run at {@link NOW} (LOOKBACK_DAYS 1). */
export const SCHEDULED_WINDOW: CatalogSpec = { from: '2024-03-09', to: '2024-03-11' };

const DAY_MS = 86_400_000;
const isoDay = (day: string): number => Date.parse(`${day}T00:00:00Z`) / DAY_MS;
const dayIso = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

export function locationOf(account: string, region: string, day: string): string {
  return `s3://${BUCKET}/AWSLogs/${ORG}/${account}/CloudTrail/${region}/${day.replace(/-/g, '/')}/`;
}

/**
 * Every partition a request should leave, worked out from the seeded logs alone: accounts
 * and regions that hold logs (or the given ones), every day from today on, and past days
 * only when they hold a log (or includeEmptyDays). Sorted, one location per partition.
 */
export function expectedLocations(world: TrailWorld, spec: CatalogSpec, today: string = TODAY): string[] {
  const logged = new Map<string, Map<string, Set<string>>>();
  for (const { account, region, days } of world.series) {
    if (days.length === 0) continue;
    const regions = logged.get(account) ?? new Map<string, Set<string>>();
    regions.set(region, new Set([...(regions.get(region) ?? []), ...days]));
    logged.set(account, regions);
  }
  const out = new Set<string>();
  const accounts = spec.accounts ?? [...logged.keys()];
  for (const account of accounts) {
    const regions = spec.regions ?? [...(logged.get(account)?.keys() ?? [])];
    for (const region of regions) {
      const days = logged.get(account)?.get(region) ?? new Set<string>();
      for (let day = isoDay(spec.from); day <= isoDay(spec.to); day++) {
        const iso = dayIso(day);
        if (iso >= today || spec.includeEmptyDays || days.has(iso)) out.add(locationOf(account, region, iso));
      }
    }
  }
  return [...out].sort();
}

export interface CatalogDiff {
  /** Expected partitions the catalog lacks. */
  readonly missing: string[];
  /** Partitions the catalog holds that no request asked for (outside the window, wrong account...). */
  readonly unexpected: string[];
  /** Locations registered under more than one partition. */
  readonly duplicated: string[];
  /** Partitions whose values do not match their location's account/region/year/month/day. */
  readonly mislabeled: string[];
}

export const NO_DIFFERENCE: CatalogDiff = { missing: [], unexpected: [], duplicated: [], mislabeled: [] };

const LOCATION = /^s3:\/\/[^/]+\/AWSLogs\/[^/]+\/(\d{12})\/CloudTrail\/([^/]+)\/(\d{4})\/(\d{2})\/(\d{2})\/$/;

/** The stand-in's catalog against expected locations; `subset` tolerates missing ones (work still to do). */
export function catalogDiff(
  standIn: StandIn,
  expected: readonly string[],
  mode: 'exact' | 'subset' = 'exact',
): CatalogDiff {
  const partitions = standIn.partitions(DB, TABLE);
  const locations = partitions.map((p) => p.location ?? '(no location)');
  const seen = new Set<string>();
  const duplicated = new Set<string>();
  for (const location of locations) {
    if (seen.has(location)) duplicated.add(location);
    seen.add(location);
  }
  const wanted = new Set(expected);
  const mislabeled = partitions
    .filter((p) => {
      const match = LOCATION.exec(p.location ?? '');
      return !match || match.slice(1).join('/') !== p.values.join('/');
    })
    .map((p) => `${p.values.join('/')} @ ${p.location ?? '(no location)'}`);
  return {
    missing: mode === 'exact' ? [...wanted].filter((location) => !seen.has(location)).sort() : [],
    unexpected: [...seen].filter((location) => !wanted.has(location)).sort(),
    duplicated: [...duplicated].sort(),
    mislabeled,
  };
}

/**
 * The catalog holds exactly `expectedLocations` (or, with `subset`, nothing else): nothing
 * lost, nothing duplicated, nothing outside the window, every partition labeled by its path.
 */
export function verifyCatalog(
  standIn: StandIn,
  expected: readonly string[],
  options: { subset?: boolean } = {},
): void {
  expect(catalogDiff(standIn, expected, options.subset ? 'subset' : 'exact')).toEqual(NO_DIFFERENCE);
}

/**
 * Within one invocation a statement is started again only after its previous query ended
 * FAILED or CANCELLED: never two live or successful queries for the same SQL. Returns the
 * statements that broke the rule.
 */
export function statementsRunTwice(queries: readonly QueryInfo[]): string[] {
  const live = new Map<string, number>();
  for (const query of queries) {
    if (query.state === 'FAILED' || query.state === 'CANCELLED') continue;
    live.set(query.sql, (live.get(query.sql) ?? 0) + 1);
  }
  return [...live.entries()].filter(([, n]) => n > 1).map(([sql]) => sql.slice(0, 200));
}

// ---------------------------------------------------------------------------------------
// SDK retries on simulated time
// ---------------------------------------------------------------------------------------

/**
 * The SDK's standard retry strategy (retry THROTTLING and TRANSIENT errors, exponential
 * backoff from 50 ms, or 1 s after a throttle, capped at 20 s) with two changes for the
 * stand-in: the backoff is the midpoint of the SDK's jitter range (deterministic), and it
 * is slept in simulated time. No retry quota: the fault cases stay far below it.
 */
export function scaledRetryStrategy(maxAttempts: number, timeScale: number): RetryStrategyV2 {
  const token = (retries: number, delayMs: number): RetryToken => ({
    getRetryCount: () => retries,
    getRetryDelay: () => delayMs,
  });
  return {
    acquireInitialRetryToken: async () => token(0, 0),
    refreshRetryTokenForRetry: async (previous: RetryToken, info: RetryErrorInfo) => {
      const retries = previous.getRetryCount();
      const retryable = info.errorType === 'THROTTLING' || info.errorType === 'TRANSIENT';
      if (!retryable || retries + 1 >= maxAttempts) throw new Error('No retry token available');
      const base = info.errorType === 'THROTTLING' ? 1_000 : 50;
      const simulatedMs = Math.min(base * 2 ** retries, 20_000) / 2;
      return token(retries + 1, Math.max(1, Math.round(simulatedMs * timeScale)));
    },
    recordSuccess: () => undefined,
  };
}

// ---------------------------------------------------------------------------------------
// The Lambda, invoked
// ---------------------------------------------------------------------------------------

/** What one invocation did, as CloudWatch, the caller and the stand-in saw it. */
export interface Invocation {
  /** The handler's return value when it did not throw. */
  readonly report?: Report;
  readonly error?: Error;
  /** The report the handler logged (also when it threw RunFailedError). */
  readonly loggedReport?: Report;
  /** EMF metrics written during the invocation (concurrent invocations' metrics are mixed). */
  readonly metrics: readonly EmittedMetric[];
  readonly lines: readonly string[];
  /** Queries the stand-in accepted during the invocation. */
  readonly queries: readonly QueryInfo[];
}

export interface InvokeOptions {
  /** Lambda's awsRequestId: a retry of the same invocation keeps it. */
  readonly requestId: string;
  /** What context.getRemainingTimeInMillis() says when the handler starts. @default 900_000 */
  readonly remainingMs?: number;
}

/** One Lambda execution environment: cold start on creation, then any number of invocations. */
export interface FaultLambda {
  invoke(payload: unknown, options: InvokeOptions): Promise<Invocation>;
}

export interface FaultRuntime {
  readonly standIn: StandIn;
  /** The handler's clock: {@link NOW} plus simulated time elapsed. */
  readonly clock: Clock;
  /** A new Lambda execution environment with the runtime's environment variables. */
  lambda(): FaultLambda;
  /** Restores process.env, destroys SDK clients and closes the stand-in. */
  close(): Promise<void>;
}

export interface FaultRuntimeOptions {
  readonly world?: TrailWorld;
  readonly standIn?: StandInOptions;
  /** Lambda environment overrides (MAX_CONCURRENT_QUERIES, MAX_PARTITIONS_PER_STATEMENT, ...). */
  readonly env?: Readonly<Record<string, string>>;
}

/** Statements of at most 3 partitions: a scheduled run is one statement per account-region. */
export const FAULT_ENV: Readonly<Record<string, string>> = { MAX_PARTITIONS_PER_STATEMENT: '3' };

export async function startFaultRuntime(options: FaultRuntimeOptions = {}): Promise<FaultRuntime> {
  const standIn = await startTrailStandIn(options.standIn);
  seedWorld(standIn, options.world ?? DEFAULT_WORLD);
  // Production retry settings: no AWS_MAX_ATTEMPTS / AWS_RETRY_MODE override.
  const restoreEnv = useEnv(
    lambdaEnv(standIn, {
      AWS_MAX_ATTEMPTS: undefined,
      AWS_RETRY_MODE: undefined,
      ...FAULT_ENV,
      ...options.env,
    }),
  );
  const clock = scaledClock(standIn, NOW, true);
  const destroy: (() => void)[] = [];
  const retry = (maxAttempts: number) => ({
    retryStrategy: scaledRetryStrategy(maxAttempts, standIn.clock.timeScale),
  });

  const lambda = (): FaultLambda => {
    const logger = new Logger();
    const handler = createHandler({
      env: process.env,
      clock,
      logger,
      ports: (settings): RunPorts => {
        const s3 = createS3Client(retry(MAX_ATTEMPTS.s3));
        const glue = createGlueClient(retry(MAX_ATTEMPTS.glue));
        const athena = createAthenaClient(retry(MAX_ATTEMPTS.athena));
        destroy.push(
          () => s3.destroy(),
          () => glue.destroy(),
          () => athena.destroy(),
        );
        return {
          s3: new S3Listing(s3, settings.layout.bucket),
          catalog: new GlueCatalog(glue),
          athena: new AthenaQueries(athena, {
            workGroup: settings.workgroup ?? 'primary',
            database: settings.database,
          }),
          // Step Functions is not served by the stand-in: tests mock SFNClient (aws-sdk-client-mock).
          backfill: new SfnBackfillStarter(new SFNClient({ region: 'us-east-1' })),
          clock,
          logger,
        };
      },
    });
    return {
      invoke: async (payload, { requestId, remainingMs = FULL_REMAINING_MS }) => {
        const deadline = clock.now() + remainingMs;
        const context: Pick<Context, 'awsRequestId' | 'getRemainingTimeInMillis'> = {
          awsRequestId: requestId,
          getRemainingTimeInMillis: () => Math.max(0, deadline - clock.now()),
        };
        const queriesBefore = standIn.queries().length;
        const window = openCapture();
        let report: Report | undefined;
        let error: Error | undefined;
        try {
          report = (await handler(payload, context)) as Report;
        } catch (thrown) {
          error = thrown as Error;
        } finally {
          window.close();
        }
        const lines = window.lines();
        return {
          report,
          error,
          loggedReport: loggedReport(lines),
          metrics: parseMetrics(lines),
          lines,
          queries: standIn.queries().slice(queriesBefore),
        };
      },
    };
  };

  return {
    standIn,
    clock,
    lambda,
    close: async () => {
      for (const fn of destroy.splice(0)) fn();
      restoreEnv();
      await standIn.close();
    },
  };
}

/** The metrics the alarms watch, as the fault tests compare them. */
export const ALARMED: readonly MetricName[] = [
  METRIC.runSucceeded,
  METRIC.runFailed,
  METRIC.statementsFailed,
  METRIC.partitionsNotSubmitted,
];

/** The alarmed metrics of an invocation, summed per name (undefined when not emitted). */
export function alarmMetrics(
  metrics: readonly EmittedMetric[],
  names: readonly MetricName[] = Object.values(METRIC),
) {
  return Object.fromEntries(names.map((name) => [name, metricValue(metrics, name)])) as Partial<
    Record<MetricName, number>
  >;
}

/** Waits, in real time, until `condition` holds (polling the stand-in), or fails after `limitMs`. */
export async function until(condition: () => boolean, what: string, limitMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > limitMs) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

// ---------------------------------------------------------------------------------------
// stdout capture that tolerates overlapping invocations
// ---------------------------------------------------------------------------------------

interface CaptureWindow {
  close(): void;
  lines(): string[];
}

let buffer = '';
let openWindows = 0;
let originals: [typeof process.stdout.write, typeof process.stderr.write] | undefined;

/** Captures stdout and stderr (Powertools writes EMF and logs there) from now until close(). */
export function openCapture(): CaptureWindow {
  if (openWindows === 0) {
    buffer = '';
    originals = [process.stdout.write, process.stderr.write];
    const capture = ((chunk: string | Uint8Array) => {
      buffer += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      return true;
    }) as typeof process.stdout.write;
    process.stdout.write = capture;
    process.stderr.write = capture;
  }
  openWindows++;
  const start = buffer.length;
  let end: number | undefined;
  return {
    close: () => {
      if (end !== undefined) return;
      end = buffer.length;
      openWindows--;
      if (openWindows === 0 && originals) {
        [process.stdout.write, process.stderr.write] = originals;
        originals = undefined;
      }
    },
    lines: () =>
      buffer
        .slice(start, end ?? buffer.length)
        .split('\n')
        .filter((line) => line.trim() !== ''),
  };
}

function jsonLines(lines: readonly string[]): Record<string, unknown>[] {
  return lines.flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

export function parseMetrics(lines: readonly string[]): EmittedMetric[] {
  return jsonLines(lines).flatMap((doc) => {
    const aws = doc._aws as
      | { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] }
      | undefined;
    if (!aws) return [];
    return aws.CloudWatchMetrics.flatMap((directive) =>
      directive.Metrics.map((metric) => ({
        name: metric.Name,
        value: Number(doc[metric.Name]),
        namespace: directive.Namespace,
        dimensions: Object.fromEntries(directive.Dimensions.flat().map((d) => [d, String(doc[d])])),
      })),
    );
  });
}

/** The last run report the handler logged (it logs one before returning or throwing RunFailedError). */
function loggedReport(lines: readonly string[]): Report | undefined {
  const reports = jsonLines(lines).flatMap((doc) => {
    const report = doc.report as Report | undefined;
    return report && typeof report === 'object' && 'ok' in report ? [report] : [];
  });
  return reports.at(-1);
}
