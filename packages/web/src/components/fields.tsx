import type { ComponentChildren } from 'preact';
import type { FieldErrors } from '../lib/api.ts';

interface Base {
  /** The API field name: the control's id is `field-<name>`, and the server's messages for it show below it. */
  name: string;
  label: string;
  errors?: FieldErrors;
  hint?: ComponentChildren;
  required?: boolean;
}

/** The server's messages for one field, tied to the control by aria-describedby. */
function Messages(props: { name: string; errors?: FieldErrors; hint?: ComponentChildren }) {
  const messages = props.errors?.[props.name] ?? [];
  return (
    <>
      {props.hint && (
        <p class="hint" id={`hint-${props.name}`}>
          {props.hint}
        </p>
      )}
      {messages.length > 0 && (
        <p class="field-error" id={`error-${props.name}`} role="alert">
          {messages.join(' ')}
        </p>
      )}
    </>
  );
}

/** The attributes every control shares: its id and name, and what marks and describes it. */
function controlAttributes(props: Base) {
  const ids = [props.hint && `hint-${props.name}`, props.errors?.[props.name] && `error-${props.name}`];
  return {
    id: `field-${props.name}`,
    name: props.name,
    required: props.required,
    'aria-invalid': Boolean(props.errors?.[props.name]),
    'aria-describedby': ids.filter(Boolean).join(' ') || undefined,
  };
}

/** A label above a control, and the hint and server messages below it. */
function Field(props: Base & { children: ComponentChildren }) {
  return (
    <div class={`field${props.errors?.[props.name] ? ' invalid' : ''}`}>
      <label for={`field-${props.name}`}>
        {props.label}
        {props.required && <span aria-hidden="true"> *</span>}
      </label>
      {props.children}
      <Messages {...props} />
    </div>
  );
}

/** A labelled text input. */
export function TextField(
  props: Base & {
    value: string;
    onInput: (value: string) => void;
    type?: string;
    placeholder?: string;
    readOnly?: boolean;
    /** The id of a <datalist> of suggestions. */
    list?: string;
  },
) {
  return (
    <Field {...props}>
      <input
        {...controlAttributes(props)}
        type={props.type ?? 'text'}
        value={props.value}
        placeholder={props.placeholder}
        readOnly={props.readOnly}
        list={props.list}
        onInput={(e) => props.onInput((e.currentTarget as HTMLInputElement).value)}
      />
    </Field>
  );
}

/** A labelled multi-line input (monospace when `code`). */
export function TextArea(
  props: Base & { value: string; onInput: (value: string) => void; rows?: number; code?: boolean },
) {
  return (
    <Field {...props}>
      <textarea
        {...controlAttributes(props)}
        rows={props.rows ?? 4}
        class={props.code ? 'code' : undefined}
        spellcheck={!props.code}
        value={props.value}
        onInput={(e) => props.onInput((e.currentTarget as HTMLTextAreaElement).value)}
      />
    </Field>
  );
}

/** A labelled select; `options` are [value, label] pairs. */
export function SelectField(
  props: Base & {
    value: string;
    onChange: (value: string) => void;
    options: Array<[string, string]>;
    disabled?: boolean;
  },
) {
  return (
    <Field {...props}>
      <select
        {...controlAttributes(props)}
        value={props.value}
        disabled={props.disabled}
        onChange={(e) => props.onChange((e.currentTarget as HTMLSelectElement).value)}
      >
        {props.options.map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** A labelled checkbox. */
export function CheckboxField(props: Base & { checked: boolean; onChange: (checked: boolean) => void }) {
  return (
    <div class={`field checkbox${props.errors?.[props.name] ? ' invalid' : ''}`}>
      <input
        {...controlAttributes(props)}
        type="checkbox"
        checked={props.checked}
        onChange={(e) => props.onChange((e.currentTarget as HTMLInputElement).checked)}
      />
      <label for={`field-${props.name}`}>{props.label}</label>
      <Messages {...props} />
    </div>
  );
}

/** A labelled group of checkboxes choosing several of `options` ([value, label] pairs). */
export function ChecklistField<V extends string | number>(
  props: Base & { value: V[]; onChange: (value: V[]) => void; options: Array<[V, ComponentChildren]> },
) {
  const invalid = Boolean(props.errors?.[props.name]);
  const toggle = (option: V, on: boolean) =>
    props.onChange(on ? [...props.value, option] : props.value.filter((v) => v !== option));
  return (
    <fieldset
      class={`checklist${invalid ? ' invalid' : ''}`}
      aria-describedby={controlAttributes(props)['aria-describedby']}
    >
      <legend>{props.label}</legend>
      {props.options.map(([option, label]) => (
        <div class="field checkbox" key={option}>
          <input
            type="checkbox"
            id={`field-${props.name}-${option}`}
            checked={props.value.includes(option)}
            onChange={(e) => toggle(option, (e.currentTarget as HTMLInputElement).checked)}
          />
          <label for={`field-${props.name}-${option}`}>{label}</label>
        </div>
      ))}
      <Messages {...props} />
    </fieldset>
  );
}

/** The keys of a draft whose values are of type V. */
type KeysOf<D, V> = { [K in keyof D]: D[K] extends V ? K : never }[keyof D] & string;

/**
 * Binds a form's controls to its draft: `f.text('name')` gives a control its name, value, change handler and
 * the server's errors. Changes go through `onChange` as updates of the current draft, never as a whole draft
 * built from this render's, so a change that lands between a render and its effects is never undone.
 */
export function bindDraft<D>(
  draft: D,
  onChange: (update: (current: D) => D) => void,
  errors: FieldErrors,
  prefix = '',
) {
  const set =
    <K extends keyof D>(key: K) =>
    (value: D[K]) =>
      onChange((current) => ({ ...current, [key]: value }));
  const base = (key: string) => ({ name: `${prefix}${key}`, errors });
  return {
    set,
    text: <K extends KeysOf<D, string>>(key: K) => ({
      ...base(key),
      value: draft[key] as string,
      onInput: set(key) as (value: string) => void,
    }),
    select: <K extends KeysOf<D, string>>(key: K) => ({
      ...base(key),
      value: draft[key] as string,
      onChange: set(key) as (value: string) => void,
    }),
    check: <K extends KeysOf<D, boolean>>(key: K) => ({
      ...base(key),
      checked: draft[key] as boolean,
      onChange: set(key) as (value: boolean) => void,
    }),
    list: <K extends KeysOf<D, Array<string | number>>>(key: K) => ({
      ...base(key),
      value: draft[key] as Array<string | number>,
      onChange: set(key) as (value: Array<string | number>) => void,
    }),
  };
}

/** Errors of the form as a whole: the API's `detail`/`non_field_errors`, and fields the form does not show. */
export function FormErrors(props: { errors: FieldErrors; shown: string[]; detail?: string }) {
  const rest = Object.entries(props.errors).filter(([key]) => !props.shown.includes(key));
  if (!props.detail && rest.length === 0) return null;
  return (
    <div class="form-error" role="alert">
      {props.detail && <p>{props.detail}</p>}
      {rest.map(([key, messages]) => (
        <p key={key}>{key === 'non_field_errors' ? messages.join(' ') : `${key}: ${messages.join(' ')}`}</p>
      ))}
    </div>
  );
}
