/**
 * The floor for any Node.js server: `node bare-http.ts <port> auth|backend` answers every request with no
 * work at all. `auth`: 200 with one identity header when the request carries a cookie, else what a
 * forward-auth server answers then: a 302 to sign in on the Caddy and Traefik endpoints, a 401 elsewhere. `backend`: 200 with a two-byte body (the protected application).
 */
import { createServer } from 'node:http';

const [port = '0', role = 'auth'] = process.argv.slice(2);
const server = createServer((req, res) => {
  if (role === 'backend') {
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': '2' });
    res.end('ok');
    return;
  }
  if (req.headers.cookie) res.writeHead(200, { 'X-Authentik-Username': 'bench', 'Content-Length': '0' });
  else if (/\/auth\/(caddy|traefik)$/.test(req.url ?? ''))
    res.writeHead(302, { Location: '/outpost.goauthentik.io/start', 'Content-Length': '0' });
  else res.writeHead(401, { 'Content-Length': '0' });
  res.end();
});
server.listen(Number(port), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
