import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Exit codes of the `palisade` command. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** Wrong use of the command line: printed with the command's usage, exit code 2. */
export class UsageError extends Error {}

/** A failed operation (user exists, server refused …): printed alone, exit code 1. */
export class CommandFailed extends Error {}

/** Where commands write; tests pass their own. */
export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

export interface Command {
  /** e.g. `user create` */
  name: string;
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(
    args: { values: Record<string, string | boolean | undefined>; positionals: string[] },
    io: Io,
  ): Promise<number>;
}

/** Parses a command's arguments strictly; unknown flags and malformed values are usage errors. */
export function parseCommandArgs(command: Command, argv: string[]) {
  try {
    const parsed = parseArgs({
      args: argv,
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    return parsed as { values: Record<string, string | boolean | undefined>; positionals: string[] };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
