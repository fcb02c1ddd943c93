import {
  OUTPOST_ENVIRONMENT_HELP,
  OUTPOST_HEALTHCHECK_HELP,
  OUTPOST_RUN_HELP,
} from '@palisade/outpost/process/usage';
import { type Command, EXIT } from './command.ts';

/**
 * `palisade outpost`: an alias of the outpost package's own command (`palisade-outpost`, which the image
 * runs), kept so a machine with the core installed can run an outpost. It loads the outpost only when run.
 */
export const outpostRunCommand: Command = {
  name: 'outpost',
  summary: 'Run an outpost (configured by AUTHENTIK_* variables) until SIGINT or SIGTERM.',
  usage: `Usage: palisade outpost
       palisade outpost healthcheck
       palisade outpost manifest <name> [--format compose|kubernetes]

The same program as palisade-outpost (the outpost image's command). ${OUTPOST_RUN_HELP}
${OUTPOST_ENVIRONMENT_HELP}`,
  argumentNames: [],
  options: {},
  async run(_args, io) {
    const { runOutpost } = await import('@palisade/outpost/process/command');
    return runOutpost(io);
  },
};

/** `palisade outpost healthcheck`: the container health check (exit 0 when the outpost answers, else 1). */
export const outpostHealthcheckCommand: Command = {
  name: 'outpost healthcheck',
  summary: "Check that this machine's outpost answers on its metrics port (for container health checks).",
  usage: `Usage: palisade outpost healthcheck

${OUTPOST_HEALTHCHECK_HELP}`,
  argumentNames: [],
  options: {},
  async run(_args, io) {
    const { healthcheck } = await import('@palisade/outpost/process/healthcheck');
    const code = await healthcheck(io.env);
    if (code !== 0) io.stderr('palisade outpost healthcheck: the outpost does not answer\n');
    return code === 0 ? EXIT.ok : EXIT.failed;
  },
};
