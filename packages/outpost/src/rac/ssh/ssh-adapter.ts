/**
 * SSH: the outpost is the SSH client (`ssh2`), authenticating with the endpoint's password or private key;
 * the browser gets a terminal (xterm.js). Browser → outpost frames are JSON `RacTerminalInput`s (keys,
 * resize); outpost → browser frames are the PTY's bytes (packages/schema/src/rac-relay.ts).
 */
import { RAC_TERMINAL_MAX_INPUT, RacTerminalInput } from '@palisade/schema/rac-relay';
import { Client, type ClientChannel, type ConnectConfig } from 'ssh2';
import { compileChecker, CoreAnswerError } from '../../process/checked.ts';
import { pumpOutput } from '../output-pump.ts';
import type { AdapterContext, ProtocolAdapter, TargetSession } from '../protocol-adapter.ts';
import { targetAddress } from '../protocol-adapter.ts';
import { createRateBucket } from '../rate-bucket.ts';
import { RacError, toRacError } from '../rac-error.ts';
import { terminalSize } from './terminal-size.ts';

/** The SSH port when the endpoint names none. */
export const SSH_DEFAULT_PORT = 22;
/** Input the target has not taken yet above which the browser is taken for a flood. */
const MAX_UNWRITTEN = 1024 * 1024;

const checkInput = compileChecker(RacTerminalInput);

/** ssh2's errors as the user is told them. */
function sshError(error: unknown): RacError {
  const level = (error as { level?: string } | undefined)?.level;
  if (level === 'client-authentication')
    return new RacError('authentication_failed', 'authentication failed');
  if (level === 'client-timeout') return new RacError('target_timeout', 'target did not answer');
  if (level === 'handshake' || level === 'protocol')
    return new RacError('target_protocol_error', 'target is not an SSH server that can be spoken to');
  if (level === 'host-key') return new RacError('target_refused', 'target refused: host key mismatch');
  return toRacError(error);
}

/** The ssh2 options of the params: user, password and/or key, and the host key to expect if given. */
function connectConfig(ctx: AdapterContext): ConnectConfig {
  const params = ctx.init.params;
  const fail = (m: string) => new RacError('bad_params', m);
  const { host, port } = targetAddress(params, SSH_DEFAULT_PORT, fail);
  if (!params.username) throw fail('the endpoint has no username');
  const expected = params['host-key']?.trim().split(/\s+/)[1];
  return {
    host,
    port,
    username: params.username,
    password: params.password || undefined,
    privateKey: params['private-key'] || undefined,
    passphrase: params.passphrase || undefined,
    readyTimeout: ctx.limits.handshakeMs,
    // Guacamole's `host-key` (a known_hosts line's type and key): checked when given, else any key.
    hostVerifier: expected ? (key: Buffer) => key.toString('base64') === expected : undefined,
    keepaliveInterval: 15_000,
  };
}

/** The SSH adapter. */
export const sshAdapter: ProtocolAdapter = {
  async connect(ctx) {
    const config = connectConfig(ctx);
    const client = new Client();
    const { cols, rows } = terminalSize(ctx.init);
    const shell = new Promise<ClientChannel>((resolve, reject) => {
      client.once('error', (error) => reject(sshError(error)));
      client.once('close', () => reject(new RacError('target_refused', 'target refused: connection closed')));
      client.once('ready', () =>
        client.shell({ term: 'xterm-256color', cols, rows }, (error, stream) =>
          error ? reject(new RacError('target_refused', 'target refused: no shell')) : resolve(stream),
        ),
      );
    });
    try {
      client.connect(config);
    } catch {
      // ssh2 throws at once for a key it cannot read; its message may quote the key.
      throw new RacError('bad_params', 'the endpoint has a private key that cannot be read');
    }
    try {
      return sshSession(client, await shell, ctx);
    } catch (error) {
      client.end();
      throw error;
    }
  },
};

/** A shell, waiting for the browser, then relaying. */
function sshSession(client: Client, stream: ClientChannel, ctx: AdapterContext): TargetSession {
  let closed = false;
  let pumps: Array<{ stop(): void }> = [];
  const input = createRateBucket(ctx.limits.inputPerSecond);
  client.removeAllListeners('error').removeAllListeners('close');
  client.on('error', (error) => ctx.log.debug({ err: error.message }, 'ssh target error'));
  client.on('close', () => {
    if (!closed) ctx.ended();
  });
  stream.pause();
  stream.stderr.pause();
  return {
    attach(relay) {
      const options = {
        bytesPerSecond: ctx.limits.outputBytesPerSecond,
        counted: (n: number) => ctx.counted('to_browser', n),
        throttled: ctx.throttled,
      };
      pumps = [pumpOutput(stream, relay, options), pumpOutput(stream.stderr, relay, options)];
      stream.resume();
      stream.stderr.resume();
      stream.on('close', () => {
        if (!closed) ctx.ended();
      });
    },
    receive(data, isBinary) {
      if (isBinary || data.length > RAC_TERMINAL_MAX_INPUT * 2)
        throw new RacError('browser_protocol_error', 'the browser sent a frame that is no terminal message');
      let message: RacTerminalInput;
      try {
        message = checkInput(JSON.parse(data.toString('utf8')), 'terminal message');
      } catch (error) {
        if (error instanceof SyntaxError || error instanceof CoreAnswerError)
          throw new RacError('browser_protocol_error', 'the browser sent a malformed terminal message');
        throw error;
      }
      if (message.type === 'resize') return void stream.setWindow(message.rows, message.cols, 0, 0);
      const bytes = Buffer.from(message.data, 'utf8');
      if (!input.take(bytes.length) || stream.writableLength > MAX_UNWRITTEN)
        throw new RacError('input_flood', 'too much input: the connection was closed');
      stream.write(bytes);
      ctx.counted('to_target', bytes.length);
    },
    close() {
      if (closed) return;
      closed = true;
      for (const pump of pumps) pump.stop();
      client.end();
    },
  };
}
