/**
 * The CloudTrail table schema, in one place.
 *
 * Columns follow the Athena user guide's manual-partitioning DDL for CloudTrail
 * (https://docs.aws.amazon.com/athena/latest/ug/create-cloudtrail-table.html), plus
 * `useridentity.sessioncontext.sourceidentity`, which CloudTrail documents in its
 * userIdentity element (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html).
 * The Hive JSON SerDe maps JSON keys case-insensitively and leaves absent fields NULL, so a
 * column that only some events carry costs nothing.
 */
/** A Glue column: name and Hive type string. */
export interface SchemaColumn {
  readonly name: string;
  readonly type: string;
}

/** Hive struct type from `name:type` members, e.g. `struct<a:string,b:string>`. */
function struct(members: Record<string, string>): string {
  return `struct<${Object.entries(members)
    .map(([name, type]) => `${name}:${type}`)
    .join(',')}>`;
}

const STRING = 'string';

const SESSION_ISSUER = struct({
  type: STRING,
  principalid: STRING,
  arn: STRING,
  accountid: STRING,
  username: STRING,
});

const SESSION_CONTEXT = struct({
  attributes: struct({ mfaauthenticated: STRING, creationdate: STRING }),
  sessionissuer: SESSION_ISSUER,
  sourceidentity: STRING,
  ec2roledelivery: STRING,
  webidfederationdata: struct({ federatedprovider: STRING, attributes: 'map<string,string>' }),
});

const USER_IDENTITY = struct({
  type: STRING,
  principalid: STRING,
  arn: STRING,
  accountid: STRING,
  invokedby: STRING,
  accesskeyid: STRING,
  username: STRING,
  onbehalfof: struct({ userid: STRING, identitystorearn: STRING }),
  sessioncontext: SESSION_CONTEXT,
});

/** Data columns, in the documented order. */
export const CLOUDTRAIL_COLUMNS: readonly SchemaColumn[] = [
  { name: 'eventversion', type: STRING },
  { name: 'useridentity', type: USER_IDENTITY },
  { name: 'eventtime', type: STRING },
  { name: 'eventsource', type: STRING },
  { name: 'eventname', type: STRING },
  { name: 'awsregion', type: STRING },
  { name: 'sourceipaddress', type: STRING },
  { name: 'useragent', type: STRING },
  { name: 'errorcode', type: STRING },
  { name: 'errormessage', type: STRING },
  { name: 'requestparameters', type: STRING },
  { name: 'responseelements', type: STRING },
  { name: 'additionaleventdata', type: STRING },
  { name: 'requestid', type: STRING },
  { name: 'eventid', type: STRING },
  { name: 'resources', type: `array<${struct({ arn: STRING, accountid: STRING, type: STRING })}>` },
  { name: 'eventtype', type: STRING },
  { name: 'apiversion', type: STRING },
  { name: 'readonly', type: STRING },
  { name: 'recipientaccountid', type: STRING },
  { name: 'serviceeventdetails', type: STRING },
  { name: 'sharedeventid', type: STRING },
  { name: 'vpcendpointid', type: STRING },
  { name: 'vpcendpointaccountid', type: STRING },
  { name: 'eventcategory', type: STRING },
  {
    name: 'addendum',
    type: struct({
      reason: STRING,
      updatedfields: STRING,
      originalrequestid: STRING,
      originaleventid: STRING,
    }),
  },
  { name: 'sessioncredentialfromconsole', type: STRING },
  { name: 'edgedevicedetails', type: STRING },
  {
    name: 'tlsdetails',
    type: struct({ tlsversion: STRING, ciphersuite: STRING, clientprovidedhostheader: STRING }),
  },
];

/**
 * Partition keys, in the order the Lambda writes them in `PARTITION (...)` clauses and the
 * order of the S3 path: `AWSLogs/[ORGID/]ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/`.
 */
export const CLOUDTRAIL_PARTITION_KEYS: readonly SchemaColumn[] = [
  { name: 'account', type: STRING },
  { name: 'region', type: STRING },
  { name: 'year', type: STRING },
  { name: 'month', type: STRING },
  { name: 'day', type: STRING },
];

export const CLOUDTRAIL_SERDE = 'org.apache.hive.hcatalog.data.JsonSerDe';
export const CLOUDTRAIL_INPUT_FORMAT = 'com.amazon.emr.cloudtrail.CloudTrailInputFormat';
export const CLOUDTRAIL_OUTPUT_FORMAT = 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat';

/** Month granularity: `account, region, year, month`, each partition at the month folder (30 x fewer). */
export const CLOUDTRAIL_MONTH_PARTITION_KEYS: readonly SchemaColumn[] = CLOUDTRAIL_PARTITION_KEYS.filter(
  (key) => key.name !== 'day',
);

/** What one partition of the created table covers. */
export type PartitionGranularity = 'day' | 'month';

export function partitionKeysFor(granularity: PartitionGranularity): readonly SchemaColumn[] {
  return granularity === 'month' ? CLOUDTRAIL_MONTH_PARTITION_KEYS : CLOUDTRAIL_PARTITION_KEYS;
}

/**
 * Keys of the partition index: time first, because every preset and the audit filter on time,
 * and Glue uses an index only when the query filters on its first key.
 */
export function partitionIndexKeysFor(granularity: PartitionGranularity): readonly string[] {
  return granularity === 'month' ? ['year', 'month'] : ['year', 'month', 'day'];
}
