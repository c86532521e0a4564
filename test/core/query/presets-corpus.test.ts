/**
 * Every preset on real CloudTrail records (the public corpus), run on DuckDB, against ground
 * truth computed here by plain TypeScript over the raw records (never by a preset's SQL). The
 * records are filed by DELIVERY day (event + 1 to 10 minutes) and, for comparison, by event day;
 * both give the same rows. Midnight scenarios move every record to within half an hour of a
 * day, month, year or leap-day end, so many are delivered into the next day's folder.
 */
import { parseCli } from '../../../bin/cli/program';
import { statementFor } from '../../../bin/cli/query';
import { PRESETS } from '../../../lambda/core/query/presets';
import { loadEvents, startDuckDb, type TrinoStandIn } from '../../support/duckdb-trino';
import { CASES, CORPUS, DENIED, type Rec, str } from '../../support/corpus-truth';
import { deliveryDelayMinutes, fileRecord, type Json } from '../../support/public-corpus';
import { buildPreset } from '../../support/query-harness';

/** Moves every record to within 30 minutes either side of `midnight`, keeping its ID. */
function aroundMidnight(midnight: string): Rec[] {
  const at = Date.parse(midnight);
  return CORPUS.map((r) => {
    const offset = ((deliveryDelayMinutes(`${r.eventID}x`) * 7919 + r.eventID.charCodeAt(0)) % 60) - 30;
    return { ...r, eventTime: `${new Date(at + offset * 60_000 + 17_000).toISOString().slice(0, 19)}Z` };
  });
}

const SCENARIOS: readonly { label: string; records: Rec[]; from: string; to: string }[] = [
  { label: 'real times', records: CORPUS, from: '2014-01-01', to: '2025-12-31' },
  {
    label: 'a day end',
    records: aroundMidnight('2021-03-16T00:00:00Z'),
    from: '2021-03-15',
    to: '2021-03-15',
  },
  {
    label: 'a month end',
    records: aroundMidnight('2020-07-01T00:00:00Z'),
    from: '2020-06-01',
    to: '2020-06-30',
  },
  {
    label: 'a year end',
    records: aroundMidnight('2021-01-01T00:00:00Z'),
    from: '2020-12-31',
    to: '2020-12-31',
  },
  {
    label: 'a leap-day end',
    records: aroundMidnight('2024-03-01T00:00:00Z'),
    from: '2024-02-29',
    to: '2024-02-29T23:59:59Z',
  },
  {
    label: 'a leap-day start',
    records: aroundMidnight('2024-02-29T00:00:00Z'),
    from: '2024-02-29',
    to: '2024-03-01',
  },
];

const inRange = (r: Rec, from: string, to: string): boolean =>
  r.eventTime >= (from.length === 10 ? `${from}T00:00:00Z` : from) &&
  r.eventTime <= (to.length === 10 ? `${to}T23:59:59Z` : to);

let db: TrinoStandIn;
let ran = { events: 0, cases: 0, rows: 0 };

beforeAll(async () => {
  db = await startDuckDb();
  for (const [i, s] of SCENARIOS.entries()) {
    await loadEvents(
      db,
      'cloudtrail',
      `by_delivery_${i}`,
      s.records.map((r) => fileRecord(r, 'delivery')),
    );
    await loadEvents(
      db,
      'cloudtrail',
      `by_event_${i}`,
      s.records.map((r) => fileRecord(r, 'event')),
    );
    ran.events += s.records.length;
  }
});
afterAll(() => {
  db.close();
  // The closing note cites these figures.
  process.stdout.write(
    `public corpus: ${CORPUS.length} records, ${ran.events} filed events over ${SCENARIOS.length} scenarios, ${ran.cases} preset and --sql cases, ${ran.rows} rows compared\n`,
  );
});

test('the corpus holds every source (so no case passes on an empty table)', () => {
  // GIVEN SOURCES.md's counts: 310 Stratus, 103 OTRF, 83 sign-ins, 4 Route 53 and 6 KMS examples
  expect(CORPUS.length).toBe(310 + 103 + 83 + 4 + 6);
  expect(new Set(CORPUS.map((r) => r.eventID)).size).toBe(CORPUS.length);
});

test('every case names a preset, and every preset has a case', () => {
  const covered = new Set([...CASES.map((c) => c.preset), 'access-denied']);
  expect(PRESETS.map((p) => p.name).filter((n) => !covered.has(n))).toEqual([]);
});

describe.each(SCENARIOS.map((s, i) => [s.label, s, i] as const))('%s', (_label, scenario, i) => {
  test.each(CASES.map((c) => [`${c.preset} ${JSON.stringify(c.params ?? {})}`, c] as const))(
    '%s',
    async (_name, c) => {
      // GIVEN the records filed by delivery day and by event day
      const flags = ['--table', `by_delivery_${i}`];
      const sql = buildPreset(c.preset, scenario, c.params, flags).sql;
      // WHEN the preset runs on each
      const delivered = await db.rows(sql);
      const byEvent = await db.rows(
        buildPreset(c.preset, scenario, c.params, ['--table', `by_event_${i}`]).sql,
      );
      // THEN both give exactly the events the plain-code truth selects, in the range
      const want = scenario.records.filter((r) => c.truth(r) && inRange(r, scenario.from, scenario.to));
      const ids = (rows: Record<string, string | null>[]): string[] =>
        rows.map((r) => r.eventid as string).sort();
      expect(ids(delivered)).toEqual(want.map((r) => r.eventID).sort());
      expect(byEvent).toEqual(delivered);
      for (const id of scenario.label === 'real times' ? (c.mustFind ?? []) : [])
        expect(ids(delivered)).toContain(id);
      if (c.columns) {
        const got = Object.fromEntries(
          delivered.map((row) => [
            row.eventid,
            Object.fromEntries(
              Object.keys(c.columns?.(want[0]) ?? {}).map((k) => [
                k,
                k === 'record_values' && row[k]
                  ? (JSON.parse(row[k] as string) as Json[]).map((v) => v.value).join(',')
                  : row[k],
              ]),
            ),
          ]),
        );
        expect(got).toEqual(Object.fromEntries(want.map((r) => [r.eventID, c.columns?.(r)])));
      }
      ran = { ...ran, cases: ran.cases + 1, rows: ran.rows + delivered.length };
    },
  );

  test('access-denied counts each principal, service, action and code', async () => {
    const rows = await db.rows(
      buildPreset('access-denied', scenario, {}, ['--table', `by_delivery_${i}`]).sql,
    );
    const groups = new Map<string, number>();
    for (const r of scenario.records.filter(
      (x) => DENIED.includes(x.errorCode as string) && inRange(x, scenario.from, scenario.to),
    )) {
      const key = [str(r, 'userIdentity.arn') ?? null, r.eventSource, r.eventName, r.errorCode].join(' ');
      groups.set(key, (groups.get(key) ?? 0) + 1);
    }
    expect(
      new Map(
        rows.map((row) => [
          `${row.principal ?? null} ${row.eventsource} ${row.eventname} ${row.errorcode}`,
          Number(row.events),
        ]),
      ),
    ).toEqual(groups);
    ran = { ...ran, cases: ran.cases + 1, rows: ran.rows + rows.length };
  });

  test('--sql gets the same margin and eventtime bound', async () => {
    // GIVEN the user's own SELECT over the table
    const text = `SELECT eventid FROM cloudtrail.by_delivery_${i} WHERE eventsource <> 'none'`;
    const command = parseCli(
      [
        'query',
        '--sql',
        'q.sql',
        '--from',
        scenario.from,
        '--to',
        scenario.to,
        '--dry-run',
        '--table',
        `by_delivery_${i}`,
      ],
      new Date(),
    );
    if (command.command !== 'query') throw new Error('not a query');
    // WHEN it runs with the filter put in
    const rows = await db.rows(statementFor(command, () => text));
    // THEN every record in the range comes back, whichever folder it was delivered to
    expect(rows.map((r) => r.eventid).sort()).toEqual(
      scenario.records
        .filter((r) => inRange(r, scenario.from, scenario.to))
        .map((r) => r.eventID)
        .sort(),
    );
    ran = { ...ran, cases: ran.cases + 1, rows: ran.rows + rows.length };
  });
});
