/**
 * Every nginx and Caddy snippet the console or the docs show is loaded by the real proxy (Debian's nginx 1.22
 * with `nginx -t`, Caddy 2.6 with `caddy validate`), for http and https external hosts, with and without
 * ports, and two applications in one configuration (issue 19, point 4).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { caddySnippet, nginxSnippet, type SnippetInput } from '@palisade/web/snippets';
import { generateSelfSigned } from '@palisade/x509';
import { checkCaddy } from '../src/caddy.ts';
import { docSnippet, docSnippets, fillSnippet } from '../src/doc-snippets.ts';
import { checkNginx } from '../src/nginx.ts';

/** The external hosts every snippet is checked with. */
const HOSTS = [
  'http://app.example.com',
  'http://app.example.com:8088',
  'https://app.example.com',
  'https://app.example.com:8443',
];

/** The console's input for a provider on `externalHost`, its outpost and upstream on loopback (nginx resolves names). */
function consoleInput(externalHost: string, overrides: Partial<SnippetInput> = {}): SnippetInput {
  return {
    externalHost,
    mode: 'forward_single',
    cookieDomain: '',
    outpostUrl: 'http://127.0.0.1:9000',
    outpostService: 'ak-outpost-authentik-embedded-outpost',
    outpostNamespace: 'authentik',
    upstream: 'http://127.0.0.1:8080',
    appNamespace: 'default',
    ...overrides,
  };
}

/** The port Caddy's adapted configuration listens on for its only server. */
function caddyListen(adapted: Awaited<ReturnType<typeof checkCaddy>>): string[] {
  return Object.values(adapted.apps.http?.servers ?? {}).flatMap((server) => server.listen ?? []);
}

describe('snippets load in the real proxies', () => {
  let dir: string;
  let cert: string;
  let key: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'palisade-snippet-certs-'));
    const pair = generateSelfSigned({ commonName: 'app.example.com', validityDays: 30 });
    cert = join(dir, 'app.pem');
    key = join(dir, 'app.key');
    await writeFile(cert, pair.certificatePem);
    await writeFile(key, pair.privateKeyPem, { mode: 0o600 });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  /** The console's nginx snippet with its certificate paths pointed at the test's certificate. */
  const consoleNginx = (input: SnippetInput) => {
    const text = nginxSnippet(input);
    const host = new URL(input.externalHost).hostname;
    return input.externalHost.startsWith('https:')
      ? fillSnippet(text, { [`/etc/ssl/certs/${host}.pem`]: cert, [`/etc/ssl/private/${host}.key`]: key })
      : text;
  };

  for (const host of HOSTS) {
    it(`the console's nginx snippet for ${host}`, async () => {
      const text = consoleNginx(consoleInput(host));
      const port = new URL(host).port || (host.startsWith('https:') ? '443' : '80');
      assert.match(text, new RegExp(`listen ${port}${host.startsWith('https:') ? ' ssl' : ''};`));
      await checkNginx(text);
    });

    it(`the console's Caddy snippet for ${host}`, async () => {
      const adapted = await checkCaddy(caddySnippet(consoleInput(host)));
      const port = new URL(host).port || (host.startsWith('https:') ? '443' : '80');
      assert.deepEqual(caddyListen(adapted), [`:${port}`], 'Caddy listens where the external host says');
    });
  }

  it("the console's snippets of two applications in one nginx, and of a domain-level provider", async () => {
    await checkNginx(
      [
        consoleNginx(consoleInput('http://app.example.com:8088')),
        consoleNginx(consoleInput('http://wiki.example.com:8088', { upstream: 'http://127.0.0.1:8081' })),
        consoleNginx(
          consoleInput('https://auth.example.com', { mode: 'forward_domain', cookieDomain: 'example.com' }),
        )
          .replaceAll('/etc/ssl/certs/auth.example.com.pem', cert)
          .replaceAll('/etc/ssl/private/auth.example.com.key', key),
      ].join('\n'),
    );
  });

  /** docs/forward-auth/nginx.md's server block for `host`, as the page says to adapt it. */
  const docsServer = (block: string, host: string, backend: string) => {
    const url = new URL(host);
    const isHttps = url.protocol === 'https:';
    const listen = `listen ${url.port || (isHttps ? '443' : '80')}${isHttps ? ' ssl' : ''};`;
    return fillSnippet(block, {
      'listen 80;': isHttps
        ? `${listen}\n    ssl_certificate ${cert};\n    ssl_certificate_key ${key};`
        : listen,
      'server_name app.example.com;': `server_name ${url.hostname};`,
      'backend.internal:8080': backend,
    });
  };

  for (const host of HOSTS) {
    it(`docs/forward-auth/nginx.md for ${host}`, async () => {
      const [upstream = '', server = ''] = await docSnippets('forward-auth/nginx.md', 'nginx');
      await checkNginx(
        [
          fillSnippet(upstream, { 'outpost.internal:9000': '127.0.0.1:9000' }),
          docsServer(server, host, '127.0.0.1:8080'),
        ].join('\n'),
      );
    });

    it(`docs/forward-auth/caddy.md for ${host}`, async () => {
      const block = await docSnippet('forward-auth/caddy.md', 'caddyfile');
      const adapted = await checkCaddy(
        fillSnippet(block, {
          'http://app.example.com {': `${host} {`,
          'outpost.internal:9000': '127.0.0.1:9000',
          'backend.internal:8080': '127.0.0.1:8080',
        }),
      );
      const port = new URL(host).port || (host.startsWith('https:') ? '443' : '80');
      assert.deepEqual(caddyListen(adapted), [`:${port}`]);
    });
  }

  it('docs/forward-auth/nginx.md for two applications in one nginx: one upstream, two servers', async () => {
    const [upstream = '', server = ''] = await docSnippets('forward-auth/nginx.md', 'nginx');
    await checkNginx(
      [
        fillSnippet(upstream, { 'outpost.internal:9000': '127.0.0.1:9000' }),
        docsServer(server, 'http://app.example.com:8088', '127.0.0.1:8080'),
        docsServer(server, 'http://wiki.example.com:8088', '127.0.0.1:8081'),
      ].join('\n'),
    );
  });

  it('docs/forward-auth/caddy.md as written keeps Caddy on plain HTTP (no certificate of its own)', async () => {
    const block = await docSnippet('forward-auth/caddy.md', 'caddyfile');
    const adapted = await checkCaddy(
      fillSnippet(block, {
        'outpost.internal:9000': '127.0.0.1:9000',
        'backend.internal:8080': '127.0.0.1:8080',
      }),
    );
    assert.deepEqual(caddyListen(adapted), [':80']);
  });

  it('a snippet nginx refuses fails the check (the check can fail)', async () => {
    await assert.rejects(
      checkNginx('server { listen 443 ssl; http2 on; server_name x; }'),
      /nginx -t refused/,
    );
    const adapted = await checkCaddy('app.example.com {\n\trespond "hi"\n}\n');
    assert.deepEqual(caddyListen(adapted), [':443'], 'without http:// Caddy switches to HTTPS');
  });
});
