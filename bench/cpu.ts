/**
 * CPU-only figures: planning and rendering a million partitions on one core, and the
 * Lambda bundle's size and cold module-load time with the AWS SDK bundled or external.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { parseIsoDate } from '../lambda/core/shared/dates';
import { DEFAULT_MAX_STATEMENT_BYTES } from '../lambda/core/partitions/ddl';
import { explicitTargets } from '../lambda/core/discovery/discovery';
import { planStatements } from '../lambda/core/run/run';
import { schemeFromKeyList } from '../lambda/core/partitions/scheme';
import { parseSettings } from '../lambda/core/run/settings';

export interface PlanFigures {
  readonly partitions: number;
  readonly statements: number;
  /** Σ statement bytes: the minimal loop must build the same text. */
  readonly bytes: number;
  /** Wall clock. */
  readonly seconds: number;
  /** CPU time of this process (user + system): what the machine's other jobs do not inflate. */
  readonly cpuSeconds: number;
  readonly partitionsPerSecond: number;
  /** Highest live heap (after a forced GC every 100 statements) minus the heap before: what the stream retains. */
  readonly retainedHeapMb: number;
}

/** Plans `accounts × 17 regions × days` partitions and renders every statement, keeping none. */
export function benchPlan(accounts: number, days: number): PlanFigures {
  const regions = Array.from({ length: 17 }, (_, i) => `us-test-${i + 1}`);
  const accountIds = Array.from({ length: accounts }, (_, i) => String(100000000000 + i));
  const settings = parseSettings({ bucket: 'bench-trail-bucket', orgId: 'o-abcdefghij', prefix: 'org' });
  const from = parseIsoDate('2015-01-01') as number;
  const window = { from, to: from + days - 1 };
  const scheme = schemeFromKeyList('account,region,year,month,day');
  const plan = () =>
    planStatements(settings, scheme, explicitTargets(accountIds, regions), window, from + days + 10);
  let partitions = 0;
  let statements = 0;
  let bytes = 0;
  const cpuStart = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (const statement of plan()) {
    partitions += statement.partitions.length;
    bytes += statement.bytes;
    statements++;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpuSeconds = cpuSince(cpuStart);
  return {
    partitions,
    statements,
    bytes,
    seconds,
    cpuSeconds,
    partitionsPerSecond: Math.round(partitions / seconds),
    retainedHeapMb: retainedHeap(plan),
  };
}

export interface LoopFigures {
  readonly partitions: number;
  readonly statements: number;
  readonly bytes: number;
  readonly seconds: number;
  readonly cpuSeconds: number;
}

/** User + system CPU seconds of this process since `start`. */
function cpuSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

/**
 * The same statement text as {@link benchPlan}, built by the plainest loop: string
 * concatenation over precomputed day paths, packed by string length (the text is ASCII), no
 * validation, no streaming, no partition objects. Each statement is measured in UTF-8 when
 * it is done, which makes V8 flatten it into the real text, as sending it would: without
 * that the loop would only build ropes. What rendering costs at the least.
 */
export function benchMinimalLoop(accounts: number, days: number): LoopFigures {
  const regions = Array.from({ length: 17 }, (_, i) => `us-test-${i + 1}`);
  const header = 'ALTER TABLE `cloudtrail`.`cloudtrail_logs` ADD IF NOT EXISTS';
  const budget = DEFAULT_MAX_STATEMENT_BYTES;
  const from = parseIsoDate('2015-01-01') as number;
  const dayParts = Array.from({ length: days }, (_, i) => {
    const [y, m, d] = new Date((from + i) * 86_400_000).toISOString().slice(0, 10).split('-');
    return { values: `\`year\` = '${y}', \`month\` = '${m}', \`day\` = '${d}'`, path: `${y}/${m}/${d}/` };
  });
  let statements = 0;
  let bytes = 0;
  let partitions = 0;
  let sql = header;
  const cpuStart = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (let a = 0; a < accounts; a++) {
    const account = String(100000000000 + a);
    for (const region of regions) {
      const head = `\n  PARTITION (\`account\` = '${account}', \`region\` = '${region}', `;
      const base = `s3://bench-trail-bucket/org/AWSLogs/o-abcdefghij/${account}/CloudTrail/${region}/`;
      for (const day of dayParts) {
        const clause = `${head}${day.values}) LOCATION '${base}${day.path}'`;
        if (sql.length + clause.length > budget) {
          statements++;
          bytes += Buffer.byteLength(sql);
          sql = header;
        }
        sql += clause;
        partitions++;
      }
    }
  }
  statements++;
  bytes += Buffer.byteLength(sql);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { partitions, statements, bytes, seconds, cpuSeconds: cpuSince(cpuStart) };
}

/** A second, untimed pass: forced collections show what the stream really keeps alive. */
function retainedHeap(plan: () => Iterable<unknown>): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return Number.NaN;
  gc();
  const before = process.memoryUsage().heapUsed;
  let peak = before;
  let count = 0;
  for (const statement of plan()) {
    if (++count % 100 === 0 && statement) {
      gc();
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
  }
  return Math.round((Math.max(0, peak - before) / 1048576) * 10) / 10;
}

export interface BundleFigures {
  readonly sdk: 'bundled' | 'external';
  readonly bytes: number;
  /** Median of several fresh `node` processes requiring the bundle. */
  readonly coldLoadMs: number;
}

export function benchBundle(sdk: 'bundled' | 'external', runs = 7): BundleFigures {
  const dir = mkdtempSync(join(tmpdir(), 'ctp-bundle-'));
  const outfile = join(process.cwd(), 'cdk.out', `bench-handler-${sdk}.js`);
  buildSync({
    entryPoints: ['lambda/handler.ts'],
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    outfile,
    external: sdk === 'external' ? ['@aws-sdk/*', '@smithy/*'] : [],
    logLevel: 'silent',
  });
  const probe = join(dir, 'probe.js');
  writeFileSync(
    probe,
    `const t=process.hrtime.bigint();require(${JSON.stringify(outfile)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6));`,
  );
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const env = {
      ...process.env,
      AWS_REGION: 'us-east-1',
      TRAIL_BUCKET: 'bench-bucket',
      WORKGROUP: 'wg',
      POWERTOOLS_METRICS_DISABLED: 'true',
    };
    times.push(Number(execFileSync(process.execPath, [probe], { env, cwd: process.cwd() }).toString()));
  }
  rmSync(dir, { recursive: true, force: true });
  times.sort((a, b) => a - b);
  return {
    sdk,
    bytes: statSync(outfile).size,
    coldLoadMs: Math.round(times[Math.floor(runs / 2)] * 10) / 10,
  };
}
