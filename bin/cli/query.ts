/**
 * `cloudtrail-partitioner query`: a preset or the user's SQL, with the exact partition filter,
 * printed (`--dry-run`) or run in Athena with progress on stderr and results on stdout.
 * Exit codes: 0 ok, 1 the query failed, 2 bad usage.
 */
import { AthenaClient } from '@aws-sdk/client-athena';
import type { GlueClient } from '@aws-sdk/client-glue';
import { runSelect, SelectError } from '../../lambda/aws/athena-query';
import { createS3Client } from '../../lambda/aws/clients';
import { type Clock, systemClock } from '../../lambda/core/shared/ports';
import { schemeFromKeyList } from '../../lambda/core/partitions/scheme';
import { futureRangeProblem } from '../../lambda/core/query/coverage';
import { formatUsd, priceUsd } from '../../lambda/core/query/cost';
import { describeSource, type SourcePlan } from '../../lambda/core/query/columnar-source';
import { partitionFilter, renderFilter } from '../../lambda/core/query/filter';
import { describeRange } from '../../lambda/core/query/relative-range';
import { utcDay } from '../../lambda/core/shared/dates';
import { whatToDo } from './hints';
import { UsageError } from './options';
import type { QueryCommand, QueryRun } from './query-command';
import { type CostIo, type CostReport, costFor, describeCost } from './query-cost';
import { shapeResult } from './query-columns';
import { checkQueryCoverage, credentialsFound as credentialsConfigured } from './query-coverage';
import { formatBytes, renderCsv, renderJson, renderTable, summaryLine } from './query-output';
import { copyTableFor, resolveSource } from './query-source';
import { listPresets, statementFor } from './query-statement';
import { describeNames, readStackNames, type StackIo, type StackNames } from './stack-names';

export interface QueryIo extends CostIo, StackIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly interactive?: boolean;
  /** Reads `--sql FILE`; `-` means standard input. Overridable for tests. */
  readonly readSql?: (file: string) => string;
  readonly athena?: () => AthenaClient;
  /** Glue for the coverage check and the table's location. */
  readonly glue?: () => GlueClient;
  /** Whether credentials are found without the network; tests answer themselves. */
  readonly hasCredentials?: () => boolean;
  readonly clock?: Clock;
  /** The time the CLI started (today's date for the range and coverage checks). */
  readonly now?: Date;
  /** Poll bounds, for tests. */
  readonly pollMs?: number;
  /** Whether AWS credentials can be found (a dry run estimates only then); tests answer themselves. */
  readonly credentialsFound?: () => Promise<boolean>;
  /** Terminal width for the table; undefined outside a terminal. */
  readonly columns?: number;
}

/**
 * Runs a parsed query command (bin/cli/main.ts parses it). A statement that would not be sent
 * (unreadable --sql file, no partition filter, an estimate above --max-scan) is a UsageError,
 * which the CLI reports with exit 2.
 */
export async function query(command: QueryCommand, io: QueryIo): Promise<number> {
  if (command.command === 'query-list') {
    io.stdout(listPresets(command.format));
    return 0;
  }
  const clock = io.clock ?? systemClock;
  const now = io.now ?? new Date(clock.now());
  const future = futureRangeProblem(command.window, utcDay(now));
  if (future !== undefined) throw new UsageError(future);
  // A dry run reaches AWS only when credentials are configured; a live run needs them anyway.
  // --offline skips the coverage and cost checks only: a live run still reads the stack's names.
  const aws = command.dryRun ? !command.offline && (await credentialsFound(io)) : true;
  const names = aws ? await namesFor(command, io) : undefined;
  const run = names ? withNames(command, names, io) : command;
  const skipped = run.offline ? '--offline' : aws ? undefined : 'no AWS credentials found';
  const plan = await resolveSource(run, copyTableFor(run, names), skipped ? { skipped } : {}, io);
  const sql = statementFor(run, io.readSql, plan);
  const coverage = await checkQueryCoverage(run, { ...io, now, hasCredentials: () => aws });
  if (run.requireComplete && coverage !== 'complete') {
    io.stderr(
      `cloudtrail-partitioner: --require-complete: ${coverage === 'incomplete' ? 'the catalog lacks partitions the query reads (above)' : 'the coverage could not be checked'}; nothing run\n`,
    );
    return 1;
  }
  const cost = aws && !run.offline ? await costFor(run, names, io, plan) : undefined;
  if (cost) io.stderr(describeCost(cost, run.pricePerTb, io.costLimits?.maxCalls));
  refuseAboveMaxScan(run, cost);
  if (run.dryRun) {
    io.stdout(run.format === 'json' ? dryRunJson(run, sql, cost, plan) : `${sql};\n`);
    return 0;
  }
  io.stderr(`range: ${describeRange(run.window)}\n`);
  return live(run, sql, io);
}

async function credentialsFound(io: QueryIo): Promise<boolean> {
  if (io.hasCredentials) return io.hasCredentials();
  if (io.credentialsFound) return io.credentialsFound();
  if (!io.s3 && !credentialsConfigured()) return false;
  const client = io.s3?.() ?? createS3Client();
  try {
    await client.config.credentials();
    return true;
  } catch {
    return false;
  } finally {
    if (!io.s3) client.destroy();
  }
}

/** The stack's names when --workgroup is not given; a dry run goes on without them. */
async function namesFor(run: QueryRun, io: QueryIo): Promise<StackNames | undefined> {
  if (run.workgroup !== undefined) return undefined;
  try {
    return await readStackNames(run.stackName, io, 'query needs the athena workgroup (or --dry-run)');
  } catch (error) {
    if (!run.dryRun) throw error;
    io.stderr(`no names from stack ${run.stackName}: ${(error as Error).message}\n`);
    return undefined;
  }
}

/** The run with the stack's workgroup, and its database, table and keys where not given. */
function withNames(run: QueryRun, names: StackNames, io: QueryIo): QueryRun {
  const database = run.given.database ? run.database : names.database;
  const table = run.given.table ? run.table : names.table;
  const scheme =
    run.given.partitionKeys || names.partitionKeys === undefined
      ? run.scheme
      : schemeFromKeyList(names.partitionKeys);
  const filter =
    scheme === run.scheme
      ? undefined
      : partitionFilter({
          scheme,
          window: run.window,
          accounts: run.accounts,
          regions: run.regions,
          lateDays: run.lateDays,
        });
  io.stderr(
    describeNames(names, [
      `workgroup ${names.workgroup}`,
      `table ${database}.${table}`,
      `partition keys ${scheme.columns.join(',')}`,
    ]),
  );
  const keyed = filter ? { filterSql: filter.sql, partitionExpression: renderFilter(filter.partitions) } : {};
  return { ...run, workgroup: names.workgroup, database, table, scheme, ...keyed };
}

function refuseAboveMaxScan(run: QueryRun, cost: CostReport | undefined): void {
  if (run.maxScanBytes === undefined) return;
  const limit = `--max-scan ${formatBytes(run.maxScanBytes)}`;
  if (cost === undefined || cost.method === 'unavailable')
    throw new UsageError(
      `${limit}: the scan cannot be estimated${run.offline ? ' with --offline' : ''}, so nothing was submitted; drop --max-scan to run anyway`,
    );
  // The copy's days count at their raw bytes: an upper bound (the copy holds about a quarter of them).
  const bytes = cost.estimatedBytes + (cost.copyBoundBytes ?? 0);
  const copy =
    cost.copyBoundBytes === undefined
      ? ''
      : `, the columnar copy's ${cost.copyDays} days counted at their raw size ${formatBytes(cost.copyBoundBytes)}`;
  if (bytes > run.maxScanBytes) {
    throw new UsageError(
      `${limit}: the estimate is ${formatBytes(bytes)} (${formatUsd(priceUsd(bytes, run.pricePerTb))}${copy}), above the limit; nothing was submitted. Narrow the range (--since, --from/--to), --accounts or --regions, or raise --max-scan`,
    );
  }
}

function dryRunJson(run: QueryRun, sql: string, cost: CostReport | undefined, plan?: SourcePlan): string {
  const known = cost !== undefined && cost.method !== 'unavailable' ? cost : undefined;
  return `${JSON.stringify(
    {
      sql,
      database: run.database,
      table: run.table,
      partitionKeys: run.scheme.columns,
      range: describeRange(run.window),
      // Which days the statement reads from the columnar copy and which from the raw logs.
      source: plan ? describeSource(plan) : 'raw logs',
      partitions: known?.partitions ?? null,
      estimatedBytes: known?.estimatedBytes ?? null,
      estimateMethod: known?.method ?? 'unavailable',
      ...(known
        ? { estimateErrorBytes: known.errorBytes, estimateCalls: known.calls, estimatedUsd: known.priceUsd }
        : {}),
    },
    null,
    2,
  )}\n`;
}
async function live(run: QueryRun, sql: string, io: QueryIo): Promise<number> {
  const client = io.athena?.() ?? new AthenaClient({});
  try {
    const result = await runSelect(
      client,
      { sql, workGroup: run.workgroup as string, database: run.database },
      {
        clock: io.clock ?? systemClock,
        ...(io.pollMs !== undefined ? { pollMs: io.pollMs, maxPollMs: io.pollMs } : {}),
        onProgress: (p) => {
          const line = `query ${p.queryId}: ${p.state}, ${formatBytes(p.scannedBytes)} scanned, ${(p.elapsedMs / 1000).toFixed(1)} s`;
          io.stderr(io.interactive ? `\r${line}\u001b[K` : `${line}\n`);
        },
      },
    );
    if (io.interactive) io.stderr('\n');
    const preset = 'preset' in run.statement ? run.statement.preset.name : undefined;
    const shaped = shapeResult(result, { ...run, preset }, io.stderr);
    if (run.format === 'json') io.stdout(renderJson({ ...result, ...shaped }, sql));
    else if (run.format === 'csv') io.stdout(renderCsv(shaped.columns, shaped.rows));
    else io.stdout(renderTable(shaped.columns, shaped.rows, { width: io.columns }));
    io.stderr(summaryLine(result, { shown: shaped.rows.length, total: shaped.total }, run.pricePerTb));
    return 0;
  } catch (error) {
    if (io.interactive) io.stderr('\n');
    if (error instanceof SelectError) {
      io.stderr(
        `cloudtrail-partitioner: ${error.message}${whatToDo(error.message)}\ndata scanned ${formatBytes(error.scannedBytes)}; query ID ${error.queryId}\n`,
      );
      return 1;
    }
    io.stderr(`cloudtrail-partitioner: ${(error as Error).message}${whatToDo((error as Error).message)}\n`);
    return 1;
  } finally {
    if (!io.athena) client.destroy();
  }
}

export { listPresets, statementFor } from './query-statement';
