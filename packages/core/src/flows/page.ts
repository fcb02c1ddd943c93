import { type Html, html } from './html.ts';

/** The flow pages' look, served as /static/flow.css so the Content-Security-Policy needs no inline styles. */
const STYLE = `
body{font-family:system-ui,sans-serif;background:#f4f5f7;color:#1f2933;margin:0;display:flex;min-height:100vh;align-items:center;justify-content:center}
main{background:#fff;padding:2rem 2.5rem;border-radius:8px;box-shadow:0 2px 12px rgba(0,0,0,.08);width:22rem}
h1{font-size:1.3rem;margin:0 0 1.2rem}label{display:block;margin:.8rem 0 .3rem;font-size:.9rem}
input{width:100%;box-sizing:border-box;padding:.55rem;border:1px solid #c3c9d0;border-radius:4px;font-size:1rem}
button{margin-top:1.2rem;width:100%;padding:.6rem;border:0;border-radius:4px;background:#1d4ed8;color:#fff;font-size:1rem;cursor:pointer}
.error{background:#fde8e8;color:#9b1c1c;padding:.6rem;border-radius:4px;margin-bottom:.6rem}
.note{font-size:.9rem;color:#52606d}
.brand{display:flex;align-items:center;gap:.4rem;font-weight:600;color:#1d4ed8;margin-bottom:.8rem}
.brand img{width:1.1rem;height:1.1rem}`;

/** The product's name, shown on every flow page so a user knows whose sign-in page this is. */
export const PRODUCT_NAME = 'Palisade';

/** The frame of every flow page: the product's name above the title. */
export function page(title: string, body: Html): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · ${PRODUCT_NAME}</title>
        <link rel="stylesheet" href="/static/flow.css" />
        <link rel="icon" type="image/svg+xml" href="/static/favicon.svg" />
      </head>
      <body>
        <main>
          <header class="brand"><img src="/static/favicon.svg" alt="" />${PRODUCT_NAME}</header>
          <h1>${title}</h1>
          ${body}
        </main>
      </body>
    </html> `.text;
}

/** The stylesheet served at /static/flow.css (a file of its own so the CSP needs no 'unsafe-inline'). */
export const FLOW_CSS = STYLE.trim();

/**
 * The pages' icon: linked from every page so browsers do not ask for /favicon.ico (a 404 in their console),
 * and a file rather than a data: URL, which the Content-Security-Policy would refuse.
 */
export const FLOW_ICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><path fill="#1d4ed8" d="M8 1 2 3.5V8c0 3.5 2.6 6.2 6 7 3.4-.8 6-3.5 6-7V3.5z"/></svg>';

/** A message box; `undefined` renders nothing. */
export function errorBox(message: string | undefined): Html {
  return message ? html`<p class="error" role="alert">${message}</p>` : html``;
}
