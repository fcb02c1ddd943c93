import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { WebSocketServer } from 'ws';

/** What the protected application received: the request line and headers, as it echoes them back. */
export interface EchoedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

/** An application with no sign-in of its own, as forward auth protects: it answers with what it received. */
export interface EchoBackend {
  url: string;
  port: number;
  /** Every request it received, oldest first. */
  received: EchoedRequest[];
  close(): Promise<void>;
}

/**
 * Starts the protected backend on loopback: every request is answered 200 with a JSON echo of its method,
 * URL and headers (an HTML page when the browser asks for one, with the same JSON in a <pre>).
 */
export async function startEchoBackend(): Promise<EchoBackend> {
  const received: EchoedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const echoed = { method: req.method ?? '', url: req.url ?? '', headers: req.headers };
    received.push(echoed);
    req.resume();
    const body = JSON.stringify(echoed, null, 2);
    if ((req.headers.accept ?? '').includes('text/html')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        `<!doctype html><title>protected app</title><h1>protected app</h1><pre id="echo">${escapeHtml(body)}</pre>`,
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  });
  // Websockets too, as proxy mode must pass them: each message comes back prefixed with `echo: `, and the
  // upgrade request is recorded like any other.
  const sockets = new WebSocketServer({ server });
  sockets.on('connection', (socket, req) => {
    received.push({ method: 'UPGRADE', url: req.url ?? '', headers: req.headers });
    socket.on('message', (data) => socket.send(`echo: ${String(data)}`));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    close: () =>
      new Promise((resolve) => {
        sockets.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
