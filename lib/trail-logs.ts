import { Stack, Token } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { accountsRootKey, makeLayout } from '../lambda/core/partitions/layout';

/** The trail bucket's ARN (S3 ARNs carry no region or account). */
export function trailBucketArn(scope: Construct, bucketName: string): string {
  return Stack.of(scope).formatArn({ service: 's3', region: '', account: '', resource: bucketName });
}

/**
 * The key prefix every log of the trail lies under, `[PREFIX/]AWSLogs/[ORGID/]`, from the same layout
 * the function walks, so IAM scopes to exactly what discovery and Athena read.
 */
export function trailLogsRoot(props: {
  readonly trailBucketName: string;
  readonly trailPrefix?: string;
  readonly orgId?: string;
}): string {
  return accountsRootKey(
    makeLayout(
      { bucket: props.trailBucketName, prefix: props.trailPrefix, orgId: props.orgId },
      { trustBucket: Token.isUnresolved(props.trailBucketName) },
    ),
  );
}
