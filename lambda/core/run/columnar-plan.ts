/**
 * The statements of one conversion pass and what their outcomes mean per day. Pure: sizes come
 * in as numbers, outcomes as statuses. A day counts as converted only when every statement of
 * it succeeded; it failed when any statement failed; otherwise (not started before the deadline,
 * or still running at it) it is pending and the next run converts it again, which the MERGE makes
 * harmless.
 */
import type { Statement } from '../partitions/ddl';
import type { PartitionScheme } from '../partitions/scheme';
import { type EpochDay } from '../shared/dates';
import type { OutcomeStatus } from '../submit/submit';
import { renderConversion, type AccountRange } from '../columnar/statements';
import { accountRanges, type AccountBytes } from '../columnar/sizing';
import type { ColumnarTable } from '../columnar/table';
import { conversionFilter } from '../query/columnar-source';

/** A conversion statement and the day it belongs to. */
export interface ConversionStatement extends Statement {
  readonly day: EpochDay;
  readonly accounts?: AccountRange;
}

export interface ConversionPlanInput {
  readonly table: ColumnarTable;
  readonly scheme: PartitionScheme;
  readonly lateDays: number;
  /** Days to convert, oldest first. */
  readonly days: readonly EpochDay[];
  /** Raw bytes per account for each day's read (days D … D + lateDays); absent: one statement per day. */
  readonly sizes?: ReadonlyMap<EpochDay, readonly AccountBytes[]>;
  readonly budgetBytes: number;
}

/** Every statement of the pass, in day order; indexes run across days. */
export function conversionStatements(input: ConversionPlanInput): ConversionStatement[] {
  const out: ConversionStatement[] = [];
  for (const day of input.days) {
    const sizes = input.sizes?.get(day) ?? [];
    // One account (or a table without an account key) cannot be split: one statement.
    const ranges: (AccountRange | undefined)[] =
      input.table.accountKey && sizes.length > 1 ? accountRanges(sizes, input.budgetBytes) : [undefined];
    for (const accounts of ranges) {
      const sql = renderConversion({
        table: input.table,
        day,
        rawPartitionFilter: conversionFilter(input.scheme, day, input.lateDays),
        ...(accounts && ranges.length > 1 ? { accounts } : {}),
      });
      out.push({
        index: out.length,
        sql,
        bytes: Buffer.byteLength(sql, 'utf8'),
        partitions: [],
        day,
        ...(accounts && ranges.length > 1 ? { accounts } : {}),
      });
    }
  }
  return out;
}

export interface DayOutcomes {
  /** Every statement succeeded. */
  readonly converted: EpochDay[];
  /** At least one statement failed. */
  readonly failed: EpochDay[];
  /** Neither: a statement not started or still running at the deadline. */
  readonly pending: EpochDay[];
}

/** Folds statement outcomes into days. A statement without an outcome counts as not started. */
export function dayOutcomes(
  statements: readonly ConversionStatement[],
  outcomes: ReadonlyMap<number, OutcomeStatus>,
): DayOutcomes {
  const byDay = new Map<EpochDay, OutcomeStatus[]>();
  for (const statement of statements) {
    const list = byDay.get(statement.day) ?? [];
    list.push(outcomes.get(statement.index) ?? 'not-submitted');
    byDay.set(statement.day, list);
  }
  const result: DayOutcomes = { converted: [], failed: [], pending: [] };
  for (const [day, statuses] of [...byDay].sort(([a], [b]) => a - b)) {
    if (statuses.every((s) => s === 'succeeded')) result.converted.push(day);
    else if (statuses.includes('failed')) result.failed.push(day);
    else result.pending.push(day);
  }
  return result;
}
