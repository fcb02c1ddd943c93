import type { LightMyRequestResponse } from 'fastify';

/** One Set-Cookie line of a response: the cookie, its value, the whole line, and whether it removes it. */
export interface SetCookie {
  name: string;
  value: string;
  line: string;
  removed: boolean;
}

/** The cookies a response sets (or removes: Max-Age=0 or an empty value), in order. */
export function setCookiesOf(res: LightMyRequestResponse): SetCookie[] {
  const raw = res.headers['set-cookie'];
  return (raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]).map((line) => {
    const [pair = ''] = line.split(';');
    const eq = pair.indexOf('=');
    const value = pair.slice(eq + 1);
    return { name: pair.slice(0, eq), value, line, removed: /Max-Age=0/i.test(line) || value === '' };
  });
}
