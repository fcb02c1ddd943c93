/**
 * Protocol upgrades in proxy mode (websockets and any other `Upgrade`, RFC 9110 §7.8): the upgrade request
 * goes upstream under the same header rules as any request; on 101 (Switching Protocols) the two sockets
 * are joined, otherwise the upstream's answer is relayed and the connection closed.
 */
import { type ClientRequest, type IncomingMessage, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { rawErrorResponse } from './error-page.ts';
import { downstreamResponseHeaders } from './reverse-proxy-headers.ts';
import { badGatewayPage, prepareUpstream, type ProxyContext, sendUpstream } from './reverse-proxy-request.ts';
import type { UpstreamRequest } from './types.ts';

function headerLines(headers: readonly string[]): string {
  let lines = '';
  for (let i = 0; i < headers.length; i += 2) lines += `${headers[i]}: ${headers[i + 1]}\r\n`;
  return lines;
}

/** Passes one upgrade through to the upstream (the runtime's handleUpgrade calls this in proxy mode). */
export function forwardUpgrade(
  ctx: ProxyContext,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  upstream: UpstreamRequest,
): void {
  const started = ctx.now();
  const protocol = req.headers.upgrade;
  const fail = (error: Error) => {
    ctx.log.warn(
      { outpost: ctx.outpostName, provider: upstream.provider.name, error: error.message },
      'upstream upgrade failed',
    );
    // Header values came in as latin1 and go out byte for byte.
    if (socket.writable)
      socket.end(rawErrorResponse(502, 'Bad Gateway', badGatewayPage(upstream, error)), 'latin1');
    else socket.destroy();
  };
  const prepared = protocol ? prepareUpstream(ctx, req, upstream, protocol) : undefined;
  if (!prepared) {
    fail(new Error(protocol ? 'the provider has no usable internal_host' : 'no Upgrade header'));
    return;
  }
  let upstreamReq: ClientRequest;
  try {
    upstreamReq = sendUpstream(ctx, prepared);
  } catch (error) {
    fail(error instanceof Error ? error : new Error(String(error)));
    return;
  }
  let answered = false;
  const observe = () => {
    answered = true;
    ctx.metrics.upstream(prepared.labels, (ctx.now() - started) / 1000);
  };
  // Until the upstream answers, the client leaving ends the attempt.
  const onClientGone = () => {
    if (!answered) upstreamReq.destroy();
  };
  socket.on('error', onClientGone);
  socket.on('close', onClientGone);
  upstreamReq.on('error', (error) => {
    if (!answered) fail(error);
  });

  upstreamReq.on('upgrade', (upstreamRes, upstreamSocket, upstreamHead) => {
    observe();
    if (socket.destroyed) {
      upstreamSocket.destroy();
      return;
    }
    const headers = downstreamResponseHeaders(upstreamRes.rawHeaders, false);
    const answer = upstreamRes.headers.upgrade ?? protocol ?? '';
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\n${headerLines(headers)}Connection: Upgrade\r\nUpgrade: ${answer}\r\n\r\n`,
      'latin1',
    );
    if (upstreamHead.length > 0) socket.write(upstreamHead);
    // Bytes the client sent after its request belong to the new protocol, so they follow the 101.
    if (head.length > 0) upstreamSocket.write(head);
    // The new protocol keeps its own liveness (websocket pings); an idle connection is legitimate.
    upstreamSocket.setTimeout(0);
    upstreamSocket.setNoDelay(true);
    const close = () => {
      socket.destroy();
      upstreamSocket.destroy();
    };
    for (const side of [socket, upstreamSocket]) {
      side.on('error', close);
      side.on('close', close);
    }
    socket.pipe(upstreamSocket);
    upstreamSocket.pipe(socket);
  });

  upstreamReq.on('response', (upstreamRes) => {
    observe();
    // The upstream declined the upgrade: relay its answer, delimited by closing the connection.
    const status = upstreamRes.statusCode ?? 502;
    const headers = downstreamResponseHeaders(upstreamRes.rawHeaders, false);
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n${headerLines(headers)}Connection: close\r\n\r\n`,
      'latin1',
    );
    upstreamRes.on('error', () => socket.destroy());
    upstreamRes.on('close', () => {
      if (!upstreamRes.complete) socket.destroy();
    });
    upstreamRes.pipe(socket);
  });

  upstreamReq.end();
}
