import { CommandFailed, type Io } from './command.ts';

/** A terminal's stdin, as far as reading without echo needs it. */
interface TerminalInput extends NodeJS.ReadableStream {
  isTTY?: boolean;
  isRaw?: boolean;
  setRawMode?(mode: boolean): unknown;
}

/**
 * Reads a password from stdin: never from the command line, where other users of the machine could see it
 * in the process list. On a terminal it prompts twice without echo (unless `prompt` is false: then one line,
 * still without echo); piped, it reads the first line.
 */
export async function readPassword(io: Io, options: { prompt: boolean }): Promise<string> {
  const stdin = io.stdin as TerminalInput;
  let password: string;
  if (stdin.isTTY && stdin.setRawMode) {
    const terminal = hiddenLines(stdin, io);
    try {
      if (options.prompt) io.stderr('Password: ');
      password = await terminal.next();
      if (options.prompt) {
        io.stderr('Repeat password: ');
        if ((await terminal.next()) !== password) throw new CommandFailed('the passwords do not match');
      }
    } finally {
      terminal.close();
    }
  } else {
    password = await readFirstLine(stdin);
  }
  if (password === '') throw new CommandFailed('no password given on stdin');
  return password;
}

/** Reads up to the first line end (or the end of input), then stops reading. */
async function readFirstLine(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) {
    const bytes = Buffer.from(chunk as Buffer | string);
    chunks.push(bytes);
    // Leaving the loop destroys the stream: the rest of stdin is never read.
    if (bytes.includes(0x0a) || bytes.includes(0x0d)) break;
  }
  return (
    Buffer.concat(chunks)
      .toString('utf8')
      .split(/\r?\n|\r/)[0] ?? ''
  );
}

/**
 * Reads lines from a terminal in raw mode, so nothing is echoed. Raw mode also turns off the terminal's own
 * line editing and Ctrl-C, so backspace, Ctrl-U and Ctrl-C are handled here.
 */
function hiddenLines(stdin: TerminalInput, io: Io): { next(): Promise<string>; close(): void } {
  const wasRaw = stdin.isRaw === true;
  stdin.setRawMode?.(true);
  let pending = ''; // typed ahead of the current prompt (a paste of both lines)
  let ended = false;
  let wake: (() => void) | undefined;
  const onData = (chunk: Buffer | string) => {
    pending += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    wake?.();
  };
  const onEnd = () => {
    ended = true;
    wake?.();
  };
  stdin.on('data', onData);
  stdin.on('end', onEnd);
  stdin.resume();
  return {
    async next() {
      let line = '';
      for (;;) {
        const chars = Array.from(pending);
        for (let i = 0; i < chars.length; i++) {
          const ch = chars[i] as string;
          if (ch === '\r' || ch === '\n' || ch === '\u0004') {
            pending = chars.slice(i + 1).join('');
            io.stderr('\n');
            return line;
          }
          if (ch === '\u0003') {
            io.stderr('\n');
            throw new CommandFailed('cancelled');
          }
          if (ch === '\u007f' || ch === '\b') line = Array.from(line).slice(0, -1).join('');
          else if (ch === '\u0015') line = '';
          else if (ch >= ' ') line += ch;
        }
        pending = '';
        if (ended) {
          io.stderr('\n');
          return line;
        }
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    },
    close() {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.setRawMode?.(wasRaw);
      stdin.pause();
    },
  };
}
