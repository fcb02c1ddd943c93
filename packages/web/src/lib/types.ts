/**
 * The API's shapes as the console reads them, from the TypeBox schemas the core validates with (type-only
 * imports: nothing of TypeBox reaches the bundle).
 */
import type { Static } from '@sinclair/typebox';
import type * as S from '@palisade/schema';

export type Application = Static<typeof S.Application>;
export type Provider = Static<typeof S.Provider>;
export type ProxyProvider = Static<typeof S.ProxyProvider>;
export type Outpost = Static<typeof S.Outpost>;
export type OutpostHealth = Static<typeof S.OutpostHealth>;
export type OutpostManifest = Static<typeof S.OutpostManifest>;
export type Flow = Static<typeof S.Flow>;
export type CertificateKeyPair = Static<typeof S.CertificateKeyPair>;
export type User = Static<typeof S.User>;
export type UserSelf = Static<typeof S.UserSelf>;
export type Group = Static<typeof S.Group>;
export type Token = Static<typeof S.Token>;
export type Version = Static<typeof S.Version>;
export type OutpostConfig = Static<typeof S.OutpostConfig>;
