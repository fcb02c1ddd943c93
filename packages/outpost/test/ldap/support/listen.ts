/** Opens the LDAP listeners of a runtime on loopback ports for a test, and an ldapts client factory. */
import { Client } from 'ldapts';
import type { Listener } from '../../../src/process/listeners.ts';
import type { ConnectionHost } from '../../../src/ldap/host.ts';
import { listenLdap } from '../../../src/ldap/listeners.ts';

/** Both listeners, and URLs to reach them. */
export interface TestListeners {
  ldap: Listener;
  ldaps: Listener;
  ldapUrl: string;
  ldapsUrl: string;
  /** An ldapts client of the plain port (closed by `close`). */
  client(options?: { url?: string; tlsOptions?: object }): Client;
  close(): Promise<void>;
}

/** Opens 3389/6636 equivalents on free loopback ports. */
export async function listenForTest(host: ConnectionHost, proxyProtocol = false): Promise<TestListeners> {
  const ldap = await listenLdap({ name: 'ldap', at: { host: '127.0.0.1', port: 0 }, host, proxyProtocol });
  const ldaps = await listenLdap({ name: 'ldaps', at: { host: '127.0.0.1', port: 0 }, host, proxyProtocol });
  const clients: Client[] = [];
  const ldapUrl = `ldap://127.0.0.1:${ldap.address.port}`;
  const ldapsUrl = `ldaps://127.0.0.1:${ldaps.address.port}`;
  return {
    ldap,
    ldaps,
    ldapUrl,
    ldapsUrl,
    client(options = {}) {
      const client = new Client({
        url: options.url ?? ldapUrl,
        timeout: 10_000,
        tlsOptions: options.tlsOptions,
      });
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.all(clients.map((c) => c.unbind().catch(() => {})));
      await Promise.all([ldap.close(100), ldaps.close(100)]);
    },
  };
}
