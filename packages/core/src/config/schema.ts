import { type Static, Type } from '@sinclair/typebox';
import type { PostgresSsl } from '../db/server.ts';
import { DEFAULT_CONTAINER_IMAGE_BASE } from '../outposts/deployment-spec.ts';

/**
 * The one schema of Palisade's settings. It validates the merged file + environment, gives every default,
 * and generates docs/configuration.md (descriptions here are the documentation). Keys marked `secret` have
 * a `*_FILE` variant and are never printed.
 */

const secret = { secret: true } as const;

const LogLevel = Type.Union(
  ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'].map((l) => Type.Literal(l)),
  { default: 'info', description: 'Least severe log level written (JSON lines on stdout).' },
);

const SslMode = Type.Union(
  ['disable', 'require', 'verify-full'].map((m) => Type.Literal(m)),
  {
    default: 'disable',
    description:
      '`disable`: plain TCP. `require`: TLS without verifying the certificate. `verify-full`: TLS with the certificate verified against the system CAs.',
  },
);

export const ConfigSchema = Type.Object(
  {
    data_dir: Type.String({
      minLength: 1,
      default: './data',
      description:
        'Folder for the embedded database and the generated secret key. `memory://` keeps the embedded database in memory (tests).',
    }),
    secret_key: Type.Optional(
      Type.String({
        minLength: 32,
        description:
          'Key that signs cookies and encrypts secrets at rest. Generated into `<data_dir>/secret_key` on first start when not set. Changing it signs everyone out and makes stored token keys unreadable.',
        ...secret,
      }),
    ),
    log_level: LogLevel,
    listen: Type.Object(
      {
        http: Type.String({
          pattern: '^(\\[[0-9a-fA-F:.]+\\]|[A-Za-z0-9.-]+):\\d{1,5}$',
          default: '0.0.0.0:9000',
          examples: ['0.0.0.0:9000', '[::]:9000'],
          description: 'Address the core listens on, `host:port` (`[::]:9000` for IPv6).',
        }),
        metrics: Type.String({
          pattern: '^$|^(\\[[0-9a-fA-F:.]+\\]|[A-Za-z0-9.-]+):\\d{1,5}$',
          default: '0.0.0.0:9300',
          examples: ['0.0.0.0:9300', '[::]:9300'],
          description:
            'Address of the Prometheus `/metrics` endpoint: the core\'s metrics and the embedded outpost\'s (docs/operations.md, "Metrics"). It has no authentication: keep it off public networks. Empty: no metrics listener.',
        }),
      },
      { default: {}, additionalProperties: false, description: 'Listening sockets.' },
    ),
    external_url: Type.Optional(
      Type.String({
        pattern: '^https?://[^/?#]+(/[^?#]*)?$',
        examples: ['https://auth.example.com'],
        description:
          'URL users reach the core at, when it differs from the listen address (behind a reverse proxy). Names every OAuth2 issuer and endpoint and the URLs handed to outposts; unset, they follow each request\'s Host header (see docs/oauth2.md, "Issuer and Host"). Set it in production.',
      }),
    ),
    internal_url: Type.Optional(
      Type.String({
        pattern: '^https?://[^/?#]+/?$',
        examples: ['http://10.0.3.7:9000'],
        description:
          "URL the other core replicas reach this one at, directly (not through the load balancer): the RAC relay joins an outpost's socket on one replica to the browser's on another through it (docs/rac.md). Unset: the listen address, or, listening on every address, this machine's first non-loopback IPv4 address.",
      }),
    ),
    trusted_proxy_cidrs: Type.Array(Type.String({ minLength: 1 }), {
      default: [],
      description:
        'Proxies (addresses or CIDRs) whose `X-Forwarded-For`/`X-Forwarded-Proto` are believed. Empty: forwarded headers are ignored. Environment: comma-separated.',
    }),
    postgresql: Type.Object(
      {
        host: Type.Optional(
          Type.String({
            minLength: 1,
            description: 'PostgreSQL server host. Setting it switches from the embedded database.',
          }),
        ),
        port: Type.Integer({ minimum: 1, maximum: 65535, default: 5432, description: 'Server port.' }),
        user: Type.String({ minLength: 1, default: 'palisade', description: 'Role to connect as.' }),
        password: Type.Optional(Type.String({ description: 'Password of the role.', ...secret })),
        name: Type.String({ minLength: 1, default: 'palisade', description: 'Database name.' }),
        sslmode: SslMode,
      },
      { default: {}, additionalProperties: false, description: 'PostgreSQL server connection.' },
    ),
    database_url: Type.Optional(
      Type.String({
        pattern: '^postgres(ql)?://',
        examples: ['postgres://user:password@host:5432/database'],
        description:
          'PostgreSQL connection URL (`postgres://user:pass@host:5432/db?sslmode=require`); also read from `DATABASE_URL`. Takes precedence over `postgresql.*`.',
        ...secret,
      }),
    ),
    bootstrap_password: Type.Optional(
      Type.String({
        minLength: 8,
        description:
          "akadmin's password, set at first start (while akadmin has none). Also read from `AUTHENTIK_BOOTSTRAP_PASSWORD`.",
        ...secret,
      }),
    ),
    bootstrap_token: Type.Optional(
      Type.String({
        minLength: 16,
        description:
          'Key of an api token for akadmin created at first start (identifier `authentik-bootstrap-token`). Also read from `AUTHENTIK_BOOTSTRAP_TOKEN`.',
        ...secret,
      }),
    ),
    bootstrap_email: Type.Optional(
      Type.String({
        format: 'email',
        description: "akadmin's email, set at first start. Also read from `AUTHENTIK_BOOTSTRAP_EMAIL`.",
      }),
    ),
    outposts: Type.Object(
      {
        container_image_base: Type.String({
          minLength: 1,
          default: DEFAULT_CONTAINER_IMAGE_BASE,
          description:
            "Image of an outpost that sets no `container_image` (manual deployment manifests and the integrations): `%(type)s` is the outpost's type (proxy, ldap, radius, rac), `%(version)s` the core's version. Also read from `AUTHENTIK_OUTPOSTS__CONTAINER_IMAGE_BASE`.",
        }),
        disable_embedded_outpost: Type.Boolean({
          default: false,
          description:
            "Don't run the embedded outpost inside the core (its outpost object stays; requests for its applications then reach the core's own routes). Also read from `AUTHENTIK_OUTPOSTS__DISABLE_EMBEDDED_OUTPOST`.",
        }),
        discover: Type.Boolean({
          default: true,
          description:
            'Create a local Docker service connection at start (and every 8 hours) when a Docker socket is present and none exists. Also read from `AUTHENTIK_OUTPOSTS__DISCOVER`.',
        }),
        token_rotation_days: Type.Integer({
          minimum: 0,
          default: 30,
          description:
            'Rotate the token of every outpost the Docker or Kubernetes integration deploys once it is this many days old (checked hourly), rolling its containers or pods onto the new one without a gap; 0 rotates only on request (`POST /api/v3/outposts/instances/{uuid}/rotate_token/`). A Palisade extension. Also read from `AUTHENTIK_OUTPOSTS__TOKEN_ROTATION_DAYS`.',
        }),
        docker_rollover_port_offset: Type.Integer({
          minimum: 1,
          maximum: 60000,
          default: 10000,
          description:
            'While the Docker integration rolls an outpost onto a new token, a standby container serves beside the old one on the published ports plus this offset (9000 -> 19000); with `docker_network: host` it listens on them. Point your proxy at both (docs/integrations/docker.md, "Token rotation"). Also read from `AUTHENTIK_OUTPOSTS__DOCKER_ROLLOVER_PORT_OFFSET`.',
        }),
      },
      { default: {}, additionalProperties: false, description: 'Outposts.' },
    ),
    login: Type.Object(
      {
        max_failures_per_username: Type.Integer({
          minimum: 1,
          default: 5,
          description: 'Failed sign-ins for one username before it is locked for a while.',
        }),
        max_failures_per_address: Type.Integer({
          minimum: 1,
          default: 20,
          description: 'Failed sign-ins from one client address before it is locked for a while.',
        }),
        lockout_scope: Type.Union([Type.Literal('username'), Type.Literal('address_and_username')], {
          default: 'username',
          description:
            "What the per-username limit counts. `username` (the reference's): failures for a username from any address, so a distributed guess at one account is bounded, but anyone can keep an account locked by failing on purpose. `address_and_username`: failures for a username from one client address, so nobody can lock out a user from elsewhere, but each address gets its own allowance against an account (the per-address limit still bounds each address). See docs/security.md.",
        }),
        lockout_base_seconds: Type.Integer({
          minimum: 1,
          default: 2,
          description: 'First lock duration; it doubles with every further failure.',
        }),
        lockout_max_seconds: Type.Integer({
          minimum: 1,
          default: 900,
          description: 'Longest lock duration.',
        }),
      },
      { default: {}, additionalProperties: false, description: 'Sign-in attempt limits.' },
    ),
    session: Type.Object(
      {
        max_age_seconds: Type.Integer({
          minimum: 60,
          default: 1_209_600,
          description: 'Lifetime of a login session (default 14 days).',
        }),
      },
      { default: {}, additionalProperties: false, description: 'Login sessions.' },
    ),
    events: Type.Object(
      {
        retention_days: Type.Integer({
          minimum: 1,
          maximum: 36_500,
          default: 365,
          description:
            'How long the core keeps the events it records (sign-ins, failed sign-ins): each expires this many days after it happened (expired events are removed hourly), as the reference keeps events a year.',
        }),
      },
      { default: {}, additionalProperties: false, description: 'The event log.' },
    ),
  },
  { additionalProperties: false },
);

export type PalisadeConfig = Static<typeof ConfigSchema>;

/** Where the data lives: the embedded database in a folder, or a PostgreSQL server. */
export type DatabaseTarget =
  | { kind: 'embedded'; dataDir: string }
  | { kind: 'server'; connectionString: string; ssl: PostgresSsl | undefined };

/** Chooses the database: `database_url`, else `postgresql.host`, else the embedded one in `data_dir`. */
export function databaseTarget(config: Readonly<PalisadeConfig>): DatabaseTarget {
  if (config.database_url) return { kind: 'server', connectionString: config.database_url, ssl: undefined };
  const pg = config.postgresql;
  if (!pg.host) return { kind: 'embedded', dataDir: config.data_dir };
  const url = new URL('postgres://localhost');
  url.hostname = pg.host;
  url.port = String(pg.port);
  url.username = pg.user;
  if (pg.password) url.password = pg.password;
  url.pathname = `/${pg.name}`;
  const ssl: PostgresSsl =
    pg.sslmode === 'disable' ? false : { rejectUnauthorized: pg.sslmode === 'verify-full' };
  return { kind: 'server', connectionString: url.toString(), ssl };
}
