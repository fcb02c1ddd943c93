import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError, type FieldErrors } from '../lib/api.ts';
import { prefixed } from '../lib/draft.ts';
import { FormErrors } from './fields.tsx';
import { Modal } from './modal.tsx';

/** A form's save: its field errors, its other error, whether it is running, and the submit handler. */
export interface Submission {
  errors: FieldErrors;
  detail: string | undefined;
  busy: boolean;
  onSubmit: (event: Event) => Promise<void>;
  /** Shows an API error: a 400's field messages at their fields (`prefix`ed), anything else at the top. */
  fail: (error: unknown, prefix?: string) => void;
  /** Shows problems found before sending, at their fields. */
  showErrors: (errors: FieldErrors) => void;
}

/** Runs `save` on submit; what it throws is shown where it belongs (see Submission.fail). */
export function useSubmission(save: () => Promise<void>): Submission {
  const [errors, setErrors] = useState<FieldErrors>({});
  const [detail, setDetail] = useState<string>();
  const [busy, setBusy] = useState(false);
  const fail = (error: unknown, prefix = '') => {
    setErrors(error instanceof ApiError ? prefixed(error.fieldErrors, prefix) : {});
    setDetail(error instanceof ApiError && error.status === 400 ? undefined : (error as Error).message);
  };
  const showErrors = (found: FieldErrors) => {
    setErrors(found);
    setDetail(undefined);
  };
  const onSubmit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    // The last attempt's messages go: a message still shown after a new answer would describe the old one.
    setErrors({});
    setDetail(undefined);
    try {
      await save();
    } catch (error) {
      fail(error);
    } finally {
      setBusy(false);
    }
  };
  return { errors, detail, busy, onSubmit, fail, showErrors };
}

/** A create/edit dialog: the form, its errors at the top, and Cancel / submit. */
export function FormModal(props: {
  /** What the form makes ("proxy provider"), for the title "Create proxy provider". */
  noun: string;
  /** The name of the object being edited (title "Edit <name>", button Update); undefined to create one. */
  editing?: string;
  /** Overrides the title and the submit button's label (e.g. "Generate"). */
  title?: string;
  submitLabel?: string;
  submission: Submission;
  /** The field names the form shows; a 400's messages for other fields go to the box at the top. */
  shown: string[];
  onClose: () => void;
  wide?: boolean;
  /** Keeps the submit button disabled (e.g. until the form's data has loaded). */
  notReady?: boolean;
  children: ComponentChildren;
}) {
  const s = props.submission;
  return (
    <Modal
      title={props.title ?? (props.editing === undefined ? `Create ${props.noun}` : `Edit ${props.editing}`)}
      onClose={props.onClose}
      wide={props.wide}
    >
      <form onSubmit={s.onSubmit} noValidate>
        <FormErrors errors={s.errors} shown={props.shown} detail={s.detail} />
        {props.children}
        <div class="form-actions">
          <button type="button" class="secondary" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" disabled={s.busy || props.notReady}>
            {props.submitLabel ?? (props.editing === undefined ? 'Create' : 'Update')}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** Whether any of `fields` has a message: a folded part of a form holding one is shown unfolded. */
export const hasErrorIn = (errors: FieldErrors, fields: readonly string[]): boolean =>
  fields.some((field) => Boolean(errors[field]?.length));
