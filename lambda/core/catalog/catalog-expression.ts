/**
 * The Glue `GetPartitions` expression that limits a catalog read to a window of days (and,
 * when short enough, to given accounts and regions), written on the table's own partition keys.
 * Zero-padded string keys compare in calendar order, so a window becomes a few ranges:
 * whole years, whole months of one year, and days of one month. Every value is validated
 * here and quoted with {@link sqlString}, so nothing a caller passes can end a literal.
 */
import { dayParts, type DayWindow, windowLength } from '../shared/dates';
import { sqlString } from '../partitions/ddl';
import { ACCOUNT_ID, REGION_NAME } from '../shared/names';
import type { PartitionScheme } from '../partitions/scheme';

/** GetPartitions' `Expression` is a PredicateString of at most 2,048 characters. */
export const MAX_EXPRESSION_CHARS = 2048;

export class ExpressionError extends Error {
  override readonly name = 'ExpressionError';
}

interface MonthSpan {
  readonly year: string;
  readonly month: string;
  readonly firstDay: string;
  readonly lastDay: string;
  /** The span covers the whole calendar month. */
  readonly whole: boolean;
}

function monthSpans(window: DayWindow, granularity: PartitionScheme['granularity']): MonthSpan[] {
  const spans: MonthSpan[] = [];
  for (let day = window.from; day <= window.to;) {
    const parts = dayParts(day);
    const first = new Date(Date.UTC(Number(parts.year), Number(parts.month) - 1, 1)).getTime() / 86_400_000;
    const next = new Date(Date.UTC(Number(parts.year), Number(parts.month), 1)).getTime() / 86_400_000;
    const last = Math.min(window.to, next - 1);
    spans.push({
      year: parts.year,
      month: parts.month,
      firstDay: parts.day,
      lastDay: dayParts(last).day,
      // Month partitions cover the whole month whatever part of it the window holds.
      whole: granularity === 'month' || (day === first && last === next - 1),
    });
    day = last + 1;
  }
  return spans;
}

const eq = (key: string, value: string): string => `${key} = ${sqlString(value)}`;
const range = (key: string, low: string, high: string): string =>
  low === high ? eq(key, low) : `${key} BETWEEN ${sqlString(low)} AND ${sqlString(high)}`;

/** Disjuncts covering exactly the window's days (or months). */
function windowTerms(window: DayWindow, granularity: PartitionScheme['granularity']): string[] {
  const spans = monthSpans(window, granularity);
  const terms: string[] = [];
  let i = 0;
  while (i < spans.length) {
    const span = spans[i];
    if (!span.whole) {
      terms.push(
        `(${eq('year', span.year)} AND ${eq('month', span.month)} AND ${range('day', span.firstDay, span.lastDay)})`,
      );
      i++;
      continue;
    }
    // A run of whole months: whole years become one year range, the rest month ranges per year.
    let j = i;
    while (j + 1 < spans.length && spans[j + 1].whole) j++;
    let k = i;
    while (k <= j) {
      const year = spans[k].year;
      let end = k;
      while (end + 1 <= j && spans[end + 1].year === year) end++;
      const wholeYear = spans[k].month === '01' && spans[end].month === '12';
      if (wholeYear) {
        let lastYear = end;
        // Merge following whole years.
        for (
          let n = end + 1;
          n + 11 <= j && spans[n].month === '01' && spans[n + 11].month === '12';
          n += 12
        ) {
          lastYear = n + 11;
        }
        terms.push(range('year', year, spans[lastYear].year));
        k = lastYear + 1;
      } else {
        terms.push(`(${eq('year', year)} AND ${range('month', spans[k].month, spans[end].month)})`);
        k = end + 1;
      }
    }
    i = j + 1;
  }
  return terms;
}

function inList(key: string, values: readonly string[], pattern: RegExp, what: string): string {
  for (const value of values) {
    if (!pattern.test(value))
      throw new ExpressionError(`invalid ${what} ${JSON.stringify(value)} for a catalog expression`);
  }
  return values.length === 1 ? eq(key, values[0]) : `${key} IN (${values.map(sqlString).join(', ')})`;
}

/**
 * The window's years as one range, put first and ANDed with the disjuncts: Glue uses a partition
 * index only for conditions ANDed at the top on its keys (the index starts with `year`), so an
 * expression whose top is an `OR` reads every partition of the table.
 */
function yearBound(window: DayWindow): string {
  return range('year', dayParts(window.from).year, dayParts(window.to).year);
}

export interface ExpressionSelection {
  readonly accounts?: readonly string[];
  readonly regions?: readonly string[];
}

/**
 * The expression for a window and selection. Account and region lists are added only while the
 * expression stays within {@link MAX_EXPRESSION_CHARS}; callers filter the result again, so a
 * dropped list only means a larger read, never a wrong answer.
 */
export function catalogExpression(
  scheme: PartitionScheme,
  window: DayWindow,
  selection: ExpressionSelection = {},
): string {
  if (windowLength(window) === 0) throw new ExpressionError('empty window for a catalog expression');
  const terms = windowTerms(window, scheme.granularity);
  let expression = terms.length === 1 ? terms[0] : `${yearBound(window)} AND (${terms.join(' OR ')})`;
  if (expression.length > MAX_EXPRESSION_CHARS) {
    throw new ExpressionError(
      `catalog expression of ${expression.length} characters exceeds ${MAX_EXPRESSION_CHARS}`,
    );
  }
  const filters: string[] = [];
  if (selection.accounts && scheme.columns.includes('account')) {
    filters.push(inList('account', selection.accounts, ACCOUNT_ID, 'account'));
  }
  if (selection.regions) filters.push(inList('region', selection.regions, REGION_NAME, 'region'));
  for (const filter of filters) {
    const longer = `${expression} AND ${filter}`;
    if (longer.length <= MAX_EXPRESSION_CHARS) expression = longer;
  }
  return expression;
}
