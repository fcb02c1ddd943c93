import { useState } from 'preact/hooks';
import { api } from '../lib/api.ts';
import { Modal } from './modal.tsx';

/** Asks before deleting `name` at the API `path`; says why when the server refuses. */
export function ConfirmDelete(props: {
  name: string;
  path: string;
  onClose: () => void;
  onDeleted: () => void;
}) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const remove = async () => {
    setBusy(true);
    try {
      await api('DELETE', props.path);
      props.onDeleted();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal title={`Delete ${props.name}?`} onClose={props.onClose}>
      <p>This cannot be undone. What refers to it is updated as the API documents (e.g. set to none).</p>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      <div class="form-actions">
        <button type="button" class="secondary" onClick={props.onClose}>
          Cancel
        </button>
        <button type="button" class="danger" disabled={busy} onClick={() => void remove()}>
          Delete
        </button>
      </div>
    </Modal>
  );
}
