import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';

const PACKAGES = resolve(import.meta.dirname, '..', '..');
const REPO = resolve(PACKAGES, '..');

/** Every .ts file under `dir`. */
function sources(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

// Static imports and re-exports, `import type` included (harmless at run time, but a type from the core
// would still tie the outpost to it), and dynamic import() of a literal.
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;

/** The file a workspace specifier names, by its package's `exports` (`.` and `./*`). */
function workspaceFile(specifier: string): string | undefined {
  const match = /^@palisade\/([\w-]+)(?:\/(.+))?$/.exec(specifier);
  if (!match) return undefined;
  const root = join(PACKAGES, match[1] ?? '');
  const { exports } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    exports: Record<string, string>;
  };
  const target = match[2] === undefined ? exports['.'] : exports['./*']?.replace('*', match[2]);
  return join(root, target ?? 'missing-export');
}

/**
 * The closure of the outpost program's imports, from its bin and every file of its src/: the workspace
 * files reached (following @palisade/* and relative imports) and the npm packages named on the way.
 */
function importGraph() {
  const files = new Set<string>();
  const npm = new Set<string>();
  const queue = [...sources(join(PACKAGES, 'outpost', 'bin')), ...sources(join(PACKAGES, 'outpost', 'src'))];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (files.has(file)) continue;
    files.add(file);
    for (const [, specifier = ''] of readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
      if (specifier.startsWith('node:')) continue;
      const target = specifier.startsWith('.') ? resolve(dirname(file), specifier) : workspaceFile(specifier);
      if (target) queue.push(target);
      else
        npm.add(
          specifier.startsWith('@')
            ? specifier.split('/').slice(0, 2).join('/')
            : (specifier.split('/')[0] ?? ''),
        );
    }
  }
  const packages = new Set([...files].map((f) => relative(PACKAGES, f).split('/')[0] ?? ''));
  return { files, npm, packages };
}

describe("the outpost program's imports", () => {
  const graph = importGraph();

  it('reach nothing of the core, directly or through another package', () => {
    assert.ok(graph.files.size > 50, `${graph.files.size} files followed`);
    const intoCore = [...graph.files].filter((f) => relative(PACKAGES, f).startsWith('core/'));
    assert.deepEqual(
      intoCore.map((f) => relative(REPO, f)),
      [],
    );
    assert.ok(!graph.npm.has('@palisade/core'));
  });

  it('reach only the workspace packages the Dockerfile copies, and npm packages the outpost depends on', () => {
    const dockerfile = readFileSync(join(PACKAGES, 'outpost', 'Dockerfile'), 'utf8');
    const copied = [...dockerfile.matchAll(/^COPY packages\/([\w-]+)\/ /gm)].map((m) => m[1]);
    assert.deepEqual([...graph.packages].sort(), [...new Set(copied)].sort());
    const manifest = JSON.parse(readFileSync(join(PACKAGES, 'outpost', 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const schemaManifest = JSON.parse(readFileSync(join(PACKAGES, 'schema', 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const declared = new Set([
      ...Object.keys(manifest.dependencies),
      ...Object.keys(schemaManifest.dependencies),
    ]);
    assert.deepEqual(
      [...graph.npm].filter((name) => !declared.has(name)),
      [],
    );
  });

  it('would see an import of the core (the check can fail)', () => {
    const sample = `import type { AppContext } from '@palisade/core/context';\nconst m = await import('@palisade/core/server');`;
    const found = [...sample.matchAll(SPECIFIER)].map((m) => m[1]);
    assert.deepEqual(found, ['@palisade/core/context', '@palisade/core/server']);
    assert.equal(workspaceFile('@palisade/core/server'), join(PACKAGES, 'core', 'src', 'server.ts'));
  });
});
