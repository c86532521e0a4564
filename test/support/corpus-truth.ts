/**
 * Ground truth for the presets on the public corpus, in plain TypeScript over the raw records
 * (written from what the AWS APIs and the issue say, never from a preset's SQL).
 */
import { type Json, publicCorpus } from './public-corpus';

export type Rec = Json & { eventID: string; eventTime: string };
export const CORPUS = publicCorpus().map((c) => c.record as Rec);

const get = (r: unknown, path: string): unknown =>
  path
    .split('.')
    .reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Json)[k] : undefined), r);
export const str = (r: unknown, path: string): string | undefined => {
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

export interface Case {
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

export const CASES: readonly Case[] = [
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

export const DENIED = [
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'Client.UnauthorizedOperation',
];
