import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEVICE_LABELS } from '../../core/src/routes/api/device-presenters.ts';
import { DEVICE_KINDS as CORE_KINDS } from '../../core/src/mfa/devices-repository.ts';
import { deviceKind, setupFlowPath } from '../src/lib/devices.ts';

describe('MFA devices in the console', () => {
  it("reads each kind from the model name the core presents, and nothing else's", () => {
    for (const kind of CORE_KINDS)
      assert.equal(deviceKind({ meta_model_name: DEVICE_LABELS[kind].model }), kind);
    assert.equal(deviceKind({ meta_model_name: 'authentik_stages_authenticator_duo.duodevice' }), undefined);
    assert.equal(deviceKind({ meta_model_name: '' }), undefined);
  });

  it('links to the setup flow seeded for each kind, coming back where it was', () => {
    assert.equal(
      setupFlowPath('totp', '/if/user/mfa'),
      '/if/flow/default-authenticator-totp-setup/?next=%2Fif%2Fuser%2Fmfa',
    );
  });
});
