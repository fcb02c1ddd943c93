import assert from 'node:assert/strict';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { renderConfigurationDocs } from '../../src/config/docs.ts';
import { ConfigError, loadConfig } from '../../src/config/load.ts';
import { databaseTarget } from '../../src/config/schema.ts';
import { ensureSecretKey } from '../../src/config/secret-key.ts';

function problemsOf(env: Record<string, string>, file?: string): readonly string[] {
  try {
    loadConfig({ env, file });
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
    return error.problems;
  }
  assert.fail('configuration was accepted');
}

describe('configuration', () => {
  it('has working defaults with nothing set', () => {
    const config = loadConfig({ env: {} });
    assert.equal(config.data_dir, './data');
    assert.equal(config.listen.http, '0.0.0.0:9000');
    assert.equal(config.log_level, 'info');
    assert.deepEqual(config.trusted_proxy_cidrs, []);
    assert.deepEqual(databaseTarget(config), { kind: 'embedded', dataDir: './data' });
  });

  it('reads nested keys from PALISADE_ variables with __ and converts their types', () => {
    const config = loadConfig({
      env: {
        PALISADE_LISTEN__HTTP: '127.0.0.1:9100',
        PALISADE_POSTGRESQL__HOST: 'db.internal',
        PALISADE_POSTGRESQL__PORT: '6543',
        PALISADE_POSTGRESQL__PASSWORD: 'p@ss/word',
        PALISADE_POSTGRESQL__SSLMODE: 'verify-full',
        PALISADE_TRUSTED_PROXY_CIDRS: '10.0.0.0/8, 127.0.0.1',
        PALISADE_LOGIN__MAX_FAILURES_PER_USERNAME: '3',
      },
    });
    assert.equal(config.listen.http, '127.0.0.1:9100');
    assert.equal(config.postgresql.port, 6543);
    assert.equal(config.login.max_failures_per_username, 3);
    assert.deepEqual(config.trusted_proxy_cidrs, ['10.0.0.0/8', '127.0.0.1']);
    const target = databaseTarget(config);
    assert.equal(target.kind, 'server');
    assert.ok(target.kind === 'server');
    const url = new URL(target.connectionString);
    assert.equal(url.hostname, 'db.internal');
    assert.equal(url.port, '6543');
    assert.equal(decodeURIComponent(url.password), 'p@ss/word');
    assert.equal(url.pathname, '/palisade');
    assert.deepEqual(target.ssl, { rejectUnauthorized: true });
  });

  it('takes DATABASE_URL and the AUTHENTIK_BOOTSTRAP_* names; PALISADE_ names win over aliases', () => {
    const config = loadConfig({
      env: {
        DATABASE_URL: 'postgres://a@h/one',
        AUTHENTIK_BOOTSTRAP_PASSWORD: 'from-authentik-name',
        AUTHENTIK_BOOTSTRAP_TOKEN: 'token-from-authentik-name',
        PALISADE_BOOTSTRAP_TOKEN: 'token-from-palisade-name',
        AUTHENTIK_BOOTSTRAP_EMAIL: 'admin@example.com',
      },
    });
    assert.equal(config.database_url, 'postgres://a@h/one');
    assert.equal(config.bootstrap_password, 'from-authentik-name');
    assert.equal(config.bootstrap_token, 'token-from-palisade-name');
    assert.equal(config.bootstrap_email, 'admin@example.com');
    assert.deepEqual(databaseTarget(config), {
      kind: 'server',
      connectionString: 'postgres://a@h/one',
      ssl: undefined,
    });
  });

  it('reads secrets from *_FILE variables, dropping one trailing newline', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'palisade-config-'));
    await writeFile(join(dir, 'pw'), 'file-password\n');
    const config = loadConfig({ env: { PALISADE_POSTGRESQL__PASSWORD_FILE: join(dir, 'pw') } });
    assert.equal(config.postgresql.password, 'file-password');
    assert.deepEqual(problemsOf({ PALISADE_LOG_LEVEL_FILE: join(dir, 'pw') }), [
      'PALISADE_LOG_LEVEL_FILE: log_level is not a secret setting, so it has no _FILE variant',
    ]);
  });

  it('layers the environment over the YAML file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'palisade-config-'));
    const file = join(dir, 'palisade.yml');
    await writeFile(file, 'log_level: debug\nlisten:\n  http: 127.0.0.1:7000\npostgresql:\n  port: 7001\n');
    const config = loadConfig({ env: { PALISADE_CONFIG_FILE: file, PALISADE_LOG_LEVEL: 'warn' } });
    assert.equal(config.log_level, 'warn');
    assert.equal(config.listen.http, '127.0.0.1:7000');
    assert.equal(config.postgresql.port, 7001);
  });

  it('reports every problem at once, naming the source, with suggestions for unknown keys', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'palisade-config-'));
    const file = join(dir, 'palisade.yml');
    await writeFile(file, 'postgresql:\n  hots: db\nlog_level: chatty\n');
    const problems = problemsOf(
      {
        PALISADE_LISTEN__HTTTP: '1.2.3.4:5',
        PALISADE_POSTGRESQL__PORT: 'five',
        PALISADE_SECRET_KEY: 'short',
        PALISADE_LISTEN__HTTP: 'nonsense',
      },
      file,
    );
    assert.deepEqual([...problems].sort(), [
      'PALISADE_LISTEN__HTTP: must look like 0.0.0.0:9000 or [::]:9000 (got "nonsense")',
      'PALISADE_LISTEN__HTTTP: unknown setting; did you mean PALISADE_LISTEN__HTTP?',
      'PALISADE_POSTGRESQL__PORT: must be integer (got "five")',
      'PALISADE_SECRET_KEY: must NOT have fewer than 32 characters',
      `log_level (in ${file}): must be one of trace, debug, info, warn, error, fatal, silent (got "chatty")`,
      `postgresql.hots (in ${file}): unknown setting; did you mean postgresql.host?`,
    ]);
    // The secret's value is never echoed back.
    assert.ok(!problems.join('\n').includes('short'));
  });

  it('reports unreadable or malformed files clearly', async () => {
    assert.match(problemsOf({}, '/nonexistent/palisade.yml')[0] ?? '', /nonexistent\/palisade\.yml: ENOENT/);
    const dir = await mkdtemp(join(tmpdir(), 'palisade-config-'));
    await writeFile(join(dir, 'bad.yml'), 'listen: [unclosed');
    assert.match(problemsOf({}, join(dir, 'bad.yml'))[0] ?? '', /not valid YAML/);
    await writeFile(join(dir, 'list.yml'), '- a\n- b\n');
    assert.match(problemsOf({}, join(dir, 'list.yml'))[0] ?? '', /must be a mapping/);
  });

  it('ignores the CLI and test variables that share the prefix', () => {
    const config = loadConfig({
      env: { PALISADE_URL: 'http://x', PALISADE_TOKEN: 't', PALISADE_TEST_POSTGRESQL_URL: 'postgres://x' },
    });
    assert.equal(config.database_url, undefined);
  });

  it('freezes the result deeply', () => {
    const config = loadConfig({ env: {} });
    assert.ok(Object.isFrozen(config));
    assert.ok(Object.isFrozen(config.postgresql));
    assert.throws(() => {
      (config.listen as { http: string }).http = 'x';
    }, TypeError);
  });
});

describe('secret key', () => {
  it('is generated once into the data folder, readable by its owner only, then reused', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'palisade-key-'));
    const config = loadConfig({ env: {} });
    const first = await ensureSecretKey(config, dir);
    assert.ok(first.length >= 32);
    assert.equal((await stat(join(dir, 'secret_key'))).mode & 0o777, 0o600);
    assert.equal(await ensureSecretKey(config, dir), first);
    assert.equal((await readFile(join(dir, 'secret_key'), 'utf8')).trim(), first);
  });

  it('uses the configured key when set and writes nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'palisade-key-'));
    const key = 'k'.repeat(40);
    const config = loadConfig({ env: { PALISADE_SECRET_KEY: key } });
    assert.equal(await ensureSecretKey(config, dir), key);
    await assert.rejects(stat(join(dir, 'secret_key')), { code: 'ENOENT' });
  });
});

describe('docs/configuration.md', () => {
  it('names every setting with its environment variable', () => {
    const docs = renderConfigurationDocs();
    for (const name of ['PALISADE_POSTGRESQL__HOST', 'PALISADE_LISTEN__HTTP', 'PALISADE_SECRET_KEY_FILE']) {
      assert.ok(docs.includes(`\`${name}\``), name);
    }
  });
});
