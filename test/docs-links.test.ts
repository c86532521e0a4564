/**
 * The documentation's links hold (issue 20): every relative link in README.md and docs/*.md
 * points at a file that exists, every `#anchor` names a heading of its page (GitHub's slugs),
 * and every repository path the pages name in backticks exists, so a moved file cannot leave
 * the docs pointing at nothing.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';

const ROOT = join(__dirname, '..');

/** README.md and every page of docs/, as repository-relative paths. */
function docPages(): string[] {
  const docs = readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`);
  return ['README.md', ...docs];
}

/** The page without fenced code blocks and inline code spans: neither holds links or headings. */
function prose(markdown: string): string {
  return markdown
    .replace(/^([ \t]*)(`{3,}|~{3,})[^\n]*\n[\s\S]*?^\1\2[ \t]*$/gm, '')
    .replace(/(`+)[^`\n]*?\1/g, '');
}

/** GitHub's anchor for a heading: lowercase, punctuation dropped except - and _, each space a -. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of a page's headings, with GitHub's -1, -2 suffixes for repeated headings. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const found = new Set<string>();
  const text = markdown.replace(/^([ \t]*)(`{3,}|~{3,})[^\n]*\n[\s\S]*?^\1\2[ \t]*$/gm, '');
  for (const match of text.matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    const base = slug(match[1]);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    found.add(count === 0 ? base : `${base}-${count}`);
  }
  return found;
}

/** The targets of the inline links `[text](target)` in a page's prose. */
function linkTargets(markdown: string): string[] {
  return [...prose(markdown).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((match) => match[1]);
}

/**
 * The broken links of a set of pages: a relative target whose file does not exist, or an anchor
 * that names no heading of the page it points at. Absolute URLs are not followed.
 */
function brokenLinks(
  pages: ReadonlyMap<string, string>,
  fileExists: (path: string) => boolean,
  read: (path: string) => string | undefined,
): string[] {
  const broken: string[] = [];
  for (const [page, markdown] of pages) {
    for (const target of linkTargets(markdown)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
      const [file, anchor] = target.split('#', 2);
      const path = file === '' ? page : normalize(join(dirname(page), decodeURI(file)));
      if (file !== '' && !fileExists(path)) {
        broken.push(`${page}: ${target} (no file ${path})`);
        continue;
      }
      if (anchor === undefined || !path.endsWith('.md')) continue;
      const text = pages.get(path) ?? read(path);
      if (text === undefined || !anchors(text).has(anchor)) {
        broken.push(`${page}: ${target} (no heading #${anchor} in ${path})`);
      }
    }
  }
  return broken;
}

/**
 * Repository paths a page names in backticks (`lambda/core/run/run.ts`, `test/support/`), without
 * globs, placeholders or elisions, which stand for more than one file. Paths short of their root
 * (`run/run.ts` for lambda/core, `aws/clients.ts` for lambda) are read from that root.
 */
function namedPaths(markdown: string): string[] {
  const spans = [...markdown.matchAll(/`([^`\n]+)`/g)].map((match) => match[1]);
  return spans.flatMap((span) => {
    if (span.includes('..')) return [];
    if (/^(lambda|bin|lib|test|bench|docs|\.ci)\/[\w./-]*$/.test(span)) return [span];
    if (/^(shared|partitions|submit|catalog|discovery|query|run)\/[\w.-]+\.ts$/.test(span)) {
      return [`lambda/core/${span}`];
    }
    if (/^aws\/[\w.-]+\.ts$/.test(span)) return [`lambda/${span}`];
    return [];
  });
}

const pages = new Map(docPages().map((page) => [page, readFileSync(join(ROOT, page), 'utf8')]));
/** Files the repository ignores because a command writes them (`bench/results.json`). */
const generated = new Set(
  readFileSync(join(ROOT, '.gitignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.includes('/') && !line.includes('*')),
);
const onDisk = (path: string) => existsSync(join(ROOT, path));
const readOnDisk = (path: string) => (onDisk(path) ? readFileSync(join(ROOT, path), 'utf8') : undefined);

describe('documentation links', () => {
  it('finds the README and the docs pages', () => {
    // GIVEN the repository WHEN its pages are listed THEN the README and the docs pages are there
    expect(docPages()).toEqual(
      expect.arrayContaining(['README.md', 'docs/architecture.md', 'docs/deploy.md']),
    );
  });

  it('every relative link and anchor resolves', () => {
    // GIVEN every page WHEN each relative link is followed THEN its file exists and its anchor is a heading
    expect(brokenLinks(pages, onDisk, readOnDisk)).toEqual([]);
    // AND the check really looked at links
    expect([...pages.values()].flatMap(linkTargets).length).toBeGreaterThan(50);
  });

  it('every repository path named in backticks exists', () => {
    // GIVEN the paths each page names WHEN looked up on disk THEN each exists
    const missing = [...pages].flatMap(([page, markdown]) =>
      namedPaths(markdown)
        .filter((path) => !onDisk(path.replace(/\/$/, '')) && !generated.has(path))
        .map((path) => `${page}: ${path}`),
    );
    expect(missing).toEqual([]);
    // AND the check really looked at paths
    expect([...pages.values()].flatMap(namedPaths).length).toBeGreaterThan(30);
  });
});

describe('brokenLinks', () => {
  const site = new Map([
    ['README.md', '# Title\n\n## Quick start\n\nSee [deploy](docs/deploy.md#cross-account-buckets).\n'],
    ['docs/deploy.md', "# Deploy\n\n## Cross-account buckets\n\n## Retention and the bucket's lifecycle\n"],
  ]);
  const exists = (path: string) => site.has(path);
  const read = (path: string) => site.get(path);

  it('accepts links whose file and heading exist', () => {
    // GIVEN a link to another page's heading WHEN checked THEN nothing is broken
    expect(brokenLinks(site, exists, read)).toEqual([]);
  });

  it('reports a missing file, a missing anchor on another page, and a missing anchor on the same page', () => {
    // GIVEN three deliberately broken links
    const pagesWithBreaks = new Map([
      ...site,
      [
        'docs/operations.md',
        '# Operations\n\n[a](deploy.md#no-such-heading) [b](missing.md) [c](#not-here) [d](../README.md#quick-start)\n',
      ],
    ]);
    // WHEN checked
    const broken = brokenLinks(pagesWithBreaks, (path) => pagesWithBreaks.has(path), read);
    // THEN each broken one is named, and the good one is not
    expect(broken).toEqual([
      'docs/operations.md: deploy.md#no-such-heading (no heading #no-such-heading in docs/deploy.md)',
      'docs/operations.md: missing.md (no file docs/missing.md)',
      'docs/operations.md: #not-here (no heading #not-here in docs/operations.md)',
    ]);
  });

  it('ignores absolute URLs and links inside code', () => {
    // GIVEN an https link, a link in a code block and one in a code span WHEN checked THEN none is followed
    const page = new Map([
      [
        'README.md',
        '# T\n\n[x](https://example.com/a.md)\n\n```md\n[y](nowhere.md)\n```\n\n`[z](nowhere.md)`\n',
      ],
    ]);
    expect(
      brokenLinks(
        page,
        () => false,
        () => undefined,
      ),
    ).toEqual([]);
  });
});

describe('slug and anchors', () => {
  it('follows GitHub: lowercase, punctuation dropped, spaces to hyphens, repeats numbered', () => {
    // GIVEN headings with punctuation, code and a repeat WHEN slugged THEN they match GitHub's anchors
    expect(slug("Retention and the bucket's lifecycle")).toBe('retention-and-the-buckets-lifecycle');
    expect(slug('Settings kept in cdk.json')).toBe('settings-kept-in-cdkjson');
    expect(slug('Speed at the defaults (issue 10) and every wait ends (issue 7.3, 7.10)')).toBe(
      'speed-at-the-defaults-issue-10-and-every-wait-ends-issue-73-710',
    );
    expect(slug('Investigate (`query`, presets)')).toBe('investigate-query-presets');
    expect([...anchors('# A\n## Notes\n```sh\n# not a heading\n```\n## Notes\n')]).toEqual([
      'a',
      'notes',
      'notes-1',
    ]);
  });

  it('names the repository paths in backticks, but not globs or placeholders', () => {
    // GIVEN spans of several kinds WHEN scanned THEN only concrete repository paths are kept
    expect(
      namedPaths(
        '`lambda/core/run/run.ts` `test/lib/*.test.ts` `test/core/<capability>/` `test/support/` `cdk.json` `bin/…`' +
          ' `run/request.ts` `aws/s3-listing.ts` `ddl.ts`',
      ),
    ).toEqual([
      'lambda/core/run/run.ts',
      'test/support/',
      'lambda/core/run/request.ts',
      'lambda/aws/s3-listing.ts',
    ]);
  });
});
