import type { ProxyProvider } from './providers-repository.ts';

/** The proxy settings as both the admin's ProxyProvider and the outposts' ProxyOutpostConfig show them. */
export function presentProxySettings(provider: ProxyProvider) {
  return {
    internal_host: provider.internalHost,
    external_host: provider.externalHost,
    internal_host_ssl_validation: provider.internalHostSslValidation,
    certificate: provider.certificate,
    skip_path_regex: provider.skipPathRegex,
    basic_auth_enabled: provider.basicAuthEnabled,
    basic_auth_password_attribute: provider.basicAuthPasswordAttribute,
    basic_auth_user_attribute: provider.basicAuthUserAttribute,
    mode: provider.mode,
    cookie_domain: provider.cookieDomain,
    intercept_header_auth: provider.interceptHeaderAuth,
  };
}
