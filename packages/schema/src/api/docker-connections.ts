import { Type } from '@sinclair/typebox';
import { Nullable } from './common.ts';

/**
 * The state a Docker connection's monitor saw: the contract's ServiceConnectionState (named apart so the
 * generic service-connection shapes can export that name).
 */
export const DockerConnectionState = Type.Object({ healthy: Type.Boolean(), version: Type.String() });

// The fields every kind of service connection shows (the contract's ServiceConnection).
const connectionBase = {
  pk: Type.String({ format: 'uuid' }),
  name: Type.String(),
  local: Type.Boolean(),
  component: Type.String(),
  verbose_name: Type.String(),
  verbose_name_plural: Type.String(),
  meta_model_name: Type.String(),
};

/** The contract's DockerServiceConnection. */
export const DockerServiceConnection = Type.Object({
  ...connectionBase,
  url: Type.String(),
  tls_verification: Nullable(Type.String({ format: 'uuid' })),
  tls_authentication: Nullable(Type.String({ format: 'uuid' })),
});

const dockerWritable = {
  name: Type.String({ minLength: 1, maxLength: 250 }),
  local: Type.Boolean(),
  url: Type.String({ minLength: 1, maxLength: 2000 }),
  tls_verification: Nullable(Type.String({ format: 'uuid' })),
  tls_authentication: Nullable(Type.String({ format: 'uuid' })),
};

/** The contract's DockerServiceConnectionRequest (POST, PUT). */
export const DockerServiceConnectionRequest = Type.Object(
  {
    name: dockerWritable.name,
    url: dockerWritable.url,
    local: Type.Optional(dockerWritable.local),
    tls_verification: Type.Optional(dockerWritable.tls_verification),
    tls_authentication: Type.Optional(dockerWritable.tls_authentication),
  },
  { additionalProperties: false },
);

/** The contract's PatchedDockerServiceConnectionRequest (PATCH). */
export const PatchedDockerServiceConnectionRequest = Type.Partial(Type.Object(dockerWritable), {
  additionalProperties: false,
});
