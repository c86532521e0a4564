/**
 * What a preset is: a SQL template over the CloudTrail table with typed, zod-validated
 * parameters. Every parameter passes a strict allow-list before it reaches SQL (no quote,
 * backslash, semicolon, whitespace or non-ASCII character gets through), and is then written as a
 * Trino literal, so a hostile value is refused and an accepted one cannot end its literal.
 */
import { z } from 'zod';
import { trinoString } from '../trino';

export interface ParamDoc {
  readonly name: string;
  readonly description: string;
  readonly required: boolean;
  /** A valid value, used in help and in the deployed named query. */
  readonly example: string;
}

/** The parts of a statement a preset decides; the composer adds FROM and the partition filter. */
export interface PresetSql {
  readonly select: readonly string[];
  /** Conditions ANDed after the partition filter. */
  readonly where: readonly string[];
  readonly groupBy?: readonly string[];
  readonly orderBy: readonly string[];
}

export interface Preset {
  readonly name: string;
  readonly description: string;
  readonly params: readonly ParamDoc[];
  /** Said in `--list` and in the named query's header (e.g. where the service logs). */
  readonly note?: string;
  /** Regions searched when the user gives none: a service that logs in one region only. */
  readonly defaultRegions?: readonly string[];
  /** Validates the `--param` values; throws a ZodError naming the bad one. */
  readonly parse: (values: Readonly<Record<string, string>>) => Readonly<Record<string, string | undefined>>;
  readonly sql: (params: Readonly<Record<string, string | undefined>>) => PresetSql;
}

/** Letters, digits and `+=,.@_/:*-`: enough for ARNs, names and IDs, nothing that means SQL. */
const SAFE = /^[A-Za-z0-9+=,.@_/:*-]+$/;

export const param = {
  dnsName: z
    .string()
    .max(255)
    .regex(/^[A-Za-z0-9_*-]+(\.[A-Za-z0-9_*-]+)*\.?$/, 'expected a DNS name such as www.example.com.'),
  arnOrName: z
    .string()
    .min(1)
    .max(1024)
    .regex(SAFE, 'expected an ARN or a resource name (letters, digits, +=,.@_/:*-)'),
  principal: z
    .string()
    .max(2048)
    .regex(
      /^(arn:aws[a-z-]*:(iam|sts)::\d{12}:[A-Za-z0-9+=,.@_/:-]+|(AKIA|ASIA)[A-Z0-9]{16}|[A-Za-z0-9+=,.@_-]{1,64})$/,
      'expected an IAM or STS ARN, an access key ID (AKIA.../ASIA...) or a user name',
    ),
  bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'expected an S3 bucket name'),
  securityGroup: z
    .string()
    .regex(/^sg-[0-9a-f]{8,17}$/, 'expected a security group ID such as sg-0123456789abcdef0'),
  kmsKey: z
    .string()
    .max(2048)
    .regex(
      /^(arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/[A-Za-z0-9/_-]+|[0-9a-f-]{36}|mrk-[0-9a-f]{32}|alias\/[A-Za-z0-9/_-]+)$/,
      'expected a KMS key ID, key ARN or alias',
    ),
};

/** A zod object that refuses unknown keys, with an error that lists the known ones. */
export function paramsSchema<T extends z.ZodRawShape>(shape: T): z.ZodObject<T> {
  return z.strictObject(shape);
}

export const lit = trinoString;

/** `'a', 'b'` for an IN list of constants written in the preset itself. */
export function litList(values: readonly string[]): string {
  return values.map(trinoString).join(', ');
}

/** Columns every event listing shows, so one event can be found again by its ID. */
export const EVENT_COLUMNS = [
  'eventtime',
  'recipientaccountid',
  'awsregion',
  'eventsource',
  'eventname',
  'useridentity.type AS identity_type',
  'useridentity.arn AS principal',
  'sourceipaddress',
  'errorcode',
  'eventid',
] as const;

/** Builds a Preset from a zod shape; the docs come from the shape's keys. */
export function definePreset<T extends z.ZodRawShape>(spec: {
  name: string;
  description: string;
  note?: string;
  defaultRegions?: readonly string[];
  shape: T;
  docs: Record<keyof T & string, { description: string; example: string }>;
  sql: (params: z.infer<z.ZodObject<T>>) => PresetSql;
}): Preset {
  const schema = paramsSchema(spec.shape);
  return {
    name: spec.name,
    description: spec.description,
    note: spec.note,
    defaultRegions: spec.defaultRegions,
    params: Object.entries(spec.docs).map(([name, doc]) => ({
      name,
      ...(doc as { description: string; example: string }),
      required: !(spec.shape[name] as z.ZodType).safeParse(undefined).success,
    })),
    parse: (values) => schema.parse(values) as Record<string, string | undefined>,
    sql: (params) => spec.sql(params as z.infer<z.ZodObject<T>>),
  };
}
