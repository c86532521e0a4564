/**
 * The one path every entry point takes: settings + request → table keys → targets →
 * partitions → statements → Athena → report. The Lambda handler and the CLI are thin edges
 * over {@link runPartitions} and {@link planStatements}.
 */
import { type DayWindow, type EpochDay, formatWindow, utcDay } from '../shared/dates';
import { packStatements, type PartitionSpec, type Statement } from '../partitions/ddl';
import { discover, type Discovery, discoverTargets } from '../discovery/discovery';
import type { Target } from '../shared/targets';
import { discoveryNotes, logDiscoveryNotes, withDiscoveryNotes } from './discovery-report';
import { accountsRootKey, s3Url } from '../partitions/layout';
import { countPlan, planPartitions } from '../partitions/plan';
import type { AthenaPort, CatalogPort, Clock, S3ListingPort } from '../shared/ports';
import type { RunRequest } from './request';
import { type PartitionScheme, schemeFromColumns } from '../partitions/scheme';
import type { Settings } from './settings';
import { submitStatements, type SubmitResult } from '../submit/submit';
import { emptyReport, type Report, reportFrom } from './report';
import { retryingCatalog, retryingS3 } from '../submit/retry';
import type { LifecyclePort, PartitionValuesPort } from '../catalog/catalog-reads';
import { withUpkeep } from './run-upkeep';
import { concurrencyFor } from '../shared/concurrency';
import { readRunWindow, unregistered } from './registered';
import type { BackfillStartPort } from './handoff';
import { withLatencyHistory } from './latency-history';
import { laneSubmitOptions, withLaneCarry } from './lane-carry';

/** Structured logging, as Powertools' Logger provides it. */
export interface RunLogger {
  info(message: string, extra: Record<string, unknown>): void;
  warn(message: string, extra: Record<string, unknown>): void;
}

export interface RunPorts {
  readonly s3: S3ListingPort;
  readonly catalog: CatalogPort;
  readonly athena: AthenaPort;
  readonly clock: Clock;
  readonly logger?: RunLogger;
  /** Glue partition reads for retention and the catalog estimate; both are skipped without it. */
  readonly partitions?: PartitionValuesPort;
  /** The trail bucket's lifecycle, to warn when retention outlives the logs. */
  readonly lifecycle?: LifecyclePort;
  /** Starts the daily run's hand-off execution (the Lambda edge only). */
  readonly backfill?: BackfillStartPort;
}

export interface RunOptions {
  readonly now: Date;
  /** Seeds ClientRequestTokens: the same seed (a retried invocation) never starts a query twice. */
  readonly tokenSeed: string;
  /** Epoch ms: Glue partitions created since are planned again (retry-stable tokens). @default now */
  readonly referenceTime?: number;
  /** No statement starts at or after this instant. */
  readonly startDeadline?: number;
  /** Queries still running at this instant are reported unconfirmed. */
  readonly waitDeadline?: number;
  /** Parallel S3 listing calls during discovery. @default 16 */
  readonly discoveryConcurrency?: number;
  /** Called as each statement ends, with running totals (the CLI shows them). */
  readonly onProgress?: (progress: RunProgress) => void;
  /** Overrides the settings' retentionDays (the CLI's `--retention-days`). */
  readonly retentionDays?: number;
}

export interface RunProgress {
  readonly partitions: number;
  readonly statementsDone: number;
  readonly partitionsAdded: number;
  readonly failed: number;
}

/** The error of a discovery that found no logs: it names the S3 location searched. */
export function nothingFound(settings: Settings, reasons: readonly string[] = []): NothingFoundError {
  const denied = reasons.join('; ');
  return new NothingFoundError(
    `no cloudtrail logs found under ${s3Url(settings.layout, accountsRootKey(settings.layout))}: check the trail bucket, prefix and organization id${denied ? ` (${denied})` : ''}`,
  );
}

export class NothingFoundError extends Error {
  override readonly name = 'NothingFoundError';
}

export class SingleAccountError extends Error {
  override readonly name = 'SingleAccountError';
}

/** Statements for targets, lazily. */
export function planStatements(
  settings: Settings,
  scheme: PartitionScheme,
  targets: readonly Target[],
  window: DayWindow,
  today: EpochDay,
  registered?: (partition: PartitionSpec) => boolean,
): Iterable<Statement> {
  if (scheme.singleAccount && new Set(targets.map((target) => target.account)).size > 1) {
    throw new SingleAccountError(
      `table ${settings.database}.${settings.table} is partitioned by region, year, month, day and holds one account; found ${new Set(targets.map((t) => t.account)).size} accounts: give exactly one`,
    );
  }
  return {
    [Symbol.iterator]: () =>
      packStatements(
        unregistered(planPartitions(settings.layout, targets, window, today, scheme.granularity), registered),
        scheme,
        settings,
        settings,
      ),
  };
}

/** Resolves targets: given accounts/regions win over settings, the rest come from S3. */
export function resolveTargets(
  s3: S3ListingPort,
  settings: Settings,
  request: Pick<RunRequest, 'window' | 'accounts' | 'regions' | 'includeEmptyDays'>,
  now: Date,
  concurrency = 16,
): Promise<Target[]> {
  return discoverTargets(s3, discoveryRequest(settings, request, now, concurrency));
}

function discoveryRequest(
  settings: Settings,
  request: Pick<RunRequest, 'window' | 'accounts' | 'regions' | 'includeEmptyDays'>,
  now: Date,
  concurrency: number,
) {
  return {
    layout: settings.layout,
    window: request.window,
    today: utcDay(now),
    accounts: request.accounts ?? settings.accounts,
    regions: request.regions ?? settings.regions,
    includeEmptyDays: request.includeEmptyDays,
    concurrency,
  };
}

/** Like {@link resolveTargets}, and also what could not be read or was not found. */
export function resolveDiscovery(
  s3: S3ListingPort,
  settings: Settings,
  request: Pick<RunRequest, 'window' | 'accounts' | 'regions' | 'includeEmptyDays'>,
  now: Date,
  concurrency = 16,
): Promise<Discovery> {
  return discover(s3, discoveryRequest(settings, request, now, concurrency));
}

export async function runPartitions(
  request: RunRequest,
  settings: Settings,
  ports: RunPorts,
  options: RunOptions,
): Promise<Report> {
  const { logger } = ports;
  const today = utcDay(options.now);
  const catalog = retryingCatalog(ports.catalog, ports.clock, {
    patienceMs: settings.apiPatienceSeconds * 1000,
  });
  const columns = await catalog.getPartitionKeys(settings.database, settings.table);
  const scheme = schemeFromColumns(columns, `${settings.database}.${settings.table}`);
  const patience = { patienceMs: settings.apiPatienceSeconds * 1000 };
  const found = await resolveDiscovery(
    retryingS3(ports.s3, ports.clock, patience),
    settings,
    request,
    options.now,
    options.discoveryConcurrency,
  );
  const { targets } = found;
  const notes = discoveryNotes(found);
  logDiscoveryNotes(notes, logger);
  if (targets.length === 0) {
    // A run that registers nothing because it found nothing is a misconfiguration, not a success:
    // reporting success here would keep every alarm quiet forever.
    throw nothingFound(
      settings,
      found.unreadable.map((u) => u.reason),
    );
  }
  const counts = countPlan(targets, request.window, today, scheme.granularity);
  // Only what the catalog lacks is submitted: re-adding costs DDL time in a small share.
  const planned = () => planPartitions(settings.layout, targets, request.window, today, scheme.granularity);
  const registered = await readRunWindow(
    ports.catalog,
    {
      database: settings.database,
      table: settings.table,
      scheme,
      window: request.window,
      selection: { accounts: request.accounts, regions: request.regions },
      expectedPartitions: counts.partitions,
      referenceTime: options.referenceTime ?? options.now.getTime(),
      clock: ports.clock,
    },
    planned,
    logger,
  );
  const base = {
    window: formatWindow(request.window),
    dryRun: request.dryRun,
    accounts: new Set(targets.map((target) => target.account)).size,
    regions: new Set(targets.map((target) => target.region)).size,
    partitions: counts.partitions,
    skippedEmpty: counts.skippedEmpty,
    ...registered.fields,
  };
  logger?.info('plan ready', { ...base, kind: request.kind });
  const statements = planStatements(settings, scheme, targets, request.window, today, registered.has);
  // Retention and the catalog estimate belong to the scheduled run (or an explicit --retention-days):
  // a backfill chunk older than the cutoff must not drop what it just added, nor spend DDL on it.
  const upkeepWanted = request.kind === 'scheduled' || options.retentionDays !== undefined;
  const upkeep = {
    settings,
    scheme,
    ports,
    accountRegions: targets.length,
    now: options.now,
    tokenSeed: options.tokenSeed,
    retentionDays: options.retentionDays,
    startDeadline: options.startDeadline,
    waitDeadline: options.waitDeadline,
    maxConcurrent: concurrencyFor(request.kind, settings),
  };
  const finish = (report: Report) => (upkeepWanted ? withUpkeep(report, upkeep) : Promise.resolve(report));
  if (request.dryRun) {
    let count = 0;
    let first: string | undefined;
    for (const statement of statements) {
      first ??= statement.sql;
      count++;
    }
    return finish(
      withDiscoveryNotes({ ...emptyReport(base), statements: count, firstStatement: first }, notes),
    );
  }
  const progress = { partitions: counts.partitions, statementsDone: 0, partitionsAdded: 0, failed: 0 };
  const submission = await withLatencyHistory(
    statements,
    {
      athena: ports.athena,
      clock: ports.clock,
      table: settings,
      logger,
      startDeadline: options.startDeadline,
    },
    request.carry?.latency,
  );
  const result: SubmitResult = await submitStatements(submission.statements, ports.athena, {
    latencyHistory: submission.history.samples,
    maxConcurrent: concurrencyFor(request.kind, settings),
    apiPatienceMs: settings.apiPatienceSeconds * 1000,
    tokenSeed: options.tokenSeed,
    startDeadline: options.startDeadline,
    waitDeadline: options.waitDeadline,
    clock: ports.clock,
    onOutcome: (outcome) => {
      progress.statementsDone++;
      if (outcome.status === 'succeeded') progress.partitionsAdded += outcome.statement.partitions.length;
      if (outcome.status === 'failed') progress.failed++;
      options.onProgress?.({ ...progress });
      if (outcome.status === 'failed') {
        logger?.warn('statement failed', {
          statement: outcome.statement.index,
          partitions: outcome.statement.partitions.length,
          attempts: outcome.attempts,
          queryIds: outcome.queryIds,
          reason: outcome.reason,
          firstLocation: outcome.statement.partitions[0]?.location,
        });
      }
    },
    onThrottle: (where, error) => logger?.info('athena throttled', { where, code: error.code }),
    onHedge: (event) => logger?.info('straggler hedged', { ...event }),
    ...laneSubmitOptions(request),
    table: { database: settings.database, table: settings.table },
  });
  const report = { ...reportFrom(base, result), latencyFromHistory: submission.history.samples.length };
  // A carried query failed: its days are read from the catalog again once everything has ended.
  const repair = (window: DayWindow) =>
    runPartitions({ ...request, window, carry: undefined, carryTail: false }, settings, ports, {
      ...options,
      tokenSeed: `${options.tokenSeed}:repair`,
      referenceTime: ports.clock.now(),
    });
  return finish(withDiscoveryNotes(await withLaneCarry(report, request, result.carry, repair), notes));
}
