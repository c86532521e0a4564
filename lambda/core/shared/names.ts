/**
 * Validators for every value that ends up in an S3 key, an S3 URL or a SQL statement.
 * Each returns an error message (lowercase, naming the value and what is expected) or
 * undefined. They are strict allow-lists, so no accepted value can carry a quote, a
 * backtick, a semicolon or whitespace into a statement (a `--` inside a bucket or prefix stays
 * inside the quoted location literal, as the Hive tokenizer tests show).
 */

/** Printable, for error messages: quotes the value and makes control characters visible. */
export function show(value: unknown): string {
  const visible = JSON.stringify(value) ?? String(value);
  return visible.length > 80 ? `${visible.slice(0, 76)}...` : visible;
}

export const ACCOUNT_ID = /^\d{12}$/;
/** aws, aws-cn, aws-us-gov, aws-iso*, aws-eusc region names: `us-east-1`, `us-gov-west-1`, `eusc-de-east-1`. */
export const REGION_NAME = /^[a-z]{2,4}(-[a-z]+){1,3}-\d{1,2}$/;
export const ORG_ID = /^o-[a-z0-9]{10,32}$/;
/** CloudFormation stack names: a letter, then letters, digits or hyphens, 128 at most. */
export const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;
/** Glue/Athena database and table names: lowercase letters, digits and underscore. */
export const IDENTIFIER = /^[a-z0-9_]{1,255}$/;
/** General-purpose S3 bucket names (3-63 chars, lowercase, digits, dots, hyphens). */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** One prefix segment: the S3 "safe characters" less the quote and the asterisk. */
const PREFIX_SEGMENT = /^[A-Za-z0-9!_.()=+-]+$/;

export function checkAccount(value: string): string | undefined {
  return ACCOUNT_ID.test(value) ? undefined : `invalid account ${show(value)}: expected 12 digits`;
}

export function checkRegion(value: string): string | undefined {
  return REGION_NAME.test(value)
    ? undefined
    : `invalid region ${show(value)}: expected a region name such as us-east-1`;
}

export function checkOrgId(value: string): string | undefined {
  return ORG_ID.test(value)
    ? undefined
    : `invalid organization id ${show(value)}: expected o- followed by 10 to 32 lowercase letters or digits`;
}

export function checkIdentifier(kind: 'database' | 'table', value: string): string | undefined {
  return IDENTIFIER.test(value)
    ? undefined
    : `invalid ${kind} name ${show(value)}: expected 1 to 255 lowercase letters, digits or underscores`;
}

export function checkBucket(value: string): string | undefined {
  const ok =
    BUCKET_NAME.test(value) &&
    !value.includes('..') &&
    !/^\d+\.\d+\.\d+\.\d+$/.test(value) &&
    !value.startsWith('xn--') &&
    !value.endsWith('-s3alias');
  return ok
    ? undefined
    : `invalid bucket name ${show(value)}: expected 3 to 63 lowercase letters, digits, dots or hyphens, starting and ending with a letter or digit`;
}

/**
 * Normalizes a key prefix: leading and trailing slashes are dropped, so `logs/`, `/logs` and
 * `logs` mean the same folder. Returns the normalized prefix or an error.
 */
export function normalizePrefix(value: string): { prefix: string } | { error: string } {
  const trimmed = value.replace(/^\/+/, '').replace(/\/+$/, '');
  if (trimmed === '') return { prefix: '' };
  const segments = trimmed.split('/');
  if (
    trimmed.length > 512 ||
    segments.some((segment) => !PREFIX_SEGMENT.test(segment) || /^\.+$/.test(segment))
  ) {
    return {
      error: `invalid prefix ${show(value)}: expected folder names of letters, digits and !_.()=+- separated by single slashes`,
    };
  }
  if (segments.includes('AWSLogs')) {
    return { error: `invalid prefix ${show(value)}: give the part before AWSLogs/, not AWSLogs itself` };
  }
  return { prefix: trimmed };
}
