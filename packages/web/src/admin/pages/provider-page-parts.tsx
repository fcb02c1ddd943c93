/** Parts the LDAP and RADIUS provider pages share: the heading with Edit, who serves it, the outpost's host. */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { SelectField, TextField } from '../../components/fields.tsx';
import type { Page } from '../../lib/api.ts';
import { Link } from '../../lib/router.ts';
import { useAll, useGet } from '../../lib/use-api.ts';
import type { CertificateKeyPair, Flow, Outpost, Provider } from '../../lib/types.ts';
import { clusterAddress } from './outpost-address.ts';
import type { KindModalProps } from './provider-kind-modal.tsx';

/** The card's heading: the provider's name and its Edit button, which opens the kind's dialog. */
export function ProviderHeading(props: {
  name: string;
  pk: number;
  Modal: (props: KindModalProps) => ComponentChildren;
  onSaved: () => void;
}) {
  const [editing, setEditing] = useState(false);
  const { Modal } = props;
  return (
    <div class="toolbar">
      <h2>{props.name}</h2>
      <div class="actions">
        <button type="button" onClick={() => setEditing(true)}>
          Edit
        </button>
      </div>
      {editing && (
        <Modal
          pk={props.pk}
          onClose={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            props.onSaved();
          }}
        />
      )}
    </div>
  );
}

/** The application the provider serves and the outposts serving it, as rows of a details list. */
export function ServingRows(props: { provider: Provider & { outpost_set: string[] } }) {
  const p = props.provider;
  return (
    <>
      <dt>Application</dt>
      <dd>
        {p.assigned_application_name ?? (
          <Link href="/core/applications">Not assigned: create an application with this provider</Link>
        )}
      </dd>
      <dt>Outposts</dt>
      <dd>
        {p.outpost_set.length ? (
          p.outpost_set.join(', ')
        ) : (
          <Link href="/outpost/outposts">None: add its application to an outpost of this type</Link>
        )}
      </dd>
    </>
  );
}

/** Names for the flows and certificate a provider refers to by uuid. */
export function useReferenceNames() {
  const flows = useAll<Flow>('/flows/instances/');
  const certificates = useAll<CertificateKeyPair>('/crypto/certificatekeypairs/');
  return {
    flow: (pk: string) => {
      const f = flows.find((x) => x.pk === pk);
      return f ? `${f.name} (${f.slug})` : pk;
    },
    certificate: (pk: string | null) =>
      pk === null ? 'None' : (certificates.find((c) => c.pk === pk)?.name ?? pk),
  };
}

/**
 * The outposts serving a provider, one chosen, and the host its clients reach it at: the chosen outpost's
 * Service name in its namespace until the admin types another.
 */
export function OutpostHostFields(props: {
  providerPk: number;
  label: string;
  /** Which port the lines use unless the host ends in another. */
  hint: string;
  children: (host: string) => ComponentChildren;
}) {
  const outposts =
    useGet<Page<Outpost>>(`/outposts/instances/?providers_by_pk=${props.providerPk}`).data?.results ?? [];
  const [chosen, setChosen] = useState('');
  const [typed, setTyped] = useState<string>();
  const outpost = outposts.find((o) => o.pk === chosen) ?? outposts[0];
  const cluster = outpost && clusterAddress(outpost);
  const host =
    typed ?? (cluster ? `${cluster.service}.${cluster.namespace}.svc.cluster.local` : 'OUTPOST-HOST');
  return (
    <>
      {outposts.length === 0 && (
        <p class="warning">No outpost serves this provider yet: add its application to an outpost first.</p>
      )}
      <div class="grid-2">
        <SelectField
          name="snippet_outpost"
          label="Outpost"
          value={outpost?.pk ?? ''}
          onChange={(v) => {
            setChosen(v);
            setTyped(undefined);
          }}
          options={outposts.map((o) => [o.pk, o.name])}
          disabled={outposts.length === 0}
        />
        <TextField
          name="snippet_host"
          label={props.label}
          value={host}
          onInput={setTyped}
          hint={props.hint}
        />
      </div>
      {props.children(host)}
    </>
  );
}
