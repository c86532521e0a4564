/**
 * The table's Glue partition indexes, judged: a FAILED backfill (Glue stops using the index and
 * every query lists all partitions again), an index still being built, or none at all (a table
 * made elsewhere and managed with `createTable=false`). Pure: the scheduled run logs the verdict.
 */
export interface PartitionIndexState {
  readonly name: string;
  readonly keys: readonly string[];
  /** Glue's IndexStatus: CREATING, ACTIVE, DELETING or FAILED. */
  readonly status: string;
  /** Glue's BackfillErrors, as `code: partitions` lines. */
  readonly errors: readonly string[];
}

export interface IndexVerdict {
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
}

/** The one log message the dashboard's index widget filters on. */
export const INDEX_LOG_MESSAGE = 'partition index';

export function indexVerdict(
  indexes: readonly PartitionIndexState[],
  table: { readonly database: string; readonly table: string; readonly keys: readonly string[] },
): IndexVerdict {
  const failed = indexes.filter((index) => index.status === 'FAILED');
  if (failed.length > 0) {
    const detail = failed.map((index) => `${index.name}: ${index.errors.join('; ') || 'no error given'}`);
    return {
      level: 'error',
      message: `partition index backfill FAILED (${detail.join(' | ')}): Glue no longer uses it, so reads list every partition; fix the partitions named, then delete and recreate the index`,
    };
  }
  const time = table.keys.filter((key) => ['year', 'month', 'day'].includes(key));
  if (indexes.length === 0) {
    const name = time.join('_');
    return {
      level: 'warn',
      message:
        `${table.database}.${table.table} has no partition index, so Athena and the audit list every partition; ` +
        `a deploy creates it (the stack's PartitionIndex resource; the deploy handler's log says why it did not), or create it once: aws glue create-partition-index ` +
        `--database-name ${table.database} --table-name ${table.table} --partition-index Keys=${time.join(',')},IndexName=${name}`,
    };
  }
  const building = indexes.filter((index) => index.status !== 'ACTIVE');
  if (building.length > 0)
    return {
      level: 'info',
      message: `partition index ${building.map((i) => `${i.name} ${i.status}`).join(', ')}: Glue uses it once ACTIVE`,
    };
  return { level: 'info', message: `partition index ${indexes.map((i) => i.name).join(', ')} ACTIVE` };
}
