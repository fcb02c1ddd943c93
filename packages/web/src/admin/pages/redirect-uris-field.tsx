import type { FieldErrors } from '../../lib/api.ts';
import type { OAuth2Provider } from '../../lib/types.ts';

type RedirectUri = OAuth2Provider['redirect_uris'][number];

/** The redirect URIs of an OAuth2 provider: one row per URI with its matching mode; add and remove rows. */
export function RedirectUrisField(props: {
  value: RedirectUri[];
  /** An update of the current list (see bindDraft: never a whole list from this render). */
  onChange: (update: (current: RedirectUri[]) => RedirectUri[]) => void;
  errors: FieldErrors;
}) {
  const messages = props.errors.redirect_uris ?? [];
  const change = (i: number, patch: Partial<RedirectUri>) =>
    props.onChange((current) => current.map((uri, j) => (j === i ? { ...uri, ...patch } : uri)));
  return (
    <fieldset
      class={`redirect-uris${messages.length ? ' invalid' : ''}`}
      aria-describedby={messages.length ? 'error-redirect_uris' : 'hint-redirect_uris'}
    >
      <legend>Redirect URIs</legend>
      <p class="hint" id="hint-redirect_uris">
        Where the provider may send users back with a code. Strict: the exact URL; regex: a pattern the whole
        URL must match.
      </p>
      {props.value.map((uri, i) => (
        <div class="redirect-uri" key={i}>
          <label for={`field-redirect_uris-${i}-mode`} class="visually-hidden">
            Matching mode of redirect URI {i + 1}
          </label>
          <select
            id={`field-redirect_uris-${i}-mode`}
            value={uri.matching_mode}
            onChange={(e) =>
              change(i, {
                matching_mode: (e.currentTarget as HTMLSelectElement).value as RedirectUri['matching_mode'],
              })
            }
          >
            <option value="strict">Strict</option>
            <option value="regex">Regex</option>
          </select>
          <label for={`field-redirect_uris-${i}`} class="visually-hidden">
            Redirect URI {i + 1}
          </label>
          <input
            id={`field-redirect_uris-${i}`}
            type="text"
            value={uri.url}
            placeholder="https://app.example.com/oauth/callback"
            aria-invalid={messages.length > 0}
            onInput={(e) => change(i, { url: (e.currentTarget as HTMLInputElement).value })}
          />
          <button
            type="button"
            class="secondary"
            aria-label={`Remove redirect URI ${i + 1}`}
            onClick={() => props.onChange((current) => current.filter((_, j) => j !== i))}
          >
            Remove
          </button>
        </div>
      ))}
      <button
        type="button"
        class="secondary"
        onClick={() => props.onChange((current) => [...current, { matching_mode: 'strict', url: '' }])}
      >
        Add redirect URI
      </button>
      {messages.length > 0 && (
        <p class="field-error" id="error-redirect_uris" role="alert">
          {messages.join(' ')}
        </p>
      )}
    </fieldset>
  );
}
