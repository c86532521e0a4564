/**
 * The public CloudTrail corpus (/work/shared/corpus/public-cloudtrail, see its SOURCES.md) as
 * delivered records, each source read in its own format: Stratus Red Team's JSON arrays, OTRF's
 * Logstash lines (the time in `@timestamp`), Sentinel's sign-in TSV (rebuilt as ConsoleLogin
 * records: no ARN on failures, the name as typed), and AWS's documentation examples. Written
 * apart from the presets: nothing here knows what a preset selects.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FiledEvent } from './duckdb-trino';

const REPO = join(__dirname, '..', '..');
/**
 * `shared/` lies beside the checkout (CI's clone and the main work tree) or beside a worktrees'
 * folder; PUBLIC_CLOUDTRAIL_CORPUS overrides.
 */
export const CORPUS_DIR =
  [
    process.env.PUBLIC_CLOUDTRAIL_CORPUS,
    join(REPO, '..', 'shared', 'corpus', 'public-cloudtrail'),
    join(REPO, '..', '..', 'shared', 'corpus', 'public-cloudtrail'),
  ].find((dir): dir is string => dir !== undefined && existsSync(join(dir, 'SOURCES.md'))) ??
  join(REPO, '..', 'shared', 'corpus', 'public-cloudtrail');

export type Json = Record<string, unknown>;

export interface CorpusRecord {
  readonly source: string;
  readonly record: Json;
}

/** `2020-09-14T00:44:23.000Z` → `2020-09-14T00:44:23Z`, CloudTrail's own form. */
const seconds = (iso: string): string => `${new Date(iso).toISOString().slice(0, 19)}Z`;

function stratus(dir: string): CorpusRecord[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .flatMap((f) =>
      (JSON.parse(readFileSync(join(dir, f), 'utf8')) as Json[]).map((record) => ({
        source: `stratus/${f}`,
        record,
      })),
    );
}

function otrf(dir: string): CorpusRecord[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) =>
      readFileSync(join(dir, f), 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => {
          const raw = JSON.parse(line) as Json;
          const record: Json = {};
          for (const [k, v] of Object.entries(raw)) if (!k.startsWith('@')) record[k] = v;
          record.eventTime = seconds(raw['@timestamp'] as string);
          return { source: `otrf/${f}`, record };
        }),
    );
}

const SENTINEL_ACCOUNT = '072643944673';
/** From SOURCES.md: the principal IDs of the sign-in TSV's users. */
const SENTINEL_PRINCIPALS: Record<string, string> = {
  catteamidc: 'AIDARB2PKUDQYPON37SS4',
  sharmamanis: 'AIDARB2PKUDQ5RV72CDT5',
  idoshabi: 'AIDARB2PKUDQ7SOK4GWYJ',
  stavbelladev: 'AIDARB2PKUDQSBQJGUJEB',
  awstcsuser: 'AIDARB2PKUDQ5HIS3J6NA',
};

/** A ConsoleLogin record as CloudTrail writes one (user guide, "CloudTrail sign-in events"). */
function sentinel(file: string): CorpusRecord[] {
  const [, ...lines] = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  return lines.map((line) => {
    const [time, id, user, ip, result, error, mfa] = line.split('\t');
    const root = user === 'ROOT';
    const success = result === 'Success';
    const identity: Json = root
      ? { type: 'Root', principalId: SENTINEL_ACCOUNT, accountId: SENTINEL_ACCOUNT, accessKeyId: '' }
      : {
          type: 'IAMUser',
          principalId: SENTINEL_PRINCIPALS[user.toLowerCase()] ?? '',
          accountId: SENTINEL_ACCOUNT,
          accessKeyId: '',
          userName: user,
        };
    if (success)
      identity.arn = root
        ? `arn:aws:iam::${SENTINEL_ACCOUNT}:root`
        : `arn:aws:iam::${SENTINEL_ACCOUNT}:user/${user}`;
    return {
      source: 'sentinel/console-logins.tsv',
      record: {
        eventVersion: '1.09',
        userIdentity: identity,
        eventTime: time,
        eventSource: 'signin.amazonaws.com',
        eventName: 'ConsoleLogin',
        awsRegion: 'us-east-1',
        sourceIPAddress: ip,
        userAgent: 'Mozilla/5.0',
        requestParameters: null,
        responseElements: { ConsoleLogin: result },
        additionalEventData: {
          LoginTo: 'https://console.aws.amazon.com/console/home',
          MobileVersion: 'No',
          MFAUsed: mfa,
        },
        ...(success ? {} : { errorMessage: error }),
        eventID: id,
        eventType: 'AwsConsoleSignIn',
        recipientAccountId: SENTINEL_ACCOUNT,
      },
    };
  });
}

function awsdocs(dir: string): CorpusRecord[] {
  const route53 = JSON.parse(readFileSync(join(dir, 'route53-example.json'), 'utf8')) as { Records: Json[] };
  const kms = JSON.parse(readFileSync(join(dir, 'kms-examples.json'), 'utf8')) as Json[];
  return [
    ...route53.Records.map((record) => ({ source: 'awsdocs/route53-example.json', record })),
    ...kms.map((record) => ({ source: 'awsdocs/kms-examples.json', record })),
  ];
}

/** Every record of every source. */
export function publicCorpus(dir = CORPUS_DIR): CorpusRecord[] {
  return [
    ...stratus(join(dir, 'stratus-red-team')),
    ...otrf(join(dir, 'otrf')),
    ...sentinel(join(dir, 'sentinel', 'console-logins.tsv')),
    ...awsdocs(join(dir, 'awsdocs')),
  ];
}

/** A delay of 1 to 10 minutes, fixed per event (real keys show 1 to 10). */
export function deliveryDelayMinutes(eventId: string): number {
  let h = 0;
  for (const c of eventId) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return 1 + (h % 10);
}

function folder(instant: string): { year: string; month: string; day: string } {
  return { year: instant.slice(0, 4), month: instant.slice(5, 7), day: instant.slice(8, 10) };
}

/**
 * The record filed as CloudTrail files it: in the folder of its DELIVERY day (event time plus the
 * delay), or, for comparison, of its event day. Account and region as the S3 key has them.
 */
export function fileRecord(record: Json, by: 'delivery' | 'event'): FiledEvent {
  const time = record.eventTime as string;
  const delivered =
    by === 'event'
      ? time
      : new Date(Date.parse(time) + deliveryDelayMinutes(record.eventID as string) * 60_000).toISOString();
  const identity = (record.userIdentity ?? {}) as Json;
  return {
    record,
    partition: {
      account: (record.recipientAccountId ?? identity.accountId) as string,
      region: record.awsRegion as string,
      ...folder(delivered),
    },
  };
}
