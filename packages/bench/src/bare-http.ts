import { join } from 'node:path';
import { runForeground } from '../../e2e/src/wait.ts';
import { freePort, REPO_ROOT } from '../../e2e/src/server-process.ts';

/** A running servers/bare-http.ts. */
export interface BareHttp {
  port: number;
  stop(): Promise<void>;
}

/** Starts servers/bare-http.ts on the same Node.js as the outpost, in its own process. */
export async function startBareHttp(role: 'auth' | 'backend'): Promise<BareHttp> {
  const port = await freePort();
  const service = await runForeground(
    join(REPO_ROOT, 'node_modules', '.bin', 'node'),
    [join(import.meta.dirname, 'servers', 'bare-http.ts'), String(port), role],
    port,
  );
  return { port, stop: () => service.stop() };
}
