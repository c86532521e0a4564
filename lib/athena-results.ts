import { Duration, Names, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DEFAULT_BYTES_SCANNED_CUTOFF, MIN_BYTES_SCANNED_CUTOFF } from './validate-props';

export interface AthenaResultsProps {
  /**
   * Days query results are kept before S3 expires them. Results of the partitioner's DDL
   * statements are a few bytes of metadata nobody reads again.
   * @default 30
   */
  readonly resultsRetentionDays?: number;
  /**
   * Per-query data usage control of the workgroup: Athena cancels any query that scans more.
   *
   * The partitioner only runs `ALTER TABLE ... ADD PARTITION`, which scans nothing, so the
   * cutoff exists for people who reuse this workgroup to query the table. 10 GiB stops the
   * runaway case (a query without partition filters reads the whole trail, 200 GB and more)
   * after a twentieth of it, caps an accident at about $0.05 at $5 per TB, and is still far
   * above what a partition-pruned query over an account, a region and a few weeks reads.
   * Athena's minimum is 10 MB.
   * @default 10 GiB (10737418240)
   */
  readonly bytesScannedCutoffPerQueryBytes?: number;
  /**
   * Workgroup name.
   * @default - a name unique to this construct
   */
  readonly workGroupName?: string;
  /**
   * Bucket receiving S3 server access logs of the results bucket.
   * @default - no server access logs; see the acknowledgement of AwsSolutions-S1
   */
  readonly accessLogsBucket?: s3.IBucket;
}

/**
 * The Athena workgroup the partitioner runs its statements in, and the bucket its results go to.
 *
 * Encryption is SSE-S3, deliberately not SSE-KMS: the objects are Athena result files that
 * expire, every reader already needs IAM access to this bucket, and SSE-S3 spares each user
 * of the workgroup a KMS grant and the stack a key. Versioning is off because results are
 * recomputable and short-lived; versions would only keep expired results around longer.
 * The bucket is retained on stack deletion because people may have downloaded links to
 * results, and because it holds the columnar copy's data under `columnar/`; its lifecycle rule
 * expires `results/` only, so the copy is kept like the raw logs.
 */
export class AthenaResults extends Construct {
  /** Prefix under which the workgroup writes results; ends with '/'. */
  public static readonly OUTPUT_PREFIX = 'results/';
  /** Prefix of the columnar copy's data (lib/columnar-copy.ts): never expired. */
  public static readonly COLUMNAR_PREFIX = 'columnar/';

  public readonly bucket: s3.Bucket;
  public readonly workGroup: athena.CfnWorkGroup;
  public readonly workGroupName: string;
  public readonly workGroupArn: string;
  /** `s3://BUCKET/results/`. */
  public readonly outputLocation: string;

  constructor(scope: Construct, id: string, props: AthenaResultsProps = {}) {
    super(scope, id);
    const retentionDays = props.resultsRetentionDays ?? 30;
    const cutoff = props.bytesScannedCutoffPerQueryBytes ?? DEFAULT_BYTES_SCANNED_CUTOFF;
    if (!Number.isSafeInteger(retentionDays) || retentionDays < 1) {
      throw new Error(`invalid resultsRetentionDays ${retentionDays}: expected a positive integer`);
    }
    if (!Number.isSafeInteger(cutoff) || cutoff < MIN_BYTES_SCANNED_CUTOFF) {
      throw new Error(
        `invalid bytesScannedCutoffPerQueryBytes ${cutoff}: expected an integer of at least ${MIN_BYTES_SCANNED_CUTOFF} (10 MB)`,
      );
    }
    const stack = Stack.of(this);

    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: false,
      removalPolicy: RemovalPolicy.RETAIN,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: props.accessLogsBucket ? 'athena-results/' : undefined,
      lifecycleRules: [
        {
          id: 'ExpireQueryResults',
          // Only the workgroup's results expire: the columnar copy (`columnar/`) is kept.
          prefix: AthenaResults.OUTPUT_PREFIX,
          expiration: Duration.days(retentionDays),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
        {
          id: 'AbortColumnarUploads',
          prefix: AthenaResults.COLUMNAR_PREFIX,
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
    });
    if (!props.accessLogsBucket) {
      Validations.of(this.bucket).acknowledge({
        id: 'AwsSolutions-S1',
        reason:
          'Holds only Athena query results, which expire; Athena writes them for callers whose StartQueryExecution and GetQueryResults calls CloudTrail already records with their identity. Pass accessLogsBucket to log direct object access too.',
      });
    }

    this.workGroupName =
      props.workGroupName ?? Names.uniqueResourceName(this, { maxLength: 128, separator: '-' });
    this.outputLocation = `s3://${this.bucket.bucketName}/${AthenaResults.OUTPUT_PREFIX}`;
    this.workGroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: this.workGroupName,
      description: 'CloudTrail partitioner: ALTER TABLE ADD PARTITION statements',
      state: 'ENABLED',
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: cutoff,
        requesterPaysEnabled: false,
        resultConfiguration: {
          outputLocation: this.outputLocation,
          expectedBucketOwner: stack.account,
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
        },
      },
    });
    this.workGroupArn = stack.formatArn({
      service: 'athena',
      resource: 'workgroup',
      resourceName: this.workGroupName,
    });
  }
}
