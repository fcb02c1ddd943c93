import { ConfigError } from '../config/load.ts';
import { DataDirInUseError } from '../db/data-dir-lock.ts';
import { type Command, CommandFailed, EXIT, type Io, parseCommandArgs, UsageError } from './command.ts';
import { migrateCommand } from './migrate-command.ts';
import { serverCommand } from './server-command.ts';
import { tokenCreateCommand } from './token-command.ts';
import { userCreateCommand, userSetPasswordCommand } from './user-commands.ts';

const COMMANDS: Command[] = [
  serverCommand,
  migrateCommand,
  userCreateCommand,
  userSetPasswordCommand,
  tokenCreateCommand,
];

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `Usage: palisade <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Run \`palisade <command> --help\` for a command's options. Settings: docs/configuration.md.
User and token commands use the running server's API when PALISADE_URL and PALISADE_TOKEN are set,
and the database directly otherwise (only while no server holds the embedded database).
`;
}

const processIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stdin: process.stdin,
  env: process.env,
};

/** Runs the command line; returns the exit code. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    (argv.length === 0 ? io.stderr : io.stdout)(overview());
    return argv.length === 0 ? EXIT.usage : EXIT.ok;
  }
  // Commands are one or two words ("server", "user create"): take the longest name that matches.
  const command =
    COMMANDS.find((c) => c.name === `${argv[0]} ${argv[1]}`) ?? COMMANDS.find((c) => c.name === argv[0]);
  if (!command) {
    const group = COMMANDS.filter((c) => c.name.startsWith(`${argv[0]} `));
    io.stderr(
      group.length > 0
        ? `palisade ${argv[0]}: expected one of: ${group.map((c) => c.name).join(', ')}\n\n${overview()}`
        : `palisade: unknown command "${argv[0]}"\n\n${overview()}`,
    );
    return EXIT.usage;
  }
  const rest = argv.slice(command.name.split(' ').length);
  try {
    const args = parseCommandArgs(command, rest);
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
    if (error instanceof ConfigError) {
      io.stderr(`palisade: ${error.message}\n`);
      return EXIT.usage;
    }
    if (error instanceof CommandFailed || error instanceof DataDirInUseError) {
      io.stderr(`palisade ${command.name}: ${error.message}\n`);
      return EXIT.failed;
    }
    io.stderr(`palisade ${command.name}: ${(error as Error).message ?? String(error)}\n`);
    return EXIT.failed;
  }
}
