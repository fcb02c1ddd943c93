import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT } from './server-process.ts';

/**
 * Every fenced code block of `language` in a docs page, in order, so a suite runs the snippets users copy
 * rather than a copy of them that could drift.
 */
export async function docSnippets(page: string, language: string): Promise<string[]> {
  const text = await readFile(join(REPO_ROOT, 'docs', page), 'utf8');
  const blocks = [...text.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)\\n```', 'g'))].map(
    (m) => m[1] ?? '',
  );
  if (blocks.length === 0) throw new Error(`docs/${page} has no ${language} block`);
  return blocks;
}

/**
 * The blocks of `language` in a docs page joined, as one configuration: what a user pastes for one
 * application (nginx.md: the upstream, then the server).
 */
export async function docSnippet(page: string, language: string): Promise<string> {
  return (await docSnippets(page, language)).join('\n');
}

/** Replaces each placeholder of a snippet, insisting that it is there (a renamed one would go untested). */
export function fillSnippet(snippet: string, values: Record<string, string>): string {
  let filled = snippet;
  for (const [placeholder, value] of Object.entries(values)) {
    if (!filled.includes(placeholder)) throw new Error(`the snippet no longer contains ${placeholder}`);
    filled = filled.replaceAll(placeholder, value);
  }
  return filled;
}
