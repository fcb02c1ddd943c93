import { useState } from 'preact/hooks';
import { SnippetTabs } from '../../components/snippet-tabs.tsx';
import { Unloaded } from '../../components/load-state.tsx';
import { SelectField, TextField } from '../../components/fields.tsx';
import type { Page } from '../../lib/api.ts';
import { Link } from '../../lib/router.ts';
import { useGet } from '../../lib/use-api.ts';
import type { Outpost, ProxyProvider } from '../../lib/types.ts';
import { allSnippets } from '../../snippets.ts';
import { ProxyProviderModal } from './provider-modal.tsx';
import { clusterAddress } from './outpost-address.ts';
import { MODES } from './proxy-provider-form.tsx';

/** One proxy provider: its settings, and how to put a reverse proxy in front of it. */
export function ProviderPage(props: { id: number }) {
  const provider = useGet<ProxyProvider>(`/providers/proxy/${props.id}/`);
  const [editing, setEditing] = useState(false);
  const p = provider.data;
  if (provider.error || !p) return <Unloaded loaded={provider} noun="provider" />;
  const mode = MODES.find(([value]) => value === p.mode);
  return (
    <>
      <section class="card">
        <div class="toolbar">
          <h2>{p.name}</h2>
          <div class="actions">
            <button type="button" onClick={() => setEditing(true)}>
              Edit
            </button>
          </div>
        </div>
        <dl class="details">
          <dt>Mode</dt>
          <dd>{mode?.[1] ?? p.mode}</dd>
          <dt>External host</dt>
          <dd>
            <code>{p.external_host}</code>
          </dd>
          {p.mode === 'proxy' && (
            <>
              <dt>Internal host</dt>
              <dd>
                <code>{p.internal_host}</code>
              </dd>
            </>
          )}
          {p.mode === 'forward_domain' && (
            <>
              <dt>Cookie domain</dt>
              <dd>{p.cookie_domain}</dd>
            </>
          )}
          <dt>Application</dt>
          <dd>
            {p.assigned_application_name ?? (
              <Link href="/core/applications">Not assigned: create an application</Link>
            )}
          </dd>
          <dt>Outposts</dt>
          <dd>
            {p.outpost_set.length ? (
              p.outpost_set.join(', ')
            ) : (
              <Link href="/outpost/outposts">None: add its application to an outpost</Link>
            )}
          </dd>
          <dt>Client ID</dt>
          <dd>
            <code>{p.client_id}</code>
          </dd>
        </dl>
      </section>
      <SetupSnippets provider={p} />
      {editing && (
        <ProxyProviderModal
          existing={p}
          onClose={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            provider.reload();
          }}
        />
      )}
    </>
  );
}

/** The reverse-proxy snippets, filled with this provider's values and the chosen outpost's address. */
function SetupSnippets(props: { provider: ProxyProvider }) {
  const p = props.provider;
  const outposts = useGet<Page<Outpost>>(`/outposts/instances/?providers_by_pk=${p.pk}`).data?.results ?? [];
  const [chosen, setChosen] = useState('');
  const [upstream, setUpstream] = useState('http://app-service');
  const [appNamespace, setAppNamespace] = useState('default');
  const [addressOverride, setAddress] = useState<string>();
  if (p.mode === 'proxy') {
    return (
      <section class="card">
        <h2>Setup</h2>
        <p>
          In proxy mode the outpost itself is the reverse proxy: point <code>{p.external_host}</code> at the
          outpost (ports 9000 and 9443). No forward-auth configuration is needed.
        </p>
      </section>
    );
  }
  const outpost = outposts.find((o) => o.pk === chosen) ?? outposts[0];
  const { service, namespace } = outpost
    ? clusterAddress(outpost)
    : { service: 'ak-outpost-OUTPOST', namespace: 'authentik' };
  const address = addressOverride ?? `http://${service}.${namespace}.svc.cluster.local:9000`;
  const snippets = allSnippets({
    externalHost: p.external_host,
    mode: p.mode,
    cookieDomain: p.cookie_domain,
    outpostUrl: address,
    outpostService: service,
    outpostNamespace: namespace,
    upstream,
    appNamespace,
  });
  return (
    <section class="card" aria-labelledby="setup-heading">
      <h2 id="setup-heading">Setup</h2>
      {outposts.length === 0 && (
        <p class="warning">
          No outpost serves this provider yet: add its application to an outpost, then use these snippets.
        </p>
      )}
      <div class="grid-2">
        <SelectField
          name="snippet_outpost"
          label="Outpost"
          value={outpost?.pk ?? ''}
          onChange={(v) => {
            setChosen(v);
            setAddress(undefined);
          }}
          options={outposts.map((o) => [o.pk, o.name])}
          disabled={outposts.length === 0}
        />
        <TextField
          name="snippet_address"
          label="Outpost address (as the reverse proxy reaches it)"
          value={address}
          onInput={setAddress}
        />
        <TextField
          name="snippet_upstream"
          label="Application upstream"
          value={upstream}
          onInput={setUpstream}
        />
        <TextField
          name="snippet_namespace"
          label="Application namespace (Kubernetes)"
          value={appNamespace}
          onInput={setAppNamespace}
        />
      </div>
      <SnippetTabs snippets={snippets} label="Reverse proxy" />
    </section>
  );
}
