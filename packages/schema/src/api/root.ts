import { Type } from '@sinclair/typebox';

/** The contract's Config (served at /api/v3/root/config/). */
export const RootConfig = Type.Object({
  error_reporting: Type.Object({
    enabled: Type.Boolean(),
    sentry_dsn: Type.String(),
    environment: Type.String(),
    send_pii: Type.Boolean(),
    traces_sample_rate: Type.Number(),
  }),
  capabilities: Type.Array(Type.String()),
  cache_timeout: Type.Integer(),
  cache_timeout_flows: Type.Integer(),
  cache_timeout_policies: Type.Integer(),
});

/** The contract's Version (served at /api/v3/admin/version/). */
export const Version = Type.Object({
  version_current: Type.String(),
  version_latest: Type.String(),
  version_latest_valid: Type.Boolean(),
  build_hash: Type.String(),
  outdated: Type.Boolean(),
  outpost_outdated: Type.Boolean(),
});
