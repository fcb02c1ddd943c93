import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT } from '../../server-process.ts';

/** The `authResponseHeaders` list of docs/forward-auth/traefik.md's Middleware, as users copy it. */
export async function traefikAuthResponseHeaders(): Promise<string[]> {
  const text = await readFile(join(REPO_ROOT, 'docs', 'forward-auth', 'traefik.md'), 'utf8');
  const list = /kind: Middleware[\s\S]*?authResponseHeaders:\n((?: +- .+\n)+)/.exec(text)?.[1];
  if (!list) throw new Error('docs/forward-auth/traefik.md has no Middleware with authResponseHeaders');
  return list
    .split('\n')
    .map((l) => l.replace(/^ +- /, '').trim())
    .filter(Boolean);
}

/** The request headers docs/forward-auth/traefik.md's `headers` Middleware clears (set to ""). */
export async function traefikClearedHeaders(): Promise<string[]> {
  const text = await readFile(join(REPO_ROOT, 'docs', 'forward-auth', 'traefik.md'), 'utf8');
  const list = /customRequestHeaders:\n((?: +[\w-]+: ""\n)+)/.exec(text)?.[1];
  if (!list) throw new Error('docs/forward-auth/traefik.md has no headers Middleware clearing headers');
  return [...list.matchAll(/([\w-]+): ""/g)].map((m) => m[1] ?? '');
}
