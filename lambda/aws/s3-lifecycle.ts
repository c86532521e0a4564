/**
 * LifecyclePort over S3 GetBucketLifecycleConfiguration: the days after which an enabled rule
 * expires current objects under the logs root. A bucket without a lifecycle expires nothing.
 */
import { GetBucketLifecycleConfigurationCommand, type S3Client } from '@aws-sdk/client-s3';
import type { LifecyclePort } from '../core/catalog/catalog-reads';
import { type LifecycleRuleView, logExpirationDays } from '../core/catalog/lifecycle';
import { PortError } from '../core/shared/ports';
import { sdkErrorInfo } from './clients';

export class S3Lifecycle implements LifecyclePort {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async logExpirationDays(prefix: string): Promise<number | undefined> {
    let rules: LifecycleRuleView[];
    try {
      const out = await this.client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: this.bucket }));
      rules = (out.Rules ?? []).map((rule) => ({
        enabled: rule.Status === 'Enabled',
        prefix: rule.Filter?.Prefix ?? rule.Filter?.And?.Prefix ?? rule.Prefix ?? '',
        // Tag or size filters expire only some objects: such a rule says nothing about all logs.
        narrowed: Boolean(
          rule.Filter?.Tag ||
          rule.Filter?.And?.Tags?.length ||
          rule.Filter?.ObjectSizeGreaterThan !== undefined ||
          rule.Filter?.ObjectSizeLessThan !== undefined ||
          rule.Filter?.And?.ObjectSizeGreaterThan !== undefined ||
          rule.Filter?.And?.ObjectSizeLessThan !== undefined,
        ),
        expirationDays: rule.Expiration?.Days,
      }));
    } catch (error) {
      const info = sdkErrorInfo(error);
      if (info.code === 'NoSuchLifecycleConfiguration') return undefined;
      throw new PortError(
        info.code === 'AccessDenied' || info.status === 403 ? 'access-denied' : 'fatal',
        `s3 GetBucketLifecycleConfiguration ${this.bucket} failed: ${info.code}: ${info.message}`,
        info.code,
      );
    }
    return logExpirationDays(rules, prefix);
  }
}
