import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadOutpostEnv, OutpostEnvError, parseListenAddress } from '../src/process/env.ts';

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
  it('needs only AUTHENTIK_HOST and AUTHENTIK_TOKEN; the ports default to 9000, 9443 and 9300', () => {
    const env = loadOutpostEnv({ AUTHENTIK_HOST: 'https://sso.example.com', AUTHENTIK_TOKEN: TOKEN });
    assert.equal(env.host.href, 'https://sso.example.com/');
    assert.equal(env.token, TOKEN);
    assert.equal(env.insecure, false);
    assert.equal(env.hostBrowser, undefined);
    assert.deepEqual(env.listen, {
      http: { host: '0.0.0.0', port: 9000 },
      https: { host: '0.0.0.0', port: 9443 },
      metrics: { host: '0.0.0.0', port: 9300 },
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
});
