import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadOutpostEnv, OutpostEnvError, parseListenAddress } from '../src/process/env.ts';
import { outpostSocketUrl } from '../src/process/websocket.ts';
import { runOutpostBin } from './support/outpost-bin.ts';

const TOKEN = 'super-secret-token-value-0123456789';

function problemsOf(env: Record<string, string>, readFile?: (path: string) => string): OutpostEnvError {
  try {
    loadOutpostEnv(env, readFile);
  } catch (error) {
    assert.ok(error instanceof OutpostEnvError);
    return error;
  }
  assert.fail('expected an OutpostEnvError');
}

describe('the outpost environment', () => {
  it('needs only AUTHENTIK_HOST and AUTHENTIK_TOKEN; the ports default to 9000, 9443, 9300 and 1812/udp', () => {
    const env = loadOutpostEnv({ AUTHENTIK_HOST: 'https://sso.example.com', AUTHENTIK_TOKEN: TOKEN });
    assert.equal(env.host.href, 'https://sso.example.com/');
    assert.equal(env.token, TOKEN);
    assert.equal(env.insecure, false);
    assert.equal(env.hostBrowser, undefined);
    assert.deepEqual(env.listen, {
      http: { host: '0.0.0.0', port: 9000 },
      https: { host: '0.0.0.0', port: 9443 },
      metrics: { host: '0.0.0.0', port: 9300 },
      radius: { host: '0.0.0.0', port: 1812 },
    });
    assert.deepEqual(env.trustedProxyCidrs, []);
    assert.ok(Object.isFrozen(env));
  });

  it('keeps a path prefix, ending it with a slash so api/v3/ resolves under it', () => {
    const env = loadOutpostEnv({ AUTHENTIK_HOST: 'https://example.com/authentik', AUTHENTIK_TOKEN: TOKEN });
    assert.equal(new URL('api/v3/', env.host).href, 'https://example.com/authentik/api/v3/');
  });

  it('reads every setting, with file:// and env:// indirections', () => {
    const env = loadOutpostEnv(
      {
        AUTHENTIK_HOST: 'env://CORE_URL',
        CORE_URL: 'http://core:9000',
        AUTHENTIK_TOKEN: 'file:///run/secrets/token',
        AUTHENTIK_INSECURE: 'true',
        AUTHENTIK_HOST_BROWSER: 'https://sso.example.com',
        AUTHENTIK_LISTEN__HTTP: '[::1]:8000',
        AUTHENTIK_LISTEN__HTTPS: ':8443',
        AUTHENTIK_LISTEN__METRICS: '127.0.0.1:0',
        AUTHENTIK_LISTEN__TRUSTED_PROXY_CIDRS: '10.0.0.0/8, 192.168.1.1,fd00::/8',
      },
      (path) => {
        assert.equal(path, '/run/secrets/token');
        return `${TOKEN}\n`;
      },
    );
    assert.equal(env.host.href, 'http://core:9000/');
    assert.equal(env.token, TOKEN, 'the trailing newline of the file is dropped');
    assert.equal(env.insecure, true);
    assert.equal(env.hostBrowser?.origin, 'https://sso.example.com');
    assert.deepEqual(env.listen.http, { host: '::1', port: 8000 });
    assert.deepEqual(env.listen.https, { host: '0.0.0.0', port: 8443 });
    assert.deepEqual(env.listen.metrics, { host: '127.0.0.1', port: 0 });
    assert.deepEqual(env.trustedProxyCidrs, ['10.0.0.0/8', '192.168.1.1', 'fd00::/8']);
  });

  it('reports every problem at once', () => {
    const error = problemsOf({
      AUTHENTIK_INSECURE: 'maybe',
      AUTHENTIK_HOST_BROWSER: 'ftp://files.example.com',
      AUTHENTIK_LISTEN__HTTP: '9000',
      AUTHENTIK_LISTEN__METRICS: '0.0.0.0:70000',
      AUTHENTIK_LISTEN__TRUSTED_PROXY_CIDRS: '10.0.0.0/33,proxy.example.com',
    });
    assert.deepEqual(error.problems, [
      'AUTHENTIK_HOST is required (the URL of the core)',
      "AUTHENTIK_TOKEN is required (the outpost's token key)",
      'AUTHENTIK_INSECURE must be true or false (got "maybe")',
      'AUTHENTIK_HOST_BROWSER must be an http:// or https:// URL (got "ftp://files.example.com")',
      'AUTHENTIK_LISTEN__HTTP must be host:port, [ipv6]:port or :port (got "9000")',
      'AUTHENTIK_LISTEN__METRICS must be host:port, [ipv6]:port or :port (got "0.0.0.0:70000")',
      'AUTHENTIK_LISTEN__TRUSTED_PROXY_CIDRS: "10.0.0.0/33" is not an IP address or CIDR block',
      'AUTHENTIK_LISTEN__TRUSTED_PROXY_CIDRS: "proxy.example.com" is not an IP address or CIDR block',
    ]);
    assert.equal(error.name, 'ConfigError');
    assert.match(error.message, /^invalid outpost environment:\n {2}- AUTHENTIK_HOST is required/);
  });

  it('never prints the token, and hides user info of URLs', () => {
    const error = problemsOf({
      AUTHENTIK_HOST: 'not a url://user:pw@x',
      AUTHENTIK_TOKEN: `${TOKEN} with spaces`,
    });
    assert.ok(!error.message.includes(TOKEN));
    assert.ok(error.problems.includes('AUTHENTIK_TOKEN must not contain white space'));
    const withCredentials = problemsOf({ AUTHENTIK_HOST: 'ftp://user:pw@core', AUTHENTIK_TOKEN: TOKEN });
    assert.ok(!withCredentials.message.includes('pw'), withCredentials.message);
  });

  it('names an indirection that does not resolve', () => {
    const error = problemsOf(
      { AUTHENTIK_HOST: 'env://MISSING', AUTHENTIK_TOKEN: 'file:///nowhere/token' },
      () => {
        throw Object.assign(new Error('nope'), { code: 'ENOENT' });
      },
    );
    assert.deepEqual(error.problems, [
      'AUTHENTIK_HOST: env://MISSING names a variable that is not set',
      'AUTHENTIK_HOST is required (the URL of the core)',
      'AUTHENTIK_TOKEN: cannot read file:///nowhere/token (ENOENT)',
      "AUTHENTIK_TOKEN is required (the outpost's token key)",
    ]);
  });

  it('parses listen addresses as the reference writes them', () => {
    assert.deepEqual(parseListenAddress('[::]:9000'), { host: '::', port: 9000 });
    assert.equal(parseListenAddress('[nothost]:9000'), undefined);
    assert.equal(parseListenAddress('host'), undefined);
    assert.deepEqual(parseListenAddress('localhost:1'), { host: 'localhost', port: 1 });
  });

  it('takes a token with the trailing newline or spaces of a Kubernetes Secret (`token: |`) or a file', () => {
    for (const written of [`${TOKEN}\n`, `${TOKEN}\r\n`, `  ${TOKEN} \t\n\n`]) {
      assert.equal(
        loadOutpostEnv({ AUTHENTIK_HOST: 'http://core:9000', AUTHENTIK_TOKEN: written }).token,
        TOKEN,
      );
      const fromFile = loadOutpostEnv(
        { AUTHENTIK_HOST: 'http://core:9000', AUTHENTIK_TOKEN: 'file:///run/secrets/token' },
        () => written,
      );
      assert.equal(fromFile.token, TOKEN);
    }
    const blank = problemsOf({ AUTHENTIK_HOST: 'http://core:9000', AUTHENTIK_TOKEN: ' \n' });
    assert.deepEqual(blank.problems, ["AUTHENTIK_TOKEN is required (the outpost's token key)"]);
  });

  it('reaches the API and the websocket under AUTHENTIK_HOST with or without a trailing slash or a path prefix', () => {
    const cases: Array<[string, string]> = [
      ['https://sso.example.com', 'https://sso.example.com/'],
      ['https://sso.example.com/', 'https://sso.example.com/'],
      ['https://sso.example.com/\n', 'https://sso.example.com/'],
      ['https://example.com/authentik', 'https://example.com/authentik/'],
      ['https://example.com/authentik/', 'https://example.com/authentik/'],
      ['http://core:9000/a/b', 'http://core:9000/a/b/'],
    ];
    for (const [written, base] of cases) {
      const env = loadOutpostEnv({ AUTHENTIK_HOST: written, AUTHENTIK_TOKEN: TOKEN });
      assert.equal(new URL('api/v3/outposts/instances/', env.host).href, `${base}api/v3/outposts/instances/`);
      const socket = outpostSocketUrl(env.host, 'pk', 'uuid', 1);
      assert.equal(
        `${socket.origin}${socket.pathname}`,
        `${base.replace(/^http/, 'ws')}ws/outpost/pk/`,
        written,
      );
    }
  });

  it('stops the real program at start with one message naming the variable, exit 2', async () => {
    const run = (env: Record<string, string>) => runOutpostBin([], env);
    const missing = await run({ AUTHENTIK_HOST: 'https://sso.example.com' });
    assert.equal(missing.code, 2);
    assert.equal(
      missing.stderr,
      "palisade-outpost: invalid outpost environment:\n  - AUTHENTIK_TOKEN is required (the outpost's token key)\n",
    );
    assert.equal(missing.stdout, '');
    const malformed = await run({ AUTHENTIK_HOST: 'sso.example.com', AUTHENTIK_TOKEN: TOKEN });
    assert.equal(malformed.code, 2);
    assert.equal(
      malformed.stderr,
      'palisade-outpost: invalid outpost environment:\n  - AUTHENTIK_HOST must be an absolute http(s) URL (got "sso.example.com")\n',
    );
    assert.ok(!malformed.stderr.includes(TOKEN));
  });
});
