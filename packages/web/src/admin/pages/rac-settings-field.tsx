/** The JSON editor of an RAC object's connection settings, and reading it back (checked before sending). */
import { ChecklistField, SelectField, TextArea } from '../../components/fields.tsx';
import type { FieldErrors } from '../../lib/api.ts';
import { useAll } from '../../lib/use-api.ts';
import type { RacPropertyMapping } from '../../lib/types.ts';

/** Settings as the API takes them: Guacamole parameter names to scalar values. */
export type Settings = Record<string, string | number | boolean | null>;

/** The editor's text for stored settings (credentials are never answered, so never shown). */
export const settingsText = (settings: Settings | undefined): string =>
  JSON.stringify(settings ?? {}, null, 2);

/** The settings in the editor, or why they are not a flat JSON object of scalars. */
export function parseSettingsText(text: string): { settings: Settings } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text.trim() || '{}');
  } catch {
    return { problem: 'This is not valid JSON.' };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    return { problem: 'Enter a JSON object, e.g. {"username": "admin"}.' };
  for (const [key, v] of Object.entries(value)) {
    if (v !== null && typeof v === 'object')
      return { problem: `"${key}" must be a string, number or boolean.` };
  }
  return { settings: value as Settings };
}

/** A settings editor, explaining that passwords and keys are write-only. */
export function SettingsField(props: {
  name: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
  errors: FieldErrors;
}) {
  return (
    <TextArea
      {...props}
      code
      rows={6}
      hint={
        <>
          JSON of connection settings, e.g. <code>{'{"username": "ops", "password": "…"}'}</code>. Credentials
          (<code>password</code>, <code>private-key</code>, <code>passphrase</code>) are write-only: they are
          never shown again; leave them out to keep them, set them to <code>null</code> to remove them.
        </>
      }
    />
  );
}

/** What providers and endpoints both have: how credentials are found, settings, property mappings. */
export interface ConnectionDraft {
  auth_mode: 'static' | 'prompt';
  settings: string;
  property_mappings: string[];
}

/** The connection fields of a provider's or an endpoint's form. */
export function ConnectionFields<D extends ConnectionDraft>(props: {
  draft: D;
  onChange: (update: (current: D) => D) => void;
  errors: FieldErrors;
  settingsLabel: string;
}) {
  const { draft, onChange, errors } = props;
  const mappings = useAll<RacPropertyMapping>('/propertymappings/provider/rac/');
  return (
    <>
      <SelectField
        name="auth_mode"
        label="Authentication mode"
        value={draft.auth_mode}
        errors={errors}
        onChange={(value) => onChange((c) => ({ ...c, auth_mode: value as D['auth_mode'] }))}
        options={[
          ['static', 'Static: credentials come from the settings'],
          ['prompt', 'Prompt: credentials come from the flow'],
        ]}
      />
      <SettingsField
        name="settings"
        label={props.settingsLabel}
        value={draft.settings}
        errors={errors}
        onInput={(value) => onChange((c) => ({ ...c, settings: value }))}
      />
      <ChecklistField
        name="property_mappings"
        label="Property mappings"
        value={draft.property_mappings}
        errors={errors}
        onChange={(value) => onChange((c) => ({ ...c, property_mappings: value }))}
        options={mappings.map((m) => [m.pk, m.name])}
        hint={mappings.length === 0 ? 'No RAC property mappings yet.' : undefined}
      />
    </>
  );
}
