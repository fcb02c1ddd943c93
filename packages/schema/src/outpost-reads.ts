import { type Static, Type } from '@sinclair/typebox';
import { CertificateData, CertificateKeyPair } from './api/crypto.ts';
import { Nullable } from './api/common.ts';
import { Outpost, RadiusOutpostConfig } from './api/outposts.ts';
import { ProxyOutpostConfig } from './api/proxy-providers.ts';
import { RootConfig } from './api/root.ts';
import { OutpostMessage, OutpostSessionEndArgs } from './outpost-websocket.ts';

/**
 * What an outpost reads from the core, as it checks each answer and frame on arrival: the contract's shapes,
 * narrowed to the fields an outpost uses, so a core of either system (this one, or the reference, which
 * sends more) passes, and an answer missing or mistyping a field the outpost relies on is refused whole.
 * Objects allow further properties (TypeBox's default): a newer core may add fields.
 */

/** A page envelope, the part a paginating reader uses: `pagination.next` (0 on the last page). */
function PageOf<T extends Parameters<typeof Type.Array>[0]>(item: T) {
  return Type.Object({
    pagination: Type.Object({ next: Type.Integer({ minimum: 0 }) }),
    results: Type.Array(item),
  });
}

/**
 * The outpost as `GET /outposts/instances/` shows it to its own token. `type` is any non-empty string
 * here, so an outpost of a type this build has no module for is named in a clear error rather than refused
 * as a malformed answer; `config` keys the runtime reads are checked, the others kept.
 */
export const OutpostSelf = Type.Object({
  pk: Type.Index(Outpost, ['pk']),
  name: Type.Index(Outpost, ['name']),
  type: Type.String({ minLength: 1, maxLength: 100 }),
  managed: Type.Index(Outpost, ['managed']),
  refresh_interval_s: Type.Index(Outpost, ['refresh_interval_s']),
  config: Type.Object({
    log_level: Type.Optional(Type.String()),
    authentik_host: Type.Optional(Type.String()),
  }),
});

/** The outpost as its runtime holds it. */
export type OutpostSelf = Static<typeof OutpostSelf>;

/** `GET /outposts/instances/` (its token sees its own outpost only). */
export const OutpostSelfPage = PageOf(OutpostSelf);

/** `GET /root/config/`: read by every outpost at start (the reference exits when it does not fit). */
export const OutpostRootConfig = RootConfig;

/** One page of `GET /outposts/proxy/`. */
export const ProxyOutpostConfigPage = PageOf(ProxyOutpostConfig);

/**
 * One page of `GET /outposts/radius/`. `auth_cache_seconds` is Palisade's: the reference core does not send
 * it, and then nothing is cached.
 */
export const RadiusOutpostConfigPage = PageOf(
  Type.Composite([
    Type.Omit(RadiusOutpostConfig, ['auth_cache_seconds']),
    Type.Object({
      auth_cache_seconds: Type.Optional(Type.Index(RadiusOutpostConfig, ['auth_cache_seconds'])),
    }),
  ]),
);

/** `GET /crypto/certificatekeypairs/<uuid>/`: its fingerprint tells whether the PEMs changed. */
export const KeypairFingerprint = Type.Object({
  fingerprint_sha256: Nullable(Type.String()),
  private_key_available: Type.Optional(Type.Index(CertificateKeyPair, ['private_key_available'])),
});

/** `view_certificate/` and `view_private_key/` (an empty `data` for a pair without a key). */
export const KeypairPem = CertificateData;

/** The websocket envelope, as an outpost receives it. */
export const OutpostFrame = OutpostMessage;

/** SESSION_END args, the field an outpost reads. */
export const OutpostSessionEnd = Type.Pick(OutpostSessionEndArgs, ['session_id']);
