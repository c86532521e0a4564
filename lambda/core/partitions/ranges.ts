/**
 * Describes a set of partitions compactly as account/region day ranges, so a report can say
 * exactly what was not done without holding a million partition objects.
 */
import { parseIsoDate } from '../shared/dates';
import type { PartitionSpec } from './ddl';

export interface PartitionRange {
  readonly account: string;
  readonly region: string;
  readonly from: string;
  readonly to: string;
}

interface OpenRange {
  account: string;
  region: string;
  from: string;
  to: string;
  toDay: number;
}

export class RangeCollector {
  private readonly ranges: OpenRange[] = [];
  private readonly last = new Map<string, OpenRange>();
  count = 0;

  add(partition: PartitionSpec): void {
    this.count++;
    const date = `${partition.year}-${partition.month}-${partition.day}`;
    const day = parseIsoDate(date) ?? Number.NaN;
    const key = `${partition.account}/${partition.region}`;
    const open = this.last.get(key);
    if (open && day === open.toDay + 1) {
      open.to = date;
      open.toDay = day;
      return;
    }
    const range = { account: partition.account, region: partition.region, from: date, to: date, toDay: day };
    this.ranges.push(range);
    this.last.set(key, range);
  }

  addAll(partitions: Iterable<PartitionSpec>): this {
    for (const partition of partitions) this.add(partition);
    return this;
  }

  list(): PartitionRange[] {
    return this.ranges.map(({ account, region, from, to }) => ({ account, region, from, to }));
  }
}
