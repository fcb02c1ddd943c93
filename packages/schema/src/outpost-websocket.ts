import { type Static, Type } from '@sinclair/typebox';

/**
 * The outpost websocket (`/ws/outpost/<uuid>/`): JSON text frames `{instruction, args}` both ways, as the
 * reference core and its outposts speak them, so an outpost of either system talks to a core of either.
 */

/** The instruction codes of the envelope. */
export const OutpostInstruction = {
  /** Core → outpost after every received non-ACK message; ignored by outposts. */
  ACK: 0,
  /** Outpost → core right after connecting and every 10 s: who and what the instance is. */
  HELLO: 1,
  /** Core → outpost: something it serves changed, fetch the configuration again (`args` `{}`). */
  TRIGGER_UPDATE: 2,
  /** Core → outpost: a provider-type-specific event (unused by current proxy outposts). */
  PROVIDER_SPECIFIC: 3,
  /** Core → outpost: a core login session ended; drop every session whose `sid` is `args.session_id`. */
  SESSION_END: 4,
} as const;

/** One of the OutpostInstruction codes. */
export type OutpostInstructionCode = (typeof OutpostInstruction)[keyof typeof OutpostInstruction];

/** The envelope of every frame. Unknown instruction codes are well-formed envelopes the receiver ignores. */
export const OutpostMessage = Type.Object({
  instruction: Type.Integer({ minimum: 0, maximum: 2147483647 }),
  args: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});

/** A frame as parsed. */
export type OutpostMessage = Static<typeof OutpostMessage>;

/**
 * HELLO args. The listed fields are what the core records of an instance; anything else an outpost sends
 * (its instance `uuid`, newer fields) is kept as the instance's leftover args.
 */
export const OutpostHelloArgs = Type.Object(
  {
    version: Type.Optional(Type.String({ maxLength: 100 })),
    buildHash: Type.Optional(Type.String({ maxLength: 200 })),
    golangVersion: Type.Optional(Type.String({ maxLength: 100 })),
    opensslEnabled: Type.Optional(Type.Boolean()),
    opensslVersion: Type.Optional(Type.String({ maxLength: 200 })),
    fipsEnabled: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
    hostname: Type.Optional(Type.String({ maxLength: 255 })),
  },
  { additionalProperties: true },
);

/** HELLO args as parsed. */
export type OutpostHelloArgs = Static<typeof OutpostHelloArgs>;

/** SESSION_END args: `session_id` is the hex SHA-256 of the core session's key, the `sid` of its tokens. */
export const OutpostSessionEndArgs = Type.Object({
  // The reference sends the channel event's type along; outposts read only session_id.
  type: Type.Literal('event.session.end'),
  session_id: Type.String({ pattern: '^[0-9a-f]{64}$' }),
});

/** SESSION_END args as sent. */
export type OutpostSessionEndArgs = Static<typeof OutpostSessionEndArgs>;
