import type { Command } from './command.ts';
import { EXIT } from './command.ts';
import { loadConfig } from '../config/load.ts';
import { startServer } from '../server.ts';

export const serverCommand: Command = {
  name: 'server',
  summary: 'Run the core (HTTP API, flows) until SIGINT or SIGTERM.',
  usage: `Usage: palisade server

Runs the Palisade core. Settings come from PALISADE_* variables and the file named by PALISADE_CONFIG_FILE
(see docs/configuration.md). With no settings it listens on 0.0.0.0:9000 with the embedded database in ./data.
Stops gracefully on SIGINT or SIGTERM: in-flight requests finish, then the database is closed.`,
  options: {},
  async run(_args, io) {
    const config = loadConfig({ env: io.env });
    const server = await startServer(config);
    await new Promise<void>((resolve) => {
      const stop = (signal: NodeJS.Signals) => {
        server.app.log.info({ signal }, 'shutting down');
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await server.close();
    return EXIT.ok;
  },
};
