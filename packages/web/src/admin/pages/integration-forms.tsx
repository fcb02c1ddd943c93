/** The forms of the two kinds of outpost integration: a Docker daemon and a Kubernetes cluster. */
import { useEffect, useState } from 'preact/hooks';
import { bindDraft, CheckboxField, SelectField, TextArea, TextField } from '../../components/fields.tsx';
import { FormModal, useSubmission } from '../../components/form-modal.tsx';
import type { FormDone } from '../../components/list-page.tsx';
import { api } from '../../lib/api.ts';
import { draftOf, orNull } from '../../lib/draft.ts';
import { useAll, useGet } from '../../lib/use-api.ts';
import type {
  CertificateKeyPair,
  DockerServiceConnection,
  KubernetesServiceConnection,
} from '../../lib/types.ts';

import { keypairOptions } from './form-options.tsx';

const BASE = '/outposts/service_connections';

/** The YAML reader and writer, loaded with the Kubernetes form only. */
const yamlModule = () => import('../outpost-settings.ts');

const DOCKER = {
  name: '',
  local: false,
  url: 'unix:///var/run/docker.sock',
  tls_verification: '',
  tls_authentication: '',
};

function DockerForm(props: { existing?: DockerServiceConnection } & FormDone) {
  const e = props.existing;
  const [draft, setDraft] = useState(draftOf(DOCKER, e));
  const certificates = useAll<CertificateKeyPair>('/crypto/certificatekeypairs/');
  const submission = useSubmission(async () => {
    const body = {
      ...draft,
      tls_verification: orNull(draft.tls_verification),
      tls_authentication: orNull(draft.tls_authentication),
    };
    await (e ? api('PUT', `${BASE}/docker/${e.pk}/`, body) : api('POST', `${BASE}/docker/`, body));
    props.onSaved();
  });
  const f = bindDraft(draft, setDraft, submission.errors);
  return (
    <FormModal
      noun="Docker integration"
      editing={e?.name}
      submission={submission}
      shown={Object.keys(DOCKER)}
      onClose={props.onClose}
      wide
    >
      <TextField {...f.text('name')} label="Name" required />
      <CheckboxField
        {...f.check('local')}
        label="Local: the Docker daemon of the machine the core runs on (its socket; the URL is not used)"
      />
      <TextField
        {...f.text('url')}
        label="Docker URL"
        required
        hint="unix:///var/run/docker.sock, tcp://host:2376 (with TLS below) or ssh://user@host."
      />
      <SelectField
        {...f.select('tls_verification')}
        label="TLS verification certificate"
        hint="The CA that signed the daemon's certificate (tcp:// only)."
        options={keypairOptions(certificates)}
      />
      <SelectField
        {...f.select('tls_authentication')}
        label="TLS authentication certificate"
        hint="The client certificate and key the core presents to the daemon (tcp://); for ssh://, the key."
        options={keypairOptions(certificates.filter((c) => c.private_key_available))}
      />
    </FormModal>
  );
}

const KUBERNETES = { name: '', local: false, verify_ssl: true };

function KubernetesForm(props: { existing?: KubernetesServiceConnection } & FormDone) {
  const e = props.existing;
  const [draft, setDraft] = useState(draftOf(KUBERNETES, e));
  const [kubeconfig, setKubeconfig] = useState<string>();
  useEffect(() => {
    void yamlModule().then((m) =>
      setKubeconfig(
        (current) => current ?? (e && Object.keys(e.kubeconfig).length ? m.settingsYaml(e.kubeconfig) : ''),
      ),
    );
  }, []);
  const submission = useSubmission(async () => {
    const parsed = (await yamlModule()).parseYamlMapping(kubeconfig ?? '', 'The kubeconfig');
    if (parsed.problems) {
      submission.showErrors({ kubeconfig: parsed.problems });
      document.getElementById('field-kubeconfig')?.focus();
      return;
    }
    const body = { ...draft, kubeconfig: parsed.config };
    await (e ? api('PUT', `${BASE}/kubernetes/${e.pk}/`, body) : api('POST', `${BASE}/kubernetes/`, body));
    props.onSaved();
  });
  const f = bindDraft(draft, setDraft, submission.errors);
  return (
    <FormModal
      noun="Kubernetes integration"
      editing={e?.name}
      submission={submission}
      shown={[...Object.keys(KUBERNETES), 'kubeconfig']}
      onClose={props.onClose}
      notReady={kubeconfig === undefined}
      wide
    >
      <TextField {...f.text('name')} label="Name" required />
      <CheckboxField
        {...f.check('local')}
        label="Local: the cluster the core runs in (its service account; no kubeconfig needed)"
      />
      <TextArea
        name="kubeconfig"
        label="Kubeconfig (YAML)"
        code
        rows={12}
        errors={submission.errors}
        hint="Paste a kubeconfig; its current context is used. Empty for a local connection."
        value={kubeconfig ?? ''}
        onInput={setKubeconfig}
      />
      <CheckboxField {...f.check('verify_ssl')} label="Verify the cluster's TLS certificate" />
    </FormModal>
  );
}

/** The form of a new integration of `kind`, or of the existing one `pk` (loaded first). */
export function IntegrationModal(props: { kind: 'docker' | 'kubernetes'; pk?: string } & FormDone) {
  const existing = useGet<DockerServiceConnection & KubernetesServiceConnection>(
    props.pk ? `${BASE}/${props.kind}/${props.pk}/` : null,
  );
  if (props.pk && !existing.data) {
    return existing.error ? (
      <p class="form-error" role="alert">
        Could not load the integration: {existing.error.message}
      </p>
    ) : null;
  }
  const done = { onClose: props.onClose, onSaved: props.onSaved };
  return props.kind === 'docker' ? (
    <DockerForm existing={existing.data} {...done} />
  ) : (
    <KubernetesForm existing={existing.data} {...done} />
  );
}
