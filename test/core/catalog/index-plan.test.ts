import {
  indexKeysFor,
  indexPhysicalId,
  indexToDelete,
  isFailedCreate,
  isIndexBusy,
  planIndex,
} from '../../../lambda/core/catalog/index-plan';
import type { PartitionIndexSummary } from '../../../lambda/core/shared/ports';

const index = (
  name: string,
  keys: string[],
  status = 'ACTIVE',
  errors: string[] = [],
): PartitionIndexSummary => ({
  name,
  keys,
  status,
  errors,
});

describe('the partition index plan', () => {
  it("indexes a table's time keys, year first, for the three key sets the project supports", () => {
    // GIVEN the key sets docs/deploy.md lists for an existing table
    expect(indexKeysFor(['account', 'region', 'year', 'month', 'day'])).toEqual(['year', 'month', 'day']);
    expect(indexKeysFor(['account', 'region', 'year', 'month'])).toEqual(['year', 'month']);
    expect(indexKeysFor(['region', 'year', 'month', 'day'])).toEqual(['year', 'month', 'day']);
    // AND a table without them is refused, naming its keys
    expect(() => indexKeysFor(['dt'])).toThrow(/partition keys \(dt\) have no year and month/);
  });

  it('creates the index when the table has none, named after its keys', () => {
    const plan = planIndex([], ['year', 'month', 'day']);
    expect(plan).toEqual({ action: 'create', name: 'year_month_day', keys: ['year', 'month', 'day'] });
    expect(indexPhysicalId(plan)).toBe('year_month_day');
    expect(indexToDelete(indexPhysicalId(plan))).toBe('year_month_day');
  });

  it('adopts an index on the same keys, under any name, and never deletes it', () => {
    const plan = planIndex(
      [index('made_by_hand', ['year', 'month', 'day'], 'FAILED')],
      ['year', 'month', 'day'],
    );
    expect(plan).toEqual({ action: 'adopt', name: 'made_by_hand', status: 'FAILED' });
    expect(indexToDelete(indexPhysicalId(plan))).toBeUndefined();
  });

  it("says why not when the table already has Glue's three indexes", () => {
    const full = [index('a', ['account']), index('b', ['region']), index('c', ['account', 'region'])];
    const plan = planIndex(full, ['year', 'month']);
    expect(plan.action).toBe('skip');
    expect(plan.action === 'skip' && plan.reason).toMatch(/already has 3 partition indexes \(a, b, c\)/);
    expect(indexToDelete(indexPhysicalId(plan))).toBeUndefined();
  });

  it('deletes nothing for a resource whose Create failed', () => {
    // GIVEN the physical ID the handler answers a failed Create with (CloudFormation request IDs are UUIDs)
    const failed = 'failed-0d1c2b3a-aaaa-bbbb-cccc-0123456789ab';
    // WHEN its rollback's Delete asks what to remove
    // THEN nothing: the Create made no index
    expect(isFailedCreate(failed)).toBe(true);
    expect(indexToDelete(failed)).toBeUndefined();
    // AND an index name this resource makes is never mistaken for one
    expect(isFailedCreate(indexPhysicalId(planIndex([], ['year', 'month'])))).toBe(false);
  });

  it('treats an index being created or deleted as a busy table', () => {
    expect(isIndexBusy([index('a', ['year'], 'CREATING')])).toBe(true);
    expect(isIndexBusy([index('a', ['year'], 'DELETING')])).toBe(true);
    expect(isIndexBusy([index('a', ['year'], 'ACTIVE'), index('b', ['month'], 'FAILED')])).toBe(false);
  });
});
