/**
 * The presets run for real: DuckDB stands in for Trino over a small CloudTrail corpus
 * (test/fixtures/cloudtrail-events.ts). Each case returns exactly the events its tag names,
 * and none outside the range, the accounts or the regions.
 */
import { PRESETS } from '../../../lambda/core/query/presets';
import { corpus, type CorpusEvent, OTHER } from '../../fixtures/cloudtrail-events';
import { loadEvents, startDuckDb, type TrinoStandIn } from '../../support/duckdb-trino';
import { buildPreset } from '../../support/query-harness';

const CASES: readonly { preset: string; params?: Record<string, string>; tag: string }[] = [
  { preset: 'route53-changes', tag: 'route53' },
  { preset: 'route53-changes', params: { name: 'www.mydomain.com.' }, tag: 'route53-www' },
  {
    preset: 'route53-changes',
    params: { name: 'www.mydomain.com', action: 'CREATE', type: 'A' },
    tag: 'route53-www-create',
  },
  { preset: 'console-logins', tag: 'login' },
  { preset: 'console-logins', params: { result: 'failure' }, tag: 'login-failure' },
  { preset: 'console-logins', params: { mfa: 'no' }, tag: 'login-nomfa' },
  { preset: 'root-activity', tag: 'root' },
  { preset: 'iam-changes', tag: 'iam' },
  { preset: 'trail-tampering', tag: 'tamper' },
  { preset: 'trail-tampering', params: { bucket: 'my-trail-bucket' }, tag: 'tamper-bucket' },
  { preset: 'who-did', params: { principal: 'arn:aws:iam::012345678901:user/alice' }, tag: 'alice' },
  { preset: 'who-did', params: { principal: 'alice' }, tag: 'alice-name' },
  { preset: 'who-did', params: { principal: 'AKIAALICE00000000000' }, tag: 'alice-key' },
  { preset: 'who-did', params: { principal: 'arn:aws:iam::012345678901:role/deployer' }, tag: 'deployer' },
  { preset: 'who-did', params: { principal: 'arn:aws:iam::210987654321:user/bob' }, tag: 'bob' },
  {
    preset: 'what-happened-to',
    params: { resource: 'arn:aws:s3:::my-trail-bucket' },
    tag: 'trail-bucket-arn',
  },
  { preset: 'what-happened-to', params: { resource: 'my-trail-bucket' }, tag: 'trail-bucket-name' },
  { preset: 'security-group-changes', tag: 'sg' },
  { preset: 'security-group-changes', params: { group: 'sg-0123456789abcdef0' }, tag: 'sg' },
  { preset: 'kms-key-disable', tag: 'kms' },
  { preset: 's3-bucket-policy-changes', tag: 's3-policy' },
];

const RANGES = {
  'inside one month': { from: '2020-06-01', to: '2020-06-30' },
  'across a month end': { from: '2020-05-31', to: '2020-06-01' },
  'across a year end': { from: '2019-12-31', to: '2020-01-01' },
  'over a leap day': { from: '2020-02-29', to: '2020-02-29' },
  'around a leap day': { from: '2020-02-28', to: '2020-03-01' },
  'times inside days': { from: '2020-06-15T11:00:00Z', to: '2020-06-30T23:00:00Z' },
  'the whole corpus': { from: '2019-01-01', to: '2020-12-31' },
} as const;

const EVENTS = corpus();
let db: TrinoStandIn;

beforeAll(async () => {
  db = await startDuckDb();
  await loadEvents(db, 'cloudtrail', 'cloudtrail_logs', EVENTS);
});
afterAll(() => db.close());

/** The oracle: in the range (instants inclusive), the accounts and the regions. */
function expected(
  events: readonly CorpusEvent[],
  range: { from: string; to: string },
  regions?: readonly string[],
  accounts?: readonly string[],
): string[] {
  const start = range.from.length === 10 ? `${range.from}T00:00:00Z` : range.from;
  const end = range.to.length === 10 ? `${range.to}T23:59:59Z` : range.to;
  return events
    .filter((e) => e.time >= start && e.time <= end)
    .filter((e) => (regions ? regions.includes(e.partition.region) : true))
    .filter((e) => (accounts ? accounts.includes(e.partition.account) : true))
    .map((e) => e.id)
    .sort();
}

describe.each(Object.entries(RANGES))('presets on DuckDB, %s', (_label, range) => {
  test.each(CASES.map((c) => [`${c.preset} ${JSON.stringify(c.params ?? {})}`, c] as const))(
    '%s',
    async (_name, c) => {
      // GIVEN the corpus and a preset case
      const { sql } = buildPreset(c.preset, range, c.params);
      const preset = PRESETS.find((p) => p.name === c.preset);
      // WHEN the statement runs
      const rows = await db.rows(sql);
      // THEN it returns exactly the tagged events inside the range (and the preset's default regions)
      const tagged = EVENTS.filter((e) => e.kind.tags.includes(c.tag));
      expect(rows.map((r) => r.eventid as string).sort()).toEqual(
        expected(tagged, range, preset?.defaultRegions),
      );
    },
  );
});

test('every listing case finds something over the whole corpus, so no case passes empty', async () => {
  // GIVEN every case WHEN run over the whole corpus THEN each returns at least one event
  for (const c of CASES) {
    const rows = await db.rows(buildPreset(c.preset, RANGES['the whole corpus'], c.params).sql);
    expect({ case: c.tag, found: rows.length > 0 }).toEqual({ case: c.tag, found: true });
  }
});

test('--accounts and --regions narrow every preset to those partitions', async () => {
  // GIVEN the second account and eu-west-1
  const extra = ['--accounts', OTHER, '--regions', 'eu-west-1,us-east-1'];
  for (const c of CASES) {
    // WHEN each case runs with them
    const rows = await db.rows(buildPreset(c.preset, RANGES['the whole corpus'], c.params, extra).sql);
    // THEN only that account's events come back
    const tagged = EVENTS.filter((e) => e.kind.tags.includes(c.tag));
    expect(rows.map((r) => r.eventid as string).sort()).toEqual(
      expected(tagged, RANGES['the whole corpus'], ['eu-west-1', 'us-east-1'], [OTHER]),
    );
  }
});

describe('access-denied groups by principal and action', () => {
  test.each(Object.entries(RANGES))('%s', async (_label, range) => {
    // GIVEN the denied events WHEN access-denied runs
    const rows = await db.rows(buildPreset('access-denied', range).sql);
    // THEN one row per principal, service, action and code, counting the events in range
    const groups = new Map<string, number>();
    for (const e of EVENTS.filter((x) => x.kind.tags.includes('denied'))) {
      if (!expected([e], range).length) continue;
      const r = e.record as {
        userIdentity: { arn: string };
        eventSource: string;
        eventName: string;
        errorCode: string;
      };
      const key = [r.userIdentity.arn, r.eventSource, r.eventName, r.errorCode].join(' ');
      groups.set(key, (groups.get(key) ?? 0) + 1);
    }
    const got = rows.map((row) => [
      `${row.principal} ${row.eventsource} ${row.eventname} ${row.errorcode}`,
      Number(row.events),
    ]);
    expect(new Map(got as [string, number][])).toEqual(groups);
  });
});
