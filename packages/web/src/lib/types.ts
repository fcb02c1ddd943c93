/**
 * The API's shapes as the console reads them, from the TypeBox schemas the core validates with (type-only
 * imports: nothing of TypeBox reaches the bundle).
 */
import type { Static } from '@sinclair/typebox';
import type * as S from '@palisade/schema';
import type * as SC from '@palisade/schema/api/service-connections';
import type * as T from '@palisade/schema/api/tasks';

export type Application = Static<typeof S.Application>;
export type Provider = Static<typeof S.Provider>;
export type ProxyProvider = Static<typeof S.ProxyProvider>;
export type RacProvider = Static<typeof S.RACProvider>;
export type RacEndpoint = Static<typeof S.RACEndpoint>;
export type RacPropertyMapping = Static<typeof S.RACPropertyMapping>;
export type LdapProvider = Static<typeof S.LDAPProvider>;
export type RadiusProvider = Static<typeof S.RadiusProvider>;
export type RadiusPropertyMapping = Static<typeof S.RadiusProviderPropertyMapping>;
export type RadiusAttributeEntry = Static<typeof S.RadiusAttributeEntry>;
export type Outpost = Static<typeof S.Outpost>;
export type OutpostHealth = Static<typeof S.OutpostHealth>;
export type OutpostManifest = Static<typeof S.OutpostManifest>;
export type Flow = Static<typeof S.Flow>;
export type Stage = Static<typeof S.Stage>;
export type FlowStageBinding = Static<typeof S.FlowStageBinding>;
export type CertificateKeyPair = Static<typeof S.CertificateKeyPair>;
export type User = Static<typeof S.User>;
export type UserSelf = Static<typeof S.UserSelf>;
export type Group = Static<typeof S.Group>;
export type Token = Static<typeof S.Token>;
export type Version = Static<typeof S.Version>;
export type OutpostConfig = Static<typeof S.OutpostConfig>;
export type OAuth2Provider = Static<typeof S.OAuth2Provider>;
export type ScopeMapping = Static<typeof S.ScopeMapping>;
export type Event = Static<typeof S.Event>;
export type ServiceConnection = Static<typeof SC.ServiceConnection>;
export type ServiceConnectionState = Static<typeof SC.ServiceConnectionState>;
export type KubernetesServiceConnection = Static<typeof SC.KubernetesServiceConnection>;
export type DockerServiceConnection = Static<typeof S.DockerServiceConnection>;
export type Device = Static<typeof S.Device>;
export type Task = Static<typeof T.Task>;
export type TaskLogLine = Static<typeof T.LogEvent>;
