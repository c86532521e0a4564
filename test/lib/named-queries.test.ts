/**
 * The stack saves every preset as an Athena named query in its workgroup: the header says how to
 * set the range, and the partition filter, relative to current_date, covers the last 7 days.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { formatIsoDate, parseIsoDate } from '../../lambda/core/shared/dates';
import { PRESETS } from '../../lambda/core/query/presets';
import { lastDaysFilter } from '../../lambda/core/query/relative-filter';
import { schemeFromKeyList } from '../../lambda/core/partitions/scheme';
import { namedQueryText } from '../../lib/named-queries';
import { loadCalendar, startDuckDb, type TrinoStandIn } from '../support/duckdb-trino';
import { trinoErrors, trinoStatementCount } from '../support/query-harness';
import { buildStack } from './fixtures';

describe('stack', () => {
  const { template, stack } = buildStack();

  test('deploys one named query per preset, in the workgroup, after it', () => {
    // GIVEN the default stack THEN every preset is an AWS::Athena::NamedQuery in the workgroup
    template.resourceCountIs('AWS::Athena::NamedQuery', PRESETS.length);
    const workGroups = template.findResources('AWS::Athena::WorkGroup');
    const [workGroupId] = Object.keys(workGroups);
    for (const preset of PRESETS) {
      template.hasResource('AWS::Athena::NamedQuery', {
        Properties: {
          Name: `cloudtrail-${preset.name}`,
          Description: preset.description,
          Database: Match.anyValue(),
          WorkGroup: Match.anyValue(),
          QueryString: Match.stringLikeRegexp(`^-- ${preset.name}: `),
        },
        DependsOn: Match.arrayWith([workGroupId]),
      });
    }
    expect(stack.partitioner.namedQueries.queries).toHaveLength(PRESETS.length);
  });

  test('outputs a ready-to-paste query command: the last 7 days, names read from the stack', () => {
    // THEN the command names no workgroup or table (the CLI reads the outputs) and no fixed dates
    const output = template.findOutputs('QueryCommand').QueryCommand as { Value: unknown };
    expect(output.Value).toBe('npx cloudtrail-partitioner query route53-changes --since 7d --stack Test');
    // AND the table's keys are an output the CLI reads
    expect(template.findOutputs('PartitionKeys').PartitionKeys.Value).toBe('account,region,year,month,day');
  });
});

describe('stack with month partitions', () => {
  const { template } = buildStack({ partitionGranularity: 'month' }, 'Month');

  test('saves queries filtered on the month keys, and the output names them', () => {
    // GIVEN a month-partitioned table THEN no saved query names a day key, each bounds eventtime
    const queries = Object.values(template.findResources('AWS::Athena::NamedQuery')).map(
      (q) => (q.Properties as { QueryString: string }).QueryString,
    );
    expect(queries).toHaveLength(PRESETS.length);
    const filter = lastDaysFilter(schemeFromKeyList('account,region,year,month'), 7);
    for (const sql of queries) {
      expect(sql).toContain(`WHERE ${filter}`);
      expect(sql).not.toMatch(/\bday\b\s*(=|<|>|BETWEEN|,)/);
      expect(sql).toContain('--partition-keys account,region,year,month');
      expect(trinoErrors(sql)).toEqual([]);
    }
    // AND the table's keys are the output the CLI reads, not a flag to type
    expect(template.findOutputs('PartitionKeys').PartitionKeys.Value).toBe('account,region,year,month');
    const output = template.findOutputs('QueryCommand').QueryCommand as { Value: unknown };
    expect(JSON.stringify(output.Value)).not.toContain('--partition-keys');
  });
});

describe('named query text', () => {
  test.each(PRESETS.map((p) => [p.name, p] as const))(
    '%s: one Trino statement with a how-to header',
    (_name, preset) => {
      const sql = namedQueryText(preset, 'cloudtrail', 'cloudtrail_logs');
      expect(trinoErrors(sql)).toEqual([]);
      expect(trinoStatementCount(sql)).toBe(1);
      expect(sql).toContain('-- Range: the last 7 days, today (UTC) included; folders are read 1 day(s)');
      expect(sql).toContain(
        `--   cloudtrail-partitioner query ${preset.name} --from YYYY-MM-DD --to YYYY-MM-DD --dry-run`,
      );
      expect(sql).toContain(
        `WHERE ${lastDaysFilter(schemeFromKeyList('account,region,year,month,day'), 7)}\n`,
      );
    },
  );
});

describe('the last-days filter selects exactly the last N days, whatever today is', () => {
  let db: TrinoStandIn;
  beforeAll(async () => {
    db = await startDuckDb();
    // Trino's MySQL-style date_format, for the two patterns the filter uses.
    await db.connection.run('CREATE MACRO date_format(d, f) AS strftime(d, f)');
    await loadCalendar(db, 2022, 2026);
  });
  afterAll(() => db.close());

  test.each([
    ['2024-03-03', 'day', 7],
    ['2024-01-03', 'day', 7],
    ['2024-03-01', 'month', 7],
    ['2025-01-01', 'month', 7],
    ['2024-06-15', 'day', 1],
    ['2024-12-31', 'day', 366],
  ] as const)('today %s, %s partitions, %i days', async (today, granularity, days) => {
    // GIVEN today's date standing in for current_date
    const scheme = schemeFromKeyList(
      granularity === 'day' ? 'account,region,year,month,day' : 'account,region,year,month',
    );
    const filter = lastDaysFilter(scheme, days).replace(/current_date/g, `DATE '${today}'`);
    // WHEN the filter runs over the calendar (eventtime at noon)
    const rows = await db.rows(`SELECT date FROM calendar WHERE ${filter} ORDER BY date`);
    // THEN it holds exactly today and the days before it
    const end = parseIsoDate(today) as number;
    const want = Array.from({ length: days }, (_, i) => formatIsoDate(end - days + 1 + i));
    expect(rows.map((r) => r.date)).toEqual(want);
  });

  test.each([
    ['2024-03-03', 'day', 7, 1],
    ['2024-01-01', 'day', 3, 1],
    ['2024-03-01', 'month', 7, 1],
    ['2024-12-31', 'month', 2, 2],
  ] as const)(
    'today %s, %s partitions, %i days, %i late day(s): records in their delivery folders',
    async (today, granularity, days, lateDays) => {
      // GIVEN each day's records at 00:00:30 and 23:58:30, the late one filed in the NEXT day's
      // folder (delivered 10 minutes later), written here apart from the filter
      await db.connection.run(`CREATE OR REPLACE TABLE delivered AS
        SELECT strftime(f, '%Y') AS year, strftime(f, '%m') AS month, strftime(f, '%d') AS day,
               strftime(t, '%Y-%m-%dT%H:%M:%SZ') AS eventtime
        FROM (SELECT t, t + INTERVAL 10 MINUTE AS f FROM
          (SELECT d + s AS t FROM range(TIMESTAMP '2022-01-01', TIMESTAMP '2027-01-01', INTERVAL 1 DAY) AS r(d),
             (VALUES (INTERVAL 30 SECOND), (INTERVAL 86310 SECOND)) AS v(s)))`);
      const scheme = schemeFromKeyList(
        granularity === 'day' ? 'account,region,year,month,day' : 'account,region,year,month',
      );
      const filter = lastDaysFilter(scheme, days, lateDays).replace(/current_date/g, `DATE '${today}'`);
      // WHEN the saved filter runs
      const rows = await db.rows(`SELECT eventtime FROM delivered WHERE ${filter} ORDER BY eventtime`);
      // THEN both records of each of the N days come back, none of other days
      const end = parseIsoDate(today) as number;
      const want = Array.from({ length: days }, (_, i) => formatIsoDate(end - days + 1 + i)).flatMap((d) => [
        `${d}T00:00:30Z`,
        `${d}T23:58:30Z`,
      ]);
      expect(rows.map((r) => r.eventtime)).toEqual(want);
    },
  );

  test('refuses a count outside 1..366', () => {
    expect(() => lastDaysFilter(schemeFromKeyList('account,region,year,month,day'), 0)).toThrow(
      /invalid days 0/,
    );
  });
});
