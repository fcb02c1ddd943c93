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

function describedBy(props: Base): string | undefined {
  const ids = [props.hint && `hint-${props.name}`, props.errors?.[props.name] && `error-${props.name}`];
  return ids.filter(Boolean).join(' ') || undefined;
}

/** A labelled text input. */
export function TextField(
  props: Base & { value: string; onInput: (value: string) => void; type?: string; placeholder?: string },
) {
  const invalid = Boolean(props.errors?.[props.name]);
  return (
    <div class={`field${invalid ? ' invalid' : ''}`}>
      <label for={`field-${props.name}`}>
        {props.label}
        {props.required && <span aria-hidden="true"> *</span>}
      </label>
      <input
        id={`field-${props.name}`}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.value}
        placeholder={props.placeholder}
        required={props.required}
        aria-invalid={invalid}
        aria-describedby={describedBy(props)}
        onInput={(e) => props.onInput((e.currentTarget as HTMLInputElement).value)}
      />
      <Messages {...props} />
    </div>
  );
}

/** A labelled multi-line input (monospace when `code`). */
export function TextArea(
  props: Base & { value: string; onInput: (value: string) => void; rows?: number; code?: boolean },
) {
  const invalid = Boolean(props.errors?.[props.name]);
  return (
    <div class={`field${invalid ? ' invalid' : ''}`}>
      <label for={`field-${props.name}`}>{props.label}</label>
      <textarea
        id={`field-${props.name}`}
        name={props.name}
        rows={props.rows ?? 4}
        class={props.code ? 'code' : undefined}
        spellcheck={!props.code}
        value={props.value}
        aria-invalid={invalid}
        aria-describedby={describedBy(props)}
        onInput={(e) => props.onInput((e.currentTarget as HTMLTextAreaElement).value)}
      />
      <Messages {...props} />
    </div>
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
  const invalid = Boolean(props.errors?.[props.name]);
  return (
    <div class={`field${invalid ? ' invalid' : ''}`}>
      <label for={`field-${props.name}`}>
        {props.label}
        {props.required && <span aria-hidden="true"> *</span>}
      </label>
      <select
        id={`field-${props.name}`}
        name={props.name}
        value={props.value}
        disabled={props.disabled}
        required={props.required}
        aria-invalid={invalid}
        aria-describedby={describedBy(props)}
        onChange={(e) => props.onChange((e.currentTarget as HTMLSelectElement).value)}
      >
        {props.options.map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
      <Messages {...props} />
    </div>
  );
}

/** A labelled checkbox. */
export function CheckboxField(props: Base & { checked: boolean; onChange: (checked: boolean) => void }) {
  return (
    <div class="field checkbox">
      <input
        id={`field-${props.name}`}
        name={props.name}
        type="checkbox"
        checked={props.checked}
        aria-describedby={describedBy(props)}
        onChange={(e) => props.onChange((e.currentTarget as HTMLInputElement).checked)}
      />
      <label for={`field-${props.name}`}>{props.label}</label>
      <Messages {...props} />
    </div>
  );
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
