/** Case 2: forward auth through real Caddy (`forward_auth`, as docs/forward-auth/caddy.md). */
import { startCaddy } from '../../../e2e/src/caddy.ts';
import { freePort } from '../../../e2e/src/server-process.ts';
import type { BenchCase } from '../bench-case.ts';
import { compareForwardAuth, type StartFront } from '../forward-auth-comparison.ts';

const COPY_HEADERS =
  'X-Authentik-Username X-Authentik-Groups X-Authentik-Entitlements X-Authentik-Email X-Authentik-Name X-Authentik-Uid X-Authentik-Jwt X-Authentik-Meta-Jwks X-Authentik-Meta-Outpost X-Authentik-Meta-Provider X-Authentik-Meta-App X-Authentik-Meta-Version';

/** A site checking with the auth server at `upstream`, then answering a fixed body (and the username it got). */
const site = (port: number, upstream: string) => `
http://:${port} {
  route {
    forward_auth ${upstream} {
      uri /outpost.goauthentik.io/auth/caddy
      copy_headers ${COPY_HEADERS}
      trusted_proxies private_ranges
    }
    header X-Bench-User {http.request.header.X-Authentik-Username}
    respond "ok" 200
  }
}`;

/**
 * One Caddy with three sites. Caddy cannot answer a forward_auth check without an upstream, so its ceiling
 * is a check answered by another site of the same Caddy (one hop, no auth server).
 */
export const startCaddyFront: StartFront = async (ports) => {
  const [ceiling, floor, outpost, selfAuth] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const caddy = await startCaddy(
    ceiling,
    `${site(ceiling, `127.0.0.1:${selfAuth}`)}
${site(floor, `127.0.0.1:${ports.floor}`)}
${site(outpost, `127.0.0.1:${ports.outpost}`)}
http://:${selfAuth} {
  @signedin header Cookie *
  route {
    respond @signedin 200
    header Location /outpost.goauthentik.io/start
    respond 302
  }
}
`,
  );
  return {
    ceilingUrl: `http://127.0.0.1:${ceiling}/`,
    floorUrl: `http://127.0.0.1:${floor}/`,
    outpostUrl: `http://127.0.0.1:${outpost}/`,
    stop: () => caddy.stop(),
  };
};

export const forwardAuthCaddy: BenchCase = {
  name: 'caddy',
  summary:
    'forward auth through Caddy forward_auth: Caddy-answered ceiling, bare node:http floor, the outpost',
  tools: ['caddy', 'wrk'],
  // Without a session the outpost's Caddy endpoint redirects to sign-in (spec §3.5), which Caddy relays.
  run: (settings) =>
    compareForwardAuth('Caddy', startCaddyFront, settings, {
      label: 'no session (302 to sign-in)',
      expect: 'redirect',
    }),
};
