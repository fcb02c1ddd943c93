import type { ComponentChildren } from 'preact';
import { LoadForEdit } from '../../components/load-for-edit.tsx';

/** What a provider kind's form is given: the provider to edit (none: a new one), and how to finish. */
export interface KindFormProps<T> {
  existing?: T;
  onClose: () => void;
  onSaved: () => void;
}

/** What a kind's dialog is given: the pk of the provider to edit (none: create one). */
export interface KindModalProps {
  pk?: number;
  onClose: () => void;
  onSaved: () => void;
}

/**
 * A provider kind's create/edit dialog: with a `pk`, it loads that provider from `/providers/<kind>/` first
 * (a list shows only its summary), then renders `Form` with it.
 */
export function kindModal<T>(kind: string, Form: (props: KindFormProps<T>) => ComponentChildren) {
  return function KindModal(props: KindModalProps) {
    return (
      <LoadForEdit<T> path={props.pk ? `/providers/${kind}/${props.pk}/` : null} noun="provider">
        {(existing) => <Form existing={existing} onClose={props.onClose} onSaved={props.onSaved} />}
      </LoadForEdit>
    );
  };
}
