import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { type RedirectRules, validateRedirect } from '../src/proxy/url/redirect-target.ts';

interface Corpus {
  rules: Record<string, { mode: RedirectRules['mode']; external: string; cookieDomain: string }>;
  cases: Array<{ rules: string; rd: string; expect: string | null }>;
}

const corpus = JSON.parse(
  readFileSync(new URL('./fixtures/redirect-corpus.json', import.meta.url), 'utf8'),
) as Corpus;

describe('post-login redirect targets (corpus)', () => {
  it('holds at least 50 cases, most of them attacks', () => {
    assert.ok(corpus.cases.length >= 50);
    assert.ok(corpus.cases.filter((c) => c.expect === null).length >= 40);
  });

  for (const entry of corpus.cases) {
    const verdict = entry.expect === null ? 'rejects' : 'accepts';
    it(`${verdict} ${JSON.stringify(entry.rd)} (${entry.rules})`, () => {
      const rules = corpus.rules[entry.rules];
      assert.ok(rules);
      const result = validateRedirect(entry.rd, { ...rules, external: new URL(rules.external) });
      assert.equal(result ?? null, entry.expect);
    });
  }
});
