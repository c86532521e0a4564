/**
 * `cloudtrail-partitioner query`: a preset or the user's SQL, with the exact partition filter,
 * printed (`--dry-run`) or run in Athena with progress on stderr and results on stdout.
 * Exit codes: 0 ok, 1 the query failed, 2 bad usage.
 */
import { readFileSync } from 'node:fs';
import { AthenaClient } from '@aws-sdk/client-athena';
import type { GlueClient } from '@aws-sdk/client-glue';
import { runSelect, SelectError } from '../../lambda/aws/athena-query';
import { type Clock, systemClock } from '../../lambda/core/shared/ports';
import { composeSql, PRESETS } from '../../lambda/core/query/presets';
import { applyPartitionFilter, QuerySqlError } from '../../lambda/core/query/query-sql';
import { futureRangeProblem } from '../../lambda/core/query/coverage';
import { utcDay } from '../../lambda/core/shared/dates';
import { UsageError } from './flags';
import { checkQueryCoverage } from './query-coverage';
import type { QueryCommand, QueryRun } from './query-args';
import { formatBytes, renderCsv, renderJson, renderTable, summaryLine } from './query-output';

export interface QueryIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly interactive?: boolean;
  /** Reads `--sql FILE`; `-` means standard input. Overridable for tests. */
  readonly readSql?: (file: string) => string;
  readonly athena?: () => AthenaClient;
  /** Glue for the coverage check; and whether credentials are found without the network. */
  readonly glue?: () => GlueClient;
  readonly hasCredentials?: () => boolean;
  readonly clock?: Clock;
  /** The time the CLI started (today's date for the range and coverage checks). */
  readonly now?: Date;
  /** Poll bounds, for tests. */
  readonly pollMs?: number;
}

const readSqlFile = (file: string): string => readFileSync(file === '-' ? 0 : file, 'utf8');

/** The statement a run would send, or a UsageError saying why it would not be sent. */
export function statementFor(run: QueryRun, readSql: (file: string) => string = readSqlFile): string {
  if ('preset' in run.source) {
    const { preset, params } = run.source;
    const header = [`${preset.name}: ${preset.description}`, ...(preset.note ? [preset.note] : [])];
    return composeSql(preset.sql(params), run, run.filterSql, header);
  }
  let text: string;
  try {
    text = readSql(run.source.sqlFile);
  } catch (error) {
    throw new UsageError(`cannot read --sql ${run.source.sqlFile}: ${(error as Error).message}`);
  }
  try {
    return applyPartitionFilter(text, run.filterSql, run).sql;
  } catch (error) {
    if (error instanceof QuerySqlError) throw new UsageError(`--sql ${run.source.sqlFile}: ${error.message}`);
    throw error;
  }
}

export function listPresets(format: 'table' | 'json'): string {
  if (format === 'json') {
    return `${JSON.stringify(
      PRESETS.map((p) => ({ name: p.name, description: p.description, note: p.note, params: p.params })),
      null,
      2,
    )}\n`;
  }
  return (
    PRESETS.map((p) => {
      const params = p.params.map(
        (d) =>
          `    ${d.required ? '' : '['}${d.name}=VALUE${d.required ? '' : ']'}  ${d.description} (e.g. ${d.example})`,
      );
      return [
        `${p.name}`,
        `    ${p.description}`,
        ...(p.note ? [`    note: ${p.note}`] : []),
        ...params,
      ].join('\n');
    }).join('\n') + '\n'
  );
}

/**
 * Runs a parsed query command (bin/cli/main.ts parses it). A statement that would not be sent
 * (unreadable --sql file, no partition filter) is a UsageError, which the CLI reports with exit 2.
 */
export async function query(command: QueryCommand, io: QueryIo): Promise<number> {
  if (command.command === 'query-list') {
    io.stdout(listPresets(command.format));
    return 0;
  }
  const run = command;
  const clock = io.clock ?? systemClock;
  const now = io.now ?? new Date(clock.now());
  const future = futureRangeProblem(run.window, utcDay(now));
  if (future !== undefined) throw new UsageError(future);
  const sql = statementFor(run, io.readSql);
  const coverage = await checkQueryCoverage(run, { ...io, now });
  if (run.requireComplete && coverage !== 'complete') {
    io.stderr(
      `cloudtrail-partitioner: --require-complete: ${coverage === 'incomplete' ? 'the catalog lacks partitions the query reads (above)' : 'the coverage could not be checked'}; nothing run\n`,
    );
    return 1;
  }
  if (run.dryRun) {
    io.stdout(
      run.format === 'json'
        ? `${JSON.stringify({ sql, database: run.database, table: run.table, partitionKeys: run.scheme.columns }, null, 2)}\n`
        : `${sql};\n`,
    );
    return 0;
  }
  return live(run, sql, io);
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
    if (run.format === 'json') io.stdout(renderJson(result, sql));
    else if (run.format === 'csv') io.stdout(renderCsv(result.columns, result.rows));
    else io.stdout(renderTable(result.columns, result.rows));
    io.stderr(summaryLine(result, result.rows.length));
    return 0;
  } catch (error) {
    if (io.interactive) io.stderr('\n');
    if (error instanceof SelectError) {
      io.stderr(
        `cloudtrail-partitioner: ${error.message}\ndata scanned ${formatBytes(error.scannedBytes)}; query ID ${error.queryId}\n`,
      );
      return 1;
    }
    io.stderr(`cloudtrail-partitioner: ${(error as Error).message}\n`);
    return 1;
  } finally {
    if (!io.athena) client.destroy();
  }
}
