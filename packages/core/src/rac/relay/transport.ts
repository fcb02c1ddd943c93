import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { OutpostInstruction } from '@palisade/schema';
import type { FastifyBaseLogger } from 'fastify';
import WebSocket, { WebSocketServer } from 'ws';
import type { AppContext } from '../../context.ts';
import { notify } from '../../db/database.ts';
import { bearerKey, readSessionCookie, sessionPrincipal, verifyApiToken } from '../../http/authenticate.ts';
import type { OutpostHub } from '../../outposts/hub/hub.ts';
import { refuseUpgrade } from '../../outposts/hub/refuse-upgrade.ts';
import { outpostUsername } from '../../outposts/service-account.ts';
import {
  claimRacConnection,
  deleteRacConnection,
  type EndReason,
  endedRacConnections,
  findRacConnection,
  insertRacConnection,
} from '../connections-repository.ts';
import { initConnectionArgs } from '../init-connection.ts';
import { chooseRacInstances } from '../instance-choice.ts';
import { findRacProvider } from '../providers-repository.ts';
import { deleteRacConnectionToken, findLiveRacConnectionToken } from '../tokens-repository.ts';
import { type BrowserLink, serveBrowserLink } from './browser-link.ts';
import { closeSoon, forwardFrames, sendableCloseCode } from './frames.ts';
import { LINK_HEADER, signLink, verifyLink } from './link-auth.ts';
import {
  browserSocketToken,
  linkSocketChannel,
  linkSocketPath,
  relaySocketChannel,
  screenOf,
  upgradeUrl,
} from './paths.ts';

/** The NOTIFY channel on which a replica asks the one holding an instance's control socket to send its init. */
export const RAC_NOTIFY_CHANNEL = 'palisade_rac';

/** Largest frame on any RAC socket (a framebuffer update is relayed whole). */
export const MAX_RAC_FRAME_BYTES = 8 * 1024 * 1024;

/** Settings a test changes. */
export interface RacTransportOptions {
  /** This replica's URL as other replicas dial it (http://host:port), asked for when a connection opens. */
  replicaUrl: () => string;
  /** How long a browser socket waits for its relay (default 15 s). */
  pairTimeoutMs?: number;
  /** How often live connections are checked against their token and session (default 500 ms). */
  checkIntervalMs?: number;
}

/** The RAC transport of one core replica. */
export interface RacTransport {
  /** Takes an upgrade for one of the RAC paths; false for any other path. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  start(): Promise<void>;
  /** Ends every connection this replica holds and stops; idempotent. */
  close(): Promise<void>;
  /** Browser sockets on this replica (tests, metrics). */
  connections(): number;
}

const END_REASONS: Record<EndReason, string> = {
  'replaced or deleted': 'the connection was closed (opened elsewhere, or ended by an administrator)',
  expired: 'the connection expired',
  'signed out': 'you signed out',
};

/**
 * The browser ⇄ core ⇄ outpost relay (docs/rac.md, "The transport"). A browser socket (/ws/rac/<token>/, the
 * session cookie plus a live token of that session) gets a channel, recorded in rac_connections with this
 * replica's URL; the chosen instances hear init_connection from whichever replica holds their control
 * socket (asked over NOTIFY, which carries the channel id only). The outpost's relay socket
 * (/ws/outpost_rac/<channel>/, its Bearer token) may reach any replica: that replica claims the channel once
 * and either pairs it with the browser socket it holds, or dials the holder's /ws/rac_link/<channel>/
 * (authenticated by a short-lived MAC under the shared secret key) and pipes the two sockets together.
 * Frames are never parsed, only forwarded. Every live connection is checked twice a second: a token
 * expired or deleted, or a session ended, closes both sides.
 */
export function createRacTransport(
  ctx: AppContext,
  log: FastifyBaseLogger,
  hub: OutpostHub,
  options: RacTransportOptions,
): RacTransport {
  const racLog = log.child({ component: 'rac-transport' });
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_RAC_FRAME_BYTES,
    clientTracking: false,
    // The reference's page asks for `guacamole`; ours may ask for another: echo whatever comes first.
    handleProtocols: (protocols) => protocols.values().next().value ?? false,
  });
  const links = new Map<string, BrowserLink>();
  /** Channels whose row exists (checked by the watchdog). */
  const recorded = new Set<string>();
  const stops: Array<() => Promise<void> | void> = [];
  let closing = false;

  function refuse(
    socket: Duplex,
    status: 401 | 403 | 404 | 503,
    fields: Record<string, unknown>,
    reason: string,
  ): void {
    racLog.info({ ...fields, status, reason }, 'rac websocket refused');
    const code =
      status === 401 ? 'authentication_failed' : status === 403 ? 'permission_denied' : 'not_found';
    refuseUpgrade(socket, status, status === 503 ? 'unavailable' : code);
  }

  function accept(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<WebSocket> {
    return new Promise((resolve) => wss.handleUpgrade(req, socket, head, resolve));
  }

  async function browserUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, token: string) {
    const cookie = readSessionCookie(req);
    const principal = cookie ? await sessionPrincipal(ctx, cookie) : undefined;
    if (principal?.via !== 'session') return refuse(socket, 401, {}, 'no live login session');
    const user = principal.user.username;
    const live = await findLiveRacConnectionToken(ctx.db, ctx.box, token, principal.session.uuid);
    if (!live) return refuse(socket, 403, { user }, "connection token unknown, expired or another session's");
    const provider = await findRacProvider(ctx.db, live.providerId);
    if (!provider) return refuse(socket, 404, { user }, 'the provider is gone');
    const instances = await chooseRacInstances(ctx.db, live.providerId);
    if (socket.destroyed || closing) return;
    const channelId = randomBytes(24).toString('base64url');
    const ws = await accept(req, socket, head);
    const link = serveBrowserLink(
      ws,
      { channelId, tokenUuid: live.uuid },
      {
        log: racLog,
        onEnd: () => {
          links.delete(channelId);
          recorded.delete(channelId);
          clearTimeout(timer);
          finishConnection(channelId, live.uuid, provider.deleteTokenOnDisconnect).catch((error: unknown) =>
            racLog.error({ err: error, channel: channelId }, 'could not clean up a rac connection'),
          );
        },
      },
    );
    links.set(channelId, link);
    racLog.info({ user, channel: channelId, endpoint: live.endpointUuid }, 'rac browser socket opened');
    const timer = setTimeout(() => {
      if (!link.paired) link.end('the remote side did not answer (no outpost connected in time)');
    }, options.pairTimeoutMs ?? 15_000);
    timer.unref();
    if (instances.length === 0) return link.end('no RAC outpost is connected for this provider');
    await insertRacConnection(ctx.db, {
      channelId,
      tokenUuid: live.uuid,
      replicaUrl: options.replicaUrl(),
      screen: screenOf(upgradeUrl(req.url)),
      instances,
    });
    // The browser may have left while the row was written.
    if (!links.has(channelId)) return deleteRacConnection(ctx.db, channelId);
    recorded.add(channelId);
    await notify(ctx.db, RAC_NOTIFY_CHANNEL, JSON.stringify({ type: 'rac.init', channel_id: channelId }));
  }

  /** After the browser socket closed: forget the channel, and the token if the provider says so. */
  async function finishConnection(channelId: string, tokenUuid: string, deleteToken: boolean) {
    const row = await findRacConnection(ctx.db, channelId);
    await deleteRacConnection(ctx.db, channelId);
    // A socket whose row a newer one replaced leaves the token to that one.
    if (row && deleteToken) await deleteRacConnectionToken(ctx.db, tokenUuid);
  }

  async function relayUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, channelId: string) {
    const key = bearerKey(req.headers.authorization ?? '');
    const verdict = key ? await verifyApiToken(ctx, key) : { reason: 'no bearer token' };
    if ('reason' in verdict) return refuse(socket, 401, { channel: channelId }, verdict.reason);
    const username = verdict.principal.user.username;
    const connection = await findRacConnection(ctx.db, channelId);
    const offered = connection?.instances.find((i) => outpostUsername({ uuid: i.outpostUuid }) === username);
    if (!connection) return refuse(socket, 404, { channel: channelId, username }, 'no such channel');
    if (!offered)
      return refuse(socket, 403, { channel: channelId, username }, 'channel was not offered to this outpost');
    const claim = await claimRacConnection(ctx.db, channelId, offered.outpostUuid);
    if ('refused' in claim) return refuse(socket, 403, { channel: channelId, username }, claim.refused);
    if (claim.connection.replicaUrl === options.replicaUrl()) {
      const link = links.get(channelId);
      if (!link) return refuse(socket, 404, { channel: channelId }, 'the browser socket is gone');
      link.attach(await accept(req, socket, head));
      return;
    }
    // The browser socket is on another replica: reach it first, then take the outpost's socket.
    const peer = await dialLink(claim.connection.replicaUrl, channelId);
    if (!peer)
      return refuse(socket, 503, { channel: channelId }, 'could not reach the replica of the browser');
    if (socket.destroyed) return closeSoon(peer, 1000, 'outpost left');
    pipe(await accept(req, socket, head), peer, channelId);
  }

  function dialLink(replicaUrl: string, channelId: string): Promise<WebSocket | undefined> {
    const url = new URL(linkSocketPath(channelId), replicaUrl.replace(/^http/, 'ws'));
    const peer = new WebSocket(url, {
      headers: { [LINK_HEADER]: signLink(ctx.box, channelId) },
      maxPayload: MAX_RAC_FRAME_BYTES,
      handshakeTimeout: 5000,
    });
    return new Promise((resolve) => {
      peer.once('open', () => resolve(peer));
      peer.once('unexpected-response', (_req, res) => {
        racLog.info({ channel: channelId, status: res.statusCode }, 'replica link refused');
        peer.terminate();
        resolve(undefined);
      });
      peer.once('error', (error) => {
        racLog.info({ channel: channelId, err: error.message }, 'replica link failed');
        resolve(undefined);
      });
    });
  }

  /** Joins an outpost's relay socket and the link to the browser's replica: frames and closes pass through. */
  function pipe(outpost: WebSocket, peer: WebSocket, channelId: string): void {
    forwardFrames(outpost, peer);
    forwardFrames(peer, outpost);
    for (const [from, to] of [
      [outpost, peer],
      [peer, outpost],
    ] as const) {
      from.once('close', (code, reason) => closeSoon(to, sendableCloseCode(code), reason.toString()));
      from.on('error', (error) => racLog.info({ channel: channelId, err: error.message }, 'rac pipe error'));
    }
    racLog.info({ channel: channelId }, 'rac relay piped to the replica of the browser');
  }

  async function linkUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, channelId: string) {
    const proof = req.headers[LINK_HEADER];
    if (!verifyLink(ctx.box, channelId, typeof proof === 'string' ? proof : undefined))
      return refuse(socket, 401, { channel: channelId }, 'replica link proof missing, stale or wrong');
    const link = links.get(channelId);
    if (!link) return refuse(socket, 404, { channel: channelId }, 'the browser socket is gone');
    if (link.paired) return refuse(socket, 403, { channel: channelId }, 'channel already paired');
    link.attach(await accept(req, socket, head));
  }

  /** Sends init_connection to the chosen instances whose control socket is on this replica. */
  async function sendInit(channelId: string): Promise<void> {
    const connection = await findRacConnection(ctx.db, channelId);
    if (!connection) return;
    let args: Awaited<ReturnType<typeof initConnectionArgs>> | 'unbuilt' = 'unbuilt';
    for (const instance of connection.instances) {
      if (args === 'unbuilt') args = await initConnectionArgs(ctx, connection);
      if (!args) return;
      const sent = hub.sendToInstance(
        instance.outpostUuid,
        instance.uid,
        OutpostInstruction.PROVIDER_SPECIFIC,
        args,
      );
      // Never the params: they hold the target's credentials.
      if (sent)
        racLog.info({ channel: channelId, ...instance }, 'sent init_connection to an outpost instance');
    }
  }

  async function check(): Promise<void> {
    const ended = await endedRacConnections(ctx.db, [...recorded]);
    for (const [channelId, why] of ended) {
      recorded.delete(channelId);
      links.get(channelId)?.end(END_REASONS[why]);
    }
  }

  function dispatch(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const { pathname } = upgradeUrl(req.url);
    const token = browserSocketToken(pathname);
    const relay = token ? undefined : relaySocketChannel(pathname);
    const link = token || relay ? undefined : linkSocketChannel(pathname);
    if (!token && !relay && !link) return false;
    socket.on('error', () => {});
    if (closing) {
      refuseUpgrade(socket, 503, 'unavailable');
      return true;
    }
    const work = token
      ? browserUpgrade(req, socket, head, token)
      : relay
        ? relayUpgrade(req, socket, head, relay)
        : linkUpgrade(req, socket, head, link ?? '');
    work.catch((error: unknown) => {
      racLog.error({ err: error }, 'rac websocket upgrade failed');
      if (!socket.destroyed) refuseUpgrade(socket, 503, 'unavailable');
    });
    return true;
  }

  return {
    handleUpgrade: dispatch,
    async start() {
      stops.push(
        await ctx.db.listen(RAC_NOTIFY_CHANNEL, (payload) => {
          const message = (() => {
            try {
              return JSON.parse(payload) as { type?: unknown; channel_id?: unknown };
            } catch {
              return undefined;
            }
          })();
          if (message?.type !== 'rac.init' || typeof message.channel_id !== 'string') {
            racLog.warn({ payload: payload.slice(0, 200) }, 'ignored a malformed rac notification');
            return;
          }
          sendInit(message.channel_id).catch((error: unknown) =>
            racLog.error({ err: error }, 'could not send init_connection'),
          );
        }),
      );
      let checking = false;
      const timer = setInterval(() => {
        if (checking || recorded.size === 0) return;
        checking = true;
        check()
          .catch((error: unknown) => racLog.warn({ err: error }, 'could not check rac connections'))
          .finally(() => {
            checking = false;
          });
      }, options.checkIntervalMs ?? 500);
      timer.unref();
      stops.push(() => clearInterval(timer));
    },
    async close() {
      if (closing) return;
      closing = true;
      for (const stop of stops.splice(0)) await stop();
      for (const link of links.values()) link.end('the server is shutting down');
      wss.close();
    },
    connections: () => links.size,
  };
}
