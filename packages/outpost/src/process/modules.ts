import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { OutpostModuleFactory } from './outpost-module.ts';

/** The outpost package's src/: each folder with a module.ts is an outpost type (proxy/, ldap/…). */
const SOURCE = join(import.meta.dirname, '..');

/** A type name that is a plain folder name (no path tricks from a core's answer). */
const TYPE_NAME = /^[a-z][a-z0-9_-]{0,49}$/;

/** The outpost's type has no module in this build; the message names it and the types there are. */
export class UnknownOutpostTypeError extends Error {
  override name = 'UnknownOutpostTypeError';
}

/** The outpost types this build has a module for: the folders of src/ that hold a module.ts. */
export function availableTypes(): string[] {
  return readdirSync(SOURCE, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(SOURCE, entry.name, 'module.ts')))
    .map((entry) => entry.name)
    .sort();
}

/**
 * The module for outpost type `type`: `src/<type>/module.ts`'s `outpostModule`, loaded only now, so an
 * outpost loads the code of its own type and no other. Adding a type is adding its folder.
 */
export async function loadModuleFactory(type: string): Promise<OutpostModuleFactory> {
  const types = availableTypes();
  if (!TYPE_NAME.test(type) || !types.includes(type)) {
    throw new UnknownOutpostTypeError(
      `this outpost is of type ${JSON.stringify(type)}, which this build cannot run (it runs: ${types.join(', ')})`,
    );
  }
  const loaded = (await import(pathToFileURL(join(SOURCE, type, 'module.ts')).href)) as {
    outpostModule?: OutpostModuleFactory;
  };
  if (loaded.outpostModule?.type !== type) {
    throw new UnknownOutpostTypeError(
      `src/${type}/module.ts does not export an outpostModule of type ${type}`,
    );
  }
  return loaded.outpostModule;
}
