#!/usr/bin/env node
// The outpost's own command (the image's entrypoint). Everything lives in src/process/command.ts.
import { enableCompileCache } from 'node:module';

// Node's compile cache keeps the type-stripped, compiled code of every module (in NODE_COMPILE_CACHE, else
// the system's temporary folder), so a restart compiles nothing again. Set in the environment, as the image
// does (filled at build), it covers this file too, and a start then loads no TypeScript stripper, which alone
// holds about 25 MiB for the life of the process (docs/benchmarks.md, "Outpost footprint").
enableCompileCache();
const { outpostMain } = await import('../src/process/command.ts');

const code = await outpostMain(process.argv.slice(2), {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  env: process.env,
});
// Exits now rather than when the last handle closes: shutdown has drained what it had to.
process.exit(code);
