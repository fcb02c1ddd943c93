import type { ComponentChildren } from 'preact';

/** The state of a screen whose API does not exist yet: said plainly, with no made-up data. */
export function NotAvailable(props: { what: string; children?: ComponentChildren }) {
  return (
    <section class="card not-available" aria-live="polite">
      <h2>Not available yet</h2>
      <p>{props.what} cannot be shown yet: Palisade's API does not offer it.</p>
      {props.children && <p>{props.children}</p>}
    </section>
  );
}
