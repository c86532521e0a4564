/** How `query` prints results: an aligned table, CSV (RFC 4180) or JSON, and the closing summary. */
import Table from 'cli-table3';
import type { SelectResult } from '../../lambda/aws/athena-query';
import { formatUsd, priceUsd } from '../../lambda/core/query/cost';
import { plural } from '../../lambda/core/shared/plural';

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(2)} ${units[unit]}`;
}

/** Control characters would break the grid: shown escaped, as JSON would. */
const cell = (value: string | null): string =>
  value === null
    ? ''
    : [...value].map((c) => (c.charCodeAt(0) < 0x20 ? JSON.stringify(c).slice(1, -1) : c)).join('');

export interface TableLayout {
  /** The terminal's width: the table is narrowed to fit it. Undefined outside a terminal. */
  readonly width?: number;
  /** Longest value shown in full; longer ones are cut with `…` (csv and json never cut). */
  readonly maxCell?: number;
}

/** Cell widths that fit `width`: the widest column gives up a character until the row fits. */
export function fitWidths(natural: readonly number[], width: number | undefined, floor = 8): number[] {
  const widths = [...natural];
  if (width === undefined) return widths;
  let total = widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
  while (total > width) {
    const widest = widths.indexOf(Math.max(...widths));
    if (widths[widest] <= floor) break;
    widths[widest]--;
    total--;
  }
  return widths;
}

const BLANK = Object.fromEntries(
  ['top', 'top-mid', 'top-left', 'top-right', 'bottom', 'bottom-mid', 'bottom-left', 'bottom-right']
    .concat(['left', 'left-mid', 'mid', 'mid-mid', 'right', 'right-mid'])
    .map((name) => [name, '']),
);

/** An aligned table (cli-table3: cuts with `…`, measures wide characters): header, rule, rows. */
export function renderTable(
  columns: readonly string[],
  rows: readonly (readonly (string | null)[])[],
  layout: TableLayout = {},
): string {
  const text = [columns.map(cell), ...rows.map((row) => row.map(cell))];
  const maxCell = layout.maxCell ?? 100;
  const natural = columns.map((_, i) =>
    Math.min(maxCell, Math.max(...text.map((row) => [...(row[i] ?? '')].length))),
  );
  const widths = fitWidths(natural, layout.width);
  const table = new Table({
    chars: { ...BLANK, middle: '  ' },
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
    colWidths: widths,
    wordWrap: false,
  });
  table.push(
    text[0],
    widths.map((w) => '-'.repeat(w)),
    ...text.slice(1),
  );
  return `${table
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')}\n`;
}

const csvField = (value: string | null): string =>
  value === null ? '' : /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;

export function renderCsv(columns: readonly string[], rows: readonly (readonly (string | null)[])[]): string {
  return [columns, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

export function renderJson(result: SelectResult & { readonly total?: number }, sql: string): string {
  const rows = result.rows.map((row) =>
    Object.fromEntries(result.columns.map((c, i) => [c, row[i] ?? null])),
  );
  const cut = result.total !== undefined && result.total > rows.length ? { totalRows: result.total } : {};
  return `${JSON.stringify({ queryId: result.queryId, sql, columns: result.columns, rows, ...cut, scannedBytes: result.scannedBytes, runMs: result.runMs }, null, 2)}\n`;
}

/** The closing line: rows (and whether --limit cut them), data scanned and its price, run time, query ID. */
export function summaryLine(
  result: Pick<SelectResult, 'queryId' | 'scannedBytes' | 'runMs'>,
  rows: { readonly shown: number; readonly total: number },
  pricePerTb: number,
): string {
  const cut =
    rows.shown < rows.total ? ` (showing the first ${rows.shown}: --limit ${rows.shown} cut the rest)` : '';
  const minimum = result.scannedBytes < 10 * 1024 ** 2 ? ', the 10 MB minimum' : '';
  const price = `${formatUsd(priceUsd(result.scannedBytes, pricePerTb))} at $${pricePerTb}/TB${minimum}`;
  return `${plural(rows.total, 'row')}${cut}; data scanned ${formatBytes(result.scannedBytes)} (${price}); run time ${(result.runMs / 1000).toFixed(1)} s; query ID ${result.queryId}\n`;
}
