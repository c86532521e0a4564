/** Renders the results as Markdown tables: readable in a terminal, pasteable into docs. */
import type { CpuResult, ScenarioResult, Target } from './targets';

export interface BenchConfig {
  readonly timeScale: number;
  readonly clock: string;
  readonly apiLatencyMs: number;
  readonly maxActiveDdl: number;
  readonly ddlQueueMs: number;
  readonly ddlFixedMs: number;
  readonly ddlPerPartitionMs: number;
  readonly rates: Record<string, unknown>;
  readonly baselineSlice: number;
  readonly maxStatementBytes: number;
  /** null: no cap (bytes bind). */
  readonly maxPartitionsPerStatement: number | null;
}

export interface BenchResults {
  readonly generatedAt: string;
  readonly environment: { readonly node: string; readonly platform: string; readonly cpus: number };
  readonly config: BenchConfig;
  readonly scenarios: readonly ScenarioResult[];
  readonly cpu?: CpuResult;
  readonly targets: readonly Target[];
  readonly realSeconds: number;
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const dec = (n: number, digits = 1): string =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

export function scenarioTable(scenarios: readonly ScenarioResult[]): string {
  const header = ['', ...scenarios.map((s) => s.ours.id)];
  const row = (label: string, cell: (s: ScenarioResult) => string): string[] => [
    label,
    ...scenarios.map(cell),
  ];
  const calls = (s: ScenarioResult, op: string): number => s.ours.athenaCalls[op] ?? 0;
  const rows = [
    row('accounts × regions × days', (s) => `${s.ours.accounts} × ${s.ours.regions} × ${int(s.ours.days)}`),
    row('concurrency at the defaults (quota)', (s) => `${s.ours.concurrency} (${s.ours.maxActiveDdl})`),
    row('partitions', (s) => int(s.ours.partitions)),
    row('statements (minimum)', (s) => `${int(s.ours.statements)} (${int(s.ours.minStatements)})`),
    row('packing ratio', (s) => dec(s.ours.packingRatio, 3)),
    row('bytes/statement min', (s) => int(s.ours.bytesPerStatement.min)),
    row('bytes/statement avg', (s) => int(s.ours.bytesPerStatement.avg)),
    row('bytes/statement max', (s) => int(s.ours.bytesPerStatement.max)),
    row('StartQueryExecution calls', (s) => int(calls(s, 'StartQueryExecution'))),
    row('BatchGetQueryExecution calls', (s) => int(calls(s, 'BatchGetQueryExecution'))),
    row('GetQueryExecution calls', (s) => int(calls(s, 'GetQueryExecution'))),
    row('S3 ListObjectsV2 calls', (s) => int(s.ours.s3Calls)),
    row('discovery floor', (s) => int(s.ours.s3Floor)),
    row('ListObjectsV2 ÷ floor', (s) => dec(s.ours.s3Ratio, 3)),
    row('throttles absorbed (stand-in/core)', (s) => `${s.ours.throttled.standIn}/${s.ours.throttled.core}`),
    row('peak active DDL', (s) => int(s.ours.maxConcurrentActive)),
    row('failures', (s) => int(s.ours.failures + s.baseline.failures)),
    row('simulated time, ours (s)', (s) => dec(s.ours.simSeconds)),
    row('lower bound (s)', (s) => dec(s.ours.lowerBoundSeconds)),
    row('ours ÷ lower bound', (s) => dec(s.ours.ratioToLowerBound, 2)),
    row('baseline statements (run)', (s) => `${int(s.baseline.statements)} (${int(s.baseline.ran)})`),
    row(
      'baseline simulated time (s)',
      (s) => `${s.baseline.extrapolated ? '≈' : ''}${int(s.baseline.simSeconds)}`,
    ),
    row('ours ÷ baseline', (s) => dec(s.ours.simSeconds / s.baseline.simSeconds, 4)),
    row('speed-up vs baseline', (s) => `${dec(s.speedup)}×`),
    row('status calls, ours', (s) => int(s.ours.statusCalls)),
    row('status calls ÷ statements', (s) => dec(s.ours.statusCallsPerStatement, 2)),
    row('latency samples from history', (s) => int(s.ours.latencyFromHistory)),
    row('tail: last end to report (ms)', (s) => int(s.ours.tailMs)),
    row('Σ seconds waited (statements × s)', (s) => dec(s.ours.secondsWaited)),
    row('status calls, baseline (run)', (s) => int(s.baseline.statusCalls)),
    row('real time, ours (s)', (s) => dec(s.ours.realSeconds)),
  ];
  return table(header, rows);
}

export function cpuTable(cpu: CpuResult): string {
  const plan = [cpu.plan100k, cpu.plan1M].map((p) => [
    `plan + render ${int(p.partitions)} partitions`,
    `${dec(p.seconds, 2)} s`,
    `${int(p.partitionsPerSecond)}/s`,
    `${int(p.statements)} statements`,
    `${dec(p.retainedHeapMb)} MB retained`,
  ]);
  plan.push([
    `minimal loop, same ${int(cpu.loop1M.partitions)} partitions`,
    `${dec(cpu.loop1M.seconds, 2)} s`,
    `ours ÷ loop ${dec(cpu.ratioToLoop, 2)}× CPU, ${dec(cpu.wallRatioToLoop, 2)}× wall`,
    `${int(cpu.loop1M.statements)} statements`,
    '',
  ]);
  const bundles = cpu.bundles.map((b) => [
    `Lambda bundle, SDK ${b.sdk}`,
    `${int(b.bytes)} B`,
    `${dec(b.coldLoadMs)} ms cold load`,
    '',
    '',
  ]);
  return table(['CPU', 'time / size', 'rate / load', '', 'memory'], [...plan, ...bundles]);
}

export function targetLines(targets: readonly Target[]): string {
  return targets.map((t) => `${t.status}  ${t.name}: ${t.detail}`).join('\n');
}

export function renderReport(results: BenchResults): string {
  const c = results.config;
  const notes = results.scenarios
    .map((s) => s.ours)
    .map((o) => `  ${o.id}: ${o.title}`)
    .join('\n');
  const extrapolated = results.scenarios.filter((s) => s.baseline.extrapolated);
  const parts = [
    `cloudtrail-partitioner benchmark — ${results.generatedAt} — node ${results.environment.node}, ${results.environment.cpus} cpus`,
    `model: ≤ ${c.maxActiveDdl} active DDL; DDL latency ${c.ddlQueueMs} ms queued + ${c.ddlFixedMs} ms + ${c.ddlPerPartitionMs} ms/partition; ` +
      `clock ${c.clock}, time scale ${c.timeScale}, ${c.apiLatencyMs} ms per Athena/Glue call`,
    `scenarios:\n${notes}`,
    scenarioTable(results.scenarios),
  ];
  if (extrapolated.length > 0) {
    parts.push(
      `≈ baseline extrapolated linearly from the first ${c.baselineSlice} account-day statements run through the stand-in ` +
        `(${extrapolated.map((s) => `${s.ours.id}: ${s.baseline.ran} of ${int(s.baseline.statements)}, ${dec(s.baseline.sliceSimSeconds)} s`).join('; ')}); ` +
        'the baseline is sequential and its statements are all the same size, so the scaling is exact in the model.',
    );
  }
  if (results.cpu) parts.push(cpuTable(results.cpu));
  parts.push(targetLines(results.targets), `bench real time: ${dec(results.realSeconds)} s`);
  return parts.join('\n\n');
}
