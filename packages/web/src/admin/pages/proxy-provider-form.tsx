/** The proxy provider's fields, shared by its own form and by the application wizard. */
import { bindDraft, CheckboxField, SelectField, TextArea, TextField } from '../../components/fields.tsx';
import type { FieldErrors } from '../../lib/api.ts';
import { draftOf, orNull } from '../../lib/draft.ts';
import { useAll } from '../../lib/use-api.ts';
import type { CertificateKeyPair, ProxyProvider } from '../../lib/types.ts';
import { FlowSelect, keypairOptions, useProposedFlows } from './form-options.tsx';

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
  return draftOf(emptyProxyDraft(), p);
}

/** The request body for a draft: the internal host only where the outpost proxies to it. */
export function proxyBody(draft: ProxyDraft): Record<string, unknown> {
  return {
    ...draft,
    internal_host: draft.mode === 'proxy' ? draft.internal_host : '',
    certificate: orNull(draft.certificate),
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
  const certificates = useAll<CertificateKeyPair>('/crypto/certificatekeypairs/?has_key=true');
  const n = (name: string) => `${prefix}${name}`;
  const f = bindDraft(draft, onChange, props.errors, prefix);
  const flows = useProposedFlows(draft, onChange);
  // A server message about an advanced field must not hide in a closed section.
  const advancedError = ADVANCED.some((key) => props.errors[n(key)]);
  return (
    <>
      <TextField {...f.text('name')} label="Provider name" required />
      <FlowSelect
        designation="authorization"
        flows={flows}
        field={f.select('authorization_flow')}
        hint="Runs when a user signs in to the application (implicit consent skips the consent screen)."
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
              onChange={() => f.set('mode')(value)}
            />
            <label for={`field-${n('mode')}-${value}`}>{label}</label>
            <p class="hint" id={`hint-${n('mode')}-${value}`}>
              {explanation}
            </p>
          </div>
        ))}
      </fieldset>
      <TextField
        {...f.text('external_host')}
        label={draft.mode === 'forward_domain' ? 'Authentication URL (external host)' : 'External host'}
        required
        type="url"
        placeholder="https://app.example.com"
        hint="The URL users open. Outposts recognise the provider by its host name."
      />
      {draft.mode === 'proxy' && (
        <>
          <TextField
            {...f.text('internal_host')}
            label="Internal host"
            required
            type="url"
            placeholder="http://app.internal:8080"
            hint="The upstream the outpost forwards signed-in requests to."
          />
          <CheckboxField
            {...f.check('internal_host_ssl_validation')}
            label="Verify the internal host's TLS certificate"
          />
        </>
      )}
      {draft.mode === 'forward_domain' && (
        <TextField
          {...f.text('cookie_domain')}
          label="Cookie domain"
          required
          placeholder="example.com"
          hint="Every host under this domain shares the sign-in."
        />
      )}
      <details class="advanced" open={advancedError || undefined}>
        <summary>Advanced protocol settings</summary>
        <FlowSelect designation="invalidation" flows={flows} field={f.select('invalidation_flow')} />
        <SelectField
          {...f.select('certificate')}
          label="Certificate (served on port 9443)"
          options={keypairOptions(certificates)}
        />
        <TextArea
          {...f.text('skip_path_regex')}
          label="Unauthenticated paths (one regular expression per line)"
          code
          hint="Requests whose path matches need no sign-in, e.g. ^/health$"
        />
        {draft.mode === 'proxy' && (
          <CheckboxField
            {...f.check('intercept_header_auth')}
            label="Intercept header authentication (answer 401 to requests whose Authorization header fails)"
          />
        )}
        <CheckboxField {...f.check('basic_auth_enabled')} label="Send HTTP Basic authentication upstream" />
        {draft.basic_auth_enabled && (
          <>
            <TextField {...f.text('basic_auth_user_attribute')} label="Username attribute" />
            <TextField {...f.text('basic_auth_password_attribute')} label="Password attribute" />
          </>
        )}
        <TextField
          {...f.text('access_token_validity')}
          label="Token validity (session length)"
          hint="e.g. hours=24 or days=1;hours=2"
        />
        <TextField {...f.text('refresh_token_validity')} label="Refresh token validity" />
      </details>
    </>
  );
}

/** The fields this form shows, so other messages of a 400 go to the form's own error box. */
export const PROXY_FIELDS = Object.keys(emptyProxyDraft());
