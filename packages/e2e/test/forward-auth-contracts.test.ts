/**
 * Traefik and Envoy do not run on these machines. This suite puts stand-ins in front of a real outpost that
 * behave as those proxies' documentation says their forward-auth works (src/stand-in-proxies.ts), and drives
 * them with Chromium: it shows the outpost answers what Traefik's forwardAuth and Envoy's ext_authz expect,
 * not that Traefik or Envoy themselves were run.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../src/browser.ts';
import { type EchoBackend, startEchoBackend } from '../src/echo-backend.ts';
import { type ForwardAuthStack, startForwardAuthStack } from '../src/forward-auth-stack.ts';
import { type OutpostProcess, startOutpostProcess } from '../src/outpost-process.ts';
import { freePort } from '../src/server-process.ts';
import { echoedHeaders, signInAtCore } from '../src/sign-in-page.ts';
import { type StandInProxy, startEnvoyLike, startTraefikLike } from '../src/stand-in-proxies.ts';

const TRAEFIK_HOST = 'traefik.example.test';
const ENVOY_HOST = 'envoy.example.test';
// The authResponseHeaders of docs/forward-auth/traefik.md.
const AUTH_RESPONSE_HEADERS = [
  'X-authentik-username',
  'X-authentik-groups',
  'X-authentik-entitlements',
  'X-authentik-email',
  'X-authentik-name',
  'X-authentik-uid',
  'X-authentik-jwt',
  'X-authentik-meta-jwks',
  'X-authentik-meta-outpost',
  'X-authentik-meta-provider',
  'X-authentik-meta-app',
  'X-authentik-meta-version',
];

describe('the forward-auth contracts of Traefik and Envoy, against stand-ins that follow their docs', () => {
  let stack: ForwardAuthStack;
  let outpost: OutpostProcess;
  let traefik: StandInProxy;
  let envoy: StandInProxy;
  let echo: EchoBackend;
  let browser: Browser;
  let traefikUrl = '';
  let envoyUrl = '';

  before(async () => {
    echo = await startEchoBackend();
    const [traefikPort, envoyPort] = [await freePort(), await freePort()];
    traefikUrl = `http://${TRAEFIK_HOST}:${traefikPort}`;
    envoyUrl = `http://${ENVOY_HOST}:${envoyPort}`;
    stack = await startForwardAuthStack({
      users: [{ username: 'erin', password: 'erin-password-1' }],
      apps: [
        { slug: 'traefik-app', externalHost: traefikUrl, mode: 'forward_single' },
        { slug: 'envoy-app', externalHost: envoyUrl, mode: 'forward_single' },
      ],
    });
    outpost = await startOutpostProcess({
      coreUrl: stack.core.url,
      token: stack.outpostToken,
      readyHost: `${TRAEFIK_HOST}:${traefikPort}`,
    });
    traefik = await startTraefikLike({
      auth: `${outpost.url}/outpost.goauthentik.io/auth/traefik`,
      backend: echo.url,
      outpost: outpost.url,
      authResponseHeaders: AUTH_RESPONSE_HEADERS,
      port: traefikPort,
    });
    envoy = await startEnvoyLike({
      outpost: outpost.url,
      backend: echo.url,
      pathPrefix: '/outpost.goauthentik.io/auth/envoy',
      port: envoyPort,
    });
    browser = await launchChromium({ loopbackHosts: [TRAEFIK_HOST, ENVOY_HOST] });
  });
  after(async () => {
    await browser?.close();
    await traefik?.close();
    await envoy?.close();
    await outpost?.stop();
    await stack?.close();
    await echo?.close();
  });

  it("Traefik: the outpost's redirect is relayed, and after sign-in the authResponseHeaders reach the app", async () => {
    const direct = await fetch(`${traefikUrl.replace(TRAEFIK_HOST, '127.0.0.1')}/x`, { redirect: 'manual' });
    assert.equal(direct.status, 400, 'unknown host: the outpost has no app for 127.0.0.1');
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${traefikUrl}/board?team=a&sort=b`);
    await signInAtCore(page, 'erin', 'erin-password-1');
    await page.waitForURL(`${traefikUrl}/board?team=a&sort=b`);
    const headers = await echoedHeaders(page);
    assert.equal(headers['x-authentik-username'], 'erin');
    assert.equal(headers['x-authentik-meta-app'], 'traefik-app');
    await context.close();
  });

  it('Envoy: only a 200 lets the request through; the original path follows the prefix', async () => {
    const before = echo.received.length;
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${envoyUrl}/deep/path?q=1`);
    assert.equal(echo.received.length, before, 'nothing reached the app before sign-in');
    await signInAtCore(page, 'erin', 'erin-password-1');
    await page.waitForURL(`${envoyUrl}/deep/path?q=1`);
    const headers = await echoedHeaders(page);
    assert.equal(headers['x-authentik-username'], 'erin');
    assert.equal(headers['x-authentik-meta-app'], 'envoy-app');
    assert.ok(
      echo.received.some((r) => r.url === '/deep/path?q=1'),
      'the app saw the original path',
    );
    await context.close();
  });
});
