import assert from 'node:assert/strict';

/** Patterns of credentials in URLs that a log line must never carry unredacted. */
const URL_CREDENTIALS: RegExp[] = [
  /[?&]code=[\w.~-]{12,}/,
  /[?&]id_token_hint=[\w.~-]{12,}/,
  /[?&]state=[\w.~-]{12,}/,
  /[?&](?:access_token|refresh_token|token|client_secret|password)=[^&\s"]{6,}/,
  /authentik_proxy_[0-9a-f]{8}=[\w.~-]{12,}/,
  /palisade_session=[\w.~%-]{12,}/,
];

/**
 * Asserts that `logs` (what the core and the outpost wrote during the suite) holds none of the `secrets`
 * the suite saw on the wire — codes, states, id_token_hints, cookie values, passwords, access tokens — as
 * they were or percent-encoded, and no credential-shaped URL parameter.
 */
export function assertNoSecretsIn(logs: string, secrets: ReadonlyMap<string, string>): void {
  assert.ok(secrets.size > 0, 'the suite saw no secrets: nothing was checked');
  const found: string[] = [];
  for (const [value, kind] of secrets) {
    if (value.length < 8) continue;
    if (logs.includes(value) || logs.includes(encodeURIComponent(value)))
      found.push(`${kind}: ${value.slice(0, 12)}…`);
  }
  for (const pattern of URL_CREDENTIALS) {
    const match = pattern.exec(logs);
    if (match) found.push(`${pattern}: ${match[0].slice(0, 40)}…`);
  }
  assert.deepEqual(found, [], `credentials in the logs:\n${found.join('\n')}`);
}
