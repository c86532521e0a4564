/**
 * The documentation's configuration and alarm tables against the code: every context key the app
 * reads is documented in docs/configuration.md, every documented key exists, and every alarm the
 * construct creates has a row in docs/operations.md and in the README's summary.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KNOWN_KEYS } from '../lib/context';
import { buildStack } from './lib/fixtures';

/** The rows of the Markdown table under the heading `heading` of `page`, first cell only. */
function firstCells(page: string, heading: string): string[] {
  const markdown = fs.readFileSync(path.join(__dirname, '..', page), 'utf8');
  const section = markdown.split(/^#{1,6} /m).find((part) => part.startsWith(`${heading}\n`)) ?? '';
  return section
    .split('\n')
    .filter((line) => line.startsWith('| ') && !/^\|\s*-/.test(line))
    .slice(1)
    .map((line) => line.split('|')[1].trim());
}

describe('documentation tables', () => {
  it('the configuration table lists exactly the context keys the app reads', () => {
    // GIVEN the keys of the configuration table
    const documented = firstCells('docs/configuration.md', 'Settings').flatMap((cell) =>
      [...cell.matchAll(/`([A-Za-z]+)`/g)].map((match) => match[1]),
    );
    // THEN each known key has a row, and no row names a key the app would refuse
    expect([...KNOWN_KEYS].filter((key) => !documented.includes(key))).toEqual([]);
    expect(documented.filter((key) => !KNOWN_KEYS.has(key))).toEqual([]);
  });

  it('the alarm table has a row for every alarm the stack creates', () => {
    // GIVEN the alarms of a stack with every optional part (initial backfill, e-mail, columnar copy)
    const { template } = buildStack({
      alarmEmail: 'ops@example.com',
      initialBackfillFrom: 30,
      columnarCopy: true,
    });
    const names = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((alarm) =>
      String((alarm.Properties as { AlarmName: unknown }).AlarmName),
    );
    const suffixes = names.map((name) => name.slice(name.lastIndexOf('-') + 1));
    expect(suffixes).toHaveLength(11);
    for (const [page, heading] of [
      ['docs/operations.md', 'Alarms and dashboard'],
      ['README.md', 'What the alarms mean'],
    ]) {
      // WHEN each alarm's suffix is looked up in the table's first column
      const rows = firstCells(page, heading).join(' ');
      // THEN every alarm is documented, in the full table and in the README's summary
      expect([page, suffixes.filter((suffix) => !rows.includes(`-${suffix}\``))]).toEqual([page, []]);
    }
  });
});
