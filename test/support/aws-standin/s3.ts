/**
 * S3 stand-in: an in-memory sorted key set per bucket and ListObjectsV2 (path-style REST-XML).
 *
 * Keys live in one sorted array per bucket. A page starts with a binary search and skips
 * a whole common prefix with another one, so listing 10 children of a 10^6-key bucket
 * touches about 10 × log2(10^6) keys, not 10^6. Keys are ordered by UTF-16 code units;
 * S3 orders by UTF-8 bytes, which differs only for characters above U+FFFF mixed with
 * U+E000..U+FFFF, never in CloudTrail keys.
 */
import type { Faults, S3ErrorCode } from './faults';
import { ServiceError, signingRegion, xmlEscape, xmlResponse, type WireResponse } from './protocol';
import { bump, type StandInStats, type TokenBucket } from './quota-model';

export interface BucketOptions {
  /** Region the bucket lives in. Requests signed for another region get 301 PermanentRedirect. */
  readonly region?: string;
}

interface Bucket {
  region?: string;
  keys: string[];
  /** Object sizes in bytes; a key without one is empty (0 bytes). */
  sizes: Map<string, number>;
}

const S3_ERRORS: Record<S3ErrorCode, { status: number; message: string }> = {
  SlowDown: { status: 503, message: 'Please reduce your request rate.' },
  ServiceUnavailable: { status: 503, message: 'Service is unable to handle request.' },
  InternalError: { status: 500, message: 'We encountered an internal error. Please try again.' },
  AccessDenied: { status: 403, message: 'Access Denied' },
  NoSuchBucket: { status: 404, message: 'The specified bucket does not exist' },
};

export class S3Store {
  private readonly buckets = new Map<string, Bucket>();

  createBucket(name: string, options: BucketOptions = {}): void {
    const bucket = this.buckets.get(name);
    if (bucket) bucket.region = options.region ?? bucket.region;
    else this.buckets.set(name, { region: options.region, keys: [], sizes: new Map() });
  }

  /** Adds keys (creating the bucket if needed); duplicates are ignored. */
  putObjects(name: string, keys: Iterable<string>): void {
    this.createBucket(name);
    const bucket = this.buckets.get(name) as Bucket;
    const added = [...new Set(keys)].sort();
    bucket.keys = mergeSortedUnique(bucket.keys, added);
  }

  /** Adds objects with their sizes in bytes (a key already there takes the new size). */
  putSizedObjects(name: string, objects: Iterable<readonly [string, number]>): void {
    const entries = [...objects];
    this.putObjects(
      name,
      entries.map(([key]) => key),
    );
    const bucket = this.buckets.get(name) as Bucket;
    for (const [key, size] of entries) bucket.sizes.set(key, size);
  }

  keyCount(name: string): number {
    return this.buckets.get(name)?.keys.length ?? 0;
  }

  get(name: string): Bucket | undefined {
    return this.buckets.get(name);
  }
}

export interface S3Context {
  readonly store: S3Store;
  readonly faults: Faults;
  readonly stats: StandInStats;
  readonly rate?: TokenBucket;
}

export interface S3Request {
  readonly method: string;
  readonly url: URL;
  readonly headers: Record<string, string | string[] | undefined>;
}

export function handleS3(req: S3Request, ctx: S3Context): WireResponse {
  const [bucketName = '', ...rest] = req.url.pathname.replace(/^\//, '').split('/').map(decodeURIComponent);
  const params = req.url.searchParams;
  if (req.method !== 'GET' || bucketName === '' || rest.join('') !== '' || params.get('list-type') !== '2') {
    throw new ServiceError(
      501,
      'NotImplemented',
      `the stand-in serves only ListObjectsV2 (got ${req.method} ${req.url.pathname})`,
    );
  }
  bump(ctx.stats.calls, 'ListObjectsV2');
  const prefix = params.get('prefix') ?? '';
  const bucket = ctx.store.get(bucketName);
  const region = signingRegion(headerValue(req.headers.authorization));
  if (bucket?.region && region && region !== bucket.region) {
    ctx.stats.redirects += 1;
    throw new ServiceError(
      301,
      'PermanentRedirect',
      'The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.',
      { Bucket: bucketName, Endpoint: `${bucketName}.s3.${bucket.region}.amazonaws.com` },
      { 'x-amz-bucket-region': bucket.region },
    );
  }
  if (ctx.faults.isThrottled('ListObjectsV2') || (ctx.rate && !ctx.rate.tryTake())) {
    bump(ctx.stats.throttled, 'ListObjectsV2');
    throw s3Error('SlowDown');
  }
  const injected = ctx.faults.takeS3Error(bucketName, prefix);
  if (injected) {
    bump(injected === 'SlowDown' ? ctx.stats.throttled : ctx.stats.errors, 'ListObjectsV2');
    throw s3Error(injected);
  }
  if (!bucket) {
    bump(ctx.stats.errors, 'ListObjectsV2');
    throw new ServiceError(404, 'NoSuchBucket', S3_ERRORS.NoSuchBucket.message, { BucketName: bucketName });
  }
  return listObjectsV2(bucketName, bucket, params);
}

function s3Error(code: S3ErrorCode): ServiceError {
  return new ServiceError(S3_ERRORS[code].status, code, S3_ERRORS[code].message);
}

function listObjectsV2(name: string, bucket: Bucket, params: URLSearchParams): WireResponse {
  const prefix = params.get('prefix') ?? '';
  const delimiter = params.get('delimiter') ?? '';
  const maxKeysParam = params.get('max-keys');
  const maxKeys = maxKeysParam === null ? 1000 : Number(maxKeysParam);
  if (!Number.isInteger(maxKeys) || maxKeys < 0) {
    throw new ServiceError(
      400,
      'InvalidArgument',
      'Provided max-keys not an integer or within integer range',
    );
  }
  const token = params.get('continuation-token');
  const startAfter = params.get('start-after');
  const resume =
    token !== null
      ? decodeToken(token)
      : startAfter !== null
        ? { marker: startAfter, isPrefix: false }
        : undefined;
  // encoding-type=url is not honoured: keys are returned verbatim (the SDK does not ask for it).
  const page = listPage(bucket.keys, prefix, delimiter, Math.min(maxKeys, 1000), resume);

  const xml: string[] = ['<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'];
  xml.push(`<Name>${xmlEscape(name)}</Name><Prefix>${xmlEscape(prefix)}</Prefix>`);
  if (delimiter) xml.push(`<Delimiter>${xmlEscape(delimiter)}</Delimiter>`);
  xml.push(
    `<MaxKeys>${maxKeys}</MaxKeys><KeyCount>${page.contents.length + page.prefixes.length}</KeyCount>`,
  );
  xml.push(`<IsTruncated>${page.truncated}</IsTruncated>`);
  if (token !== null) xml.push(`<ContinuationToken>${xmlEscape(token)}</ContinuationToken>`);
  if (page.truncated && page.last)
    xml.push(`<NextContinuationToken>${encodeToken(page.last)}</NextContinuationToken>`);
  if (startAfter !== null) xml.push(`<StartAfter>${xmlEscape(startAfter)}</StartAfter>`);
  for (const key of page.contents) {
    xml.push(
      `<Contents><Key>${xmlEscape(key)}</Key><LastModified>2024-01-01T00:00:00.000Z</LastModified>` +
        `<ETag>&quot;d41d8cd98f00b204e9800998ecf8427e&quot;</ETag><Size>${bucket.sizes.get(key) ?? 0}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
    );
  }
  for (const p of page.prefixes)
    xml.push(`<CommonPrefixes><Prefix>${xmlEscape(p)}</Prefix></CommonPrefixes>`);
  xml.push('</ListBucketResult>');
  return xmlResponse(xml.join(''), bucket.region ? { 'x-amz-bucket-region': bucket.region } : {});
}

/** Where the previous page stopped: after a key, or after every key under a common prefix. */
interface Marker {
  readonly marker: string;
  readonly isPrefix: boolean;
}

interface Page {
  contents: string[];
  prefixes: string[];
  truncated: boolean;
  last?: Marker;
}

/** One ListObjectsV2 page: keys and common prefixes interleaved in key order, at most maxKeys of both. */
export function listPage(
  keys: readonly string[],
  prefix: string,
  delimiter: string,
  maxKeys: number,
  resume?: Marker,
): Page {
  let i = lowerBound(keys, prefix);
  if (resume)
    i = Math.max(i, resume.isPrefix ? endOfPrefix(keys, resume.marker) : upperBound(keys, resume.marker));
  const page: Page = { contents: [], prefixes: [], truncated: false };
  while (i < keys.length && keys[i].startsWith(prefix)) {
    if (page.contents.length + page.prefixes.length >= maxKeys) {
      page.truncated = true;
      break;
    }
    const key = keys[i];
    const cut = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
    if (cut >= 0) {
      const common = key.slice(0, cut + delimiter.length);
      page.prefixes.push(common);
      page.last = { marker: common, isPrefix: true };
      i = endOfPrefix(keys, common, i);
    } else {
      page.contents.push(key);
      page.last = { marker: key, isPrefix: false };
      i += 1;
    }
  }
  return page;
}

/** First index whose key is >= target. */
function lowerBound(keys: readonly string[], target: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose key is > target. */
function upperBound(keys: readonly string[], target: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] <= target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index at or after `from` past every key that starts with `prefix` (keys with it are contiguous). */
function endOfPrefix(keys: readonly string[], prefix: string, from = lowerBound(keys, prefix)): number {
  let lo = from;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] < prefix || keys[mid].startsWith(prefix)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function encodeToken(m: Marker): string {
  return Buffer.from(`${m.isPrefix ? 'P' : 'K'}${m.marker}`, 'utf8').toString('base64');
}

function decodeToken(token: string): Marker {
  const raw = Buffer.from(token, 'base64').toString('utf8');
  if (raw[0] !== 'P' && raw[0] !== 'K') {
    throw new ServiceError(400, 'InvalidArgument', 'The continuation token provided is incorrect');
  }
  return { marker: raw.slice(1), isPrefix: raw[0] === 'P' };
}

function mergeSortedUnique(a: readonly string[], b: readonly string[]): string[] {
  if (a.length === 0) return [...b];
  const out: string[] = new Array<string>();
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i] < b[j])) out.push(a[i++]);
    else if (i >= a.length || b[j] < a[i]) out.push(b[j++]);
    else {
      out.push(a[i++]);
      j += 1;
    }
  }
  return out;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
