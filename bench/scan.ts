/**
 * Bytes Athena would read per preset: the raw gzipped JSON against the columnar copy.
 *
 * The same events are written twice: as CloudTrail writes them (one gzipped `{"Records":[…]}`
 * file per account, region and delivery day) and as the copy holds them (the conversion statement
 * run in DuckDB, then Parquet, one folder per day, sorted by the copy's sort order, zstd; Iceberg's
 * default row group is 128 MiB, more than a day's file here holds, so one row group per file). For each preset:
 * - raw: every JSON byte of the partitions the query selects (days first … last + the late
 *   margin, the preset's default regions);
 * - columnar: the compressed size of every column chunk the preset references (the nested leaf
 *   it names, or every leaf of a column it names whole), in every row group of the selected days.
 *   No row-group statistics pruning is counted, so the figure is an upper bound on what Athena
 *   reads from the copy.
 * Measured on the public corpus and on a synthetic corpus shaped like it (≥ 1 million events).
 */
import { mkdtempSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CLOUDTRAIL_COLUMNS } from '../lambda/core/shared/cloudtrail-schema';
import { renderConversion, SORT_ORDER_SQL } from '../lambda/core/columnar/statements';
import { type ColumnarTable, copyColumns } from '../lambda/core/columnar/table';
import { conversionFilter, DEFAULT_LATE_DAYS } from '../lambda/core/query/columnar-source';
import { PRESETS, type Preset } from '../lambda/core/query/presets';
import { schemeFromKeyList } from '../lambda/core/partitions/scheme';
import { type EpochDay, formatIsoDate, parseIsoDate } from '../lambda/core/shared/dates';
import { duckType, type FiledEvent, rawColumnsSpec, startDuckDb, toRow } from '../test/support/duckdb-trino';
import { corpusWithLateRecords as publicCorpus } from '../test/support/columnar-corpus';
import { syntheticDays } from './scan-synthetic';

const TABLE: ColumnarTable = {
  database: 'cloudtrail',
  rawTable: 'cloudtrail_logs',
  table: 'cloudtrail_columnar',
  location: 's3://bench/columnar/',
  columns: CLOUDTRAIL_COLUMNS,
  accountKey: true,
};
const SCHEME = schemeFromKeyList('account,region,year,month,day');

export interface PresetScan {
  readonly preset: string;
  readonly rawBytes: number;
  readonly columnarBytes: number;
  readonly ratio: number;
}

export interface CorpusScan {
  readonly corpus: string;
  readonly events: number;
  readonly window: { from: string; to: string };
  readonly jsonBytes: number;
  readonly parquetBytes: number;
  readonly presets: readonly PresetScan[];
  readonly medianRatio: number;
}

const dayOf = (e: FiledEvent): EpochDay =>
  parseIsoDate((e.record.eventTime as string).slice(0, 10)) as EpochDay;
const partKey = (p: FiledEvent['partition']): string =>
  [p.account, p.region, `${p.year}-${p.month}-${p.day}`].join('|');

/** Writes one batch of events as CloudTrail files and as table rows; returns JSON bytes per partition. */
class CorpusWriter {
  readonly jsonBytes = new Map<string, number>();
  private batch = 0;
  constructor(readonly dir: string) {
    mkdirSync(join(dir, 'rows'), { recursive: true });
  }
  write(events: readonly FiledEvent[]): void {
    const groups = new Map<string, FiledEvent[]>();
    for (const e of events) {
      const key = partKey(e.partition);
      const group = groups.get(key) ?? [];
      group.push(e);
      groups.set(key, group);
    }
    for (const [key, group] of groups) {
      const bytes = gzipSync(JSON.stringify({ Records: group.map((e) => e.record) })).length;
      this.jsonBytes.set(key, (this.jsonBytes.get(key) ?? 0) + bytes);
    }
    const rows = events.map((e) => JSON.stringify(toRow(e))).join('\n') + '\n';
    writeFileSync(join(this.dir, 'rows', `batch-${this.batch++}.ndjson.gz`), gzipSync(rows, { level: 1 }));
  }
}

/** Column paths a preset's SQL names (`useridentity.arn`, `requestparameters`, …), plus the source filter's. */
function referencedPaths(preset: Preset, params: Record<string, string | undefined>): string[] {
  const parts = preset.sql(params);
  const text = [...parts.select, ...parts.where, ...(parts.groupBy ?? []), ...parts.orderBy].join(' ');
  const names = new Set(copyColumns(TABLE).map((c) => c.name));
  const found = new Set<string>(['eventtime', ...(preset.defaultRegions ? ['region'] : [])]);
  for (const match of text.replace(/'[^']*'/g, "''").matchAll(/\b([a-z_]+(?:\.[a-z_]+)*)/g)) {
    const path = match[1];
    if (names.has(path.split('.')[0])) found.add(path);
  }
  return [...found];
}

interface Chunk {
  readonly day: string;
  readonly path: string;
  readonly bytes: number;
}

async function toParquet(
  dir: string,
  days: readonly EpochDay[],
): Promise<{ chunks: Chunk[]; bytes: number }> {
  const db = await startDuckDb();
  try {
    await db.connection.run("SET TimeZone = 'UTC'");
    await db.connection.run(`CREATE SCHEMA ${TABLE.database}`);
    await db.connection.run(
      `CREATE TABLE ${TABLE.database}.${TABLE.rawTable} AS SELECT * FROM read_json('${join(dir, 'rows', '*.ndjson.gz')}', format = 'newline_delimited', columns = {${rawColumnsSpec()}})`,
    );
    const columns = copyColumns(TABLE).map((c) => `"${c.name}" ${duckType(c.type)}`);
    await db.connection.run(`CREATE TABLE ${TABLE.database}.${TABLE.table} (${columns.join(', ')})`);
    for (const day of days) {
      const filter = conversionFilter(SCHEME, day, DEFAULT_LATE_DAYS);
      await db.connection.run(renderConversion({ table: TABLE, day, rawPartitionFilter: filter }));
    }
    const out = join(dir, 'parquet');
    await db.connection.run(
      `COPY (SELECT *, strftime(eventtime, '%Y-%m-%d') AS copy_day FROM ${TABLE.database}.${TABLE.table} ORDER BY copy_day, ${SORT_ORDER_SQL})
       TO '${out}' (FORMAT parquet, PARTITION_BY (copy_day), COMPRESSION zstd, ROW_GROUP_SIZE 1000000)`,
    );
    const rows = await db.rows(
      `SELECT file_name, path_in_schema, total_compressed_size FROM parquet_metadata('${join(out, '**', '*.parquet')}')`,
    );
    const chunks = rows.map((r) => ({
      day: /copy_day=(\d{4}-\d{2}-\d{2})/.exec(r.file_name as string)?.[1] ?? '',
      // Nested leaves: `resources, list, element, arn` → `resources.arn`.
      path: (r.path_in_schema as string)
        .split(', ')
        .filter((p) => p !== 'list' && p !== 'element' && p !== 'key_value' && p !== 'key' && p !== 'value')
        .join('.'),
      bytes: Number(r.total_compressed_size),
    }));
    const files = await db.rows(
      `SELECT DISTINCT file_name FROM parquet_metadata('${join(out, '**', '*.parquet')}')`,
    );
    const bytes = files.reduce((n, f) => n + statSync(f.file_name as string).size, 0);
    return { chunks, bytes };
  } finally {
    db.close();
  }
}

/** Runs the measurement over events already written by `writer`. */
async function measure(
  corpus: string,
  writer: CorpusWriter,
  events: number,
  days: readonly EpochDay[],
  window: { from: EpochDay; to: EpochDay },
): Promise<CorpusScan> {
  const { chunks, bytes: parquetBytes } = await toParquet(writer.dir, days);
  const inDays = (iso: string, from: EpochDay, to: EpochDay): boolean =>
    iso >= formatIsoDate(from) && iso <= formatIsoDate(to);
  const presets = PRESETS.map((preset) => {
    const params = preset.parse(
      Object.fromEntries(preset.params.filter((p) => p.required).map((p) => [p.name, p.example])),
    );
    let rawBytes = 0;
    for (const [key, size] of writer.jsonBytes) {
      const [, region, day] = key.split('|');
      if (!inDays(day, window.from, window.to + DEFAULT_LATE_DAYS)) continue;
      if (preset.defaultRegions && !preset.defaultRegions.includes(region)) continue;
      rawBytes += size;
    }
    const paths = referencedPaths(preset, params);
    const columnarBytes = chunks
      .filter((c) => inDays(c.day, window.from, window.to))
      .filter((c) =>
        paths.some((p) => c.path === p || c.path.startsWith(`${p}.`) || p.startsWith(`${c.path}.`)),
      )
      .reduce((n, c) => n + c.bytes, 0);
    return {
      preset: preset.name,
      rawBytes,
      columnarBytes,
      ratio: columnarBytes > 0 ? rawBytes / columnarBytes : Infinity,
    };
  });
  const ratios = presets.map((p) => p.ratio).sort((a, b) => a - b);
  const mid = ratios.length / 2;
  const medianRatio = ratios.length % 2 ? ratios[Math.floor(mid)] : (ratios[mid - 1] + ratios[mid]) / 2;
  const jsonBytes = [...writer.jsonBytes.values()].reduce((n, b) => n + b, 0);
  return {
    corpus,
    events,
    window: { from: formatIsoDate(window.from), to: formatIsoDate(window.to) },
    jsonBytes,
    parquetBytes,
    presets,
    medianRatio,
  };
}

export async function runScanBench(
  syntheticEvents = 1_000_000,
  progress: (message: string) => void = () => undefined,
): Promise<CorpusScan[]> {
  const results: CorpusScan[] = [];
  const base = mkdtempSync(join(tmpdir(), 'ct-scan-'));
  try {
    progress('scan: public corpus as gzipped JSON and Parquet');
    const events = publicCorpus();
    const pub = new CorpusWriter(join(base, 'public'));
    pub.write(events);
    const eventDays = [...new Set(events.map(dayOf))].sort((a, b) => a - b);
    results.push(
      await measure('public corpus', pub, events.length, eventDays, {
        from: eventDays[0],
        to: eventDays[eventDays.length - 1],
      }),
    );
    const days = 30;
    const first = parseIsoDate('2025-03-01') as EpochDay;
    progress(`scan: synthetic corpus, ${syntheticEvents.toLocaleString('en-US')} events over ${days} days`);
    const syn = new CorpusWriter(join(base, 'synthetic'));
    for (const batch of syntheticDays(events, syntheticEvents, days, first)) syn.write(batch);
    const all = Array.from({ length: days }, (_, i) => first + i);
    progress('scan: synthetic corpus converted; measuring a 7-day question');
    results.push(await measure('synthetic', syn, syntheticEvents, all, { from: first + 20, to: first + 26 }));
    return results;
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(bytes < 1024 * 1024 ? 3 : 1)} MiB`;

/** The per-preset table, as `npm run bench` prints it. */
export function renderScan(results: readonly CorpusScan[]): string {
  return results
    .map((r) => {
      const head = `Scan, ${r.corpus}: ${r.events.toLocaleString('en-US')} events, ${r.window.from}..${r.window.to}; all JSON ${mib(r.jsonBytes)}, all Parquet ${mib(r.parquetBytes)}`;
      const rows = r.presets.map(
        (p) =>
          `  ${p.preset.padEnd(26)} raw ${mib(p.rawBytes).padStart(12)}   columnar ${mib(p.columnarBytes).padStart(12)}   ${p.ratio.toFixed(1).padStart(6)} x`,
      );
      const verdict = r.medianRatio >= 10 ? 'PASS' : 'FAIL';
      return [
        head,
        ...rows,
        `  median ratio ${r.medianRatio.toFixed(1)} x (target >= 10 x): ${verdict}`,
      ].join('\n');
    })
    .join('\n\n');
}
