import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Client, InvalidCredentialsError } from 'ldapts';
import { generateSelfSigned } from '@palisade/x509';
import { toProvider } from '../../src/ldap/config.ts';
import { ldapConfig } from './support/provider-config.ts';
import { fakeSetup, fixtureData, type FakeSetup } from './support/fake-core.ts';
import { listenForTest, type TestListeners } from './support/listen.ts';

const BASE = 'dc=example,dc=com';
const dn = (name: string) => `cn=${name},ou=users,${BASE}`;

describe('StartTLS and LDAPS with the certificate chosen by SNI', () => {
  let setup: FakeSetup;
  let listeners: TestListeners;
  const first = generateSelfSigned({
    commonName: 'ldap.example.test',
    subjectAltNames: ['ldap.example.test'],
    validityDays: 2,
  });
  const second = generateSelfSigned({
    commonName: 'dir.other.test',
    subjectAltNames: ['dir.other.test'],
    validityDays: 2,
  });
  before(async () => {
    setup = fakeSetup(fixtureData(3, 1));
    const other = toProvider(
      ldapConfig({
        pk: 2,
        name: 'other',
        base_dn: 'dc=other,dc=test',
        application_slug: 'other',
        certificate: '00000000-0000-4000-8000-000000000002',
        tls_server_name: 'dir.other.test',
      }),
    );
    const provider = {
      ...setup.provider,
      certificate: '00000000-0000-4000-8000-000000000001',
      tlsServerName: 'ldap.example.test',
    };
    setup.runtime.update({
      providers: [provider, other],
      keypairs: new Map([
        ['00000000-0000-4000-8000-000000000001', first],
        ['00000000-0000-4000-8000-000000000002', second],
      ]),
      data: { users: setup.state.users.map((u) => u.user), groups: setup.state.groups },
    });
    listeners = await listenForTest(setup.runtime);
  });
  after(() => listeners.close());

  it('upgrades with StartTLS to the certificate of the SNI name, verified by the client, then binds', async () => {
    const client = listeners.client();
    await client.startTLS({ ca: [first.certificatePem], servername: 'ldap.example.test' });
    await client.bind(dn('user1'), 'password-1');
    const found = await client.search(BASE, { filter: '(&(objectClass=user)(cn=user1))' });
    assert.equal(found.searchEntries.length, 1);
  });

  it('serves LDAPS with the other provider certificate for its name, and refuses a client that trusts only the first', async () => {
    const client = listeners.client({
      url: listeners.ldapsUrl,
      tlsOptions: { ca: [second.certificatePem], servername: 'dir.other.test' },
    });
    await client.bind('', '');
    const wrong = new Client({
      url: listeners.ldapsUrl,
      timeout: 5000,
      tlsOptions: { ca: [first.certificatePem], servername: 'dir.other.test' },
    });
    await assert.rejects(wrong.bind('', ''), /certificate|self.signed|unable to verify/i);
  });

  it('refuses StartTLS on a connection already under TLS', async () => {
    const client = listeners.client({
      url: listeners.ldapsUrl,
      tlsOptions: { ca: [first.certificatePem], servername: 'ldap.example.test' },
    });
    await assert.rejects(
      client.exop('1.3.6.1.4.1.1466.20037'),
      (error: { code?: number }) => error.code === 1,
    );
  });
});

describe('PROXY protocol and metrics', () => {
  let setup: FakeSetup;
  let listeners: TestListeners;
  before(async () => {
    setup = fakeSetup(fixtureData(3, 1));
    listeners = await listenForTest(setup.runtime, true);
  });
  after(() => listeners.close());

  it('delegates the PROXY header source address to the core, and still serves clients without a header', async () => {
    const seen: string[] = [];
    const allFrom = (ip: string) => seen.length > 0 && seen.every((s) => s === ip);
    const fetchBefore = setup.runtime['options'].coreFetch;
    setup.runtime['options'].coreFetch = async (url, init) => {
      seen.push(new Headers(init?.headers).get('x-authentik-remote-ip') ?? '');
      return fetchBefore(url, init);
    };
    // An ldapts client behind a hand-made proxy: a v1 header, then its bytes.
    const relay = net.createServer((inbound) => {
      const outbound = net.connect(listeners.ldap.address.port, '127.0.0.1', () => {
        outbound.write('PROXY TCP4 198.51.100.7 127.0.0.1 40000 389\r\n');
        inbound.pipe(outbound).pipe(inbound);
      });
      inbound.on('error', () => outbound.destroy());
      outbound.on('error', () => inbound.destroy());
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    try {
      const port = (relay.address() as net.AddressInfo).port;
      const proxied = new Client({ url: `ldap://127.0.0.1:${port}`, timeout: 5000 });
      await proxied.bind(dn('user1'), 'password-1');
      await proxied.unbind();
      assert.ok(allFrom('198.51.100.7'), seen.join(','));
      seen.length = 0;
      await listeners.client().bind(dn('user2'), 'password-2');
      assert.ok(allFrom('127.0.0.1'), seen.join(','));
    } finally {
      setup.runtime['options'].coreFetch = fetchBefore;
      relay.close();
    }
  });

  it('counts rejections by reason with the spec names and times requests', async () => {
    await assert.rejects(listeners.client().bind(dn('user1'), 'nope'), InvalidCredentialsError);
    const client = listeners.client();
    await assert.rejects(client.search(BASE, { filter: '(objectClass=*)' }));
    const text = await setup.registry.metrics();
    assert.match(
      text,
      /^authentik_outpost_ldap_requests_rejected_total\{outpost_name="test-outpost",type="bind",reason="invalid_credentials",app=""\} 1$/m,
    );
    assert.match(
      text,
      /^authentik_outpost_ldap_requests_rejected_total\{outpost_name="test-outpost",type="search",reason="empty_bind_dn",app=""\} 1$/m,
    );
    assert.match(
      text,
      /^authentik_outpost_ldap_request_duration_seconds_count\{outpost_name="test-outpost",type="bind",app=""\} \d+$/m,
    );
  });
});
