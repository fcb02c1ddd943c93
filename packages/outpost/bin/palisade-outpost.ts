#!/usr/bin/env node
// The outpost's own command (the image's entrypoint). Everything lives in src/process/command.ts.
import { outpostMain } from '../src/process/command.ts';

const code = await outpostMain(process.argv.slice(2), {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  env: process.env,
});
// Exits now rather than when the last handle closes: shutdown has drained what it had to.
process.exit(code);
