/**
 * VNC: the outpost is the RFB client of the target (it authenticates with the endpoint's password) and a
 * no-auth RFB server to the browser; after both handshakes the target's stream goes to the browser as is,
 * and the browser's messages go to the target once checked (rfb-client-messages.ts).
 */
import type { Socket } from 'node:net';
import { createByteReader, within } from '../byte-reader.ts';
import { pumpOutput } from '../output-pump.ts';
import type { AdapterContext, ProtocolAdapter, TargetSession } from '../protocol-adapter.ts';
import { targetAddress } from '../protocol-adapter.ts';
import { RacError, toRacError } from '../rac-error.ts';
import { connectTarget } from '../target-socket.ts';
import { rfbBrowserHandshake } from './rfb-browser.ts';
import { createClientMessageChecker } from './rfb-client-messages.ts';
import { rfbTargetHandshake } from './rfb-target.ts';

/** The RFB port when the endpoint names none (display :0). */
export const VNC_DEFAULT_PORT = 5900;
/** Browser bytes the target has not taken yet above which the browser is taken for a flood. */
const MAX_UNWRITTEN = 4 * 1024 * 1024;

/** The VNC adapter. */
export const vncAdapter: ProtocolAdapter = {
  async connect(ctx) {
    const params = ctx.init.params;
    const { host, port } = targetAddress(params, VNC_DEFAULT_PORT, (m) => new RacError('bad_params', m));
    const password = params.password === '' ? undefined : params.password;
    const socket = await connectTarget(host, port, ctx.limits.handshakeMs);
    const reader = createByteReader('target_protocol_error');
    const onData = (chunk: Buffer) => reader.push(chunk);
    const onEnd = () => reader.end('target closed the connection during the handshake');
    socket.on('data', onData).on('close', onEnd).on('error', onEnd);
    try {
      await within(
        ctx.limits.handshakeMs,
        'target_timeout',
        'target did not answer',
        rfbTargetHandshake(reader, (b) => socket.write(b), password),
      );
    } catch (error) {
      socket.destroy();
      throw toRacError(error);
    }
    socket.pause();
    socket.off('data', onData).off('close', onEnd).off('error', onEnd);
    return vncSession(socket, ctx);
  },
};

/** The target after its handshake, until the browser has done its own and then while relaying. */
function vncSession(socket: Socket, ctx: AdapterContext): TargetSession {
  const browser = createByteReader('browser_protocol_error');
  const checker = createClientMessageChecker({ inputEventsPerSecond: ctx.limits.inputPerSecond });
  let relaying = false;
  let pump: { stop(): void } | undefined;
  let closed = false;
  socket.on('error', (error) => {
    ctx.log.debug({ err: error.message }, 'vnc target socket error');
  });
  socket.on('close', () => {
    if (!closed) ctx.ended();
  });

  const toTarget = (bytes: Buffer | undefined) => {
    if (!bytes) return;
    if (socket.writableLength > MAX_UNWRITTEN)
      throw new RacError('input_flood', 'too much input: the connection was closed');
    socket.write(bytes);
    ctx.counted('to_target', bytes.length);
  };

  return {
    attach(relay) {
      within(
        ctx.limits.handshakeMs,
        'browser_protocol_error',
        'the browser did not finish the RFB handshake',
        rfbBrowserHandshake(browser, (b) => relay.send(b)),
      ).then(
        (clientInit) => {
          if (closed) return;
          socket.write(clientInit);
          pump = pumpOutput(socket, relay, {
            bytesPerSecond: ctx.limits.outputBytesPerSecond,
            counted: (n) => ctx.counted('to_browser', n),
            throttled: ctx.throttled,
          });
          socket.resume();
          relaying = true;
          try {
            toTarget(checker.push(browser.rest()));
          } catch (error) {
            ctx.ended(toRacError(error));
          }
        },
        (error: unknown) => ctx.ended(toRacError(error)),
      );
    },
    receive(data, isBinary) {
      if (!isBinary) throw new RacError('browser_protocol_error', 'the browser sent a text frame');
      if (!relaying) browser.push(data);
      else toTarget(checker.push(data));
    },
    close() {
      if (closed) return;
      closed = true;
      pump?.stop();
      browser.end('closed');
      socket.destroy();
    },
  };
}
