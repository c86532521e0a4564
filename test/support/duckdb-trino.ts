/**
 * DuckDB as a stand-in for Athena's Trino engine: the real CloudTrail schema (from
 * lambda/core/shared/cloudtrail-schema.ts, Hive types turned into DuckDB types), macros for the Trino functions
 * DuckDB lacks, and helpers to load events and run a statement.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { CLOUDTRAIL_COLUMNS, CLOUDTRAIL_PARTITION_KEYS } from '../../lambda/core/shared/cloudtrail-schema';

/**
 * Trino functions the presets use that DuckDB lacks or spells differently, each named after the
 * Trino function it stands for. DuckDB's own `filter(array, x -> ...)`, `lower`, `strpos`,
 * `concat`, `greatest`, `coalesce`, `json_extract` and `json_array_length` behave as Trino's.
 */
export const SHIMS: readonly { readonly trino: string; readonly sql: string }[] = [
  // json_extract_scalar(json, path): the scalar at a JSONPath, as varchar.
  {
    trino: 'json_extract_scalar',
    sql: 'CREATE MACRO json_extract_scalar(j, p) AS json_extract_string(j, p)',
  },
  // cardinality(array); DuckDB's own works on maps only.
  { trino: 'cardinality', sql: 'CREATE OR REPLACE MACRO cardinality(l) AS len(l)' },
  // regexp_like(string, pattern): Java regex there, RE2 here; the presets use the common subset.
  { trino: 'regexp_like', sql: 'CREATE MACRO regexp_like(s, p) AS regexp_matches(s, p)' },
  {
    trino: 'from_iso8601_timestamp',
    sql: 'CREATE MACRO from_iso8601_timestamp(s) AS CAST(s AS TIMESTAMPTZ)',
  },
  // sequence(start, stop): inclusive, as generate_series (Trino counts down when stop < start).
  {
    trino: 'sequence',
    sql: 'CREATE MACRO sequence(a, b) AS generate_series(CAST(a AS BIGINT), CAST(b AS BIGINT))',
  },
  // element_at(array, i): 1-based, NULL past the end; DuckDB's element_at is for maps.
  { trino: 'element_at', sql: 'CREATE OR REPLACE MACRO element_at(l, i) AS l[i]' },
  // json_format(json): the JSON text.
  { trino: 'json_format', sql: 'CREATE MACRO json_format(j) AS CAST(j AS VARCHAR)' },
];

/** `struct<a:string,b:array<struct<c:string>>>` → `STRUCT(a VARCHAR, b STRUCT(c VARCHAR)[])`. */
export function duckType(hive: string): string {
  let at = 0;
  const parse = (): string => {
    const word = /^[a-z]+/.exec(hive.slice(at))?.[0] ?? '';
    at += word.length;
    if (word === 'string') return 'VARCHAR';
    if (word === 'timestamp') return 'TIMESTAMP';
    if (word === 'struct') {
      at++; // <
      const members: string[] = [];
      while (hive[at] !== '>') {
        const name = /^[a-z0-9_]+/.exec(hive.slice(at))?.[0] ?? '';
        at += name.length + 1; // name:
        members.push(`"${name}" ${parse()}`);
        if (hive[at] === ',') at++;
      }
      at++;
      return `STRUCT(${members.join(', ')})`;
    }
    if (word === 'array') {
      at++;
      const inner = parse();
      at++;
      return `${inner}[]`;
    }
    if (word === 'map') {
      at++;
      const key = parse();
      at++; // ,
      const value = parse();
      at++;
      return `MAP(${key}, ${value})`;
    }
    throw new Error(`duckType: unsupported hive type at ${at} in ${hive}`);
  };
  return parse();
}

/** A CloudTrail record as delivered (camelCase JSON), plus the partition it was filed under. */
export interface FiledEvent {
  readonly record: Record<string, unknown>;
  readonly partition: { account: string; region: string; year: string; month: string; day: string };
}

/** What the Hive JSON SerDe does: keys matched case-insensitively, JSON-typed string columns kept as text. */
export function toRow(event: FiledEvent): Record<string, unknown> {
  const lower = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(lower)
      : value !== null && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k.toLowerCase(), lower(v)]))
        : value;
  const row: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event.record)) {
    const column = key.toLowerCase();
    const type = CLOUDTRAIL_COLUMNS.find((c) => c.name === column)?.type;
    if (type === undefined) continue;
    row[column] = type === 'string' && typeof value !== 'string' ? JSON.stringify(value) : lower(value);
  }
  return { ...row, ...event.partition };
}

export interface TrinoStandIn {
  readonly connection: DuckDBConnection;
  /** Rows as objects of strings (or null). */
  rows(sql: string): Promise<Record<string, string | null>[]>;
  close(): void;
}

export async function startDuckDb(): Promise<TrinoStandIn> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  for (const shim of SHIMS) await connection.run(shim.sql);
  return {
    connection,
    rows: async (sql) => {
      const reader = await connection.runAndReadAll(sql);
      return reader.getRowObjectsJson() as Record<string, string | null>[];
    },
    close: () => {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** The raw table's columns and partition keys as a DuckDB read_json `columns = {…}` body. */
export function rawColumnsSpec(): string {
  return [...CLOUDTRAIL_COLUMNS, ...CLOUDTRAIL_PARTITION_KEYS]
    .map((c) => `'${c.name}': '${duckType(c.type)}'`)
    .join(', ');
}

/** Creates `"database"."table"` with the CloudTrail schema and loads the events into it. */
export async function loadEvents(
  db: TrinoStandIn,
  database: string,
  table: string,
  events: readonly FiledEvent[],
): Promise<void> {
  const columns = rawColumnsSpec();
  const dir = mkdtempSync(join(tmpdir(), 'ct-duck-'));
  try {
    const file = join(dir, 'events.ndjson');
    writeFileSync(file, events.map((e) => JSON.stringify(toRow(e))).join('\n') + '\n');
    await db.connection.run(`CREATE SCHEMA IF NOT EXISTS "${database}"`);
    await db.connection.run(
      `CREATE TABLE "${database}"."${table}" AS SELECT * FROM read_json('${file}', format = 'newline_delimited', columns = {${columns}})`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One row per day from `fromYear`-01-01 to `toYear`-12-31: the partition keys and a noon eventtime. */
export async function loadCalendar(db: TrinoStandIn, fromYear: number, toYear: number): Promise<void> {
  await db.connection.run(`CREATE TABLE calendar AS
    SELECT strftime(d, '%Y') AS year, strftime(d, '%m') AS month, strftime(d, '%d') AS day,
           strftime(d, '%Y-%m-%d') AS date, strftime(d, '%Y-%m-%d') || 'T12:00:00Z' AS eventtime,
           '012345678901' AS account, 'us-east-1' AS region
    FROM range(DATE '${fromYear}-01-01', DATE '${toYear + 1}-01-01', INTERVAL 1 DAY) AS t(d)`);
}
