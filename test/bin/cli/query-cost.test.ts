/**
 * `query`'s cost before it runs (issue 19), against the stand-in with object sizes: the
 * partitions selected, the bytes under them (exact: their sum; sampled: within the stated
 * error), --max-scan refusing with nothing submitted, --offline touching nothing, and the
 * names read from the deployed stack.
 */
import { AthenaClient } from '@aws-sdk/client-athena';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { GlueClient } from '@aws-sdk/client-glue';
import { S3Client } from '@aws-sdk/client-s3';
import { main } from '../../../bin/cli/main';
import { readStackOutputs } from '../../../lambda/aws/stack-outputs';
import type { CostLimits } from '../../../lambda/core/query/cost';
import { type StandIn, startStandIn } from '../../support/aws-standin';

const NOW = new Date('2024-03-10T12:00:00Z');
const BUCKET = 'trail-bucket';
const ACCOUNTS = ['111122223333', '444455556666'];
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-south-1'];

/** mulberry32: a seeded generator, so sizes and samples are the same on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let standIn: StandIn;
/** Every object put, as [key, size], to sum independently of the code under test. */
const objects: [string, number][] = [];

beforeAll(async () => {
  standIn = await startStandIn();
  // GIVEN CloudTrail-shaped keys for 2 accounts × 3 regions × Jan 1 – Mar 10 2024, 1–4 files a day of varied sizes
  const random = seeded(7);
  for (const account of ACCOUNTS)
    for (const region of REGIONS)
      for (let d = Date.UTC(2024, 0, 1); d <= Date.UTC(2024, 2, 10); d += 86_400_000) {
        const [y, m, dd] = new Date(d).toISOString().slice(0, 10).split('-');
        const files = 1 + Math.floor(random() * 4);
        for (let f = 0; f < files; f++) {
          const key = `AWSLogs/${account}/CloudTrail/${region}/${y}/${m}/${dd}/${account}_CloudTrail_${region}_${y}${m}${dd}T00${f}0Z_x${f}.json.gz`;
          objects.push([key, 1000 + Math.floor(random() * 90_000)]);
        }
      }
  standIn.putSizedObjects(BUCKET, objects);
  standIn.putStack('CloudTrailPartitioner', {
    WorkGroupName: 'CloudTrailPartitioner-Results-273199FF',
    TableName: 'cloudtrail.cloudtrail_logs',
    PartitionKeys: 'account,region,year,month,day',
    TableLocation: `s3://${BUCKET}/AWSLogs/`,
  });
});
afterAll(() => standIn.close());

/** The bytes under the day prefixes from `from` to `to` (ISO dates), for the given regions. */
function truth(from: string, to: string, regions = REGIONS): number {
  return objects
    .filter(([key]) => {
      const [, , , region, y, m, d] = key.split('/');
      const day = `${y}-${m}-${d}`;
      return regions.includes(region) && day >= from && day <= to;
    })
    .reduce((sum, [, size]) => sum + size, 0);
}

async function cli(argv: string[], extra: { random?: () => number; costLimits?: CostLimits } = {}) {
  let stdout = '';
  let stderr = '';
  const config = { ...standIn.clientConfig, maxAttempts: 1 };
  const code = await main(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    now: NOW,
    stackOutputs: (name) => readStackOutputs(new CloudFormationClient(config), name),
    query: {
      athena: () => new AthenaClient(config),
      glue: () => new GlueClient(config),
      s3: () => new S3Client({ ...config, forcePathStyle: true }),
      clock: { now: () => 0, sleep: async () => undefined },
      pollMs: 1,
      ...extra,
    },
  });
  return { code, stdout, stderr };
}

describe('query --dry-run --format json with credentials', () => {
  it('reports the partitions and, when exact, the sum of the object sizes under them', async () => {
    // WHEN a one-week dry run reads the stack's names and lists the selection
    standIn.resetStats();
    const { code, stdout, stderr } = await cli([
      'query',
      'root-activity',
      '--from',
      '2024-03-01',
      '--to',
      '2024-03-07',
      '--dry-run',
      '--format',
      'json',
    ]);
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    // THEN 2 accounts × 3 regions × 8 folders (7 days and 1 of late delivery), exactly the bytes under them
    expect(out).toMatchObject({
      partitions: 48,
      estimateMethod: 'exact',
      estimatedBytes: truth('2024-03-01', '2024-03-08'),
    });
    expect(out.sql).toContain('-- range: 2024-03-01T00:00:00Z to 2024-03-07T23:59:59Z (UTC)');
    // AND stderr says where the names came from and what it will cost
    expect(stderr).toContain(
      'using workgroup CloudTrailPartitioner-Results-273199FF, table cloudtrail.cloudtrail_logs',
    );
    expect(stderr).toMatch(
      /^48 partitions selected; about [\d.]+ [KM]B to scan \(exact, \d+ S3 list calls\); \$0\.0000\d+ at \$5\/TB$/m,
    );
    // AND the listing stayed within its stated bound
    expect(standIn.stats().calls.ListObjectsV2 ?? 0).toBeLessThanOrEqual(400);
  });

  it('follows --regions and a preset default region in the selection', async () => {
    // GIVEN route53-changes, whose default region is us-east-1 WHEN dry-running a week
    const { stdout } = await cli([
      'query',
      'route53-changes',
      '--from',
      '2024-02-01',
      '--to',
      '2024-02-07',
      '--dry-run',
      '--format',
      'json',
    ]);
    // THEN only us-east-1 partitions are counted and summed
    expect(JSON.parse(stdout)).toMatchObject({
      partitions: 16,
      estimatedBytes: truth('2024-02-01', '2024-02-08', ['us-east-1']),
    });
  });

  it('samples a large selection, states the sample size, and lands within the stated error', async () => {
    // GIVEN limits that make 70 days (and 1 of late delivery) × 6 account-regions (426 partitions) a sampled estimate
    const costLimits = { exactPartitions: 50, samplePartitions: 60, maxCalls: 400, concurrency: 8 };
    const real = truth('2024-01-01', '2024-03-11');
    let within = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const { code, stdout, stderr } = await cli(
        [
          'query',
          'root-activity',
          '--from',
          '2024-01-01',
          '--to',
          '2024-03-10',
          '--dry-run',
          '--format',
          'json',
        ],
        { random: seeded(seed), costLimits },
      );
      expect(code).toBe(0);
      const out = JSON.parse(stdout);
      expect(out).toMatchObject({ partitions: 426, estimateMethod: 'sampled' });
      expect(stderr).toContain('sampled from 60 of 426 partitions');
      if (Math.abs(out.estimatedBytes - real) <= out.estimateErrorBytes) within++;
      // AND the stated error is a real bound, not the whole range
      expect(out.estimateErrorBytes).toBeLessThan(real * 0.25);
    }
    // THEN the 95% interval holds the true sum in (about) 19 of 20 samples
    expect(within).toBeGreaterThanOrEqual(17);
  });

  it('--offline sends nothing to AWS and says the estimate is unavailable', async () => {
    standIn.resetStats();
    const { code, stdout } = await cli([
      'query',
      'root-activity',
      '--since',
      '7d',
      '--dry-run',
      '--format',
      'json',
      '--offline',
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      partitions: null,
      estimatedBytes: null,
      estimateMethod: 'unavailable',
    });
    expect(standIn.stats().calls).toEqual({});
  });
});

describe('a live query', () => {
  it('--max-scan refuses an estimate above it: exit 2, nothing submitted', async () => {
    // GIVEN a week of about 42 partitions of ~45 KB each WHEN --max-scan is 0.0001 GB (~107 KB)
    const before = standIn.selects.queries().length;
    const { code, stdout, stderr } = await cli([
      'query',
      'root-activity',
      '--from',
      '2024-03-01',
      '--to',
      '2024-03-07',
      '--max-scan',
      '0.0001',
    ]);
    // THEN exit 2, the option and the estimate named, and no query started
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toMatch(
      /--max-scan 104\.\d+ KB: the estimate is [\d.]+ MB \(\$[\d.e-]+\), above the limit; nothing was submitted/,
    );
    expect(standIn.selects.queries().length).toBe(before);
  });

  it('runs in the stack workgroup under --max-scan, and the last line gives data scanned and its price', async () => {
    standIn.selects.respond({
      columns: ['eventtime', 'eventname'],
      rows: [['2024-03-02T00:00:00Z', 'ConsoleLogin']],
      scannedBytes: 3 * 1024 ** 3,
    });
    const { code, stderr } = await cli(['query', 'root-activity', '--since', '7d', '--max-scan', '10']);
    expect(code).toBe(0);
    expect(standIn.selects.queries().at(-1)).toMatchObject({
      workGroup: 'CloudTrailPartitioner-Results-273199FF',
    });
    expect(stderr).toContain('range: 2024-03-03T12:00:00Z to 2024-03-10T12:00:00Z (UTC)');
    expect(stderr.trimEnd().split('\n').at(-1)).toMatch(
      /^1 row; data scanned 3\.00 GB \(\$0\.015 at \$5\/TB\); run time/,
    );
  });

  it('--offline on a live run skips the coverage and cost checks, and still takes the stack names', async () => {
    // GIVEN a deployed stack WHEN a live query runs with --offline
    standIn.selects.respond({ columns: ['eventtime'], rows: [], scannedBytes: 0 });
    standIn.resetStats();
    const { code, stderr } = await cli(['query', 'root-activity', '--since', '1d', '--offline']);
    // THEN it runs in the stack's workgroup, with no S3 listing and no Glue read for the checks
    expect(code).toBe(0);
    expect(standIn.selects.queries().at(-1)).toMatchObject({
      workGroup: 'CloudTrailPartitioner-Results-273199FF',
    });
    expect(stderr).toContain('coverage not checked (--offline)');
    expect(standIn.stats().calls.ListObjectsV2 ?? 0).toBe(0);
    expect(standIn.stats().calls.GetPartitions ?? 0).toBe(0);
  });

  it('a missing stack names --stack and --workgroup, exit 2, nothing submitted', async () => {
    const before = standIn.selects.queries().length;
    const { code, stderr } = await cli(['query', 'root-activity', '--since', '1d', '--stack', 'NoSuchStack']);
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /missing --workgroup: .*stack NoSuchStack was not found.*give --stack NAME .* or --workgroup NAME/,
    );
    expect(standIn.selects.queries().length).toBe(before);
  });
});
