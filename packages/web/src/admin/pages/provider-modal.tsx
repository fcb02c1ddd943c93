import { useState } from 'preact/hooks';
import { FormModal, useSubmission } from '../../components/form-modal.tsx';
import { api } from '../../lib/api.ts';
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
  const e = props.existing;
  const [draft, setDraft] = useState(e ? proxyDraftOf(e) : emptyProxyDraft());
  const submission = useSubmission(async () => {
    const saved = e
      ? await api<ProxyProvider>('PUT', `/providers/proxy/${e.pk}/`, proxyBody(draft))
      : await api<ProxyProvider>('POST', '/providers/proxy/', proxyBody(draft));
    props.onSaved(saved);
  });
  return (
    <FormModal
      noun="proxy provider"
      editing={e?.name}
      submission={submission}
      shown={PROXY_FIELDS}
      onClose={props.onClose}
      wide
    >
      <ProxyProviderFields draft={draft} onChange={setDraft} errors={submission.errors} />
    </FormModal>
  );
}
