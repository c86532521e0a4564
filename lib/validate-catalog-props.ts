/**
 * Validation of the catalog-size settings (retention, the Glue quota the size alarm compares
 * with, the created table's granularity), apart from validate-props.ts to keep both short.
 */
import { show } from '../lambda/core/shared/names';
import type { PartitionGranularity } from './cloudtrail-schema';
import type { CloudTrailPartitionerProps } from './partitioner-props';

/** Glue's default quota of partitions per table. */
export const DEFAULT_GLUE_MAX_PARTITIONS_PER_TABLE = 10_000_000;

/** What validate-props' collector offers: errors are gathered, not thrown one by one. */
export interface PropErrors {
  add(error: string | undefined): void;
  integer(name: string, value: number | undefined, fallback: number, min: number, max: number): number;
}

export interface CatalogSettings {
  readonly retentionDays?: number;
  readonly glueMaxPartitionsPerTable: number;
  readonly partitionGranularity: PartitionGranularity;
}

export function resolveCatalogSettings(props: CloudTrailPartitionerProps, c: PropErrors): CatalogSettings {
  const granularity = props.partitionGranularity ?? 'day';
  if (granularity !== 'day' && granularity !== 'month') {
    c.add(`invalid partitionGranularity ${show(granularity)}: expected 'day' or 'month'`);
  }
  return {
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
