/** Presets about changes to DNS, IAM, the trail itself, networks, keys and buckets. */
import { z } from 'zod';
import { definePreset, EVENT_COLUMNS, lit, litList, param } from './types';

const CHANGE = "'$.changeBatch.changes[0]";

export const route53Changes = definePreset({
  name: 'route53-changes',
  description: 'who changed Route 53 records (ChangeResourceRecordSets), by name, type and action',
  note: 'Route 53 is a global service: it logs in us-east-1, so --regions defaults to us-east-1. Name, type and action are read from the first change of each batch (as in the seed query); requestparameters shows the whole batch.',
  defaultRegions: ['us-east-1'],
  shape: {
    name: param.dnsName.optional(),
    type: z
      .enum([
        'A',
        'AAAA',
        'CAA',
        'CNAME',
        'DS',
        'HTTPS',
        'MX',
        'NAPTR',
        'NS',
        'PTR',
        'SOA',
        'SPF',
        'SRV',
        'SSHFP',
        'SVCB',
        'TLSA',
        'TXT',
      ])
      .optional(),
    action: z.enum(['CREATE', 'DELETE', 'UPSERT']).optional(),
  },
  docs: {
    name: { description: 'record name, with or without the final dot', example: 'www.mydomain.com.' },
    type: { description: 'record type: A, AAAA, CNAME, MX, TXT, ...', example: 'A' },
    action: { description: 'CREATE, DELETE or UPSERT', example: 'CREATE' },
  },
  sql: (p) => {
    const name = p.name === undefined ? undefined : p.name.toLowerCase().replace(/\.$/, '');
    return {
      select: [
        ...EVENT_COLUMNS,
        'useridentity.accountid AS principal_account',
        'useridentity.sessioncontext.attributes.creationdate AS session_created',
        "json_extract_scalar(requestparameters, '$.hostedZoneId') AS hosted_zone",
        `json_extract_scalar(requestparameters, ${CHANGE}.action') AS action`,
        `json_extract_scalar(requestparameters, ${CHANGE}.resourceRecordSet.name') AS record_name`,
        `json_extract_scalar(requestparameters, ${CHANGE}.resourceRecordSet.type') AS record_type`,
        'requestparameters',
        'useragent',
      ],
      where: [
        "eventsource = 'route53.amazonaws.com'",
        "eventname = 'ChangeResourceRecordSets'",
        ...(name !== undefined
          ? [
              `lower(json_extract_scalar(requestparameters, ${CHANGE}.resourceRecordSet.name')) IN (${litList([name, `${name}.`])})`,
            ]
          : []),
        ...(p.type
          ? [`json_extract_scalar(requestparameters, ${CHANGE}.resourceRecordSet.type') = ${lit(p.type)}`]
          : []),
        ...(p.action ? [`json_extract_scalar(requestparameters, ${CHANGE}.action') = ${lit(p.action)}`] : []),
      ],
      orderBy: ['eventtime'],
    };
  },
});

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

export const trailTampering = definePreset({
  name: 'trail-tampering',
  description:
    'StopLogging, DeleteTrail, UpdateTrail, PutEventSelectors, and trail bucket policy or lifecycle changes',
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
      `((eventsource = 'cloudtrail.amazonaws.com' AND eventname IN (${litList(['StopLogging', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors', 'PutInsightSelectors'])}))` +
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

export const kmsKeyChanges = definePreset({
  name: 'kms-key-disable',
  description: 'KMS keys disabled, scheduled for deletion, or their key material deleted',
  shape: { key: param.kmsKey.optional() },
  docs: {
    key: { description: 'only this key (ID or ARN)', example: '1234abcd-12ab-34cd-56ef-1234567890ab' },
  },
  sql: (p) => ({
    select: [
      ...EVENT_COLUMNS,
      "json_extract_scalar(requestparameters, '$.keyId') AS key_id",
      "json_extract_scalar(requestparameters, '$.pendingWindowInDays') AS pending_days",
    ],
    where: [
      "eventsource = 'kms.amazonaws.com'",
      `eventname IN (${litList(['DisableKey', 'ScheduleKeyDeletion', 'DeleteImportedKeyMaterial'])})`,
      ...(p.key ? [`json_extract_scalar(requestparameters, '$.keyId') = ${lit(p.key)}`] : []),
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
