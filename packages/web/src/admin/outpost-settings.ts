/**
 * Checks an outpost's Advanced settings (YAML) before they are sent: the text must parse as a YAML mapping,
 * and each known key must have its type, checked against the same schema the core validates with, so the
 * messages are the server's ("kubernetes_replicas: must be a non-negative integer"). Unknown keys pass: the
 * core drops them, as the reference ignores them. The core still checks everything (durations, too).
 */
import { OutpostConfig } from '@palisade/schema/api/outposts';
import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { parseDocument, stringify } from 'yaml';

/** The settings as an object, or every problem found (each naming its line or key). */
export type SettingsResult =
  { config: Record<string, unknown>; problems?: undefined } | { problems: string[] };

const KEYS = OutpostConfig.properties as unknown as Record<string, TSchema & { expected: string }>;

/** Parses YAML text that must be a mapping (empty text is an empty one), or says what is wrong with it. */
export function parseYamlMapping(text: string, what: string): SettingsResult {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length) return { problems: doc.errors.map((e) => e.message.split('\n')[0] ?? e.message) };
  const value: unknown = doc.toJS() ?? {};
  if (typeof value !== 'object' || Array.isArray(value) || value === null) {
    return { problems: [`${what} must be a YAML mapping of keys to values.`] };
  }
  return { config: value as Record<string, unknown> };
}

/** Parses and checks the YAML text of the Advanced settings. */
export function parseSettings(text: string): SettingsResult {
  const parsed = parseYamlMapping(text, 'The settings');
  if (parsed.problems) return parsed;
  const config = parsed.config;
  const problems: string[] = [];
  for (const [name, schema] of Object.entries(KEYS)) {
    if (!(name in config)) continue;
    // A blank authentik_host_browser (as in the documented example) reads as null and means "none".
    const v = name === 'authentik_host_browser' && config[name] === null ? '' : config[name];
    if (!Value.Check(schema, v)) problems.push(`${name}: must be ${schema.expected}`);
  }
  return problems.length ? { problems } : { config };
}

/** Writes settings (or any mapping) as the YAML an editor shows. */
export function settingsYaml(config: Record<string, unknown>): string {
  return stringify(config, { lineWidth: 0 });
}
