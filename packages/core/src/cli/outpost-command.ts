import { type Command, EXIT, UsageError } from './command.ts';

const FORMATS = ['compose', 'kubernetes'] as const;

/** `palisade outpost manifest`: what a manual deployment of an outpost needs, on stdout. */
export const outpostManifestCommand: Command = {
  name: 'outpost manifest',
  summary: "Print an outpost's manual deployment: a compose file or Kubernetes objects.",
  usage: `Usage: palisade outpost manifest <name> [--format compose|kubernetes]

Prints, on stdout and nothing else there, what running the outpost named <name> by hand needs:
  --format compose      a docker-compose file (default)
  --format kubernetes   a Secret, a Deployment and a Service (YAML documents)
Both carry the outpost's token (AUTHENTIK_TOKEN): treat the output as a secret. While the outpost's
authentik_host is empty or a loopback address, AUTHENTIK_HOST is a placeholder and a warning on stderr
says what to set.`,
  argumentNames: ['<name>'],
  options: { format: { type: 'string', default: 'compose' } },
  async run({ values, positionals }, io) {
    const [name = ''] = positionals;
    const format = values.format as (typeof FORMATS)[number];
    if (!FORMATS.includes(format)) throw new UsageError('--format must be compose or kubernetes');
    const { withAdmin } = await import('./choose-admin.ts');
    const { manifest, warnings } = await withAdmin(io, (admin) => admin.outpostManifest(name, format));
    // On stderr, so `palisade outpost manifest x > docker-compose.yml` still writes only the manifest.
    for (const warning of warnings) io.stderr(`palisade outpost manifest: warning: ${warning}\n`);
    io.stdout(manifest.endsWith('\n') ? manifest : `${manifest}\n`);
    return EXIT.ok;
  },
};
