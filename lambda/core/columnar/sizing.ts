/**
 * How many statements convert one day. The copy is partitioned by day, so a conversion writes
 * one Iceberg partition (Athena's limit is 100 per statement); what bounds a statement is
 * Athena's 30-minute DML timeout. An organization's day is split into account ranges whose raw
 * bytes (days D … D + lateDays, from the listing) stay under a budget that Athena reads well
 * inside the timeout:
 *
 *   budget 40 GiB of gzipped JSON per statement; at a conservative 50 MiB/s of gzipped JSON
 *   read and parsed per statement, 40 GiB takes 40 × 1024 / 50 ≈ 820 s ≈ 14 min, under half
 *   the 30-minute timeout, leaving room for the MERGE's write and a slow day.
 *
 * An account larger than the budget on its own gets a range of its own (it cannot be split
 * further by account; docs/columnar-copy.md says what to do then).
 */
import { ACCOUNT_ID } from '../shared/names';
import { ColumnarError } from './table';
import type { AccountRange } from './statements';

export const DEFAULT_STATEMENT_BUDGET_BYTES = 40 * 1024 ** 3;
/** Athena's DML query timeout (service quota, not adjustable above it). */
export const DML_TIMEOUT_MINUTES = 30;

export interface AccountBytes {
  readonly account: string;
  /** Raw bytes this conversion would read for the account. */
  readonly bytes: number;
}

/** Consecutive account ranges, each under the budget (or one account alone), covering every account. */
export function accountRanges(
  accounts: readonly AccountBytes[],
  budgetBytes: number = DEFAULT_STATEMENT_BUDGET_BYTES,
): AccountRange[] {
  if (!(budgetBytes > 0))
    throw new ColumnarError(`invalid statement budget ${budgetBytes}: expected bytes > 0`);
  const bad = accounts.find((a) => !ACCOUNT_ID.test(a.account) || !(a.bytes >= 0));
  if (bad)
    throw new ColumnarError(
      `invalid account size ${bad.account}=${bad.bytes}: expected 12 digits and bytes >= 0`,
    );
  const sorted = [...accounts].sort((a, b) => (a.account < b.account ? -1 : a.account > b.account ? 1 : 0));
  const ranges: AccountRange[] = [];
  let current: { first: string; last: string; bytes: number } | undefined;
  for (const { account, bytes } of sorted) {
    if (current && current.bytes + bytes <= budgetBytes) {
      current = { ...current, last: account, bytes: current.bytes + bytes };
      continue;
    }
    if (current) ranges.push({ first: current.first, last: current.last });
    current = { first: account, last: account, bytes };
  }
  if (current) ranges.push({ first: current.first, last: current.last });
  // Ranges tile the whole ID space (each ends just before the next begins, the first starts at
  // 000000000000, the last ends at 999999999999), so an account that appears between listing and
  // conversion is still converted by some range.
  return ranges.map((range, i) => ({
    first: i === 0 ? '000000000000' : range.first,
    last:
      i === ranges.length - 1 ? '999999999999' : String(Number(ranges[i + 1].first) - 1).padStart(12, '0'),
  }));
}
