import { csrfToken } from '../lib/api.ts';

/** The sign-out button: the core's invalidation flow, as a POST with the CSRF token. */
export function SignOut() {
  return (
    <form method="post" action="/if/flow/default-invalidation-flow/" class="sign-out">
      <input type="hidden" name="csrf_token" value={csrfToken()} />
      <button type="submit" class="secondary">
        Sign out
      </button>
    </form>
  );
}
