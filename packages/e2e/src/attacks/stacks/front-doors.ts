/**
 * The front doors the attack suite runs against, each configured as the project tells users to: the blocks
 * of docs/forward-auth/*.md (nginx, Caddy, ingress-nginx's annotations as ingress-nginx renders them), the
 * Traefik and Envoy stand-ins (src/stand-in-proxies.ts: they follow those proxies' documented semantics; they
 * are not Traefik or Envoy), and proxy mode on a standalone outpost and on the core's embedded outpost.
 */
import { startCaddy } from '../../caddy.ts';
import { docSnippet, docSnippets, fillSnippet } from '../../doc-snippets.ts';
import { ingressAnnotations, ingressServer } from '../../ingress-nginx-render.ts';
import { startNginx } from '../../nginx.ts';
import { freePort } from '../../server-process.ts';
import { startEnvoyLike, startTraefikLike } from '../../stand-in-proxies.ts';
import { type AttackWorld, type Hosts, startWorld, type WorldParts } from '../world.ts';
import { traefikAuthResponseHeaders, traefikClearedHeaders } from './traefik-doc.ts';

const hostsOf = (origins: Hosts) => Object.values(origins).map((o) => new URL(o).hostname);

function world(
  name: string,
  kind: AttackWorld['kind'],
  parts: WorldParts,
  stop: () => Promise<void>,
): AttackWorld {
  return {
    name,
    kind,
    origins: parts.origins,
    echo: parts.echo,
    coreUrl: parts.stack.core.url,
    outpostUrl: parts.outpostUrl,
    logs: parts.logs,
    close: async () => {
      await stop();
      await parts.close();
    },
  };
}

/** Starts `front` on the world's port, closing the world if it fails. */
async function withFront(
  parts: WorldParts,
  start: () => Promise<() => Promise<void>>,
): Promise<() => Promise<void>> {
  try {
    return await start();
  } catch (error) {
    await parts.close();
    throw error;
  }
}

/**
 * nginx with docs/forward-auth/nginx.md's upstream once and its server block once per application host, as
 * the page says for several applications; standalone outpost.
 */
export async function nginxDocStack(): Promise<AttackWorld> {
  const port = await freePort();
  const parts = await startWorld({ mode: 'forward_single', port });
  const [upstream = '', block = ''] = await docSnippets('forward-auth/nginx.md', 'nginx');
  const stop = await withFront(parts, async () => {
    const servers = hostsOf(parts.origins).map((host) =>
      fillSnippet(block, {
        'listen 80;': `listen 127.0.0.1:${port};`,
        'server_name app.example.com;': `server_name ${host};`,
        'backend.internal:8080': `127.0.0.1:${parts.echo.port}`,
      }),
    );
    const shared = fillSnippet(upstream, { 'outpost.internal:9000': new URL(parts.outpostUrl).host });
    const nginx = await startNginx(port, [shared, ...servers].join('\n'));
    return () => nginx.stop();
  });
  return world('nginx as docs/forward-auth/nginx.md says, standalone outpost', 'nginx', parts, stop);
}

/**
 * nginx as ingress-nginx renders the annotations of docs/forward-auth/ingress-nginx.md (seed 002's, with
 * the full header list), in front of the core's embedded outpost as seed 002 sets it up.
 */
export async function ingressNginxStack(): Promise<AttackWorld> {
  const port = await freePort();
  const parts = await startWorld({ mode: 'forward_single', port, embedded: true });
  const annotations = await ingressAnnotations();
  const stop = await withFront(parts, async () => {
    const servers = Object.values(parts.origins).map((origin) =>
      ingressServer({
        host: new URL(origin).hostname,
        port,
        annotations,
        origin,
        upstream: 'outposts',
        backend: parts.echo.url,
      }),
    );
    const nginx = await startNginx(
      port,
      `upstream outposts { server ${new URL(parts.outpostUrl).host}; }\n${servers.join('\n')}`,
    );
    return () => nginx.stop();
  });
  return world(
    'ingress-nginx as it renders docs/forward-auth/ingress-nginx.md, embedded outpost',
    'ingress-nginx',
    parts,
    stop,
  );
}

/** Caddy with docs/forward-auth/caddy.md's site block (one per application host), standalone outpost. */
export async function caddyDocStack(): Promise<AttackWorld> {
  const port = await freePort();
  const parts = await startWorld({ mode: 'forward_single', port });
  const block = await docSnippet('forward-auth/caddy.md', 'caddyfile');
  const stop = await withFront(parts, async () => {
    const sites = Object.values(parts.origins).map((origin) =>
      fillSnippet(block, {
        'http://app.example.com {': `${origin} {`,
        'outpost.internal:9000': new URL(parts.outpostUrl).host,
        'backend.internal:8080': `127.0.0.1:${parts.echo.port}`,
      }),
    );
    const caddy = await startCaddy(port, sites.join('\n'));
    return () => caddy.stop();
  });
  return world('Caddy as docs/forward-auth/caddy.md says, standalone outpost', 'caddy', parts, stop);
}

/** The Traefik stand-in with docs/forward-auth/traefik.md's authResponseHeaders, standalone outpost. */
export async function traefikStack(): Promise<AttackWorld> {
  const port = await freePort();
  const parts = await startWorld({ mode: 'forward_single', port });
  const headers = await traefikAuthResponseHeaders();
  const stop = await withFront(parts, async () => {
    const proxy = await startTraefikLike({
      auth: `${parts.outpostUrl}/outpost.goauthentik.io/auth/traefik`,
      backend: parts.echo.url,
      outpost: parts.outpostUrl,
      authResponseHeaders: headers,
      clearRequestHeaders: await traefikClearedHeaders(),
      port,
    });
    return () => proxy.close();
  });
  return world('Traefik stand-in (forwardAuth as documented), standalone outpost', 'traefik', parts, stop);
}

/** The Envoy stand-in (ext_authz as docs/forward-auth/envoy.md configures it), standalone outpost. */
export async function envoyStack(): Promise<AttackWorld> {
  const port = await freePort();
  const parts = await startWorld({ mode: 'forward_single', port });
  const stop = await withFront(parts, async () => {
    const proxy = await startEnvoyLike({
      outpost: parts.outpostUrl,
      backend: parts.echo.url,
      pathPrefix: '/outpost.goauthentik.io/auth/envoy',
      port,
    });
    return () => proxy.close();
  });
  return world('Envoy stand-in (ext_authz as documented), standalone outpost', 'envoy', parts, stop);
}

/** Proxy mode: a standalone outpost is the reverse proxy, on the applications' port. */
export async function proxyModeStack(): Promise<AttackWorld> {
  const port = await freePort();
  const parts = await startWorld({ mode: 'proxy', port, outpostPort: port });
  return world('proxy mode, standalone outpost', 'proxy', parts, async () => {});
}

/** Proxy mode on the core's own port: the embedded outpost is the reverse proxy. */
export async function embeddedProxyModeStack(): Promise<AttackWorld> {
  const parts = await startWorld({ mode: 'proxy', port: 'core', embedded: true });
  return world("proxy mode, the embedded outpost on the core's port", 'proxy', parts, async () => {});
}
