/**
 * The audit as one call, shared by the CLI and the scheduled run: table keys → days with logs
 * (discovered, or handed in by a caller that already listed them) → the catalog read by
 * expression → the pure diff → optionally the repair, through the same statement packing and
 * submission every other path uses.
 */
import { type DayWindow, formatWindow, utcDay, windowLength } from '../shared/dates';
import { packStatements, type PartitionSpec } from '../partitions/ddl';
import { type AuditDiff, diffCatalog, type LoggedDays, type OrphanedPartition } from '../catalog/audit';
import { catalogExpression } from '../catalog/catalog-expression';
import { readCatalog } from '../catalog/catalog-read';
import type { Target } from '../shared/targets';
import { type PartitionRange, RangeCollector } from '../partitions/ranges';
import { retryingCatalog, retryingS3 } from '../submit/retry';
import { nothingFound, resolveTargets, type RunPorts } from './run';
import { schemeFromColumns } from '../partitions/scheme';
import type { Settings } from './settings';
import { submitStatements } from '../submit/submit';

export interface AuditRequest {
  /** Days to audit; clamped to end yesterday (later partitions are registered before their logs). */
  readonly window: DayWindow;
  readonly accounts?: readonly string[];
  readonly regions?: readonly string[];
  readonly repair: boolean;
}

export interface AuditOptions {
  readonly now: Date;
  readonly tokenSeed: string;
  readonly startDeadline?: number;
  readonly waitDeadline?: number;
  /** Days with logs already discovered for (at least) this window: no second S3 walk. */
  readonly targets?: readonly Target[];
  /** GetPartitions calls in flight. @default 4 */
  readonly catalogConcurrency?: number;
  /** DDL queries the repair keeps active (the scheduled run's share). @default settings.maxConcurrentQueries */
  readonly maxConcurrent?: number;
}

export interface AuditReport {
  /** Nothing is missing (after repair, when asked to repair). Orphans are reported, not failures. */
  readonly ok: boolean;
  readonly window: { readonly from: string; readonly to: string };
  readonly accountRegions: number;
  readonly expected: number;
  readonly covered: number;
  /** Missing before repair. */
  readonly missing: number;
  readonly repaired: number;
  readonly stillMissing: number;
  readonly missingRanges: readonly PartitionRange[];
  readonly stillMissingRanges: readonly PartitionRange[];
  readonly orphaned: readonly OrphanedPartition[];
  readonly glue: { readonly calls: number; readonly segments: number };
  /** Why repair statements failed, when they did. */
  readonly repairFailures: readonly string[];
}

export function loggedDaysOf(targets: readonly Target[]): LoggedDays[] {
  return targets.map(({ account, region, pastDays }) => ({
    account,
    region,
    days: pastDays === 'all' ? [] : pastDays,
  }));
}

export async function runAudit(
  request: AuditRequest,
  settings: Settings,
  ports: RunPorts,
  options: AuditOptions,
): Promise<AuditReport> {
  const window = { from: request.window.from, to: Math.min(request.window.to, utcDay(options.now) - 1) };
  const catalog = retryingCatalog(ports.catalog, ports.clock);
  const columns = await catalog.getPartitionKeys(settings.database, settings.table);
  const scheme = schemeFromColumns(columns, `${settings.database}.${settings.table}`);
  const empty = { calls: 0, segments: 0 };
  if (windowLength(window) === 0) return reportOf(window, 0, emptyDiff(), empty, undefined);
  const accounts = request.accounts ?? settings.accounts;
  const regions = request.regions ?? settings.regions;
  const targets =
    options.targets ??
    (await resolveTargets(
      retryingS3(ports.s3, ports.clock),
      settings,
      { window, accounts, regions, includeEmptyDays: false },
      options.now,
    ));
  // A wrong --org-id or --prefix finds nothing: every healthy partition would look orphaned.
  if (targets.length === 0) throw nothingFound(settings);
  const logged = loggedDaysOf(targets);
  const expectedGuess = logged.reduce((sum, { days }) => sum + days.length, 0);
  const read = await readCatalog(ports.catalog, {
    database: settings.database,
    table: settings.table,
    expression: catalogExpression(scheme, window, { accounts, regions }),
    expectedPartitions: expectedGuess,
    concurrency: options.catalogConcurrency,
    clock: ports.clock,
  });
  const diff = diffCatalog({
    layout: settings.layout,
    scheme,
    window,
    logged,
    catalog: read.partitions,
    accounts,
    regions,
  });
  const glue = { calls: read.calls, segments: read.segments };
  if (!request.repair || diff.missing.length === 0)
    return reportOf(window, targets.length, diff, glue, undefined);
  const result = await submitStatements(
    packStatements(diff.missing, scheme, settings, settings),
    ports.athena,
    {
      maxConcurrent: options.maxConcurrent ?? settings.maxConcurrentQueries,
      apiPatienceMs: settings.apiPatienceSeconds * 1000,
      tokenSeed: `${options.tokenSeed}-audit`,
      startDeadline: options.startDeadline,
      waitDeadline: options.waitDeadline,
      clock: ports.clock,
    },
  );
  const problems = [...result.failed, ...result.unconfirmed];
  // Problems carry day ranges, not partitions: the missing partitions inside them are still missing.
  const held = problems.flatMap((problem) => problem.ranges).concat(result.notSubmitted.ranges);
  const still = new RangeCollector().addAll(diff.missing.filter((spec) => inRanges(spec, held)));
  return reportOf(window, targets.length, diff, glue, {
    repaired: result.partitionsAdded,
    still: still.list(),
    stillCount: still.count,
    failures: [...new Set(problems.map((problem) => problem.reason))],
  });
}

function inRanges(spec: PartitionSpec, ranges: readonly PartitionRange[]): boolean {
  const date = `${spec.year}-${spec.month}-${spec.day}`;
  return ranges.some(
    (range) =>
      range.account === spec.account &&
      range.region === spec.region &&
      range.from <= date &&
      date <= range.to,
  );
}

function emptyDiff(): AuditDiff {
  return { expected: 0, covered: 0, missing: [], orphaned: [] };
}

function reportOf(
  window: DayWindow,
  accountRegions: number,
  diff: AuditDiff,
  glue: AuditReport['glue'],
  repair: { repaired: number; still: PartitionRange[]; stillCount: number; failures: string[] } | undefined,
): AuditReport {
  const missingRanges = new RangeCollector().addAll(diff.missing).list();
  const stillMissing = repair ? repair.stillCount : diff.missing.length;
  return {
    ok: stillMissing === 0,
    window: windowLength(window) === 0 ? { from: '', to: '' } : formatWindow(window),
    accountRegions,
    expected: diff.expected,
    covered: diff.covered,
    missing: diff.missing.length,
    repaired: repair?.repaired ?? 0,
    stillMissing,
    missingRanges,
    stillMissingRanges: repair ? repair.still : missingRanges,
    orphaned: diff.orphaned,
    glue,
    repairFailures: repair?.failures ?? [],
  };
}
