/**
 * The documentation's commands paste and run (issues 12 and 20): every command in an `sh` block
 * of README.md and of every docs/*.md page runs offline and exits 0, unless the line before the
 * block marks it `<!-- needs AWS -->` or `<!-- not in readme test: REASON -->` (installs, the
 * suite itself). And the README stays a front door: short, with a table of contents, and the
 * first question answered near the top.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** README.md and every page of docs/, each with its text. */
const PAGES: readonly { readonly page: string; readonly text: string }[] = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`),
].map((page) => ({ page, text: readFileSync(join(ROOT, page), 'utf8') }));

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

const blocks = PAGES.flatMap(({ page, text }) => shBlocks(text).map((block) => ({ ...block, page })));
const offline = blocks.filter((block) => block.marker === undefined);

describe('README and docs commands', () => {
  it('marks every block that is not run, with a reason', () => {
    // GIVEN every sh block WHEN its marker is read THEN it is none, needs AWS, or a stated reason
    for (const block of blocks) {
      if (block.marker === undefined) continue;
      expect([block.page, block.line, block.marker]).toEqual([
        block.page,
        block.line,
        expect.stringMatching(/^(needs AWS|not in readme test: \S.*)$/),
      ]);
    }
    expect(offline.flatMap((block) => block.commands).length).toBeGreaterThanOrEqual(4);
    // AND the docs pages' blocks are read too, not only the README's
    expect(new Set(offline.map((block) => block.page)).size).toBeGreaterThan(1);
  });

  it('has no optional [flags] or <placeholders> that break a paste', () => {
    // GIVEN every command WHEN scanned THEN no `[ ]` around flags and no `<...>` placeholder
    for (const command of blocks.flatMap((block) => block.commands)) {
      expect(command).not.toMatch(/\[-|<[A-Za-z]+>|…/);
    }
  });

  it.each(offline.flatMap((block) => block.commands.map((command) => [block.page, block.line, command])))(
    '%s line %i: %s exits 0',
    (_page, _line, command) => {
      // GIVEN an offline command as the page shows it WHEN run in a shell at the repository root
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

/** Words as `wc -w` counts them: runs of non-whitespace. */
function words(text: string): number {
  return text.split(/\s+/).filter((word) => word !== '').length;
}

describe('README front door', () => {
  it('has at most 2,600 words', () => {
    // GIVEN the README WHEN its words are counted THEN it stays a front door, not the manual
    expect(words(README)).toBeLessThanOrEqual(2600);
  });

  it('has a table of contents linking every section', () => {
    // GIVEN the README's contents section and its second-level headings
    const contents = README.split(/^## /m).find((section) => section.startsWith('Contents\n')) ?? '';
    const sections = [...README.matchAll(/^## (.+)$/gm)]
      .map((match) => match[1])
      .filter((h) => h !== 'Contents');
    // WHEN each heading's anchor is looked up in the contents
    const slug = (heading: string) =>
      heading
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-');
    // THEN every section is listed, near the top
    expect(sections.length).toBeGreaterThanOrEqual(6);
    expect(sections.filter((heading) => !contents.includes(`(#${slug(heading)})`))).toEqual([]);
    expect(words(README.slice(0, README.indexOf('## Contents')))).toBeLessThan(200);
  });

  it('reaches the first query command within about 750 words', () => {
    // GIVEN the first sh block command that runs `query`
    const lines = README.split('\n');
    const block = shBlocks(README).find((candidate) =>
      candidate.commands.some((command) => /\b(cli --|cloudtrail-partitioner) query\b/.test(command)),
    );
    expect(block).toBeDefined();
    // WHEN the words before its block are counted THEN a reader meets it early
    expect(words(lines.slice(0, (block as Block).line - 1).join('\n'))).toBeLessThanOrEqual(750);
  });
});

describe('words', () => {
  it('counts like wc -w', () => {
    // GIVEN text with mixed whitespace WHEN counted THEN runs of non-whitespace are words
    expect(words('  a  b\n\tc `d e` \n')).toBe(5);
    expect(words('')).toBe(0);
  });
});
