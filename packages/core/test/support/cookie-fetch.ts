/**
 * fetch with a cookie jar and hand-followed redirects, for walking browser flows against a real server
 * without a browser. Redirects to another origin (a relying party's redirect_uri) are not followed.
 */
export function cookieFetch(origin: string) {
  const jar = new Map<string, string>();
  const remember = (res: Response) => {
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1);
      if (/max-age=0/i.test(line) || /expires=Thu, 01 Jan 1970/i.test(line) || value === '') jar.delete(name);
      else jar.set(name, value);
    }
  };
  const request = async (url: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (jar.size) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(new URL(url, origin), { ...init, headers, redirect: 'manual' });
    remember(res);
    return res;
  };
  return {
    jar,
    request,
    /** Follows same-origin redirects from `url`; returns the last response and its URL. */
    async follow(url: string, init: RequestInit = {}): Promise<{ res: Response; url: string }> {
      let current = new URL(url, origin).href;
      let res = await request(current, init);
      for (let hops = 0; hops < 20 && res.status >= 300 && res.status < 400; hops++) {
        const next = new URL(res.headers.get('location') ?? '', current);
        if (next.origin !== new URL(origin).origin) return { res, url: next.href };
        current = next.href;
        res = await request(current);
      }
      return { res, url: current };
    },
  };
}
