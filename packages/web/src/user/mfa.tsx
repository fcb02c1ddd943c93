/** The user's own second-factor devices: the list, removing one, and adding one through its setup flow. */
import { DeviceList } from '../components/device-list.tsx';
import { DEVICE_KINDS, setupFlowPath } from '../lib/devices.ts';

/** Where this page is, below the user interface. */
export const MFA_PATH = '/if/user/mfa';

/** The MFA devices page of the user interface. */
export function MfaPage() {
  return (
    <>
      <h1>Multi-factor authentication</h1>
      <p>
        After your password, signing in asks for one of these. Recovery codes work once each, for when your
        other devices are not at hand.
      </p>
      <section class="card">
        <div class="toolbar">
          <div class="actions">
            {DEVICE_KINDS.map(([kind, label]) => (
              <a key={kind} class="button" href={setupFlowPath(kind, MFA_PATH)}>
                Add: {label}
              </a>
            ))}
          </div>
        </div>
        <DeviceList path="/authenticators/all/" deleteBase="/authenticators" noun="MFA devices" />
      </section>
    </>
  );
}
