import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT } from './server-process.ts';

/**
 * The first fenced code block of `language` in a docs page, so a suite runs the snippet users copy rather
 * than a copy of it that could drift.
 */
export async function docSnippet(page: string, language: string): Promise<string> {
  const text = await readFile(join(REPO_ROOT, 'docs', page), 'utf8');
  const block = new RegExp('```' + language + '\\n([\\s\\S]*?)\\n```').exec(text)?.[1];
  if (!block) throw new Error(`docs/${page} has no ${language} block`);
  return block;
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
