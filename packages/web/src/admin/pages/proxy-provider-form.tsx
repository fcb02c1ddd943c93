/** The proxy provider's fields, shared by its own form and by the application wizard. */
import { useEffect } from 'preact/hooks';
import { CheckboxField, SelectField, TextArea, TextField } from '../../components/fields.tsx';
import type { FieldErrors } from '../../lib/api.ts';
import { useAll } from '../../lib/use-api.ts';
import type { CertificateKeyPair, Flow, ProxyProvider } from '../../lib/types.ts';

/** What the form edits: the writable fields of a proxy provider. */
export interface ProxyDraft {
  name: string;
  authorization_flow: string;
  invalidation_flow: string;
  mode: ProxyProvider['mode'];
  external_host: string;
  internal_host: string;
  internal_host_ssl_validation: boolean;
  cookie_domain: string;
  certificate: string;
  skip_path_regex: string;
  intercept_header_auth: boolean;
  basic_auth_enabled: boolean;
  basic_auth_user_attribute: string;
  basic_auth_password_attribute: string;
  access_token_validity: string;
  refresh_token_validity: string;
}

/** A new provider's values (the reference's web form proposes a day-long session). */
export function emptyProxyDraft(name = ''): ProxyDraft {
  return {
    name,
    authorization_flow: '',
    invalidation_flow: '',
    mode: 'proxy',
    external_host: '',
    internal_host: '',
    internal_host_ssl_validation: true,
    cookie_domain: '',
    certificate: '',
    skip_path_regex: '',
    intercept_header_auth: true,
    basic_auth_enabled: false,
    basic_auth_user_attribute: '',
    basic_auth_password_attribute: '',
    access_token_validity: 'hours=24',
    refresh_token_validity: 'days=30',
  };
}

/** The draft of an existing provider. */
export function proxyDraftOf(p: ProxyProvider): ProxyDraft {
  return { ...emptyProxyDraft(p.name), ...pick(p), certificate: p.certificate ?? '' };
}

function pick(p: ProxyProvider): Omit<ProxyDraft, 'certificate' | 'name'> {
  const {
    authorization_flow,
    invalidation_flow,
    mode,
    external_host,
    internal_host,
    internal_host_ssl_validation,
  } = p;
  const { cookie_domain, skip_path_regex, intercept_header_auth, basic_auth_enabled } = p;
  const {
    basic_auth_user_attribute,
    basic_auth_password_attribute,
    access_token_validity,
    refresh_token_validity,
  } = p;
  return {
    authorization_flow,
    invalidation_flow,
    mode,
    external_host,
    internal_host,
    internal_host_ssl_validation,
    cookie_domain,
    skip_path_regex,
    intercept_header_auth,
    basic_auth_enabled,
    basic_auth_user_attribute,
    basic_auth_password_attribute,
    access_token_validity,
    refresh_token_validity,
  };
}

/** The request body for a draft: the internal host only where the outpost proxies to it. */
export function proxyBody(draft: ProxyDraft): Record<string, unknown> {
  return {
    ...draft,
    internal_host: draft.mode === 'proxy' ? draft.internal_host : '',
    certificate: draft.certificate || null,
  };
}

/** The three modes, and what each means for the reverse proxy in front. */
export const MODES: Array<[ProxyDraft['mode'], string, string]> = [
  [
    'proxy',
    'Proxy',
    'The outpost is the reverse proxy: requests reach it, it signs users in and passes them on to the internal host.',
  ],
  [
    'forward_single',
    'Forward auth (single application)',
    'Your reverse proxy (nginx, Traefik, Caddy, Envoy) asks the outpost whether each request for this one host may pass; it keeps proxying to the application itself.',
  ],
  [
    'forward_domain',
    'Forward auth (domain level)',
    'The same for every host under the cookie domain, with one provider; the external host is where sign-in happens (e.g. https://auth.example.com).',
  ],
];

const ADVANCED = [
  'invalidation_flow',
  'certificate',
  'skip_path_regex',
  'intercept_header_auth',
  'basic_auth_enabled',
  'basic_auth_user_attribute',
  'basic_auth_password_attribute',
  'access_token_validity',
  'refresh_token_validity',
];

const preferred = (flows: Flow[], slug: string) => (flows.find((f) => f.slug === slug) ?? flows[0])?.pk ?? '';

/** The fields; `prefix` keeps their ids apart when they sit beside an application's fields. */
export function ProxyProviderFields(props: {
  draft: ProxyDraft;
  /** Takes an update of the current draft, never a whole draft: an update built from this render's draft
   * would undo a keystroke or click that landed before it ran (the proposed flows are set from an effect). */
  onChange: (update: (current: ProxyDraft) => ProxyDraft) => void;
  errors: FieldErrors;
  prefix?: string;
}) {
  const { draft, onChange } = props;
  const prefix = props.prefix ?? '';
  const authorization = useAll<Flow>('/flows/instances/?designation=authorization');
  const invalidation = useAll<Flow>('/flows/instances/?designation=invalidation');
  const certificates = useAll<CertificateKeyPair>('/crypto/certificatekeypairs/?has_key=true');
  const common = { errors: props.errors };
  const n = (name: string) => `${prefix}${name}`;
  const set =
    <K extends keyof ProxyDraft>(key: K) =>
    (value: ProxyDraft[K]) =>
      onChange((current) => ({ ...current, [key]: value }));
  // Until the user picks, propose the reference's defaults (implicit consent, the provider invalidation flow).
  const authorizationFlow =
    draft.authorization_flow || preferred(authorization, 'default-provider-authorization-implicit-consent');
  const invalidationFlow =
    draft.invalidation_flow || preferred(invalidation, 'default-provider-invalidation-flow');
  useEffect(() => {
    if ((authorizationFlow && !draft.authorization_flow) || (invalidationFlow && !draft.invalidation_flow)) {
      onChange((current) => ({
        ...current,
        authorization_flow: current.authorization_flow || authorizationFlow,
        invalidation_flow: current.invalidation_flow || invalidationFlow,
      }));
    }
  }, [authorizationFlow, invalidationFlow]);
  // A server message about an advanced field must not hide in a closed section.
  const advancedError = ADVANCED.some((key) => props.errors[n(key)]);
  return (
    <>
      <TextField
        {...common}
        name={n('name')}
        label="Provider name"
        required
        value={draft.name}
        onInput={set('name')}
      />
      <SelectField
        {...common}
        name={n('authorization_flow')}
        label="Authorization flow"
        required
        hint="Runs when a user signs in to the application (implicit consent skips the consent screen)."
        value={authorizationFlow}
        onChange={set('authorization_flow')}
        options={authorization.map((f) => [f.pk, `${f.name} (${f.slug})`])}
      />
      <fieldset class="modes">
        <legend>Mode</legend>
        {MODES.map(([value, label, explanation]) => (
          <div class="radio" key={value}>
            <input
              type="radio"
              id={`field-${n('mode')}-${value}`}
              name={n('mode')}
              value={value}
              checked={draft.mode === value}
              aria-describedby={`hint-${n('mode')}-${value}`}
              onChange={() => set('mode')(value)}
            />
            <label for={`field-${n('mode')}-${value}`}>{label}</label>
            <p class="hint" id={`hint-${n('mode')}-${value}`}>
              {explanation}
            </p>
          </div>
        ))}
      </fieldset>
      <TextField
        {...common}
        name={n('external_host')}
        label={draft.mode === 'forward_domain' ? 'Authentication URL (external host)' : 'External host'}
        required
        type="url"
        placeholder="https://app.example.com"
        hint="The URL users open. Outposts recognise the provider by its host name."
        value={draft.external_host}
        onInput={set('external_host')}
      />
      {draft.mode === 'proxy' && (
        <>
          <TextField
            {...common}
            name={n('internal_host')}
            label="Internal host"
            required
            type="url"
            placeholder="http://app.internal:8080"
            hint="The upstream the outpost forwards signed-in requests to."
            value={draft.internal_host}
            onInput={set('internal_host')}
          />
          <CheckboxField
            {...common}
            name={n('internal_host_ssl_validation')}
            label="Verify the internal host's TLS certificate"
            checked={draft.internal_host_ssl_validation}
            onChange={set('internal_host_ssl_validation')}
          />
        </>
      )}
      {draft.mode === 'forward_domain' && (
        <TextField
          {...common}
          name={n('cookie_domain')}
          label="Cookie domain"
          required
          placeholder="example.com"
          hint="Every host under this domain shares the sign-in."
          value={draft.cookie_domain}
          onInput={set('cookie_domain')}
        />
      )}
      <details class="advanced" open={advancedError || undefined}>
        <summary>Advanced protocol settings</summary>
        <SelectField
          {...common}
          name={n('invalidation_flow')}
          label="Invalidation flow"
          required
          value={invalidationFlow}
          onChange={set('invalidation_flow')}
          options={invalidation.map((f) => [f.pk, `${f.name} (${f.slug})`])}
        />
        <SelectField
          {...common}
          name={n('certificate')}
          label="Certificate (served on port 9443)"
          value={draft.certificate}
          onChange={set('certificate')}
          options={[['', 'None'], ...certificates.map((c): [string, string] => [c.pk, c.name])]}
        />
        <TextArea
          {...common}
          name={n('skip_path_regex')}
          label="Unauthenticated paths (one regular expression per line)"
          code
          hint="Requests whose path matches need no sign-in, e.g. ^/health$"
          value={draft.skip_path_regex}
          onInput={set('skip_path_regex')}
        />
        {draft.mode === 'proxy' && (
          <CheckboxField
            {...common}
            name={n('intercept_header_auth')}
            label="Intercept header authentication (answer 401 to requests whose Authorization header fails)"
            checked={draft.intercept_header_auth}
            onChange={set('intercept_header_auth')}
          />
        )}
        <CheckboxField
          {...common}
          name={n('basic_auth_enabled')}
          label="Send HTTP Basic authentication upstream"
          checked={draft.basic_auth_enabled}
          onChange={set('basic_auth_enabled')}
        />
        {draft.basic_auth_enabled && (
          <>
            <TextField
              {...common}
              name={n('basic_auth_user_attribute')}
              label="Username attribute"
              value={draft.basic_auth_user_attribute}
              onInput={set('basic_auth_user_attribute')}
            />
            <TextField
              {...common}
              name={n('basic_auth_password_attribute')}
              label="Password attribute"
              value={draft.basic_auth_password_attribute}
              onInput={set('basic_auth_password_attribute')}
            />
          </>
        )}
        <TextField
          {...common}
          name={n('access_token_validity')}
          label="Token validity (session length)"
          hint="e.g. hours=24 or days=1;hours=2"
          value={draft.access_token_validity}
          onInput={set('access_token_validity')}
        />
        <TextField
          {...common}
          name={n('refresh_token_validity')}
          label="Refresh token validity"
          value={draft.refresh_token_validity}
          onInput={set('refresh_token_validity')}
        />
      </details>
    </>
  );
}

/** The fields this form shows, so other messages of a 400 go to the form's own error box. */
export const PROXY_FIELDS = Object.keys(emptyProxyDraft());

/** Prefixes the keys of a 400's field errors, to show them at prefixed fields. */
export function prefixed(errors: FieldErrors, prefix: string): FieldErrors {
  return Object.fromEntries(Object.entries(errors).map(([k, v]) => [`${prefix}${k}`, v]));
}
