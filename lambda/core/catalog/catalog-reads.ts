/**
 * The one catalog read retention and the size estimate need: partition values by a Glue
 * `GetPartitions` expression. A port of its own (not on {@link CatalogPort}) so it stays
 * optional: a caller that never drops (a plain `cli plan`) never needs Glue read rights for it.
 */
export interface PartitionValuesPage {
  /** Each partition's values, in the table's partition-key order. */
  readonly values: readonly (readonly string[])[];
  /** True when more partitions matched than `limit`. */
  readonly more: boolean;
}

export interface PartitionValuesPort {
  /** Values of at most `limit` partitions matching `expression` (every page followed up to `limit`). */
  listPartitionValues(
    database: string,
    table: string,
    expression: string,
    limit: number,
  ): Promise<PartitionValuesPage>;
}

/** Where the trail bucket's lifecycle expires the logs: days, or undefined when nothing expires them. */
export interface LifecyclePort {
  /** Days after which the lifecycle expires objects under `prefix`; undefined when no rule does. */
  logExpirationDays(prefix: string): Promise<number | undefined>;
}
