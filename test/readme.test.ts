/**
 * The README's commands paste and run (issue 12): every command in an `sh` block runs offline
 * and exits 0, unless the line before the block marks it `<!-- needs AWS -->` or
 * `<!-- not in readme test: REASON -->` (installs, the suite itself).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

interface Block {
  readonly line: number;
  readonly marker?: string;
  readonly commands: readonly string[];
}

/** The `sh` blocks, each with the HTML-comment marker of the nearest non-blank line before it. */
function shBlocks(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== '```sh') continue;
    let before = i - 1;
    while (before >= 0 && lines[before].trim() === '') before--;
    const marker = /^<!--\s*(.+?)\s*-->$/.exec(lines[before]?.trim() ?? '')?.[1];
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && lines[j].trim() !== '```'; j++) body.push(lines[j]);
    // Continuation lines join their command; blank lines and comments are not commands.
    const commands = body
      .join('\n')
      .replace(/\\\n\s*/g, '')
      .split('\n')
      .map((command) => command.trim())
      .filter((command) => command !== '' && !command.startsWith('#'));
    blocks.push({ line: i + 1, marker, commands });
    i = j;
  }
  return blocks;
}

const blocks = shBlocks(README);
const offline = blocks.filter((block) => block.marker === undefined);

describe('README commands', () => {
  it('marks every block that is not run, with a reason', () => {
    // GIVEN every sh block WHEN its marker is read THEN it is none, needs AWS, or a stated reason
    for (const block of blocks) {
      if (block.marker === undefined) continue;
      expect([block.line, block.marker]).toEqual([
        block.line,
        expect.stringMatching(/^(needs AWS|not in readme test: \S.*)$/),
      ]);
    }
    expect(offline.flatMap((block) => block.commands).length).toBeGreaterThanOrEqual(4);
  });

  it('has no optional [flags] or <placeholders> that break a paste', () => {
    // GIVEN every command WHEN scanned THEN no `[ ]` around flags and no `<...>` placeholder
    for (const command of blocks.flatMap((block) => block.commands)) {
      expect(command).not.toMatch(/\[-|<[A-Za-z]+>|…/);
    }
  });

  it.each(offline.flatMap((block) => block.commands.map((command) => [block.line, command])))(
    'line %i: %s exits 0',
    (_line, command) => {
      // GIVEN an offline command as the README shows it WHEN run in a shell at the repository root
      const result = spawnSync('bash', ['-c', command as string], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 120_000,
        env: { ...process.env, AWS_REGION: '', AWS_PROFILE: '' },
      });
      // THEN it succeeds and prints something
      expect({ status: result.status, stderr: result.status === 0 ? '' : result.stderr }).toEqual({
        status: 0,
        stderr: '',
      });
      expect(result.stdout.length).toBeGreaterThan(0);
    },
  );
});

describe('shBlocks', () => {
  it('reads markers, joins continuations and drops comments', () => {
    // GIVEN a marked block and an unmarked one with a continuation WHEN extracted
    const md = [
      '<!-- needs AWS -->',
      '',
      '```sh',
      'aws s3 ls',
      '```',
      'text',
      '```sh',
      '# note',
      'a \\',
      '  b',
      '```',
    ];
    // THEN each block has its marker and its commands
    expect(shBlocks(md.join('\n'))).toEqual([
      { line: 3, marker: 'needs AWS', commands: ['aws s3 ls'] },
      { line: 7, marker: undefined, commands: ['a b'] },
    ]);
  });
});
