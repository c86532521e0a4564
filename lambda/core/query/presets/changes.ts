/** Presets about changes to IAM, the trail and other logs, networks, keys and buckets. */
import { definePreset, EVENT_COLUMNS, lit, litList, param } from './types';

export const IAM_CHANGE_EVENTS = [
  'CreateUser',
  'DeleteUser',
  'UpdateUser',
  'CreateRole',
  'DeleteRole',
  'UpdateRole',
  'UpdateAssumeRolePolicy',
  'CreatePolicy',
  'DeletePolicy',
  'CreatePolicyVersion',
  'DeletePolicyVersion',
  'SetDefaultPolicyVersion',
  'AttachUserPolicy',
  'DetachUserPolicy',
  'AttachRolePolicy',
  'DetachRolePolicy',
  'AttachGroupPolicy',
  'DetachGroupPolicy',
  'PutUserPolicy',
  'DeleteUserPolicy',
  'PutRolePolicy',
  'DeleteRolePolicy',
  'PutGroupPolicy',
  'DeleteGroupPolicy',
  'CreateAccessKey',
  'DeleteAccessKey',
  'UpdateAccessKey',
  'CreateLoginProfile',
  'DeleteLoginProfile',
  'UpdateLoginProfile',
  'AddUserToGroup',
  'RemoveUserFromGroup',
  'CreateGroup',
  'DeleteGroup',
  'PutUserPermissionsBoundary',
  'PutRolePermissionsBoundary',
  'DeactivateMFADevice',
  'DeleteVirtualMFADevice',
] as const;

export const iamChanges = definePreset({
  name: 'iam-changes',
  description:
    'IAM users, roles, groups, policies, access keys and login profiles created, changed or deleted',
  note: 'IAM is a global service: it logs in us-east-1.',
  shape: {},
  docs: {},
  sql: () => ({
    select: [...EVENT_COLUMNS, 'requestparameters'],
    where: ["eventsource = 'iam.amazonaws.com'", `eventname IN (${litList(IAM_CHANGE_EVENTS)})`],
    orderBy: ['eventtime'],
  }),
});

const BUCKET_GUARD_EVENTS = [
  'PutBucketPolicy',
  'DeleteBucketPolicy',
  'PutBucketLifecycle',
  'DeleteBucketLifecycle',
] as const;

/**
 * Ways to blind an investigator, by service: the trail itself, and the other logs and detectors
 * an incident responder reads (seen in real attack detonations, e.g. Stratus Red Team).
 */
export const TAMPERING_EVENTS: Readonly<Record<string, readonly string[]>> = {
  'cloudtrail.amazonaws.com': [
    'StopLogging',
    'DeleteTrail',
    'UpdateTrail',
    'PutEventSelectors',
    'PutInsightSelectors',
  ],
  'ec2.amazonaws.com': ['DeleteFlowLogs'],
  'route53resolver.amazonaws.com': ['DeleteResolverQueryLogConfig', 'DisassociateResolverQueryLogConfig'],
  'guardduty.amazonaws.com': ['DeleteDetector'],
  'securityhub.amazonaws.com': ['DisableSecurityHub'],
  'config.amazonaws.com': [
    'StopConfigurationRecorder',
    'DeleteConfigurationRecorder',
    'DeleteDeliveryChannel',
  ],
  'organizations.amazonaws.com': ['LeaveOrganization'],
};

export const trailTampering = definePreset({
  name: 'trail-tampering',
  description:
    'logging and detection turned off: CloudTrail trails stopped, deleted or narrowed; trail bucket policy or lifecycle changes; VPC flow logs deleted; Route 53 resolver query logging deleted; GuardDuty detectors deleted or disabled; Security Hub disabled; AWS Config recorders stopped or deleted; the account leaving its organization',
  note: 'GuardDuty UpdateDetector counts only when it disables the detector (enable=false).',
  shape: { bucket: param.bucket.optional() },
  docs: {
    bucket: {
      description: 'the trail bucket (default: policy and lifecycle changes on any bucket)',
      example: 'my-trail-bucket',
    },
  },
  sql: (p) => ({
    select: [
      ...EVENT_COLUMNS,
      "json_extract_scalar(requestparameters, '$.bucketName') AS bucket",
      'requestparameters',
    ],
    where: [
      '(' +
        Object.entries(TAMPERING_EVENTS)
          .map(([source, names]) => `(eventsource = ${lit(source)} AND eventname IN (${litList(names)}))`)
          .join(' OR ') +
        " OR (eventsource = 'guardduty.amazonaws.com' AND eventname = 'UpdateDetector' AND json_extract_scalar(requestparameters, '$.enable') = 'false')" +
        ` OR (eventsource = 's3.amazonaws.com' AND eventname IN (${litList(BUCKET_GUARD_EVENTS)})` +
        (p.bucket ? ` AND json_extract_scalar(requestparameters, '$.bucketName') = ${lit(p.bucket)}` : '') +
        '))',
    ],
    orderBy: ['eventtime'],
  }),
});

export const securityGroupChanges = definePreset({
  name: 'security-group-changes',
  description: 'security group rules authorized, revoked or modified, and groups created or deleted',
  shape: { group: param.securityGroup.optional() },
  docs: { group: { description: 'only this security group ID', example: 'sg-0123456789abcdef0' } },
  sql: (p) => ({
    select: [
      ...EVENT_COLUMNS,
      "json_extract_scalar(requestparameters, '$.groupId') AS group_id",
      'requestparameters',
    ],
    where: [
      "eventsource = 'ec2.amazonaws.com'",
      `eventname IN (${litList(['AuthorizeSecurityGroupIngress', 'AuthorizeSecurityGroupEgress', 'RevokeSecurityGroupIngress', 'RevokeSecurityGroupEgress', 'ModifySecurityGroupRules', 'CreateSecurityGroup', 'DeleteSecurityGroup'])})`,
      ...(p.group ? [`json_extract_scalar(requestparameters, '$.groupId') = ${lit(p.group)}`] : []),
    ],
    orderBy: ['eventtime'],
  }),
});

/** The key ID of a key ARN (`...:key/ID`), else the value itself (an ID or an alias). */
function keyIdOf(key: string): string {
  const at = key.indexOf(':key/');
  return key.startsWith('arn:') && at > 0 ? key.slice(at + ':key/'.length) : key;
}

/** A key by ID or ARN, however the event names it: the request's keyId, or the resources. */
function keyMatch(key: string): string {
  const id = keyIdOf(key);
  if (id.startsWith('alias/') || key.includes(':alias/')) {
    // An alias is only ever in the request, as given (name or ARN).
    const name = key.startsWith('arn:') ? key.slice(key.indexOf(':alias/') + 1) : key;
    return `(json_extract_scalar(requestparameters, '$.keyId') IN (${litList([name, key])}) OR json_extract_scalar(requestparameters, '$.keyId') LIKE ${lit(`%:${name}`)})`;
  }
  return (
    `(json_extract_scalar(requestparameters, '$.keyId') = ${lit(id)}` +
    ` OR json_extract_scalar(requestparameters, '$.keyId') LIKE ${lit(`arn:%:key/${id}`)}` +
    ` OR cardinality(filter(resources, r -> r.arn LIKE ${lit(`arn:%:key/${id}`)})) > 0)`
  );
}

export const kmsKeyChanges = definePreset({
  name: 'kms-key-disable',
  description:
    'KMS keys disabled, scheduled for deletion, their imported key material deleted, or deleted at the end of the waiting period (the DeleteKey service event)',
  note: 'A key given by ID matches events that log its ARN, and the reverse.',
  shape: { key: param.kmsKey.optional() },
  docs: {
    key: { description: 'only this key (ID or ARN)', example: '1234abcd-12ab-34cd-56ef-1234567890ab' },
  },
  sql: (p) => ({
    select: [
      ...EVENT_COLUMNS,
      "coalesce(json_extract_scalar(requestparameters, '$.keyId'), element_at(resources, 1).arn) AS key_id",
      "json_extract_scalar(requestparameters, '$.pendingWindowInDays') AS pending_days",
    ],
    where: [
      "eventsource = 'kms.amazonaws.com'",
      `eventname IN (${litList(['DisableKey', 'ScheduleKeyDeletion', 'DeleteImportedKeyMaterial', 'DeleteKey'])})`,
      ...(p.key ? [keyMatch(p.key)] : []),
    ],
    orderBy: ['eventtime'],
  }),
});

export const s3BucketPolicyChanges = definePreset({
  name: 's3-bucket-policy-changes',
  description: 'S3 bucket policies, ACLs and public access blocks put or deleted',
  shape: { bucket: param.bucket.optional() },
  docs: { bucket: { description: 'only this bucket', example: 'my-bucket' } },
  sql: (p) => ({
    select: [
      ...EVENT_COLUMNS,
      "json_extract_scalar(requestparameters, '$.bucketName') AS bucket",
      'requestparameters',
    ],
    where: [
      "eventsource = 's3.amazonaws.com'",
      `eventname IN (${litList(['PutBucketPolicy', 'DeleteBucketPolicy', 'PutBucketAcl', 'PutBucketPublicAccessBlock', 'DeleteBucketPublicAccessBlock'])})`,
      ...(p.bucket ? [`json_extract_scalar(requestparameters, '$.bucketName') = ${lit(p.bucket)}`] : []),
    ],
    orderBy: ['eventtime'],
  }),
});
