import type { RunningServer } from '../server.ts';
import { type Command, EXIT } from './command.ts';

export const serverCommand: Command = {
  name: 'server',
  summary: 'Run the core (HTTP API, flows) until SIGINT or SIGTERM.',
  usage: `Usage: palisade server

Runs the Palisade core. Settings come from PALISADE_* variables and the file named by PALISADE_CONFIG_FILE
(see docs/configuration.md). With no settings it listens on 0.0.0.0:9000 with the embedded database in ./data.
Logs are JSON lines on stdout. On SIGINT or SIGTERM it stops gracefully: in-flight requests finish, then the
database is closed (and the data folder's lock released). A second signal stops it at once. Started by npm
(npm start), it also stops when npm exits, since npm does not pass SIGTERM on.`,
  argumentNames: [],
  options: {},
  async run(_args, io) {
    // Loaded here, not at the top: --help and usage errors stay instant.
    const { loadConfig } = await import('../config/load.ts');
    const { startServer } = await import('../server.ts');
    const config = loadConfig({ env: io.env });
    // Signals are handled from the first moment: one arriving during start-up (migrations can take a while)
    // lets the start finish, then closes cleanly instead of killing the process mid-way.
    let signalled: NodeJS.Signals | undefined;
    let onSignal = (signal: NodeJS.Signals) => {
      signalled = signal;
    };
    const stopOnce = (signal: NodeJS.Signals) => {
      // The default handlers come back, so a second signal ends the process without waiting.
      process.off('SIGINT', stopOnce);
      process.off('SIGTERM', stopOnce);
      onSignal(signal);
    };
    process.on('SIGINT', stopOnce);
    process.on('SIGTERM', stopOnce);
    // Under `npm start`, npm's exit is the SIGTERM npm does not pass on.
    const { stopWithNpm } = await import('@palisade/outpost/process/parent-watch');
    const unwatch = stopWithNpm(io.env);
    let server: RunningServer;
    try {
      server = await startServer(config);
    } catch (error) {
      process.off('SIGINT', stopOnce);
      process.off('SIGTERM', stopOnce);
      unwatch();
      throw error;
    }
    const signal =
      signalled ??
      (await new Promise<NodeJS.Signals>((resolve) => {
        onSignal = resolve;
      }));
    unwatch();
    server.app.log.info({ signal }, 'shutting down');
    await server.close();
    server.app.log.info('stopped');
    return EXIT.ok;
  },
};
