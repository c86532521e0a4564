/**
 * Object sizes under S3 prefixes, for `query`'s cost estimate: ListObjectsV2 pages summed,
 * within a given number of calls. Thin: paging and the sum only.
 */
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { PrefixSize } from '../core/query/cost';

export class S3Sizes {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  /** The bytes of every object under `prefix`, listing at most `maxCalls` pages of 1,000 keys. */
  async prefixSize(prefix: string, maxCalls: number): Promise<PrefixSize> {
    let bytes = 0;
    let calls = 0;
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix,
          ...(token ? { ContinuationToken: token } : {}),
        }),
      );
      calls++;
      for (const object of page.Contents ?? []) bytes += object.Size ?? 0;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined && calls < maxCalls);
    return { bytes, calls, complete: token === undefined };
  }

  /** The names one level under `prefix` (`111122223333` under `AWSLogs/`), at most `maxCalls` pages. */
  async childNames(prefix: string, maxCalls: number): Promise<{ names: string[]; calls: number }> {
    const names: string[] = [];
    let calls = 0;
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix,
          Delimiter: '/',
          ...(token ? { ContinuationToken: token } : {}),
        }),
      );
      calls++;
      for (const common of page.CommonPrefixes ?? [])
        if (common.Prefix) names.push(common.Prefix.slice(prefix.length).replace(/\/$/, ''));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined && calls < maxCalls);
    return { names, calls };
  }
}
