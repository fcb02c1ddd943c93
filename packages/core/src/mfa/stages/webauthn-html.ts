import { html, type Html } from '../../flows/html.ts';

/** Where the flow pages load the WebAuthn helpers from (served by routes/flows/webauthn-scripts.ts). */
export const WEBAUTHN_SCRIPTS = ['/static/simplewebauthn-browser.js', '/static/webauthn-stage.js'];

/**
 * The page part of a WebAuthn ceremony: a button that runs it with `options` (register or authenticate)
 * and a hidden field the script fills with the browser's answer before it submits the form.
 */
export function webauthnControls(mode: 'register' | 'authenticate', options: unknown, label: string): Html {
  return html`<input type="hidden" name="webauthn" id="webauthn-response" value="" />
    <button type="button" id="webauthn-start" data-mode="${mode}" data-options="${JSON.stringify(options)}">
      ${label}
    </button>
    <p class="error" id="webauthn-error" role="alert" hidden></p>
    ${WEBAUTHN_SCRIPTS.map((src) => html`<script src="${src}" defer></script>`)}`;
}

/** The browser's answer from the hidden field, parsed; undefined when absent or not JSON. */
export function webauthnField(fields: Readonly<Record<string, string>>): unknown {
  const raw = fields.webauthn ?? '';
  if (!raw || raw.length > 65_536) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}
