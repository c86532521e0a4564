/**
 * Every preset on real CloudTrail records (the public corpus), run on DuckDB, against ground
 * truth computed here by plain TypeScript over the raw records (never by a preset's SQL). The
 * records are filed by DELIVERY day (event + 1 to 10 minutes) and, for comparison, by event day;
 * both give the same rows. Midnight scenarios move every record to within half an hour of a
 * day, month, year or leap-day end, so many are delivered into the next day's folder.
 */
import { parseQueryArgs } from '../../../bin/cli/query-args';
import { statementFor } from '../../../bin/cli/query';
import { PRESETS } from '../../../lambda/core/query/presets';
import { loadEvents, startDuckDb, type TrinoStandIn } from '../../support/duckdb-trino';
import { deliveryDelayMinutes, fileRecord, type Json, publicCorpus } from '../../support/public-corpus';
import { buildPreset } from '../../support/query-harness';

type Rec = Json & { eventID: string; eventTime: string };
const CORPUS = publicCorpus().map((c) => c.record as Rec);

const get = (r: unknown, path: string): unknown =>
  path
    .split('.')
    .reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Json)[k] : undefined), r);
const str = (r: unknown, path: string): string | undefined => {
  const v = get(r, path);
  return typeof v === 'string' ? v : undefined;
};
/** Every string inside a JSON value (keys excluded). */
const strings = (v: unknown): string[] =>
  typeof v === 'string' ? [v] : v !== null && typeof v === 'object' ? Object.values(v).flatMap(strings) : [];
const is = (r: Rec, source: string, ...names: string[]): boolean =>
  r.eventSource === source && names.includes(r.eventName as string);

/** A whole word of free text: not inside a longer name or ARN. */
function wordIn(text: string | undefined, value: string): boolean {
  if (text === undefined) return false;
  const name = /[A-Za-z0-9+=,.@_-]/;
  for (let at = text.indexOf(value); at >= 0; at = text.indexOf(value, at + 1)) {
    const before = text[at - 1];
    const after = text[at + value.length];
    if (
      (before === undefined || !(name.test(before) || before === ':' || before === '/')) &&
      (after === undefined || !name.test(after))
    )
      return true;
  }
  return false;
}
/** The event names the resource: resources by ARN; request, response, error message by ARN or name. */
function names(r: Rec, values: readonly string[], arn?: string): boolean {
  const resources = (r.resources as Json[] | undefined) ?? [];
  if (arn && resources.some((x) => x.ARN === arn)) return true;
  const texts = [...strings(r.requestParameters), ...strings(r.responseElements)];
  return values.some((v) => texts.includes(v) || wordIn(r.errorMessage as string | undefined, v));
}

const changes = (r: Rec): Json[] =>
  (get(r, 'requestParameters.changeBatch.changes') as Json[] | undefined) ?? [];
const CATTEAM = 'arn:aws:iam::072643944673:user/CATTeamIDC';
const KEY = '1234abcd-12ab-34cd-56ef-1234567890ab';
const KEY_ARN = `arn:aws:kms:us-west-2:111122223333:key/${KEY}`;
const keyOf = (r: Rec): string[] => [
  ...(str(r, 'requestParameters.keyId') ? [str(r, 'requestParameters.keyId') as string] : []),
  ...((r.resources as Json[] | undefined) ?? []).map((x) => x.ARN as string),
];
/** Written from the AWS APIs that turn logging or detection off, independently of the preset. */
const BLINDING: readonly [string, string][] = [
  ['cloudtrail.amazonaws.com', 'StopLogging'],
  ['cloudtrail.amazonaws.com', 'DeleteTrail'],
  ['cloudtrail.amazonaws.com', 'UpdateTrail'],
  ['cloudtrail.amazonaws.com', 'PutEventSelectors'],
  ['cloudtrail.amazonaws.com', 'PutInsightSelectors'],
  ['ec2.amazonaws.com', 'DeleteFlowLogs'],
  ['route53resolver.amazonaws.com', 'DeleteResolverQueryLogConfig'],
  ['route53resolver.amazonaws.com', 'DisassociateResolverQueryLogConfig'],
  ['guardduty.amazonaws.com', 'DeleteDetector'],
  ['securityhub.amazonaws.com', 'DisableSecurityHub'],
  ['config.amazonaws.com', 'StopConfigurationRecorder'],
  ['config.amazonaws.com', 'DeleteConfigurationRecorder'],
  ['config.amazonaws.com', 'DeleteDeliveryChannel'],
  ['organizations.amazonaws.com', 'LeaveOrganization'],
  ['s3.amazonaws.com', 'PutBucketPolicy'],
  ['s3.amazonaws.com', 'DeleteBucketPolicy'],
  ['s3.amazonaws.com', 'PutBucketLifecycle'],
  ['s3.amazonaws.com', 'DeleteBucketLifecycle'],
];

interface Case {
  readonly preset: string;
  readonly params?: Record<string, string>;
  readonly truth: (r: Rec) => boolean;
  /** Events the issue names: they must be in the answer over the real times. */
  readonly mustFind?: readonly string[];
  /** Columns checked per event, with their value from the raw record. */
  readonly columns?: (r: Rec) => Record<string, string | null>;
}

const matchingChange = (r: Rec, name?: string): Json | undefined =>
  changes(r).find(
    (c) =>
      name === undefined ||
      (str(c, 'resourceRecordSet.name') ?? '').toLowerCase().replace(/\.$/, '') === name,
  );
const changeColumns = (name?: string) => (r: Rec) => {
  const c = matchingChange(r, name);
  return {
    action: str(c, 'action') ?? null,
    record_name: str(c, 'resourceRecordSet.name') ?? null,
    record_type: str(c, 'resourceRecordSet.type') ?? null,
    record_values:
      (get(c, 'resourceRecordSet.resourceRecords') as Json[] | undefined)?.map((v) => v.value).join(',') ??
      null,
  };
};

const CASES: readonly Case[] = [
  {
    preset: 'route53-changes',
    truth: (r) => is(r, 'route53.amazonaws.com', 'ChangeResourceRecordSets') && r.awsRegion === 'us-east-1',
    columns: changeColumns(),
  },
  {
    preset: 'route53-changes',
    params: { name: 'test.example.com' },
    truth: (r) =>
      is(r, 'route53.amazonaws.com', 'ChangeResourceRecordSets') &&
      r.awsRegion === 'us-east-1' &&
      matchingChange(r, 'test.example.com') !== undefined,
    mustFind: ['883b14d9-2f84-4005-8bc5-c7bf0cebc116'],
    columns: changeColumns('test.example.com'),
  },
  {
    preset: 'console-logins',
    truth: (r) => r.eventName === 'ConsoleLogin',
    columns: (r) => ({
      user_name: str(r, 'userIdentity.userName') ?? (str(r, 'userIdentity.type') === 'Root' ? 'root' : null),
      principal_id: str(r, 'userIdentity.principalId') ?? null,
      principal: str(r, 'userIdentity.arn') ?? null,
    }),
  },
  {
    preset: 'console-logins',
    params: { result: 'failure' },
    truth: (r) => r.eventName === 'ConsoleLogin' && get(r, 'responseElements.ConsoleLogin') === 'Failure',
  },
  {
    preset: 'console-logins',
    params: { mfa: 'no' },
    truth: (r) => r.eventName === 'ConsoleLogin' && get(r, 'additionalEventData.MFAUsed') === 'No',
  },
  {
    preset: 'root-activity',
    truth: (r) =>
      str(r, 'userIdentity.type') === 'Root' &&
      get(r, 'userIdentity.invokedBy') === undefined &&
      r.eventType !== 'AwsServiceEvent',
  },
  {
    preset: 'iam-changes',
    truth: (r) =>
      r.eventSource === 'iam.amazonaws.com' &&
      /^(Create|Delete|Update|Attach|Detach|Put|Add|Remove|Set|Deactivate)/.test(r.eventName as string),
  },
  { preset: 'trail-tampering', truth: (r) => BLINDING.some(([s, n]) => is(r, s, n)) },
  ...[CATTEAM, 'catteamidc', 'CATTEAMIDC', 'AIDARB2PKUDQYPON37SS4'].map((principal) => ({
    preset: 'who-did',
    params: { principal },
    truth: (r: Rec) =>
      str(r, 'recipientAccountId') === '072643944673' &&
      (str(r, 'userIdentity.userName') ?? '').toLowerCase() === 'catteamidc',
  })),
  {
    preset: 'who-did',
    params: { principal: 'arn:aws:iam::123456789123:user/pedro' },
    truth: (r) => str(r, 'userIdentity.arn') === 'arn:aws:iam::123456789123:user/pedro',
  },
  {
    preset: 'what-happened-to',
    params: { resource: 'arn:aws:iam::229654561268:user/malicious-iam-user' },
    truth: (r) =>
      names(
        r,
        ['arn:aws:iam::229654561268:user/malicious-iam-user', 'malicious-iam-user'],
        'arn:aws:iam::229654561268:user/malicious-iam-user',
      ),
    mustFind: [
      '3346344c-5a3e-429e-8405-420f98f75d6e',
      '083dc4ad-e264-46bc-a407-d0dd31b58bdc',
      '94faedcc-0fa4-46e6-9322-022e8e934f04',
    ],
  },
  ...(() => {
    const trail = CORPUS.find((r) => r.eventID.startsWith('c2a89408'));
    const arn = str(trail, 'responseElements.trailARN') as string;
    const name = arn.slice(arn.lastIndexOf('/') + 1);
    return [
      {
        preset: 'what-happened-to',
        params: { resource: arn },
        truth: (r: Rec) => names(r, [arn, name], arn),
        mustFind: ['c2a89408-340a-42f0-8ace-75d9f5769393'],
      },
    ];
  })(),
  {
    preset: 'what-happened-to',
    params: { resource: 'arn:aws:iam::457448411975:role/stratus-red-team-ec2-get-password-data-role' },
    truth: (r) =>
      names(
        r,
        [
          'arn:aws:iam::457448411975:role/stratus-red-team-ec2-get-password-data-role',
          'stratus-red-team-ec2-get-password-data-role',
        ],
        'arn:aws:iam::457448411975:role/stratus-red-team-ec2-get-password-data-role',
      ),
    mustFind: ['46558847-8b84-43de-8c96-302aa4744763', '8a8844ff-dc95-4ef5-87d2-d86cc23fedd0'],
  },
  {
    preset: 'what-happened-to',
    params: { resource: 'malicious-iam-user' },
    truth: (r) => names(r, ['malicious-iam-user']),
  },
  {
    preset: 'security-group-changes',
    truth: (r) =>
      r.eventSource === 'ec2.amazonaws.com' &&
      /SecurityGroup/.test(r.eventName as string) &&
      !/^Describe/.test(r.eventName as string),
  },
  {
    preset: 'kms-key-disable',
    truth: (r) =>
      is(
        r,
        'kms.amazonaws.com',
        'DisableKey',
        'ScheduleKeyDeletion',
        'DeleteImportedKeyMaterial',
        'DeleteKey',
      ),
  },
  ...[KEY, KEY_ARN].map((key) => ({
    preset: 'kms-key-disable',
    params: { key },
    truth: (r: Rec) =>
      is(
        r,
        'kms.amazonaws.com',
        'DisableKey',
        'ScheduleKeyDeletion',
        'DeleteImportedKeyMaterial',
        'DeleteKey',
      ) && keyOf(r).some((k) => k === KEY || k.endsWith(`:key/${KEY}`)),
    mustFind: CORPUS.filter((r) => r.eventName === 'DeleteKey').map((r) => r.eventID),
  })),
  {
    preset: 's3-bucket-policy-changes',
    truth: (r) =>
      is(
        r,
        's3.amazonaws.com',
        'PutBucketPolicy',
        'DeleteBucketPolicy',
        'PutBucketAcl',
        'PutBucketPublicAccessBlock',
        'DeleteBucketPublicAccessBlock',
      ),
  },
];

const DENIED = [
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'Client.UnauthorizedOperation',
];

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
    const command = parseQueryArgs([
      '--sql',
      'q.sql',
      '--from',
      scenario.from,
      '--to',
      scenario.to,
      '--dry-run',
      '--table',
      `by_delivery_${i}`,
    ]);
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
