/** Provider configurations for tests that do not need a core (no request ever reaches its endpoints). */
import { buildApplication, type Application } from '../../src/proxy/app/application.ts';
import type { Logger, ProxyProviderConfig } from '../../src/proxy/types.ts';
import { OUTPOST } from './outpost.ts';

/** A silent logger. */
export const quietLog: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** A forward_single provider on https://app.example.com, HS256-signed; override any field. */
export function providerConfig(overrides: Partial<ProxyProviderConfig> = {}): ProxyProviderConfig {
  const core = 'https://core.example.com/application/o';
  return {
    pk: 1,
    name: 'Example provider',
    internal_host: 'http://backend:8080',
    external_host: 'https://app.example.com',
    internal_host_ssl_validation: true,
    client_id: 'example-client',
    client_secret: 'example-secret-0123456789abcdef',
    oidc_configuration: {
      issuer: `${core}/example/`,
      authorization_endpoint: `${core}/authorize/`,
      token_endpoint: `${core}/token/`,
      userinfo_endpoint: `${core}/userinfo/`,
      end_session_endpoint: `${core}/example/end-session/`,
      introspection_endpoint: `${core}/introspect/`,
      jwks_uri: `${core}/example/jwks/`,
      response_types_supported: ['code'],
      id_token_signing_alg_values_supported: ['HS256'],
      subject_types_supported: ['public'],
      token_endpoint_auth_methods_supported: ['client_secret_post'],
    },
    cookie_secret: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345',
    certificate: null,
    skip_path_regex: '',
    basic_auth_enabled: false,
    basic_auth_password_attribute: '',
    basic_auth_user_attribute: '',
    mode: 'forward_single',
    cookie_domain: '',
    access_token_validity: 600,
    intercept_header_auth: true,
    scopes_to_request: ['openid', 'profile', 'email', 'ak_proxy'],
    assigned_application_slug: 'example',
    assigned_application_name: 'Example',
    ...overrides,
  };
}

/** The application built from a config, as the runtime builds it. */
export function applicationFor(config: ProxyProviderConfig, log: Logger = quietLog): Application {
  const app = buildApplication(
    config,
    OUTPOST,
    {
      version: 'test',
      embedded: false,
      coreFetch: () => Promise.reject(new Error('no core in this test')),
      postEvent() {},
      metrics: { request() {}, upstream() {} },
      log,
      trustedProxyCidrs: [],
    },
    Date.now,
  );
  if (!app) throw new Error('config did not build');
  return app;
}
