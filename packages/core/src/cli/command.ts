import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Exit codes of the `palisade` command. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** Wrong use of the command line: printed with the command's usage, exit code 2. */
export class UsageError extends Error {}

/** A failed operation (user exists, server refused …): printed alone, exit code 1. */
export class CommandFailed extends Error {}

/** Where commands read and write; tests pass their own. */
export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

/** Parsed command line of one command: its flags and its positional arguments, in `argumentNames` order. */
export interface CommandArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** One `palisade` command. */
export interface Command {
  /** e.g. `user create` */
  name: string;
  summary: string;
  usage: string;
  /** The positional arguments it requires, e.g. `['<username>']`; no more, no fewer are accepted. */
  argumentNames: readonly string[];
  options: NonNullable<ParseArgsConfig['options']>;
  run(args: CommandArgs, io: Io): Promise<number>;
}

/** Parses a command's arguments strictly: unknown flags, malformed values and extra words are usage errors. */
export function parseCommandArgs(command: Command, argv: string[]): CommandArgs {
  let parsed: CommandArgs;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (parsed.values.help) return parsed;
  const expected = command.argumentNames;
  if (parsed.positionals.length < expected.length) {
    throw new UsageError(`missing ${expected.slice(parsed.positionals.length).join(' ')}`);
  }
  if (parsed.positionals.length > expected.length) {
    throw new UsageError(`unexpected argument "${parsed.positionals[expected.length]}"`);
  }
  const empty = parsed.positionals.findIndex((p) => p === '');
  if (empty >= 0) throw new UsageError(`${expected[empty]} must not be empty`);
  return parsed;
}
