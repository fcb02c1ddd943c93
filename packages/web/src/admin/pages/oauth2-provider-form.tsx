/** The OAuth2/OpenID provider form: client, redirect URIs, signing key, token validity, subject and scopes. */
import { useState } from 'preact/hooks';
import { bindDraft, CheckboxField, SelectField, TextField } from '../../components/fields.tsx';
import { FormModal, useSubmission } from '../../components/form-modal.tsx';
import { saveTo } from '../../lib/api.ts';
import { draftOf, orNull } from '../../lib/draft.ts';
import { useAll } from '../../lib/use-api.ts';
import type { CertificateKeyPair, OAuth2Provider, ScopeMapping } from '../../lib/types.ts';
import { FlowSelect, keypairOptions, useProposedFlows } from './form-options.tsx';
import { type KindFormProps, kindModal } from './provider-kind-modal.tsx';
import { RedirectUrisField } from './redirect-uris-field.tsx';

/** A new provider's values: the reference's defaults. */
const EMPTY = {
  name: '',
  authorization_flow: '',
  invalidation_flow: '',
  client_type: 'confidential' as OAuth2Provider['client_type'],
  client_id: '',
  client_secret: '',
  redirect_uris: [] as OAuth2Provider['redirect_uris'],
  signing_key: '',
  access_code_validity: 'minutes=1',
  access_token_validity: 'hours=1',
  refresh_token_validity: 'days=30',
  include_claims_in_id_token: true,
  sub_mode: 'hashed_user_id' as OAuth2Provider['sub_mode'],
  issuer_mode: 'per_provider' as OAuth2Provider['issuer_mode'],
  logout_uri: '',
};
type Draft = typeof EMPTY;

const SUB_MODES: Array<[Draft['sub_mode'], string]> = [
  ['hashed_user_id', 'Hashed user ID'],
  ['user_id', 'User ID'],
  ['user_uuid', 'User UUID'],
  ['user_username', 'Username'],
  ['user_email', 'Email'],
  ['user_upn', 'UPN'],
];

function OAuth2Form(props: KindFormProps<OAuth2Provider>) {
  const e = props.existing;
  const [draft, setDraft] = useState<Draft>(draftOf(EMPTY, e));
  const certificates = useAll<CertificateKeyPair>('/crypto/certificatekeypairs/?has_key=true');
  const scopes = useAll<ScopeMapping>('/propertymappings/provider/scope/');
  const flows = useProposedFlows(draft, setDraft);
  const submission = useSubmission(async () => {
    const body: Record<string, unknown> = { ...draft, signing_key: orNull(draft.signing_key) };
    // Left empty on a new provider, the server generates them.
    if (!draft.client_id) delete body.client_id;
    if (!draft.client_secret) delete body.client_secret;
    await saveTo('/providers/oauth2/', e?.pk, body);
    props.onSaved();
  });
  const f = bindDraft(draft, setDraft, submission.errors);
  return (
    <FormModal
      noun="OAuth2/OpenID provider"
      editing={e?.name}
      submission={submission}
      shown={Object.keys(EMPTY)}
      onClose={props.onClose}
      wide
    >
      <TextField {...f.text('name')} label="Provider name" required />
      <FlowSelect designation="authorization" flows={flows} field={f.select('authorization_flow')} />
      <FlowSelect designation="invalidation" flows={flows} field={f.select('invalidation_flow')} />
      <SelectField
        {...f.select('client_type')}
        label="Client type"
        hint="Confidential clients keep a secret (server-side apps); public ones cannot (single-page and mobile apps) and must use PKCE."
        options={[
          ['confidential', 'Confidential'],
          ['public', 'Public'],
        ]}
      />
      <TextField {...f.text('client_id')} label="Client ID" hint={e ? undefined : 'Empty: generated.'} />
      {draft.client_type === 'confidential' && (
        <TextField
          {...f.text('client_secret')}
          label="Client secret"
          type="password"
          hint={e ? 'At least 16 characters.' : 'Empty: generated (at least 16 characters otherwise).'}
        />
      )}
      <RedirectUrisField
        value={draft.redirect_uris}
        onChange={(update) => setDraft((c) => ({ ...c, redirect_uris: update(c.redirect_uris) }))}
        errors={submission.errors}
      />
      <SelectField
        {...f.select('signing_key')}
        label="Signing key"
        hint="Signs the ID tokens (RS256/ES256, published in the JWKS). None: HS256 with the client secret."
        options={keypairOptions(certificates)}
      />
      <fieldset class="scopes">
        <legend>Scopes</legend>
        <p class="hint">Every provider offers the built-in scopes; the client asks for the ones it needs.</p>
        <ul>
          {scopes.map((s) => (
            <li key={s.pk}>
              <code>{s.scope_name}</code> {s.description && `— ${s.description}`}
            </li>
          ))}
        </ul>
      </fieldset>
      <details class="advanced">
        <summary>Advanced protocol settings</summary>
        <TextField {...f.text('access_code_validity')} label="Access code validity" hint="e.g. minutes=1" />
        <TextField {...f.text('access_token_validity')} label="Access token validity" hint="e.g. hours=1" />
        <TextField {...f.text('refresh_token_validity')} label="Refresh token validity" hint="e.g. days=30" />
        <SelectField {...f.select('sub_mode')} label="Subject mode" options={SUB_MODES} />
        <CheckboxField {...f.check('include_claims_in_id_token')} label="Include claims in the ID token" />
        <SelectField
          {...f.select('issuer_mode')}
          label="Issuer mode"
          options={[
            ['per_provider', 'Each provider has its own issuer (…/application/o/<slug>/)'],
            ['global', 'One issuer for every provider'],
          ]}
        />
        <TextField {...f.text('logout_uri')} label="Back-channel logout URI" type="url" />
      </details>
    </FormModal>
  );
}

/** Creates an OAuth2 provider, or edits the one with `pk`. */
export const OAuth2ProviderModal = kindModal('oauth2', OAuth2Form);
