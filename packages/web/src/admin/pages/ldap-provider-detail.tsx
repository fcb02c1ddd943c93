/** One LDAP provider: its settings, who serves it, the directory's layout and how to connect. */
import { useState } from 'preact/hooks';
import { SnippetTabs } from '../../components/snippet-tabs.tsx';
import { SelectField, TextField } from '../../components/fields.tsx';
import { yesNo } from '../../components/list-page.tsx';
import { Unloaded } from '../../components/load-state.tsx';
import { useGet } from '../../lib/use-api.ts';
import type { Group, LdapProvider, UserSelf } from '../../lib/types.ts';
import { bindDn, ldapLayout, ldapSnippets, type LdapSnippetInput } from '../../ldap-radius-snippets.ts';
import { LDAP_MODES, LdapProviderModal } from './ldap-provider-form.tsx';
import {
  OutpostHostFields,
  ProviderHeading,
  ServingRows,
  useReferenceNames,
} from './provider-page-parts.tsx';

const modeLabel = (mode: LdapProvider['search_mode']) => LDAP_MODES.find(([m]) => m === mode)?.[1] ?? mode;

/** The LDAP provider with `id`. */
export function LdapProviderPage(props: { id: number }) {
  const provider = useGet<LdapProvider>(`/providers/ldap/${props.id}/`);
  const names = useReferenceNames();
  const p = provider.data;
  const group = useGet<Group>(p?.search_group ? `/core/groups/${p.search_group}/` : null).data;
  if (provider.error || !p) return <Unloaded loaded={provider} noun="provider" />;
  return (
    <>
      <section class="card">
        <ProviderHeading name={p.name} pk={p.pk} Modal={LdapProviderModal} onSaved={provider.reload} />
        <dl class="details">
          <dt>Base DN</dt>
          <dd>
            <code>{p.base_dn}</code>
          </dd>
          <dt>Bind flow</dt>
          <dd>{names.flow(p.authorization_flow)}</dd>
          <dt>Unbind flow</dt>
          <dd>{names.flow(p.invalidation_flow)}</dd>
          <dt>Search full directory</dt>
          <dd>
            {p.search_group ? `Members of ${group?.name ?? '…'}` : 'Nobody: each user sees only themselves'}
          </dd>
          <dt>Search mode</dt>
          <dd>{modeLabel(p.search_mode)}</dd>
          <dt>Bind mode</dt>
          <dd>{modeLabel(p.bind_mode)}</dd>
          <dt>MFA support</dt>
          <dd>{yesNo(p.mfa_support)}</dd>
          <dt>Certificate</dt>
          <dd>{names.certificate(p.certificate)}</dd>
          <dt>TLS server name</dt>
          <dd>{p.tls_server_name || '—'}</dd>
          <dt>uidNumber / gidNumber start</dt>
          <dd>
            {p.uid_start_number} / {p.gid_start_number}
          </dd>
          <ServingRows provider={p} />
        </dl>
      </section>
      <section class="card" aria-labelledby="layout-heading">
        <h2 id="layout-heading">Directory layout</h2>
        <table class="dn-layout">
          <thead>
            <tr>
              <th scope="col">DN</th>
              <th scope="col">Holds</th>
            </tr>
          </thead>
          <tbody>
            {ldapLayout(p.base_dn).map((row) => (
              <tr key={row.dn}>
                <td>
                  <code>{row.dn}</code>
                </td>
                <td>{row.holds}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <ConnectSection provider={p} />
    </>
  );
}

/** ldapwhoami and ldapsearch lines for a user, over LDAPS or StartTLS, to the chosen outpost. */
function ConnectSection(props: { provider: LdapProvider }) {
  const me = useGet<{ user: UserSelf }>('/core/users/me/').data?.user;
  const [username, setUsername] = useState<string>();
  const [transport, setTransport] = useState<LdapSnippetInput['transport']>('ldaps');
  const user = username ?? me?.username ?? 'USERNAME';
  const baseDn = props.provider.base_dn;
  return (
    <section class="card" aria-labelledby="connect-heading">
      <h2 id="connect-heading">Connect</h2>
      <p>
        Clients bind as <code>{bindDn(user, baseDn)}</code> with the user's password
        {props.provider.mfa_support ? ' (and ;code for MFA)' : ''}. The outpost listens on 3389 and 6636;
        Docker and Kubernetes map them to 389 and 636.
      </p>
      <OutpostHostFields
        providerPk={props.provider.pk}
        label="Outpost host (as LDAP clients reach it)"
        hint="The lines use 636 or 389; add :port for another."
      >
        {(host) => (
          <>
            <div class="grid-2">
              <TextField name="snippet_username" label="Bind as user" value={user} onInput={setUsername} />
              <SelectField
                name="snippet_transport"
                label="Transport"
                value={transport}
                onChange={(v) => setTransport(v as LdapSnippetInput['transport'])}
                options={[
                  ['ldaps', 'LDAPS (636)'],
                  ['starttls', 'StartTLS (389)'],
                ]}
              />
            </div>
            <SnippetTabs
              id="ldap"
              label="LDAP clients"
              snippets={ldapSnippets({ baseDn, host, transport, username: user })}
            />
          </>
        )}
      </OutpostHostFields>
    </section>
  );
}
