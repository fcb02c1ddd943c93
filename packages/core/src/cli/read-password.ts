import { createInterface } from 'node:readline';
import type { Io } from './command.ts';
import { CommandFailed } from './command.ts';

/**
 * Reads a password from stdin: never from the command line, where other users of the machine could see it
 * in the process list. On a terminal it prompts twice without echo; piped, it reads the first line.
 */
export async function readPassword(io: Io): Promise<string> {
  if (io.stdin.isTTY) {
    const first = await promptHidden(io, 'Password: ');
    const second = await promptHidden(io, 'Repeat password: ');
    if (first !== second) throw new CommandFailed('the passwords do not match');
    return first;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(Buffer.from(chunk as Buffer));
  const text = Buffer.concat(chunks).toString('utf8');
  const line = text.split(/\r?\n/)[0] ?? '';
  if (line === '') throw new CommandFailed('no password on stdin');
  return line;
}

async function promptHidden(io: Io, prompt: string): Promise<string> {
  const stdin = io.stdin as NodeJS.ReadStream;
  io.stderr(prompt);
  stdin.setRawMode?.(true);
  const rl = createInterface({ input: stdin, terminal: false });
  try {
    const line = await new Promise<string>((resolve) => rl.once('line', resolve));
    io.stderr('\n');
    return line;
  } finally {
    stdin.setRawMode?.(false);
    rl.close();
  }
}
