/** The result table a person reads (issue 19): compact columns, cut values, the terminal width. */
import fc from 'fast-check';
import { outputName, presetOutputs, shapeResult } from '../../../bin/cli/query-columns';
import { fitWidths, renderCsv, renderTable } from '../../../bin/cli/query-output';
import { findPreset } from '../../../lambda/core/query/presets';

const COLUMNS = ['eventtime', 'principal', 'action', 'record_name', 'requestparameters', 'useragent'];
const LONG = `{"changeBatch":{"changes":[${'{"action":"UPSERT"},'.repeat(40)}]}}`;
const ROWS = [
  [
    '2024-03-09T10:00:00Z',
    'arn:aws:iam::111122223333:user/alice',
    'UPSERT',
    'www.example.com.',
    LONG,
    'aws-cli/2.15',
  ],
  [
    '2024-03-09T11:00:00Z',
    'arn:aws:iam::111122223333:user/bob',
    'DELETE',
    'old.example.com.',
    LONG,
    'console',
  ],
];

describe('the table', () => {
  it('shows the preset compact columns by default, and every column in csv', () => {
    // GIVEN route53-changes rows WHEN shaped for a table THEN the compact set only (present ones)
    const table = shapeResult(
      { columns: COLUMNS, rows: ROWS },
      { format: 'table', preset: 'route53-changes' },
      () => {},
    );
    expect(table.columns).toEqual(['eventtime', 'principal', 'action', 'record_name']);
    // AND csv keeps every column, uncut
    const csv = shapeResult(
      { columns: COLUMNS, rows: ROWS },
      { format: 'csv', preset: 'route53-changes' },
      () => {},
    );
    expect(csv.columns).toEqual(COLUMNS);
    expect(renderCsv(csv.columns, csv.rows)).toContain(LONG.replace(/"/g, '""'));
  });

  it('--columns chooses and orders columns in every format; --limit cuts rows and keeps the total', () => {
    const warnings: string[] = [];
    const shaped = shapeResult(
      { columns: COLUMNS, rows: ROWS },
      { format: 'json', columns: ['record_name', 'eventtime', 'nosuch'], limit: 1 },
      (t) => warnings.push(t),
    );
    expect(shaped).toEqual({
      columns: ['record_name', 'eventtime'],
      rows: [['www.example.com.', '2024-03-09T10:00:00Z']],
      total: 2,
    });
    expect(warnings).toEqual([expect.stringContaining('--columns nosuch not in the result')]);
  });

  it('cuts long values in the table with …, and fits the terminal width', () => {
    // GIVEN every column WHEN rendered for an 80-column terminal THEN no line is wider than 80
    const out = renderTable(COLUMNS, ROWS, { width: 80 });
    for (const line of out.trimEnd().split('\n')) expect([...line].length).toBeLessThanOrEqual(80);
    expect(out).toContain('…');
    // AND without a width, a value is cut at the cell maximum only
    const wide = renderTable(COLUMNS, ROWS, { maxCell: 100 });
    expect(wide).not.toContain(LONG);
    expect(wide).toContain('www.example.com.');
    expect(wide.split('\n')[0]).toMatch(
      /^eventtime\s+principal\s+action\s+record_name\s+requestparameters\s+useragent$/,
    );
  });

  it('fitWidths never widens, keeps the floor, and fits whenever the floor allows', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 20, max: 300 }),
        (natural, width) => {
          const widths = fitWidths(natural, width);
          widths.forEach((w, i) => {
            expect(w).toBeLessThanOrEqual(natural[i]);
            expect(w).toBeGreaterThanOrEqual(Math.min(natural[i], 8));
          });
          const total = widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
          const floor = natural.reduce((a, n) => a + Math.min(n, 8), 0) + 2 * (natural.length - 1);
          if (floor <= width) expect(total).toBeLessThanOrEqual(width);
        },
      ),
    );
  });
});

describe('a preset output names', () => {
  it('are the aliases or last path parts of its SELECT, and the compact columns are among them', () => {
    expect(outputName("json_extract_scalar(requestparameters, '$.x') AS record_name")).toBe('record_name');
    expect(outputName('useridentity.arn AS principal')).toBe('principal');
    expect(outputName('eventtime')).toBe('eventtime');
    const names = presetOutputs(findPreset('route53-changes').sql({}));
    expect(names).toEqual(
      expect.arrayContaining(['eventtime', 'principal', 'action', 'record_name', 'record_type']),
    );
  });
});
