/** Case 1: forward auth through real nginx (`auth_request`, upstream keepalive). */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNginx } from '../../../e2e/src/nginx.ts';
import { freePort } from '../../../e2e/src/server-process.ts';
import type { BenchCase } from '../bench-case.ts';
import { compareForwardAuth, type StartFront } from '../forward-auth-comparison.ts';

/**
 * One server per auth server, alike but for its auth location. As docs/forward-auth/nginx.md, with the
 * upstream kept alive (HTTP/1.1, no Connection header) and no sign-in redirect: a refused check answers the
 * client 401, so wrk counts it. The route serves a static file after the check (a `return` would run before
 * auth_request, in the rewrite phase), and reflects the username the check set, for the pre-flight check.
 */
function server(port: number, root: string, authLocation: string): string {
  return `
server {
  listen 127.0.0.1:${port};
  access_log off;
  proxy_buffers 8 16k;
  proxy_buffer_size 32k;
  location / {
    auth_request /_auth;
    auth_request_set $authentik_username $upstream_http_x_authentik_username;
    auth_request_set $authentik_groups $upstream_http_x_authentik_groups;
    auth_request_set $authentik_entitlements $upstream_http_x_authentik_entitlements;
    auth_request_set $authentik_email $upstream_http_x_authentik_email;
    auth_request_set $authentik_name $upstream_http_x_authentik_name;
    auth_request_set $authentik_uid $upstream_http_x_authentik_uid;
    add_header X-Bench-User $authentik_username always;
    root ${root};
    try_files /ok.txt =404;
  }
  location = /_auth {
    internal;
    ${authLocation}
  }
}`;
}

const upstreamAuth = (upstream: string) => `
    proxy_pass http://${upstream}/outpost.goauthentik.io/auth/nginx;
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_set_header Host $host;
    proxy_set_header X-Original-URL $scheme://$http_host$request_uri;
    proxy_pass_request_body off;
    proxy_set_header Content-Length "";`;

/** Starts one nginx with the three servers. */
export const startNginxFront: StartFront = async (ports) => {
  const [ceiling, floor, outpost] = [await freePort(), await freePort(), await freePort()];
  const root = await mkdtemp(join(tmpdir(), 'palisade-bench-www-'));
  await writeFile(join(root, 'ok.txt'), 'ok');
  const nginx = await startNginx(
    ceiling,
    `
upstream floor { server 127.0.0.1:${ports.floor}; keepalive 64; }
upstream outpost { server 127.0.0.1:${ports.outpost}; keepalive 64; }
${server(ceiling, root, 'if ($http_cookie = "") { return 401; } return 200;')}
${server(floor, root, upstreamAuth('floor'))}
${server(outpost, root, upstreamAuth('outpost'))}
`,
  );
  return {
    ceilingUrl: `http://127.0.0.1:${ceiling}/`,
    floorUrl: `http://127.0.0.1:${floor}/`,
    outpostUrl: `http://127.0.0.1:${outpost}/`,
    stop: async () => {
      await nginx.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
};

export const forwardAuthNginx: BenchCase = {
  name: 'nginx',
  summary: 'forward auth through nginx auth_request: ceiling, bare node:http floor, the outpost',
  tools: ['nginx', 'wrk'],
  run: (settings) => compareForwardAuth('nginx', startNginxFront, settings),
};
