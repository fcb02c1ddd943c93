import { useState } from 'preact/hooks';
import { Modal } from '../../components/modal.tsx';
import { useGet } from '../../lib/use-api.ts';
import type { Outpost, OutpostManifest } from '../../lib/types.ts';

/** A labelled, focusable block of text to copy. */
function Block(props: { label: string; text: string }) {
  return (
    <figure class="block">
      <figcaption>{props.label}</figcaption>
      <pre class="snippet" tabIndex={0} aria-label={props.label}>
        <code>{props.text}</code>
      </pre>
      <button type="button" class="secondary" onClick={() => void navigator.clipboard?.writeText(props.text)}>
        Copy {props.label.toLowerCase()}
      </button>
    </figure>
  );
}

/** The environment block's text: the variables as a shell or an env file takes them. */
const envText = (environment: Record<string, string>) =>
  Object.entries(environment)
    .map(([name, value]) => `${name}=${value}`)
    .join('\n');

/**
 * How to deploy an outpost by hand: its environment, and the Compose file and Kubernetes manifests the core
 * writes for it. Both come from the manifest view with the token masked until "Show token" asks the core for
 * them with it, so the secret is never in the page (nor the clipboard) unasked. The core's warnings (an
 * AUTHENTIK_HOST left as a placeholder) are shown above them.
 */
export function DeploymentInfo(props: { outpost: Outpost; onClose: () => void }) {
  const o = props.outpost;
  const [showToken, setShowToken] = useState(false);
  const [format, setFormat] = useState<'compose' | 'kubernetes'>('compose');
  const manifest = useGet<OutpostManifest>(
    `/outposts/instances/${o.pk}/manifest/?format=${format}&mask_token=${showToken ? 'false' : 'true'}`,
  );
  return (
    <Modal title={`Deployment info: ${o.name}`} onClose={props.onClose} wide>
      {o.managed && (
        <p class="hint">The embedded outpost runs inside the core; these are for running it elsewhere.</p>
      )}
      {manifest.data?.warnings.map((warning) => (
        <p key={warning} class="warning" role="status">
          {warning}
        </p>
      ))}
      {manifest.data && <Block label="Environment" text={envText(manifest.data.environment)} />}
      <button type="button" onClick={() => setShowToken(!showToken)} aria-pressed={showToken}>
        {showToken ? 'Hide token' : 'Show token'}
      </button>
      <div role="tablist" aria-label="Manifest format" class="tabs">
        {(['compose', 'kubernetes'] as const).map((f) => (
          <button
            key={f}
            type="button"
            role="tab"
            aria-selected={format === f}
            aria-controls="manifest-panel"
            id={`tab-${f}`}
            onClick={() => setFormat(f)}
          >
            {f === 'compose' ? 'Docker Compose' : 'Kubernetes'}
          </button>
        ))}
      </div>
      <div role="tabpanel" id="manifest-panel" aria-labelledby={`tab-${format}`}>
        {manifest.error && (
          <p class="form-error" role="alert">
            Could not load the manifest: {manifest.error.message}
          </p>
        )}
        {manifest.data && (
          <Block
            label={format === 'compose' ? 'docker-compose.yml' : 'Kubernetes manifests'}
            text={manifest.data.manifest}
          />
        )}
        <p class="warning">
          With the token shown, the manifest contains the outpost's token: keep it secret.
        </p>
      </div>
    </Modal>
  );
}
