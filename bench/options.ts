/** Command-line flags of `npm run bench -- [flags]`. */
import { parseArgs } from 'node:util';
import { DEFAULT_QUOTAS, type QuotaOptions } from '../test/support/aws-standin';
import { LATENCY_MODELS } from './model-defs';
import { SCENARIOS } from './scenarios';
import type { ClockMode } from './sim-clock';

export interface BenchOptions {
  readonly json: boolean;
  readonly timeScale: number;
  readonly clock: ClockMode;
  readonly apiLatencyMs: number;
  /** Overrides of the stand-in's quota defaults (DDL latency, active-DDL quota). */
  readonly quotas: Partial<QuotaOptions>;
  /** Baseline statements run through the stand-in before scaling linearly. */
  readonly baselineSlice: number;
  readonly scenarios: readonly string[];
  readonly cpu: boolean;
  /** Latency models to run the scheduler matrix under; empty skips it. */
  readonly models: readonly string[];
  /** Parts of the matrix: C, S (workloads × models), R (storm recovery per model), I (the failures), DAILY. */
  readonly matrixParts: readonly string[];
  /** Synthetic events of the columnar scan measurement (issue 18); 0 skips it. */
  readonly scanEvents: number;
  readonly out: string;
  /** Exit with code 1 when a target is missed. */
  readonly strict: boolean;
}

export const USAGE = `usage: npm run bench -- [flags]
  --json                      print the results JSON instead of the table
  --time-scale=0.01           real ms per simulated ms for sleeps (0.01: 1 simulated s = 10 real ms)
  --clock=paced|scaled        paced (default): simulated time moves by sleeps, modeled call latency and
                              the core's CPU 1:1; scaled: the stand-in follows the wall clock / time-scale
  --api-latency-ms=100        simulated round trip charged per Athena/Glue call (paced clock)
  --ddl-fixed-ms=${DEFAULT_QUOTAS.ddlFixedMs}        DDL latency: fixed part
  --ddl-per-partition-ms=${DEFAULT_QUOTAS.ddlPerPartitionMs}    DDL latency: per partition in the statement
  --ddl-queue-ms=${DEFAULT_QUOTAS.ddlQueueMs}         simulated ms a DDL stays QUEUED
  --max-active-ddl=${DEFAULT_QUOTAS.maxActiveDdl}        Athena's active DDL quota
  --baseline-slice=100        account-day statements the naive baseline runs before extrapolating
  --scenarios=${SCENARIOS.map((s) => s.id).join(',')}      which scenarios to run
  --no-cpu                    skip the CPU figures (plan/render, bundle)
  --models=${LATENCY_MODELS.map((m) => m.id).join(',')}
                              latency models of the scheduler matrix (--models=none skips it and the daily scale)
  --matrix-parts=C,S,R,I,DAILY  parts of the matrix: workloads C and S, the throttle-recovery probe in every
                              model (R), the issue's failures (I), the daily scale
  --scan-events=1000000       synthetic events of the columnar scan measurement (0 skips it)
  --out=bench/results.json    where to write the JSON
  --strict                    exit with code 1 when a target is missed`;

function positive(name: string, value: string | undefined, fallback: number, integer = false): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n))) {
    throw new Error(
      `--${name}: expected a ${integer ? 'whole ' : ''}number ≥ 0, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

export function parseOptions(argv: readonly string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      'time-scale': { type: 'string' },
      clock: { type: 'string' },
      'api-latency-ms': { type: 'string' },
      'ddl-fixed-ms': { type: 'string' },
      'ddl-per-partition-ms': { type: 'string' },
      'ddl-queue-ms': { type: 'string' },
      'max-active-ddl': { type: 'string' },
      'baseline-slice': { type: 'string' },
      scenarios: { type: 'string' },
      'no-cpu': { type: 'boolean' },
      models: { type: 'string' },
      'scan-events': { type: 'string' },
      'matrix-parts': { type: 'string' },
      out: { type: 'string' },
      strict: { type: 'boolean' },
    },
  });
  if (values.help) return 'help';
  const clock = values.clock ?? 'paced';
  if (clock !== 'paced' && clock !== 'scaled')
    throw new Error(`--clock: expected paced or scaled, got ${clock}`);
  const timeScale = positive('time-scale', values['time-scale'], 0.01);
  if (timeScale <= 0) throw new Error('--time-scale must be > 0');
  const known = new Set(SCENARIOS.map((s) => s.id));
  const scenarios =
    values.scenarios?.trim() === 'none'
      ? []
      : (values.scenarios ?? [...known].join(',')).split(',').map((id) => id.trim().toUpperCase());
  const unknown = scenarios.filter((id) => !known.has(id));
  if (unknown.length > 0)
    throw new Error(`--scenarios: unknown ${unknown.join(', ')} (known: ${[...known].join(', ')})`);
  const maxActiveDdl = positive(
    'max-active-ddl',
    values['max-active-ddl'],
    DEFAULT_QUOTAS.maxActiveDdl,
    true,
  );
  return {
    json: values.json ?? false,
    strict: values.strict ?? false,
    timeScale,
    clock,
    apiLatencyMs: positive('api-latency-ms', values['api-latency-ms'], 100),
    quotas: {
      ddlFixedMs: positive('ddl-fixed-ms', values['ddl-fixed-ms'], DEFAULT_QUOTAS.ddlFixedMs),
      ddlPerPartitionMs: positive(
        'ddl-per-partition-ms',
        values['ddl-per-partition-ms'],
        DEFAULT_QUOTAS.ddlPerPartitionMs,
      ),
      ddlQueueMs: positive('ddl-queue-ms', values['ddl-queue-ms'], DEFAULT_QUOTAS.ddlQueueMs),
      maxActiveDdl: Math.max(1, maxActiveDdl),
    },
    baselineSlice: Math.max(1, positive('baseline-slice', values['baseline-slice'], 100, true)),
    scenarios,
    cpu: !(values['no-cpu'] ?? false),
    models: parseModels(values.models),
    scanEvents: positive('scan-events', values['scan-events'], 1_000_000, true),
    matrixParts: (values['matrix-parts'] ?? 'C,S,R,I,DAILY').split(',').map((p) => p.trim().toUpperCase()),
    out: values.out ?? 'bench/results.json',
  };
}

function parseModels(value: string | undefined): string[] {
  const known = LATENCY_MODELS.map((m) => m.id);
  if (value === undefined) return known;
  if (value.trim() === 'none') return [];
  const ids = value.split(',').map((id) => id.trim());
  const unknown = ids.filter((id) => !known.includes(id));
  if (unknown.length > 0)
    throw new Error(`--models: unknown ${unknown.join(', ')} (known: ${known.join(', ')}, none)`);
  return ids;
}
