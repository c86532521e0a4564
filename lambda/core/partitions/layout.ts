/**
 * Where CloudTrail writes its logs:
 * `s3://BUCKET/[PREFIX/]AWSLogs/[o-ORGID/]ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/`.
 * Every key and location is built here and only here, so no caller can produce a `//`
 * or an unpadded month.
 */
import { dayParts, type EpochDay } from '../shared/dates';
import { checkBucket, checkOrgId, normalizePrefix } from '../shared/names';

export interface Layout {
  readonly bucket: string;
  /** Normalized: no leading or trailing slash; '' when the trail has no prefix. */
  readonly prefix: string;
  /** Organization ID for organization trails, or undefined. */
  readonly orgId?: string;
}

export interface LayoutInput {
  readonly bucket: string;
  readonly prefix?: string;
  readonly orgId?: string;
}

/**
 * Validates and normalizes a layout; throws with every problem listed. `trustBucket` is for
 * the CDK side only, where the bucket name may be a deploy-time token (the function checks
 * the real name again at cold start).
 */
export function makeLayout(input: LayoutInput, options: { readonly trustBucket?: boolean } = {}): Layout {
  const errors: string[] = [];
  const bucketError = options.trustBucket ? undefined : checkBucket(input.bucket);
  if (bucketError) errors.push(bucketError);
  const prefix = normalizePrefix(input.prefix ?? '');
  if ('error' in prefix) errors.push(prefix.error);
  const orgId = input.orgId === undefined || input.orgId === '' ? undefined : input.orgId;
  const orgError = orgId === undefined ? undefined : checkOrgId(orgId);
  if (orgError) errors.push(orgError);
  if (errors.length > 0) throw new LayoutError(errors.join('; '));
  return { bucket: input.bucket, prefix: 'prefix' in prefix ? prefix.prefix : '', orgId };
}

export class LayoutError extends Error {
  override readonly name = 'LayoutError';
}

/** Key prefix under which the account folders sit: `[PREFIX/]AWSLogs/[ORGID/]`. */
export function accountsRootKey(layout: Layout): string {
  const parts = [layout.prefix, 'AWSLogs', layout.orgId ?? ''].filter((part) => part !== '');
  return `${parts.join('/')}/`;
}

/** `…/ACCOUNT/CloudTrail/`: the folder holding one region folder per region that delivered logs. */
export function regionsRootKey(layout: Layout, account: string): string {
  return `${accountsRootKey(layout)}${account}/CloudTrail/`;
}

/** `…/CloudTrail/REGION/`. */
export function regionKey(layout: Layout, account: string, region: string): string {
  return `${regionsRootKey(layout, account)}${region}/`;
}

/** `…/REGION/YYYY/MM/DD/`. */
export function dayKey(layout: Layout, account: string, region: string, day: EpochDay): string {
  const parts = dayParts(day);
  return `${regionKey(layout, account, region)}${parts.year}/${parts.month}/${parts.day}/`;
}

/** `…/REGION/YYYY/MM/`: where a month partition points (month granularity). */
export function monthKey(
  layout: Layout,
  account: string,
  region: string,
  year: string,
  month: string,
): string {
  return `${regionKey(layout, account, region)}${year}/${month}/`;
}

export function s3Url(layout: Layout, key: string): string {
  return `s3://${layout.bucket}/${key}`;
}

/** The table location this layout implies: the `AWSLogs/[ORGID/]` root. */
export function tableLocation(layout: Layout): string {
  return s3Url(layout, accountsRootKey(layout));
}
