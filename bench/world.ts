/**
 * One benchmark world: a fresh stand-in (Athena quotas, simulated time), a trail bucket
 * seeded with one CloudTrail object per account/region/day plus noise folders, the Glue
 * table, and the core's real adapters over real SDK clients pointed at the stand-in.
 */
import type { AthenaClient } from '@aws-sdk/client-athena';
import { AthenaQueries } from '../lambda/aws/athena-port';
import { createAthenaClient, createGlueClient, createS3Client } from '../lambda/aws/clients';
import { GlueCatalog } from '../lambda/aws/glue-catalog';
import { S3Listing } from '../lambda/aws/s3-listing';
import { dayParts, type EpochDay } from '../lambda/core/shared/dates';
import type { RunPorts } from '../lambda/core/run/run';
import { startStandIn, type QuotaOptions, type StandIn } from '../test/support/aws-standin';
import { TimeKeeper, type ClockMode } from './sim-clock';

export const BUCKET = 'bench-trail-bucket';
export const DATABASE = 'cloudtrail';
export const TABLE = 'cloudtrail_logs';
export const WORKGROUP = 'primary';

/** The 17 regions enabled by default in a commercial AWS account. */
export const REGIONS: readonly string[] = [
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ca-central-1',
  'eu-central-1',
  'eu-north-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
];

export function accountIds(count: number): string[] {
  return Array.from({ length: count }, (_, i) => String(210987654321 + i * 7919).padStart(12, '0'));
}

export interface Seed {
  readonly accounts: readonly string[];
  readonly regions: readonly string[];
  readonly orgId?: string;
  /** Inclusive days holding logs. */
  readonly from: EpochDay;
  readonly to: EpochDay;
}

function accountsRoot(orgId: string | undefined): string {
  return orgId ? `AWSLogs/${orgId}/` : 'AWSLogs/';
}

/** One log object per account/region/day, as CloudTrail names them. */
export function* logKeys(seed: Seed): Generator<string> {
  const root = accountsRoot(seed.orgId);
  for (const account of seed.accounts) {
    for (const region of seed.regions) {
      for (let day = seed.from; day <= seed.to; day++) {
        const { year, month, day: dd } = dayParts(day);
        yield `${root}${account}/CloudTrail/${region}/${year}/${month}/${dd}/${account}_CloudTrail_${region}_${year}${month}${dd}T0005Z_Bench0000000001.json.gz`;
      }
    }
  }
}

/** Folders discovery must skip: digests, Insights, Config, and a stray file at the root. */
export function* noiseKeys(seed: Seed): Generator<string> {
  const root = accountsRoot(seed.orgId);
  const { year, month, day } = dayParts(seed.to);
  yield `${root}README.txt`;
  for (const account of seed.accounts) {
    for (const region of seed.regions) {
      yield `${root}${account}/CloudTrail-Digest/${region}/${year}/${month}/${day}/${account}_CloudTrail-Digest_${region}_bench_${year}${month}${day}T0100Z.json.gz`;
      yield `${root}${account}/CloudTrail-Insight/${region}/${year}/${month}/${day}/${account}_CloudTrail-Insight_${region}_${year}${month}${day}T0100Z.json.gz`;
      yield `${root}${account}/Config/${region}/${year}/${month}/${day}/ConfigHistory/${account}_Config_${region}_bench.json.gz`;
    }
  }
}

export interface WorldOptions {
  readonly timeScale: number;
  readonly quotas: Partial<QuotaOptions>;
  /** Simulated round trip charged per Athena or Glue call (paced clock). */
  readonly apiLatencyMs: number;
  readonly clock: ClockMode;
  /** S3 contents; none for the baseline, which is given its statements. */
  readonly seed?: Seed;
}

export interface World {
  readonly standIn: StandIn;
  readonly ports: RunPorts;
  /** The raw client behind ports.athena (the baseline polls GetQueryExecution with it). */
  readonly athenaClient: AthenaClient;
  /** Moves simulated time; wraps every service call; counts discovery calls. */
  readonly time: TimeKeeper;
  readonly objects: number;
  close(): Promise<void>;
}

export async function openWorld(options: WorldOptions): Promise<World> {
  const time = new TimeKeeper(options.clock, options.apiLatencyMs);
  const standIn = await startStandIn({
    timeScale: options.timeScale,
    now: time.realNow,
    quotas: options.quotas,
  });
  time.attach(standIn.clock);
  standIn.createBucket(BUCKET);
  if (options.seed) {
    standIn.putObjects(BUCKET, logKeys(options.seed));
    standIn.putObjects(BUCKET, noiseKeys(options.seed));
  }
  const location = `s3://${BUCKET}/${accountsRoot(options.seed?.orgId)}`;
  const keys = ['account', 'region', 'year', 'month', 'day'].map((name) => ({ name, type: 'string' }));
  standIn.defineTable(DATABASE, TABLE, keys, location);

  const s3Client = createS3Client({ ...standIn.clientConfig, forcePathStyle: true });
  const glueClient = createGlueClient({ ...standIn.clientConfig });
  // One attempt: the SDK's retry backoff would sleep in real time, which at timeScale 0.01
  // counts 100× in simulated time. Throttles go straight to the core's scheduler instead.
  const athenaClient = createAthenaClient({ ...standIn.clientConfig, retryMode: 'standard', maxAttempts: 1 });
  const ports: RunPorts = {
    s3: time.s3(new S3Listing(s3Client, BUCKET)),
    catalog: time.catalog(new GlueCatalog(glueClient)),
    athena: time.athena(new AthenaQueries(athenaClient, { workGroup: WORKGROUP, database: DATABASE })),
    clock: time.coreClock(),
  };
  return {
    standIn,
    ports,
    athenaClient,
    time,
    objects: standIn.objectCount(BUCKET),
    close: async () => {
      s3Client.destroy();
      glueClient.destroy();
      athenaClient.destroy();
      await standIn.close();
    },
  };
}
