/**
 * The audit's catalog read at organization scale: 1,000 accounts x 17 regions x 7 days
 * (119,000 partitions, plus a day outside the window the expression must leave out) in the
 * stand-in's Glue, read by the real adapter and core (segments, pages, bounded concurrency,
 * paced starts) on discrete-event simulated time with a modeled 200 ms round trip per call.
 * The stand-in throttles GetPartitions above 10 calls/s (burst 20): `throttled` must stay 0.
 */
import { createGlueClient } from '../lambda/aws/clients';
import { GlueCatalog } from '../lambda/aws/glue-catalog';
import { catalogExpression } from '../lambda/core/catalog/catalog-expression';
import { readCatalog } from '../lambda/core/catalog/catalog-read';
import { dayParts, parseIsoDate } from '../lambda/core/shared/dates';
import type { CatalogPort, Clock } from '../lambda/core/shared/ports';
import { schemeFromColumns } from '../lambda/core/partitions/scheme';
import { GLUE_RATES, startStandIn, type StandIn } from '../test/support/aws-standin';

export interface AuditBenchResult {
  readonly accounts: number;
  readonly regions: number;
  readonly days: number;
  readonly partitionsRead: number;
  readonly glueCalls: number;
  readonly segments: number;
  readonly throttled: number;
  readonly simSeconds: number;
  readonly maxCallsInAnySecond: number;
  readonly rateLimit: { readonly perSecond: number; readonly burst: number };
  readonly realSeconds: number;
}

const REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'ca-central-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-central-1',
  'eu-north-1',
  'ap-south-1',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-southeast-1',
  'ap-southeast-2',
  'sa-east-1',
];
const ROUND_TRIP_MS = 200;

/** Sleeps wake in time order; waking moves the stand-in's simulated clock to the wake time. */
class EventClock implements Clock {
  private readonly timers: { at: number; wake: () => void }[] = [];
  constructor(private readonly standIn: StandIn) {}
  now(): number {
    return this.standIn.clock.now();
  }
  sleep(ms: number): Promise<void> {
    return new Promise((wake) => {
      this.timers.push({ at: this.now() + Math.max(0, ms), wake });
      setTimeout(() => this.pump(), 0);
    });
  }
  private pump(): void {
    this.timers.sort((a, b) => a.at - b.at);
    const next = this.timers.shift();
    if (!next) return;
    this.standIn.clock.advance(next.at - this.now());
    next.wake();
  }
}

export async function runAuditBench(accounts = 1000, days = 7): Promise<AuditBenchResult> {
  const started = performance.now();
  // A frozen real clock: simulated time moves only when the event clock advances it.
  const standIn = await startStandIn({ now: () => 0 });
  const keys = ['account', 'region', 'year', 'month', 'day'].map((name) => ({ name, type: 'string' }));
  standIn.defineTable('cloudtrail', 'cloudtrail_logs', keys);
  const first = parseIsoDate('2024-03-03') as number;
  const accountIds = Array.from({ length: accounts }, (_, i) => String(100_000_000_000 + i));
  for (const account of accountIds) {
    standIn.seedPartitions(
      'cloudtrail',
      'cloudtrail_logs',
      REGIONS.flatMap((region) =>
        Array.from({ length: days + 1 }, (_, d) => {
          const parts = dayParts(first + d);
          return {
            values: [account, region, parts.year, parts.month, parts.day],
            location: `s3://b/${account}/${region}/${d}/`,
          };
        }),
      ),
    );
  }
  const clock = new EventClock(standIn);
  const client = createGlueClient({ ...standIn.clientConfig, maxAttempts: 1 });
  const adapter = new GlueCatalog(client);
  const starts: number[] = [];
  const port: CatalogPort = {
    getPartitionKeys: (db, table) => adapter.getPartitionKeys(db, table),
    getPartitionsPage: async (request) => {
      starts.push(clock.now());
      const page = await adapter.getPartitionsPage(request);
      await clock.sleep(ROUND_TRIP_MS);
      return page;
    },
  };
  try {
    const startSim = clock.now();
    const read = await readCatalog(port, {
      database: 'cloudtrail',
      table: 'cloudtrail_logs',
      expression: catalogExpression(schemeFromColumns(keys), { from: first, to: first + days - 1 }),
      expectedPartitions: accounts * REGIONS.length * days,
      clock,
    });
    const stats = standIn.stats();
    const rate = GLUE_RATES.GetPartitions ?? { perSecond: 0, burst: 0 };
    return {
      accounts,
      regions: REGIONS.length,
      days,
      partitionsRead: read.partitions.length,
      glueCalls: read.calls,
      segments: read.segments,
      throttled: stats.throttled.GetPartitions ?? 0,
      simSeconds: Math.round((clock.now() - startSim) / 100) / 10,
      maxCallsInAnySecond: Math.max(
        ...starts.map((s) => starts.filter((t) => t >= s && t < s + 1000).length),
      ),
      rateLimit: rate,
      realSeconds: Math.round((performance.now() - started) / 100) / 10,
    };
  } finally {
    client.destroy();
    await standIn.close();
  }
}
