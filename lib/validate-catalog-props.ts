/**
 * Validation of the catalog-size settings (retention, the Glue quota the size alarm compares
 * with, the created table's granularity), apart from validate-props.ts to keep both short.
 */
import { show } from '../lambda/core/shared/names';
import type { PartitionGranularity } from '../lambda/core/shared/cloudtrail-schema';
import type { CloudTrailPartitionerProps } from './partitioner-props';

/** Glue's default quota of partitions per table. */
export const DEFAULT_GLUE_MAX_PARTITIONS_PER_TABLE = 10_000_000;

/** What validate-props' collector offers: errors are gathered, not thrown one by one. */
export interface PropErrors {
  add(error: string | undefined): void;
  integer(name: string, value: number | undefined, fallback: number, min: number, max: number): number;
}

/**
 * A KMS key ARN: IAM grants use of a key only through its key ARN (key ID a UUID, or `mrk-` and
 * 32 hex digits for a multi-Region key), never through an alias ARN.
 */
const KMS_KEY_ARN =
  /^arn:aws(-cn|-us-gov|-iso|-iso-[a-z])?:kms:[a-z]{2}(-[a-z]+)+-\d:\d{12}:key\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;

/** Undefined when `value` is a usable KMS key ARN, else the error that says what is expected. */
export function checkKmsKeyArn(value: unknown): string | undefined {
  if (typeof value === 'string' && KMS_KEY_ARN.test(value)) return undefined;
  const alias =
    typeof value === 'string' && /:alias\//.test(value)
      ? ' (an alias ARN grants nothing: give the ARN of the key it points to)'
      : '';
  return `invalid glueCatalogKmsKeyArn ${show(value)}: expected a KMS key ARN such as arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab${alias}`;
}

export interface CatalogSettings {
  /** Key ARN the Glue Data Catalog is encrypted with; undefined when not set. */
  readonly glueCatalogKmsKeyArn?: string;
  readonly retentionDays?: number;
  readonly glueMaxPartitionsPerTable: number;
  readonly partitionGranularity: PartitionGranularity;
}

export function resolveCatalogSettings(props: CloudTrailPartitionerProps, c: PropErrors): CatalogSettings {
  const granularity = props.partitionGranularity ?? 'day';
  if (granularity !== 'day' && granularity !== 'month') {
    c.add(`invalid partitionGranularity ${show(granularity)}: expected 'day' or 'month'`);
  }
  const keyArn = props.glueCatalogKmsKeyArn === '' ? undefined : props.glueCatalogKmsKeyArn;
  if (keyArn !== undefined) c.add(checkKmsKeyArn(keyArn));
  return {
    ...(keyArn === undefined ? {} : { glueCatalogKmsKeyArn: keyArn }),
    ...(props.retentionDays === undefined
      ? {}
      : { retentionDays: c.integer('retentionDays', props.retentionDays, 1, 1, 7305) }),
    glueMaxPartitionsPerTable: c.integer(
      'glueMaxPartitionsPerTable',
      props.glueMaxPartitionsPerTable,
      DEFAULT_GLUE_MAX_PARTITIONS_PER_TABLE,
      1000,
      100_000_000,
    ),
    partitionGranularity: granularity === 'month' ? 'month' : 'day',
  };
}
