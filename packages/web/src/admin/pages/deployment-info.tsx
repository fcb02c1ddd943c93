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

/**
 * How to deploy an outpost by hand: its environment (the token read from view_key only when asked for), and
 * the Compose file and Kubernetes manifests the core writes for it.
 */
export function DeploymentInfo(props: { outpost: Outpost; onClose: () => void }) {
  const o = props.outpost;
  const [showToken, setShowToken] = useState(false);
  const token = useGet<{ key: string }>(showToken ? `/core/tokens/${o.token_identifier}/view_key/` : null);
  const [format, setFormat] = useState<'compose' | 'kubernetes'>('compose');
  const manifest = useGet<OutpostManifest>(`/outposts/instances/${o.pk}/manifest/?format=${format}`);
  const host = String(o.config.authentik_host || '') || location.origin;
  const env = [
    `AUTHENTIK_HOST=${host}`,
    `AUTHENTIK_INSECURE=${o.config.authentik_host_insecure === true ? 'true' : 'false'}`,
    `AUTHENTIK_TOKEN=${showToken ? (token.data?.key ?? '…') : '••••••••'}`,
  ].join('\n');
  return (
    <Modal title={`Deployment info: ${o.name}`} onClose={props.onClose} wide>
      {o.managed && (
        <p class="hint">The embedded outpost runs inside the core; these are for running it elsewhere.</p>
      )}
      {!o.config.authentik_host && (
        <p class="warning">
          <code>authentik_host</code> is not set in this outpost's Advanced settings: the address this page
          was opened at is shown.
        </p>
      )}
      <Block label="Environment" text={env} />
      <button type="button" onClick={() => setShowToken(!showToken)} aria-pressed={showToken}>
        {showToken ? 'Hide token' : 'Show token'}
      </button>
      {token.error && (
        <p class="form-error" role="alert">
          Could not read the token: {token.error.message}
        </p>
      )}
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
        <p class="warning">The manifest contains the outpost's token: keep it secret.</p>
      </div>
    </Modal>
  );
}
