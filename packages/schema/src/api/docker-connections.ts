import { Type } from '@sinclair/typebox';
import { Nullable } from './common.ts';
import { connectionCommon } from './service-connections.ts';

/** The contract's DockerServiceConnection. */
export const DockerServiceConnection = Type.Object({
  ...connectionCommon,
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
