/** One RADIUS provider: its settings, who serves it, and how a NAS is set up and tried against it. */
import { useState } from 'preact/hooks';
import { TextField } from '../../components/fields.tsx';
import { yesNo } from '../../components/list-page.tsx';
import { Unloaded } from '../../components/load-state.tsx';
import { SnippetTabs } from '../../components/snippet-tabs.tsx';
import { useAll, useGet } from '../../lib/use-api.ts';
import type { RadiusPropertyMapping, RadiusProvider, UserSelf } from '../../lib/types.ts';
import { radiusSnippets } from '../../ldap-radius-snippets.ts';
import {
  OutpostHostFields,
  ProviderHeading,
  ServingRows,
  useReferenceNames,
} from './provider-page-parts.tsx';
import { RadiusProviderModal } from './radius-provider-form.tsx';

/** What the page and its snippets show until the admin asks to see the secret. */
const HIDDEN_SECRET = '<shared secret>';

/** The RADIUS provider with `id`. */
export function RadiusProviderPage(props: { id: number }) {
  const provider = useGet<RadiusProvider>(`/providers/radius/${props.id}/`);
  // The API answers superusers the secret (as the reference does); the page shows it only when asked.
  const [secretShown, setSecretShown] = useState(false);
  const names = useReferenceNames();
  const mappings = useAll<RadiusPropertyMapping>('/propertymappings/provider/radius/');
  const p = provider.data;
  if (provider.error || !p) return <Unloaded loaded={provider} noun="provider" />;
  const secret = secretShown ? p.shared_secret : HIDDEN_SECRET;
  const mapped = mappings.filter((m) => p.property_mappings.includes(m.pk)).map((m) => m.name);
  return (
    <>
      <section class="card">
        <ProviderHeading name={p.name} pk={p.pk} Modal={RadiusProviderModal} onSaved={provider.reload} />
        <dl class="details">
          <dt>Authentication flow</dt>
          <dd>{names.flow(p.authorization_flow)}</dd>
          <dt>Invalidation flow</dt>
          <dd>{names.flow(p.invalidation_flow)}</dd>
          <dt>Client networks</dt>
          <dd>
            <code>{p.client_networks}</code>
          </dd>
          <dt>Shared secret</dt>
          <dd>
            <code id="shared-secret">{secretShown ? p.shared_secret : '••••••••'}</code>{' '}
            <button
              type="button"
              class="secondary"
              aria-controls="shared-secret"
              aria-pressed={secretShown}
              onClick={() => setSecretShown(!secretShown)}
            >
              {secretShown ? 'Hide shared secret' : 'Show shared secret'}
            </button>
          </dd>
          <dt>MFA support</dt>
          <dd>{yesNo(p.mfa_support)}</dd>
          <dt>Certificate (EAP)</dt>
          <dd>{names.certificate(p.certificate)}</dd>
          <dt>Property mappings</dt>
          <dd>{mapped.length ? mapped.join(', ') : 'None'}</dd>
          <ServingRows provider={p} />
        </dl>
      </section>
      <section class="card" aria-labelledby="nas-heading">
        <h2 id="nas-heading">Network devices</h2>
        <p>
          Give the NAS the outpost's address, UDP port 1812 and the shared secret; it must send from one of
          the client networks. {secretShown ? '' : 'Show the shared secret to have it filled in below.'}
        </p>
        <NasSnippets provider={p} secret={secret} />
      </section>
    </>
  );
}

/** The NAS's settings and radtest / radclient lines for a user, to the chosen outpost. */
function NasSnippets(props: { provider: RadiusProvider; secret: string }) {
  const me = useGet<{ user: UserSelf }>('/core/users/me/').data?.user;
  const [username, setUsername] = useState<string>();
  const user = username ?? me?.username ?? 'USERNAME';
  return (
    <OutpostHostFields
      providerPk={props.provider.pk}
      label="Outpost address (as the NAS reaches it)"
      hint="The lines use 1812; add :port for another."
    >
      {(host) => (
        <>
          <TextField name="snippet_username" label="Try as user" value={user} onInput={setUsername} />
          <SnippetTabs
            id="radius"
            label="RADIUS clients"
            snippets={radiusSnippets({
              host,
              secret: props.secret,
              clientNetworks: props.provider.client_networks,
              username: user,
            })}
          />
        </>
      )}
    </OutpostHostFields>
  );
}
