import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

/** Relative imports and re-exports of a file, type-only ones included, resolved to repository paths. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const specifiers = [...text.matchAll(/^\s*(?:import|export)\b[^'";]*?from\s*['"](\.[^'"]+)['"]/gm)].map(
    (match) => match[1],
  );
  return specifiers.map((specifier) => {
    const resolved = path.normalize(path.join(path.dirname(file), specifier));
    const candidates = [`${resolved}.ts`, path.join(resolved, 'index.ts')];
    const found = candidates.find((candidate) => fs.existsSync(path.join(ROOT, candidate)));
    if (!found) throw new Error(`${file} imports ${specifier}, which resolves to no .ts file`);
    return found;
  });
}

function tsFiles(dir: string): string[] {
  return fs
    .readdirSync(path.join(ROOT, dir), { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory()
        ? tsFiles(path.join(dir, entry.name))
        : entry.name.endsWith('.ts')
          ? [path.join(dir, entry.name)]
          : [],
    );
}

/** Every cycle reachable from the given files, each as the chain of files that closes it. */
function cycles(files: readonly string[], edges: (file: string) => string[] = importsOf): string[][] {
  const found: string[][] = [];
  const done = new Set<string>();
  const visit = (file: string, stack: string[]): void => {
    const at = stack.indexOf(file);
    if (at >= 0) {
      found.push([...stack.slice(at), file]);
      return;
    }
    if (done.has(file)) return;
    for (const next of edges(file)) visit(next, [...stack, file]);
    done.add(file);
  };
  for (const file of files) visit(file, []);
  return found;
}

describe('import graph', () => {
  it.each(['lib', 'lambda', 'bin'])('has no import circle from %s/', (dir) => {
    // GIVEN every TypeScript file under the folder, and what it imports (transitively)
    const files = tsFiles(dir);
    expect(files.length).toBeGreaterThan(0);
    // THEN following relative imports never comes back to a file on the way
    expect(cycles(files)).toEqual([]);
  });

  it('finds a circle when there is one', () => {
    // GIVEN the real graph plus the edge that used to close a circle: validate-props importing
    // the props type from cloudtrail-partitioner.ts, which imports validate-props
    const withOldEdge = (file: string): string[] =>
      file === 'lib/validate-props.ts'
        ? [...importsOf(file), 'lib/cloudtrail-partitioner.ts']
        : importsOf(file);
    // WHEN the checker walks lib/
    const found = cycles(tsFiles('lib'), withOldEdge);
    // THEN it reports that circle
    expect(found).toContainEqual(
      expect.arrayContaining(['lib/validate-props.ts', 'lib/cloudtrail-partitioner.ts']),
    );
  });
});
