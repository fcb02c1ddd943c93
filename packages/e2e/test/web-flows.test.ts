import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import {
  ADMIN_PASSWORD,
  type ConsoleSession,
  filledValue,
  screenshot,
  startConsoleSession,
  waitForOptions,
} from './web-support.ts';

/** A flow-stage binding, as far as these checks read it. */
interface FlowStageBinding {
  order: number;
  stage_obj: { name: string };
}
/** A page of an API list, as far as these checks read it. */
interface ApiPage<T> {
  results: T[];
}

const FLOW = 'default-authentication-flow';
const NOTICE = 'Sign-in is closed for maintenance.';

/**
 * The Flows and Stages screens in Chromium: the admin creates a deny stage, binds it into the default
 * authentication flow, moves it to another place in the flow by its order, removes it, and changes the
 * authenticator validation stage's not-configured action; after each change a sign-in in a second browser
 * context (no session) follows the flow as it now is.
 */
describe('flows and stages in the admin console', () => {
  let session: ConsoleSession;
  let page: Page;
  let visitor: Page;

  /** The bindings of the default authentication flow, as the API lists them (in order). */
  async function bindings(): Promise<FlowStageBinding[]> {
    const flow = await session.api<{ pk: string }>('GET', `/flows/instances/${FLOW}/`);
    const list = await session.api<ApiPage<FlowStageBinding>>(
      'GET',
      `/flows/bindings/?target=${flow.pk}&ordering=order`,
    );
    return list.results;
  }

  /** Signs in as akadmin from a browser without a session, up to the first page that is not a form to fill. */
  async function signIn(): Promise<
    'signed-in' | { deniedAt: 'first page' | 'after the password'; message: string }
  > {
    await visitor.context().clearCookies();
    await visitor.goto(`${session.server.url}/if/flow/${FLOW}/?next=${encodeURIComponent('/if/user/')}`);
    const first = visitor.locator('#access-denied, #uid_field').first();
    await first.waitFor();
    if ((await first.getAttribute('id')) === 'access-denied')
      return { deniedAt: 'first page', message: (await first.textContent()) ?? '' };
    await visitor.fill('#uid_field', 'akadmin');
    await visitor.fill('#password', ADMIN_PASSWORD);
    await Promise.all([visitor.waitForLoadState('load'), visitor.click('button[type=submit]')]);
    const denied = visitor.locator('#access-denied');
    if (await denied.count())
      return { deniedAt: 'after the password', message: (await denied.textContent()) ?? '' };
    await visitor.waitForURL(/\/if\/user\//);
    return 'signed-in';
  }

  /** Opens the binding of `stageName` on the flow's page, sets its order and saves. */
  async function setOrder(stageName: string, order: number): Promise<void> {
    await page.getByRole('button', { name: `Edit ${stageName}` }).click();
    const dialog = page.getByRole('dialog');
    await dialog.locator('#field-order').fill(String(order));
    await dialog.getByRole('button', { name: 'Update' }).click();
    await dialog.waitFor({ state: 'detached' });
  }

  before(async () => {
    session = await startConsoleSession({ signInAt: '/flow/flows' });
    page = session.page;
    visitor = await (await session.browser.newContext()).newPage();
    visitor.setDefaultTimeout(10_000);
  });
  after(async () => await session?.stop());

  it('lists the flows and opens one to its stage bindings, in order', async () => {
    await page.getByRole('link', { name: 'Default authentication flow' }).click();
    await page.getByRole('heading', { level: 2, name: 'Default authentication flow' }).waitFor();
    await page.locator('tbody tr').nth(3).waitFor();
    const stages = await page.locator('tbody tr td[data-label=Stage]').allTextContents();
    assert.deepEqual(
      stages,
      (await bindings()).map((b) => b.stage_obj.name),
    );
    assert.deepEqual(stages, [
      'default-authentication-identification',
      'default-authentication-password',
      'default-authentication-mfa-validation',
      'default-authentication-login',
    ]);
    await screenshot(page, 'flow-bindings');
  });

  it('creates a deny stage from the Stages screen', async () => {
    await page.getByRole('link', { name: 'Stages', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Stages' }).waitFor();
    await page.getByRole('button', { name: 'Create stage' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.locator('#field-kind').selectOption({ label: 'Deny' });
    await dialog.locator('#field-name').fill('maintenance-notice');
    await dialog.locator('#field-deny_message').fill(NOTICE);
    await dialog.getByRole('button', { name: 'Create' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('cell', { name: 'maintenance-notice', exact: true }).waitFor();
    const all = await session.api<ApiPage<{ deny_message: string }>>(
      'GET',
      '/stages/deny/?name=maintenance-notice',
    );
    assert.equal(all.results[0]?.deny_message, NOTICE);
  });

  it('binds the stage first in the flow: the next sign-in is denied before it asks anything', async () => {
    await page.goto(`${session.server.url}/if/admin/flow/flows/${FLOW}`);
    await page.getByRole('button', { name: 'Bind stage' }).click();
    const dialog = page.getByRole('dialog');
    await waitForOptions(page, 'stage');
    await dialog.locator('#field-stage').selectOption({ label: 'maintenance-notice (Deny Stage)' });
    assert.equal(await filledValue(page, 'order'), '110', 'proposed after the last binding');
    await dialog.locator('#field-order').fill('5');
    await dialog.getByRole('button', { name: 'Bind' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('cell', { name: 'maintenance-notice', exact: true }).waitFor();
    assert.equal((await bindings())[0]?.stage_obj.name, 'maintenance-notice');
    assert.deepEqual(await signIn(), { deniedAt: 'first page', message: NOTICE });
  });

  it('moves it after the password by its order: the next sign-in asks for the password, then denies', async () => {
    await setOrder('maintenance-notice', 25);
    await page.getByRole('cell', { name: '25', exact: true }).waitFor();
    const names = (await bindings()).map((b) => b.stage_obj.name);
    assert.equal(names.indexOf('maintenance-notice'), 2, `after identification and password: ${names}`);
    assert.deepEqual(await signIn(), { deniedAt: 'after the password', message: NOTICE });
    const me = await visitor.request.get(`${session.server.url}/api/v3/core/users/me/`);
    assert.equal(me.status(), 403, 'the denied sign-in started no session');
    await screenshot(page, 'flow-bindings-reordered');
  });

  it('removes the binding: the next sign-in goes through', async () => {
    await page.getByRole('button', { name: 'Delete maintenance-notice' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('cell', { name: 'maintenance-notice', exact: true }).waitFor({ state: 'detached' });
    assert.ok(!(await bindings()).some((b) => b.stage_obj.name === 'maintenance-notice'));
    assert.equal(await signIn(), 'signed-in');
  });

  it("edits the authenticator validation settings: with 'deny', a user without a device is refused", async () => {
    await page.getByRole('link', { name: 'Stages', exact: true }).click();
    await page.getByRole('button', { name: 'Edit default-authentication-mfa-validation' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.locator('#field-not_configured_action').selectOption('deny');
    // Checked on load from the stage: every supported class.
    for (const kind of ['totp', 'static', 'webauthn'])
      assert.equal(await dialog.locator(`#field-device_classes-${kind}`).isChecked(), true);
    await dialog.locator('#field-device_classes-static').uncheck();
    await screenshot(page, 'stage-authenticator-validation');
    await dialog.getByRole('button', { name: 'Update' }).click();
    await dialog.waitFor({ state: 'detached' });
    const stages = await session.api<ApiPage<{ not_configured_action: string; device_classes: string[] }>>(
      'GET',
      '/stages/authenticator/validate/?name=default-authentication-mfa-validation',
    );
    assert.equal(stages.results[0]?.not_configured_action, 'deny');
    assert.deepEqual(stages.results[0]?.device_classes.sort(), ['totp', 'webauthn']);
    const result = await signIn();
    assert.equal(typeof result === 'object' && result.deniedAt, 'after the password');
  });

  it("shows the server's refusal at its field (a blank name), then sets 'skip' back: the user gets in", async () => {
    await page.getByRole('button', { name: 'Edit default-authentication-mfa-validation' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.locator('#field-not_configured_action').selectOption('skip');
    await dialog.locator('#field-name').fill('');
    session.browserErrors.allowOnce(/400/);
    await dialog.getByRole('button', { name: 'Update' }).click();
    await dialog.locator('#error-name').waitFor();
    await dialog.locator('#field-name').fill('default-authentication-mfa-validation');
    await dialog.getByRole('button', { name: 'Update' }).click();
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await signIn(), 'signed-in');
  });

  it('ran without a console error or page error', () => {
    assert.deepEqual(session.errors, []);
  });
});
