import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync } from 'fastify';

/**
 * The scripts the flow pages run WebAuthn ceremonies with, as files of this origin (the pages' CSP allows
 * no inline code): @simplewebauthn/browser's prebuilt bundle, and the glue below that hands it a stage's
 * options and puts the browser's answer in the form.
 */

// The package's browser bundle, beside its ESM entry (esm/index.js -> dist/bundle/index.umd.min.js).
const BUNDLE_PATH = fileURLToPath(
  new URL('../dist/bundle/index.umd.min.js', import.meta.resolve('@simplewebauthn/browser')),
);

/** The page glue: runs the ceremony on the button's click and submits the form with the answer. */
export const WEBAUTHN_STAGE_JS = `(() => {
  const button = document.getElementById('webauthn-start');
  const field = document.getElementById('webauthn-response');
  const error = document.getElementById('webauthn-error');
  const lib = window.SimpleWebAuthnBrowser;
  if (!button || !field || !lib) return;
  button.addEventListener('click', async () => {
    if (error) error.hidden = true;
    button.disabled = true;
    try {
      const optionsJSON = JSON.parse(button.dataset.options || '{}');
      const answer = button.dataset.mode === 'register'
        ? await lib.startRegistration({ optionsJSON })
        : await lib.startAuthentication({ optionsJSON });
      field.value = JSON.stringify(answer);
      button.form.submit();
    } catch (failure) {
      button.disabled = false;
      if (error) {
        error.textContent = 'Your browser did not complete the request (' + (failure && failure.name || 'error') + ').';
        error.hidden = false;
      }
    }
  });
})();
`;

/** Serves /static/simplewebauthn-browser.js and /static/webauthn-stage.js. */
export function webauthnScriptRoutes(): FastifyPluginAsync {
  const bundle = readFileSync(BUNDLE_PATH, 'utf8');
  return async (app) => {
    for (const [path, body] of [
      ['/static/simplewebauthn-browser.js', bundle],
      ['/static/webauthn-stage.js', WEBAUTHN_STAGE_JS],
    ] as const) {
      app.get(path, async (_request, reply) =>
        reply
          .type('text/javascript; charset=utf-8')
          .header('cache-control', 'public, max-age=3600')
          .header('x-content-type-options', 'nosniff')
          .send(body),
      );
    }
  };
}
