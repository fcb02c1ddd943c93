/**
 * The LDAP ports: 3389 plain LDAP (StartTLS upgrades it) and 6636 LDAPS (TLS from the first byte), each
 * optionally reading a PROXY protocol header first (only when enabled). The client address handed to the
 * core is the header's source when there is one, else the peer's.
 */
import net, { type AddressInfo, type Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { ListenAddress } from '../process/env.ts';
import type { Listener } from '../process/listeners.ts';
import { LdapConnection } from './connection.ts';
import type { ConnectionHost } from './host.ts';
import { readProxyHeader } from './proxy-protocol.ts';

/** How long a client may take to send its PROXY header. */
const PROXY_HEADER_TIMEOUT_MS = 5_000;

/** What a listener needs. */
export interface LdapListenOptions {
  name: 'ldap' | 'ldaps';
  at: ListenAddress;
  host: ConnectionHost;
  proxyProtocol: boolean;
}

function peerAddress(socket: Socket): string {
  const address = socket.remoteAddress ?? '';
  // An IPv4 client of a dual-stack socket shows as ::ffff:a.b.c.d; the core wants a.b.c.d.
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/** Waits for the PROXY header (if any) and hands the socket on with what followed it. */
function withProxyHeader(socket: Socket, onReady: (clientIp: string, head: Buffer) => void): void {
  let received = Buffer.alloc(0);
  const timer = setTimeout(() => socket.destroy(), PROXY_HEADER_TIMEOUT_MS);
  const onData = (chunk: Buffer) => {
    received = Buffer.concat([received, chunk]);
    const header = readProxyHeader(received);
    if (header.state === 'more') return;
    clearTimeout(timer);
    socket.off('data', onData);
    if (header.state === 'invalid') {
      socket.destroy();
      return;
    }
    socket.pause();
    const clientIp = header.state === 'header' && header.sourceIp ? header.sourceIp : peerAddress(socket);
    onReady(clientIp, header.rest);
    socket.resume();
  };
  socket.on('data', onData);
  socket.on('error', () => socket.destroy());
}

function serve(options: LdapListenOptions, socket: Socket, clientIp: string, head: Buffer): void {
  const { host } = options;
  if (options.name === 'ldap') {
    new LdapConnection(host, socket, { clientIp, isTls: false, head });
    return;
  }
  // Bytes that came with the PROXY header belong to the TLS handshake: put them back first.
  if (head.length > 0) socket.unshift(head);
  const tls = new TLSSocket(socket, {
    isServer: true,
    secureContext: host.secureContextFor(''),
    SNICallback: (servername, callback) => {
      try {
        callback(null, host.secureContextFor(servername));
      } catch (error) {
        callback(error as Error);
      }
    },
  });
  tls.on('error', (error) => {
    host.log.debug({ err: error.message }, 'LDAPS handshake failed');
    tls.destroy();
  });
  new LdapConnection(host, tls, { clientIp, isTls: true });
}

/** Opens one LDAP listener. */
export async function listenLdap(options: LdapListenOptions): Promise<Listener> {
  const sockets = new Set<Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    if (options.proxyProtocol) withProxyHeader(socket, (ip, head) => serve(options, socket, ip, head));
    else serve(options, socket, peerAddress(socket), Buffer.alloc(0));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.at.port, options.at.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) =>
    options.host.log.error({ err: error.message, listener: options.name }, 'listener error'),
  );
  const address = server.address() as AddressInfo;
  options.host.log.info(
    { listener: options.name, address: `${address.address}:${address.port}` },
    'listening',
  );
  return {
    name: options.name,
    address,
    async close(drainMs) {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      const timer = setTimeout(() => {
        for (const socket of sockets) socket.destroy();
      }, drainMs);
      for (const socket of sockets) socket.end();
      await stopped;
      clearTimeout(timer);
    },
  };
}
