import { DataDirInUseError } from '../db/data-dir-lock.ts';
import { type Command, CommandFailed, EXIT, type Io, parseCommandArgs, UsageError } from './command.ts';
import { migrateCommand } from './migrate-command.ts';
import { outpostManifestCommand } from './outpost-command.ts';
import { outpostHealthcheckCommand, outpostRunCommand } from './outpost-run-command.ts';
import { serverCommand } from './server-command.ts';
import { tokenCreateCommand } from './token-command.ts';
import { userCreateCommand, userSetPasswordCommand } from './user-commands.ts';

const COMMANDS: Command[] = [
  serverCommand,
  migrateCommand,
  userCreateCommand,
  userSetPasswordCommand,
  tokenCreateCommand,
  outpostRunCommand,
  outpostHealthcheckCommand,
  outpostManifestCommand,
];

function list(commands: Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n');
}

function overview(): string {
  return `Usage: palisade <command> [options]

Commands:
${list(COMMANDS)}

Run \`palisade <command> --help\` for a command's options. Settings: docs/configuration.md.
User, token and outpost commands use the running server's API when PALISADE_URL and PALISADE_TOKEN are set,
and the database directly otherwise (only while no server holds the embedded database).
`;
}

function groupUsage(group: string, commands: Command[]): string {
  return `Usage: palisade ${group} <${commands.map((c) => c.name.slice(group.length + 1)).join('|')}> [options]

${list(commands)}
`;
}

const isHelp = (arg: string | undefined) => arg === '--help' || arg === '-h';

const processIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stdin: process.stdin,
  env: process.env,
};

/** Runs the command line; returns the exit code. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [first, second] = argv;
  if (first === undefined) {
    io.stderr(overview());
    return EXIT.usage;
  }
  if (isHelp(first) || first === 'help') {
    io.stdout(overview());
    return EXIT.ok;
  }
  // Commands are one or two words ("server", "user create"): take the longest name that matches.
  const command =
    COMMANDS.find((c) => c.name === `${first} ${second}`) ?? COMMANDS.find((c) => c.name === first);
  if (!command) {
    const group = COMMANDS.filter((c) => c.name.startsWith(`${first} `));
    if (group.length === 0) {
      io.stderr(`palisade: unknown command "${first}"\n\n${overview()}`);
      return EXIT.usage;
    }
    if (isHelp(second)) {
      io.stdout(groupUsage(first, group));
      return EXIT.ok;
    }
    io.stderr(
      `palisade ${first}: expected one of: ${group.map((c) => c.name).join(', ')}\n\n${groupUsage(first, group)}`,
    );
    return EXIT.usage;
  }
  try {
    const args = parseCommandArgs(command, argv.slice(command.name.split(' ').length));
    if (args.values.help) {
      io.stdout(`${command.usage}\n`);
      return EXIT.ok;
    }
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`palisade ${command.name}: ${error.message}\n\n${command.usage}\n`);
      return EXIT.usage;
    }
    if (error instanceof Error && error.name === 'ConfigError') {
      // The message lists every problem, one a line.
      io.stderr(`palisade ${command.name}: ${error.message}\n`);
      return EXIT.usage;
    }
    if (error instanceof CommandFailed || error instanceof DataDirInUseError) {
      io.stderr(`palisade ${command.name}: ${error.message}\n`);
      return EXIT.failed;
    }
    // Unexpected (a database down, a migration failing): its message alone.
    io.stderr(`palisade ${command.name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failed;
  }
}
