/** Palisade's shared wire shapes: API bodies and error codes, defined once for the core, outposts and tests. */
export * from './api/applications.ts';
export * from './api/authenticators.ts';
export * from './api/common.ts';
export * from './api/crypto.ts';
export * from './api/docker-connections.ts';
export * from './api/events.ts';
export * from './api/flows.ts';
export * from './api/groups.ts';
export * from './api/outposts.ts';
export * from './api/providers.ts';
export * from './api/proxy-providers.ts';
export * from './api/root.ts';
export * from './api/tokens.ts';
export * from './api/users.ts';
export * from './errors.ts';
export * from './outpost-websocket.ts';
