/**
 * The columnar copy gives the same answers as the raw logs. DuckDB stands in for Athena: the
 * public corpus is loaded into the raw table's shape (each record in its delivery folder), the
 * conversion statement runs for every day, and every preset runs against the raw table, the copy
 * and the auto mix; the rows must be identical.
 *
 * Shims (test/support/duckdb-trino.ts): json_extract_scalar, cardinality, regexp_like,
 * from_iso8601_timestamp (→ TIMESTAMPTZ, session time zone UTC so CAST AS timestamp keeps UTC),
 * date_format with MySQL %i/%s (→ strftime %M/%S). The Iceberg table is a plain DuckDB table with
 * the copy's columns; MERGE INTO runs as DuckDB's own.
 */
import { GetPartitionsCommand, GetTableCommand, GlueClient } from '@aws-sdk/client-glue';
import { mockClient } from 'aws-sdk-client-mock';
import { main } from '../../../bin/cli/main';
import { CLOUDTRAIL_COLUMNS } from '../../../lambda/core/shared/cloudtrail-schema';
import { COVERAGE_PARAMETER, formatCoverage } from '../../../lambda/core/columnar/coverage';
import { renderConversion } from '../../../lambda/core/columnar/statements';
import { type ColumnarTable, copyColumns } from '../../../lambda/core/columnar/table';
import { type QuerySource, conversionFilter, planSource } from '../../../lambda/core/query/columnar-source';
import { composeSql, PRESETS } from '../../../lambda/core/query/presets';
import type { Preset } from '../../../lambda/core/query/presets';
import { schemeFromKeyList } from '../../../lambda/core/partitions/scheme';
import { type EpochDay, formatIsoDate, parseIsoDate } from '../../../lambda/core/shared/dates';
import { parseQueryWindow, type QueryWindow } from '../../../lambda/core/query/query-window';
import {
  duckType,
  type FiledEvent,
  loadEvents,
  startDuckDb,
  type TrinoStandIn,
} from '../../support/duckdb-trino';
import { corpusWithLateRecords as publicCorpus } from '../../support/columnar-corpus';

const TABLE: ColumnarTable = {
  database: 'cloudtrail',
  rawTable: 'cloudtrail_logs',
  table: 'cloudtrail_columnar',
  location: 's3://results-bucket/columnar/',
  columns: CLOUDTRAIL_COLUMNS,
  accountKey: true,
};
const SCHEME = schemeFromKeyList('account,region,year,month,day');
const LATE_DAYS = 1;

/** The corpus's periods, each a little wider than its records, and one window with instants. */
const WINDOWS: Record<string, QueryWindow> = {
  'Stratus Red Team, summer 2024': parseQueryWindow('2024-07-28', '2024-08-04'),
  'Stratus Red Team, autumn 2024': parseQueryWindow('2024-10-14', '2024-12-01'),
  'Sentinel console logins, 2025': parseQueryWindow('2025-02-01', '2025-04-30'),
  'OTRF exfiltration, 2020': parseQueryWindow('2020-09-12', '2020-09-16'),
  'AWS examples, 2014-2015': parseQueryWindow('2014-11-01', '2015-01-31'),
  'instants inside days': parseQueryWindow('2024-07-30T08:00:00Z', '2024-08-02T23:57:00Z'),
  // Cuts DeleteTrail (12:46) off the first day and the 12:03 instance calls off the last.
  'instants cutting through events': parseQueryWindow('2024-07-31T12:48:00Z', '2024-08-01T12:00:00Z'),
};

const CONVERTED_WINDOWS = Object.values(WINDOWS).filter((w) => w.fromTime === undefined);

let db: TrinoStandIn;
let events: FiledEvent[];

async function convertDays(windows: readonly QueryWindow[]): Promise<void> {
  for (const window of windows) {
    for (let day = window.from; day <= window.to; day++) {
      await db.connection.run(
        renderConversion({ table: TABLE, day, rawPartitionFilter: conversionFilter(SCHEME, day, LATE_DAYS) }),
      );
    }
  }
}

beforeAll(async () => {
  db = await startDuckDb();
  await db.connection.run("SET TimeZone = 'UTC'");
  await db.connection.run(
    "CREATE MACRO date_format(t, f) AS strftime(t, replace(replace(f, '%i', '%M'), '%s', '%S'))",
  );
  events = publicCorpus();
  await loadEvents(db, TABLE.database, TABLE.rawTable, events);
  const columns = copyColumns(TABLE).map((c) => `"${c.name}" ${duckType(c.type)}`);
  await db.connection.run(`CREATE TABLE "${TABLE.database}"."${TABLE.table}" (${columns.join(', ')})`);
  await convertDays(CONVERTED_WINDOWS);
}, 120_000);
afterAll(() => db.close());

/** Covered days for auto: alternate blocks of four days, so every window mixes copy and raw runs. */
const covered = (window: QueryWindow): Set<string> => {
  const out = new Set<string>();
  for (let day: EpochDay = window.from; day <= window.to; day++)
    if (Math.floor(day / 4) % 2 === 0) out.add(formatIsoDate(day));
  return out;
};

/** Each preset with its required parameters, and once more with every parameter, at their examples. */
const CASES = PRESETS.flatMap((preset) => {
  const required = Object.fromEntries(
    preset.params.filter((p) => p.required).map((p) => [p.name, p.example]),
  );
  const all = Object.fromEntries(preset.params.map((p) => [p.name, p.example]));
  const variants = [required, ...(preset.params.some((p) => !p.required) ? [all] : [])];
  return variants.map((params) => ({ preset, params }));
});

async function rowsOf(
  preset: Preset,
  params: Record<string, string>,
  window: QueryWindow,
  source: QuerySource,
) {
  const plan = planSource({
    source,
    table: TABLE,
    scheme: SCHEME,
    window,
    lateDays: LATE_DAYS,
    covered: covered(window),
    ...(preset.defaultRegions ? { regions: preset.defaultRegions } : {}),
  });
  const sql = composeSql(preset.sql(preset.parse(params)), { relation: plan.relation }, plan.filterSql);
  const rows = await db.rows(sql);
  return rows.map((r) => JSON.stringify(r)).sort();
}

/** Independent oracle: the corpus events whose own eventTime is inside the window. */
function inWindow(window: QueryWindow): FiledEvent[] {
  const start = window.fromTime ?? `${formatIsoDate(window.from)}T00:00:00Z`;
  const end = window.toTime ?? `${formatIsoDate(window.to)}T23:59:59Z`;
  return events.filter(
    (e) => (e.record.eventTime as string) >= start && (e.record.eventTime as string) <= end,
  );
}

describe.each(Object.entries(WINDOWS))('%s', (_label, window) => {
  test.each(CASES.map((c) => [`${c.preset.name} ${JSON.stringify(c.params)}`, c] as const))(
    '%s: raw, columnar and auto give the same rows',
    async (_name, c) => {
      // GIVEN the corpus in raw folders and converted into the copy
      // WHEN the preset runs on each source
      const raw = await rowsOf(c.preset, c.params, window, 'raw');
      const columnar = await rowsOf(c.preset, c.params, window, 'columnar');
      const auto = await rowsOf(c.preset, c.params, window, 'auto');
      // THEN the rows are identical
      expect(columnar).toEqual(raw);
      expect(auto).toEqual(raw);
    },
  );
});

/** Coverage as the run writes it in Glue: every converted day (columnar), or the alternating blocks (auto). */
const coverageText = (source: QuerySource): string =>
  formatCoverage(
    CONVERTED_WINDOWS.flatMap((w) => {
      const days: EpochDay[] = [];
      for (let day = w.from; day <= w.to; day++)
        if (source === 'columnar' || covered(w).has(formatIsoDate(day))) days.push(day);
      return days;
    }),
  );

/**
 * The statement the CLI itself builds (`query PRESET --dry-run`), its copy's coverage read through
 * Glue GetTable (mocked) on the stack's `ColumnarTableName`, so the oracle covers the CLI's path.
 */
async function rowsViaCli(c: (typeof CASES)[number], window: QueryWindow, source: QuerySource) {
  const glue = mockClient(GlueClient);
  glue
    .on(GetTableCommand)
    .resolves({ Table: { Name: TABLE.table, Parameters: { [COVERAGE_PARAMETER]: coverageText(source) } } });
  glue.on(GetPartitionsCommand).resolves({ Partitions: [] });
  let stdout = '';
  let stderr = '';
  const range = (d: EpochDay, time: string | undefined) => time ?? formatIsoDate(d);
  try {
    const code = await main(
      [
        'query',
        c.preset.name,
        ...['--from', range(window.from, window.fromTime), '--to', range(window.to, window.toTime)],
        ...Object.entries(c.params).flatMap(([k, v]) => ['--param', `${k}=${v}`]),
        ...['--source', source, '--dry-run', '--late-days', String(LATE_DAYS)],
      ],
      {
        stdout: (t) => (stdout += t),
        stderr: (t) => (stderr += t),
        now: new Date('2026-01-01T00:00:00Z'),
        stackOutputs: async () => ({
          WorkGroupName: 'wg',
          TableName: `${TABLE.database}.${TABLE.rawTable}`,
          PartitionKeys: 'account,region,year,month,day',
          ColumnarTableName: `${TABLE.database}.${TABLE.table}`,
        }),
        query: {
          glue: () => new GlueClient({ region: 'us-east-1' }),
          hasCredentials: () => true,
          s3: () => {
            throw new Error('no S3 here: the estimate is advice');
          },
        },
      },
    );
    expect({ code, stderr: code === 0 ? 'ok' : stderr }).toEqual({ code: 0, stderr: 'ok' });
  } finally {
    glue.restore();
  }
  if (source !== 'raw') expect(stdout).toContain(`FROM "${TABLE.database}"."${TABLE.table}"`);
  if (source === 'auto') expect(stdout).toContain('UNION ALL');
  const rows = await db.rows(stdout.replace(/;\n$/, ''));
  return rows.map((r) => JSON.stringify(r)).sort();
}

describe.each(Object.entries(WINDOWS))('%s, through the CLI', (_label, window) => {
  test.each(CASES.map((c) => [`${c.preset.name} ${JSON.stringify(c.params)}`, c] as const))(
    '%s: the CLI statements for raw, columnar and auto give the same rows',
    async (_name, c) => {
      // GIVEN the copy's coverage in Glue WHEN the CLI builds each source's statement and DuckDB runs it
      const raw = await rowsViaCli(c, window, 'raw');
      // THEN every source gives the rows of the planSource-built raw statement
      expect(raw).toEqual(await rowsOf(c.preset, c.params, window, 'raw'));
      expect(await rowsViaCli(c, window, 'columnar')).toEqual(raw);
      expect(await rowsViaCli(c, window, 'auto')).toEqual(raw);
    },
  );
});

test('the raw source, the copy and the oracle hold the same events, near-midnight ones included', async () => {
  for (const window of Object.values(WINDOWS)) {
    // GIVEN the events whose eventTime is in the window, some filed in the next day's folder
    const expected = inWindow(window)
      .map((e) => e.record.eventID as string)
      .sort();
    const crossing = inWindow(window).filter(
      (e) => e.partition.day !== (e.record.eventTime as string).slice(8, 10),
    );
    if (window.fromTime === undefined) expect(crossing.length).toBeGreaterThan(0);
    for (const source of ['raw', 'columnar', 'auto'] as const) {
      // WHEN every event ID is read through the source
      const plan = planSource({
        source,
        table: TABLE,
        scheme: SCHEME,
        window,
        lateDays: LATE_DAYS,
        covered: covered(window),
      });
      const rows = await db.rows(`SELECT eventid FROM ${plan.relation} WHERE ${plan.filterSql}`);
      // THEN it is exactly the oracle's set
      expect({ source, ids: rows.map((r) => r.eventid).sort() }).toEqual({ source, ids: expected });
    }
  }
});

test('every listing preset finds something in some window, so no case passes empty', async () => {
  const found = new Set<string>();
  for (const c of CASES)
    for (const window of Object.values(WINDOWS))
      if ((await rowsOf(c.preset, c.params, window, 'columnar')).length > 0) found.add(c.preset.name);
  expect(found.size).toBeGreaterThanOrEqual(6);
});

test('converting every day again changes nothing', async () => {
  // GIVEN the copy after one conversion
  const snapshot = async () =>
    (
      await db.rows(
        `SELECT eventid, CAST(eventtime AS VARCHAR) AS t, account, region FROM "cloudtrail"."cloudtrail_columnar"`,
      )
    )
      .map((r) => JSON.stringify(r))
      .sort();
  const before = await snapshot();
  // WHEN every day is converted again
  await convertDays(CONVERTED_WINDOWS);
  // THEN the copy holds the same rows, no more
  expect(await snapshot()).toEqual(before);
  expect(before.length).toBe(CONVERTED_WINDOWS.flatMap(inWindow).length);
}, 120_000);

test('a record delivered twice lands in the copy once', async () => {
  // GIVEN one record filed in two delivery folders (its day's and the next)
  const one = events.find((e) => (e.record.eventTime as string).startsWith('2020-09-14')) as FiledEvent;
  const day = parseIsoDate('2020-09-14') as EpochDay;
  const twice: FiledEvent[] = [one, { ...one, partition: { ...one.partition, day: '15' } }];
  await loadEvents(db, 'dup', 'cloudtrail_logs', twice);
  await db.connection.run(
    `CREATE TABLE dup.cloudtrail_columnar AS SELECT * FROM cloudtrail.cloudtrail_columnar LIMIT 0`,
  );
  const table = { ...TABLE, database: 'dup' };
  // WHEN its day is converted
  await db.connection.run(
    renderConversion({ table, day, rawPartitionFilter: conversionFilter(SCHEME, day, 1) }),
  );
  // THEN the copy holds it once
  expect(await db.rows('SELECT eventid FROM dup.cloudtrail_columnar')).toEqual([
    { eventid: one.record.eventID },
  ]);
});
