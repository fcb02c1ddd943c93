/**
 * The user's network password for Wi-Fi (PEAP-MSCHAPv2 through a RADIUS outpost): whether one exists, making
 * a new one (shown this once), revoking it. See docs/radius.md for why it is not the sign-in password.
 */
import { useState } from 'preact/hooks';
import { api } from '../lib/api.ts';
import { useGet } from '../lib/use-api.ts';

/** Where this page is, below the user interface. */
export const NETWORK_PASSWORD_PATH = '/if/user/network-password';

interface Status {
  configured: boolean;
  created: string | null;
  last_used: string | null;
}

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : 'never');

/** The network password page of the user interface. */
export function NetworkPasswordPage() {
  const status = useGet<Status>('/network_password/');
  const [shown, setShown] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setError(undefined);
    try {
      await action();
      status.reload();
    } catch (caught) {
      setError((caught as Error).message);
    } finally {
      setBusy(false);
    }
  }

  const create = () =>
    run(async () => {
      const made = await api<{ password: string }>('POST', '/network_password/');
      setShown(made.password);
    });
  const revoke = () =>
    run(async () => {
      await api('DELETE', '/network_password/');
      setShown(undefined);
    });

  return (
    <>
      <h1>Network password</h1>
      <p>
        Wi-Fi networks that sign you in with Palisade (WPA2/WPA3-Enterprise, PEAP) ask for your username and
        this password, not your sign-in password. It is made for you at random and shown only once: type it
        into your device's Wi-Fi settings. Making a new one replaces the old one on every device.
      </p>
      <section class="card">
        {status.data && (
          <p data-testid="network-password-status">
            {status.data.configured
              ? `You have a network password, made ${when(status.data.created)}, last used ${when(status.data.last_used)}.`
              : 'You have no network password.'}
          </p>
        )}
        {shown && (
          <div role="status">
            <p>Your new network password (it will not be shown again):</p>
            <p>
              <code data-testid="network-password">{shown}</code>
            </p>
          </div>
        )}
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        <div class="actions">
          <button type="button" class="button" disabled={busy} onClick={create}>
            {status.data?.configured ? 'Make a new one' : 'Create'}
          </button>
          {status.data?.configured && (
            <button type="button" class="button secondary" disabled={busy} onClick={revoke}>
              Revoke
            </button>
          )}
        </div>
      </section>
    </>
  );
}
