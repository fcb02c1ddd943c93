import { type Static, Type } from '@sinclair/typebox';

/**
 * RAC (remote access) on the wire between the outpost and the browser. The core is a dumb pipe: it sends
 * the outpost `init_connection` (a PROVIDER_SPECIFIC instruction), the outpost dials the relay socket
 * `/ws/outpost_rac/<dest_channel_id>/` with its Bearer token, and the core forwards every frame of it to and
 * from the browser's `/ws/rac/<token>/` verbatim. What those frames carry is defined here, once:
 *
 * - Every connection: the outpost's first frame is the text frame `RacRelayHello` (which protocol follows),
 *   sent once the target accepted, so the page knows whether to show a screen or a terminal.
 * - VNC: binary frames carrying an RFB stream (RFC 6143). The outpost has done the target's security
 *   handshake itself (VNC Authentication with the password of the params), and presents the browser a
 *   no-auth RFB 3.8 server: version `RFB 003.008\n`, one security type (1, None), SecurityResult OK, then
 *   the browser's ClientInit goes to the target and the target's ServerInit to the browser; after that both
 *   directions are the target's RFB session. Frame boundaries carry no meaning (a message may span frames).
 * - SSH: browser → outpost text frames holding one JSON `RacTerminalInput` each; outpost → browser binary
 *   frames of terminal output (raw bytes, as the PTY wrote them).
 * - Either protocol: the core's text frame `0.authentik.disconnect` (the browser left) ends the connection.
 * - The outpost ends a connection by closing the relay socket with code `RAC_CLOSE_CODE` and a reason the
 *   page shows (`target refused: connection refused`, `authentication failed`, `connection ended`); the
 *   core closes the browser socket with the same code and reason.
 */

/** The text frame the core sends on the relay socket when the browser went away. */
export const RAC_DISCONNECT_FRAME = '0.authentik.disconnect';

/** Close code of a connection the outpost or the core ended on purpose; the reason says why. */
export const RAC_CLOSE_CODE = 4000;

/** The protocols of an endpoint (spec §3.2); RDP has no adapter in this outpost (docs/rac.md). */
export const RacProtocol = Type.Union([Type.Literal('vnc'), Type.Literal('ssh'), Type.Literal('rdp')]);

/** An endpoint's protocol. */
export type RacProtocol = Static<typeof RacProtocol>;

/** PROVIDER_SPECIFIC args of `init_connection` (spec §3.3 step 3): open one connection to a target. */
export const RacInitConnection = Type.Object(
  {
    type: Type.Literal('event.provider.specific'),
    sub_type: Type.Literal('init_connection'),
    /** Names the relay socket; the live connection is keyed by it. */
    dest_channel_id: Type.String({ pattern: '^[A-Za-z0-9._!-]{1,200}$' }),
    /** Merged settings (spec §3.4), all strings: hostname, port, username, password, private-key… */
    params: Type.Record(Type.String({ maxLength: 100 }), Type.String({ maxLength: 65536 })),
    protocol: RacProtocol,
    /** Strings, as the reference sends them; anything not a number means "not given". */
    screen_width: Type.String({ maxLength: 20 }),
    screen_height: Type.String({ maxLength: 20 }),
    screen_dpi: Type.String({ maxLength: 20 }),
    audio: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 20 })),
  },
  { additionalProperties: true },
);

/** init_connection args as checked. */
export type RacInitConnection = Static<typeof RacInitConnection>;

/** The outpost's first frame on a relay: a text frame of this JSON. */
export const RacRelayHello = Type.Object({
  type: Type.Literal('hello'),
  protocol: Type.Union([Type.Literal('vnc'), Type.Literal('ssh')]),
});

/** The hello as parsed. */
export type RacRelayHello = Static<typeof RacRelayHello>;

/** Largest text frame a terminal browser may send (one paste): bigger ones close the connection. */
export const RAC_TERMINAL_MAX_INPUT = 65536;

/** One SSH terminal message from the browser (a JSON text frame on the relay). */
export const RacTerminalInput = Type.Union([
  /** Keystrokes or pasted text, as xterm.js's `onData` hands them. */
  Type.Object(
    { type: Type.Literal('input'), data: Type.String({ maxLength: RAC_TERMINAL_MAX_INPUT }) },
    { additionalProperties: false },
  ),
  /** The terminal's size changed (xterm.js's fit): the PTY is resized to it. */
  Type.Object(
    {
      type: Type.Literal('resize'),
      cols: Type.Integer({ minimum: 1, maximum: 1000 }),
      rows: Type.Integer({ minimum: 1, maximum: 1000 }),
    },
    { additionalProperties: false },
  ),
]);

/** A terminal message as parsed. */
export type RacTerminalInput = Static<typeof RacTerminalInput>;
