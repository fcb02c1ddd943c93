import { useState } from 'preact/hooks';
import { FormErrors } from '../../components/fields.tsx';
import { Modal } from '../../components/modal.tsx';
import { api, ApiError, type FieldErrors } from '../../lib/api.ts';
import type { ProxyProvider } from '../../lib/types.ts';
import {
  emptyProxyDraft,
  PROXY_FIELDS,
  proxyBody,
  proxyDraftOf,
  ProxyProviderFields,
} from './proxy-provider-form.tsx';

/** Creates a proxy provider, or edits `existing`; the server's field errors show at their fields. */
export function ProxyProviderModal(props: {
  existing?: ProxyProvider;
  onClose: () => void;
  onSaved: (p: ProxyProvider) => void;
}) {
  const [draft, setDraft] = useState(props.existing ? proxyDraftOf(props.existing) : emptyProxyDraft());
  const [errors, setErrors] = useState<FieldErrors>({});
  const [detail, setDetail] = useState<string>();
  const [busy, setBusy] = useState(false);
  const save = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    try {
      const saved = props.existing
        ? await api<ProxyProvider>('PUT', `/providers/proxy/${props.existing.pk}/`, proxyBody(draft))
        : await api<ProxyProvider>('POST', '/providers/proxy/', proxyBody(draft));
      props.onSaved(saved);
    } catch (error) {
      setErrors(error instanceof ApiError ? error.fieldErrors : {});
      setDetail(error instanceof ApiError && error.status === 400 ? undefined : (error as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      title={props.existing ? `Edit ${props.existing.name}` : 'Create proxy provider'}
      onClose={props.onClose}
      wide
    >
      <form onSubmit={save} noValidate>
        <FormErrors errors={errors} shown={PROXY_FIELDS} detail={detail} />
        <ProxyProviderFields draft={draft} onChange={setDraft} errors={errors} />
        <div class="form-actions">
          <button type="button" class="secondary" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" disabled={busy}>
            {props.existing ? 'Update' : 'Create'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
