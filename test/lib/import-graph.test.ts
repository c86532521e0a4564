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

/**
 * The capability folders of lambda/core, lowest first: a folder may import itself and the folders
 * before it, never one after it (docs/architecture.md draws the layers).
 */
const CORE_LAYERS = [
  'shared',
  'partitions',
  'submit',
  'catalog',
  'discovery',
  'columnar',
  'query',
  'run',
] as const;
const CORE = 'lambda/core';

/** The capability folder of a file under lambda/core, or undefined elsewhere. */
function layerOf(file: string): string | undefined {
  const parts = path.relative(CORE, file).split(path.sep);
  return parts.length > 1 && !parts[0].startsWith('..') ? parts[0] : undefined;
}

/** Imports under lambda/core that run against the layer order, as "from -> to". */
function layerViolations(files: readonly string[], edges: (file: string) => string[] = importsOf): string[] {
  return files.flatMap((file) => {
    const from = layerOf(file);
    if (!from) return [];
    return edges(file)
      .filter((target) => {
        const to = layerOf(target);
        if (!to) return true; // leaving lambda/core from inside it is a violation too
        return CORE_LAYERS.indexOf(to as never) > CORE_LAYERS.indexOf(from as never);
      })
      .map((target) => `${file} -> ${target}`);
  });
}

describe('lambda/core layers', () => {
  it('has only capability folders (and their README) at its top level, each stating its purpose', () => {
    // GIVEN the top level of lambda/core
    const entries = fs.readdirSync(path.join(ROOT, CORE), { withFileTypes: true });
    // THEN every entry is one of the known capability folders, each with a README that says what it owns
    expect(
      entries
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
        .sort(),
    ).toEqual([...CORE_LAYERS].sort());
    expect(entries.filter((e) => !e.isDirectory()).map((e) => e.name)).toEqual(['README.md']);
    for (const layer of CORE_LAYERS) {
      const readme = fs.readFileSync(path.join(ROOT, CORE, layer, 'README.md'), 'utf8');
      expect(readme).toMatch(/^# /);
      expect(readme).toMatch(/May import:/);
    }
  });

  it('imports only down the layer order', () => {
    // GIVEN every file under lambda/core
    const files = tsFiles(CORE);
    // THEN no import reaches a later capability, or out of lambda/core
    expect(layerViolations(files)).toEqual([]);
  });

  it('reports an import up the order when there is one', () => {
    // GIVEN the real graph plus an edge from partitions/plan up into discovery (the seam that
    // the shared Target type removed)
    const withUpEdge = (file: string): string[] =>
      file === 'lambda/core/partitions/plan.ts'
        ? [...importsOf(file), 'lambda/core/discovery/discovery.ts']
        : importsOf(file);
    // WHEN the checker walks lambda/core
    // THEN it names that edge
    expect(layerViolations(tsFiles(CORE), withUpEdge)).toEqual([
      'lambda/core/partitions/plan.ts -> lambda/core/discovery/discovery.ts',
    ]);
  });
});

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
