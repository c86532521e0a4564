/** How `query` prints results: an aligned table, CSV (RFC 4180) or JSON, and the closing summary. */
import type { SelectResult } from '../../lambda/aws/athena-query';

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

export function renderTable(
  columns: readonly string[],
  rows: readonly (readonly (string | null)[])[],
): string {
  const text = [columns.map(cell), ...rows.map((row) => row.map(cell))];
  const widths = columns.map((_, i) => Math.max(...text.map((row) => [...(row[i] ?? '')].length)));
  const line = (row: readonly string[]): string =>
    row
      .map((value, i) => value + ' '.repeat(widths[i] - [...value].length))
      .join('  ')
      .trimEnd();
  return (
    [line(text[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...text.slice(1).map(line)].join('\n') + '\n'
  );
}

const csvField = (value: string | null): string =>
  value === null ? '' : /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;

export function renderCsv(columns: readonly string[], rows: readonly (readonly (string | null)[])[]): string {
  return [columns, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

export function renderJson(result: SelectResult, sql: string): string {
  const rows = result.rows.map((row) =>
    Object.fromEntries(result.columns.map((c, i) => [c, row[i] ?? null])),
  );
  return `${JSON.stringify({ queryId: result.queryId, sql, columns: result.columns, rows, scannedBytes: result.scannedBytes, runMs: result.runMs }, null, 2)}\n`;
}

export function summaryLine(
  result: Pick<SelectResult, 'queryId' | 'scannedBytes' | 'runMs'>,
  rows: number,
): string {
  return `${rows} rows; data scanned ${formatBytes(result.scannedBytes)}; run time ${(result.runMs / 1000).toFixed(1)} s; query ID ${result.queryId}\n`;
}
