// Writes docs/configuration.md from the configuration schema; with --check, fails when the file differs.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { renderConfigurationDocs } from '../src/config/docs.ts';

const target = fileURLToPath(new URL('../../../docs/configuration.md', import.meta.url));
const rendered = renderConfigurationDocs();

if (process.argv.includes('--check')) {
  const current = await readFile(target, 'utf8').catch(() => '');
  if (current !== rendered) {
    console.error(
      'docs/configuration.md is out of date with the configuration schema: run `npm run docs:config`.',
    );
    process.exit(1);
  }
  console.log('docs/configuration.md matches the schema.');
} else {
  await writeFile(target, rendered);
  console.log(`wrote ${target}`);
}
