/**
 * The README's configuration and alarm tables against the code: every context key the app reads
 * is documented, every documented key exists, and every alarm the construct creates has a row.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KNOWN_KEYS } from '../lib/context';
import { buildStack } from './lib/fixtures';

const README = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');

/** The rows of the Markdown table that follows `## heading`, first cell only. */
function firstCells(heading: string): string[] {
  const section = README.split(/^## /m).find((part) => part.startsWith(heading)) ?? '';
  return section
    .split('\n')
    .filter((line) => line.startsWith('| ') && !/^\|\s*-/.test(line))
    .slice(1)
    .map((line) => line.split('|')[1].trim());
}

describe('README tables', () => {
  it('the configuration table lists exactly the context keys the app reads', () => {
    // GIVEN the keys of the configuration table
    const documented = firstCells('Configuration').flatMap((cell) =>
      [...cell.matchAll(/`([A-Za-z]+)`/g)].map((match) => match[1]),
    );
    // THEN each known key has a row, and no row names a key the app would refuse
    expect([...KNOWN_KEYS].filter((key) => !documented.includes(key))).toEqual([]);
    expect(documented.filter((key) => !KNOWN_KEYS.has(key))).toEqual([]);
  });

  it('the alarm table has a row for every alarm the stack creates', () => {
    // GIVEN the alarms of a stack with every optional part (initial backfill, e-mail)
    const { template } = buildStack({ alarmEmail: 'ops@example.com', initialBackfillFrom: 30 });
    const names = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((alarm) =>
      String((alarm.Properties as { AlarmName: unknown }).AlarmName),
    );
    // WHEN each alarm's suffix is looked up in the table's first column
    const rows = firstCells('Alarms and dashboard').join(' ');
    const suffixes = names.map((name) => name.slice(name.lastIndexOf('-') + 1));
    // THEN every alarm is documented
    expect(suffixes).toHaveLength(10);
    expect(suffixes.filter((suffix) => !rows.includes(`-${suffix}\``))).toEqual([]);
  });
});
