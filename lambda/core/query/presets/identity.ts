/** Presets about who signed in, who used root, who did what, and who was refused. */
import { z } from 'zod';
import { definePreset, EVENT_COLUMNS, lit, litList, param } from './types';

export const consoleLogins = definePreset({
  name: 'console-logins',
  description: 'console sign-ins, successes and failures, with or without MFA, with who signed in',
  note: 'ConsoleLogin is logged in the region of the sign-in endpoint (often us-east-1). A failed sign-in has no ARN: user_name (as typed) and principal_id say who it was.',
  shape: {
    result: z.enum(['success', 'failure']).optional(),
    mfa: z.enum(['yes', 'no']).optional(),
  },
  docs: {
    result: { description: 'success or failure (default both)', example: 'failure' },
    mfa: { description: 'yes or no: whether MFA was used (default both)', example: 'no' },
  },
  sql: (p) => ({
    select: [
      ...EVENT_COLUMNS,
      // Failed sign-ins log no ARN, only the name as typed (root: no name, the account ID).
      "coalesce(useridentity.username, CASE WHEN useridentity.type = 'Root' THEN 'root' END) AS user_name",
      'useridentity.principalid AS principal_id',
      "json_extract_scalar(responseelements, '$.ConsoleLogin') AS result",
      "json_extract_scalar(additionaleventdata, '$.MFAUsed') AS mfa_used",
      'useragent',
    ],
    where: [
      "eventname = 'ConsoleLogin'",
      ...(p.result
        ? [
            `json_extract_scalar(responseelements, '$.ConsoleLogin') = ${lit(p.result === 'success' ? 'Success' : 'Failure')}`,
          ]
        : []),
      ...(p.mfa
        ? [`json_extract_scalar(additionaleventdata, '$.MFAUsed') = ${lit(p.mfa === 'yes' ? 'Yes' : 'No')}`]
        : []),
    ],
    orderBy: ['eventtime'],
  }),
});

export const rootActivity = definePreset({
  name: 'root-activity',
  description: 'anything done by the root user (not by AWS services on its behalf)',
  shape: {},
  docs: {},
  sql: () => ({
    select: [...EVENT_COLUMNS, 'useragent'],
    // The CIS benchmark's definition: root, not invoked by a service, not a service event.
    where: ["useridentity.type = 'Root'", 'useridentity.invokedby IS NULL', "eventtype <> 'AwsServiceEvent'"],
    orderBy: ['eventtime'],
  }),
});

/** `_` escaped for a LIKE pattern with ESCAPE '\' (the allow-list keeps `%` and `\` out). */
const likeText = (text: string): string => text.replace(/_/g, '\\_');

/**
 * How one principal shows up in an event, by the form of the value. IAM names are unique
 * regardless of case and failed sign-ins log the name as typed, with no ARN, so names compare
 * lowercased and a user ARN also matches its account's events under that user name.
 */
export function principalMatch(principal: string): string {
  const user = /^arn:aws[a-z-]*:iam::(\d{12}):user\/(?:[^/]+\/)*([^/]+)$/.exec(principal);
  if (user) {
    const [, account, name] = user;
    return (
      `(useridentity.arn = ${lit(principal)}` +
      ` OR (useridentity.type = 'IAMUser' AND coalesce(useridentity.accountid, recipientaccountid) = ${lit(account)}` +
      ` AND lower(useridentity.username) = ${lit(name.toLowerCase())}))`
    );
  }
  if (principal.startsWith('arn:')) {
    // An assumed-role ARN names the session; the role ARN is the session issuer's.
    return `(useridentity.arn = ${lit(principal)} OR useridentity.sessioncontext.sessionissuer.arn = ${lit(principal)})`;
  }
  if (/^(AKIA|ASIA)/.test(principal) && principal.length === 20)
    return `useridentity.accesskeyid = ${lit(principal)}`;
  // A unique ID (AIDA user, AROA role, ...): a role's sessions log `AROA...:session`.
  if (/^(AIDA|AROA)[A-Z0-9]{12,}$/.test(principal))
    return `(useridentity.principalid = ${lit(principal)} OR useridentity.principalid LIKE ${lit(`${principal}:%`)})`;
  const name = principal.toLowerCase();
  return (
    `(lower(useridentity.username) = ${lit(name)}` +
    ` OR lower(useridentity.sessioncontext.sessionissuer.username) = ${lit(name)}` +
    // An IAM Identity Center user: a session of an AWSReservedSSO_ role named after the user
    // name or e-mail they sign in with (its own sign-in events log that name as userName).
    ` OR (useridentity.type = 'AssumedRole' AND lower(useridentity.arn) LIKE ${lit(`%:assumed-role/awsreservedsso\\_%/${likeText(name)}`)} ESCAPE '\\'))`
  );
}

export const whoDid = definePreset({
  name: 'who-did',
  description: 'everything one principal did, failed sign-ins included',
  shape: { principal: param.principal },
  docs: {
    principal: {
      description:
        'an IAM/STS ARN (a role ARN also matches its sessions; a user ARN also the user name, in any case), a unique principal ID (AIDA.../AROA...), an access key ID, or a user name (IAM, or an IAM Identity Center user name or e-mail)',
      example: 'arn:aws:iam::012345678901:user/alice',
    },
  },
  sql: (p) => ({
    select: [
      ...EVENT_COLUMNS,
      'useridentity.username AS user_name',
      'useridentity.principalid AS principal_id',
      'useridentity.accesskeyid AS access_key',
      'requestparameters',
    ],
    where: [principalMatch(p.principal)],
    orderBy: ['eventtime'],
  }),
});

export const ACCESS_DENIED_CODES = [
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'Client.UnauthorizedOperation',
] as const;

export const accessDenied = definePreset({
  name: 'access-denied',
  description: 'AccessDenied and UnauthorizedOperation errors, grouped by principal and action',
  shape: { principal: param.principal.optional() },
  docs: {
    principal: { description: 'only this principal (ARN, access key ID or user name)', example: 'alice' },
  },
  sql: (p) => ({
    select: [
      'useridentity.arn AS principal',
      'eventsource',
      'eventname',
      'errorcode',
      'count(*) AS events',
      'min(eventtime) AS first_seen',
      'max(eventtime) AS last_seen',
    ],
    where: [
      `errorcode IN (${litList(ACCESS_DENIED_CODES)})`,
      ...(p.principal ? [principalMatch(p.principal)] : []),
    ],
    groupBy: ['useridentity.arn', 'eventsource', 'eventname', 'errorcode'],
    orderBy: ['events DESC', 'principal', 'eventsource', 'eventname', 'errorcode'],
  }),
});
