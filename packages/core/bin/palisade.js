#!/usr/bin/env node
// The `palisade` command for any Node.js: on one too old to run TypeScript (a system Node.js 20, say) it says
// which is needed and how to run the one the install brings, instead of Node's `Unknown file extension ".ts"`.
// Plain JavaScript on purpose: this file must load where palisade.ts cannot.
import process from 'node:process';
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 24 || (major === 24 && minor < 7)) {
  process.stderr.write(
    `palisade: Node.js 24.7 or later is needed; this is Node.js ${process.versions.node} (${process.execPath}).\n` +
      'The install brings one (the `node` package, after `npm ci`). From the repository, run:\n' +
      '  npm start                                   # the server\n' +
      '  npx palisade <command>                      # any command\n' +
      '  node_modules/.bin/node packages/core/bin/palisade.ts <command>\n',
  );
  process.exit(1);
}
await import('./palisade.ts');
