/**
 * Which days the copy holds completely. The daily run records a day only after every statement
 * of its conversion succeeded, as a parameter of the copy's Glue table, in ranges so that years
 * of days stay a short string: `2024-05-01..2024-05-30,2024-06-02`.
 */
import { type EpochDay, formatIsoDate, parseIsoDate } from '../shared/dates';
import { ColumnarError } from './table';

/** The Glue table parameter that holds the converted days. */
export const COVERAGE_PARAMETER = 'cloudtrail_partitioner.converted_days';
/** Glue's limit on one table parameter value. */
const MAX_VALUE_CHARS = 512_000;

/** Days in ascending ranges: `A..B` for a run, `A` for a single day. */
export function formatCoverage(days: Iterable<EpochDay>): string {
  const sorted = [...new Set(days)].sort((a, b) => a - b);
  const parts: string[] = [];
  let start: EpochDay | undefined;
  let prev: EpochDay | undefined;
  const flush = (): void => {
    if (start === undefined || prev === undefined) return;
    parts.push(start === prev ? formatIsoDate(start) : `${formatIsoDate(start)}..${formatIsoDate(prev)}`);
  };
  for (const day of sorted) {
    if (prev !== undefined && day === prev + 1) prev = day;
    else {
      flush();
      start = day;
      prev = day;
    }
  }
  flush();
  const text = parts.join(',');
  if (text.length > MAX_VALUE_CHARS)
    throw new ColumnarError(
      `coverage of ${sorted.length} days needs ${text.length} characters: Glue allows ${MAX_VALUE_CHARS}`,
    );
  return text;
}

/** The covered days as epoch days; throws naming a part that is not `YYYY-MM-DD[..YYYY-MM-DD]`. */
export function parseCoverage(text: string | undefined): Set<EpochDay> {
  const out = new Set<EpochDay>();
  if (text === undefined || text.trim() === '') return out;
  for (const part of text.split(',')) {
    const [a, b = a] = part.trim().split('..');
    const from = parseIsoDate(a);
    const to = parseIsoDate(b);
    if (from === undefined || to === undefined || from > to)
      throw new ColumnarError(
        `invalid coverage ${JSON.stringify(part)} in ${COVERAGE_PARAMETER}: expected YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD`,
      );
    for (let day = from; day <= to; day++) out.add(day);
  }
  return out;
}

/** Coverage after some days' conversions succeeded: the old days plus the new. */
export function addCoverage(text: string | undefined, converted: Iterable<EpochDay>): string {
  return formatCoverage([...parseCoverage(text), ...converted]);
}
