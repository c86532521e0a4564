/**
 * What the stack's partition-index resource does with a table (lambda/deploy-resources.ts runs
 * it): index the table's time keys, adopt an index that already has them, and never delete an
 * index it did not create. Pure: Glue's answers come in, a decision goes out.
 */
import type { PartitionIndexSummary } from '../shared/ports';

/** Glue allows at most 3 partition indexes per table. */
export const MAX_INDEXES_PER_TABLE = 3;

/** Physical-ID prefix of an index the resource found and adopted: its delete leaves it alone. */
export const ADOPTED_PREFIX = 'existing:';

/**
 * Physical-ID prefix of a resource whose Create failed: it made nothing, so its rollback Delete
 * (or a later Update) must call nothing either. Index names are `year_month[_day]`: never this.
 */
export const FAILED_CREATE_PREFIX = 'failed-';

/** Whether a physical ID is that of a resource whose Create failed. */
export function isFailedCreate(physicalId: string | undefined): boolean {
  return physicalId?.startsWith(FAILED_CREATE_PREFIX) ?? false;
}

/**
 * The keys to index: the table's `year`, `month` and `day` keys, in that order. Every query and
 * catalog read of this project filters on them with `year` first (AND-able expressions, issue 17).
 */
export function indexKeysFor(tableKeys: readonly string[]): string[] {
  const keys = ['year', 'month', 'day'].filter((key) => tableKeys.includes(key));
  if (!keys.includes('year') || !keys.includes('month'))
    throw new Error(
      `cannot index the table: its partition keys (${tableKeys.join(', ') || 'none'}) have no year and month; expected the keys of a CloudTrail table made by this project`,
    );
  return keys;
}

export type IndexPlan =
  | { readonly action: 'create'; readonly name: string; readonly keys: readonly string[] }
  | { readonly action: 'adopt'; readonly name: string; readonly status: string }
  | { readonly action: 'skip'; readonly reason: string };

/** Create the index unless one with the same keys exists (adopted) or the table has no room left. */
export function planIndex(
  existing: readonly PartitionIndexSummary[],
  keys: readonly string[],
  name: string = keys.join('_'),
): IndexPlan {
  const same = existing.find((index) => index.name === name || index.keys.join(',') === keys.join(','));
  if (same) return { action: 'adopt', name: same.name, status: same.status };
  if (existing.length >= MAX_INDEXES_PER_TABLE)
    return {
      action: 'skip',
      reason:
        `the table already has ${existing.length} partition indexes (${existing.map((i) => i.name).join(', ')}), ` +
        `Glue's maximum, none on ${keys.join(', ')}: delete one, then deploy again or run aws glue create-partition-index`,
    };
  return { action: 'create', name, keys };
}

/** The physical ID of a planned index: what a later delete decides on. */
export function indexPhysicalId(plan: IndexPlan): string {
  if (plan.action === 'skip') return `${ADOPTED_PREFIX}none`;
  return plan.action === 'adopt' ? `${ADOPTED_PREFIX}${plan.name}` : plan.name;
}

/** The index a delete must remove, or undefined when the resource never created one. */
export function indexToDelete(physicalId: string | undefined): string | undefined {
  if (!physicalId || physicalId.startsWith(ADOPTED_PREFIX) || isFailedCreate(physicalId)) return undefined;
  return physicalId;
}

/** Glue refuses a second index change on a table while one is CREATING or DELETING. */
export function isIndexBusy(indexes: readonly PartitionIndexSummary[]): boolean {
  return indexes.some((index) => index.status === 'CREATING' || index.status === 'DELETING');
}
