/** S3ListingPort over ListObjectsV2. Thin: listing and error classification only. */
import { ListObjectsV2Command, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { bucketPolicyHint } from '../core/run/hints';
import { PortError, type S3ListingPort } from '../core/shared/ports';
import { isTransientFault, sdkErrorInfo } from './clients';

const THROTTLE_CODES = new Set(['SlowDown', 'Throttling', 'ThrottlingException', 'RequestLimitExceeded']);

export class S3Listing implements S3ListingPort {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async listChildNames(prefix: string): Promise<string[]> {
    const names: string[] = [];
    try {
      // The paginator follows NextContinuationToken: a level can hold more than 1,000 children.
      const pages = paginateListObjectsV2(
        { client: this.client },
        { Bucket: this.bucket, Prefix: prefix, Delimiter: '/' },
      );
      for await (const page of pages) {
        for (const common of page.CommonPrefixes ?? []) {
          const name = childName(prefix, common.Prefix);
          if (name !== undefined) names.push(name);
        }
      }
    } catch (error) {
      throw this.classify(error, prefix);
    }
    return names;
  }

  async hasAnyObject(prefix: string): Promise<boolean> {
    try {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, MaxKeys: 1 }),
      );
      return (page.KeyCount ?? page.Contents?.length ?? 0) > 0;
    } catch (error) {
      throw this.classify(error, prefix);
    }
  }

  private classify(error: unknown, prefix: string): PortError {
    const info = sdkErrorInfo(error);
    const where = `s3://${this.bucket}/${prefix}`;
    if (info.code === 'AccessDenied' || info.status === 403) {
      return new PortError(
        'access-denied',
        `access denied listing ${where}: ${info.message}${bucketPolicyHint(this.bucket)}`,
        info.code,
      );
    }
    if (info.code === 'NoSuchBucket') {
      return new PortError('not-found', `bucket not found listing ${where}: ${info.message}`, info.code);
    }
    if (THROTTLE_CODES.has(info.code) || isTransientFault(info)) {
      return new PortError('transient', `S3 unavailable listing ${where}: ${info.message}`, info.code);
    }
    return new PortError('fatal', `S3 error listing ${where}: ${info.code}: ${info.message}`, info.code);
  }
}

/** "AWSLogs/o-1/111/" under "AWSLogs/o-1/" is "111". Empty names (from "//" in keys) are not folders we can walk. */
function childName(parent: string, commonPrefix: string | undefined): string | undefined {
  if (commonPrefix === undefined || !commonPrefix.startsWith(parent)) return undefined;
  const name = commonPrefix.slice(parent.length).replace(/\/$/, '');
  return name === '' ? undefined : name;
}
