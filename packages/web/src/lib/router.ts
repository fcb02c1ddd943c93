import { h, type ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/** The admin interface's base path; its routes are real paths below it, so deep links and reloads work. */
export const ADMIN_BASE = '/if/admin';

const CHANGE = 'palisade:navigate';

/** The current path below the admin base, e.g. `/core/applications`. */
function currentPath(): string {
  const path = location.pathname.startsWith(ADMIN_BASE) ? location.pathname.slice(ADMIN_BASE.length) : '/';
  return path.replace(/\/+$/, '') || '/';
}

/** Goes to a path below the admin base without reloading the page. */
export function navigate(path: string): void {
  history.pushState(null, '', `${ADMIN_BASE}${path}`);
  window.dispatchEvent(new Event(CHANGE));
}

/** The current path, re-rendering on navigation and on the browser's back and forward. */
export function usePath(): string {
  const [path, setPath] = useState(currentPath());
  useEffect(() => {
    const update = () => setPath(currentPath());
    window.addEventListener('popstate', update);
    window.addEventListener(CHANGE, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(CHANGE, update);
    };
  }, []);
  return path;
}

/** A link inside the admin interface: a real `<a href>` (new tab, copy link work) that navigates in place. */
export function Link(props: {
  href: string;
  class?: string;
  current?: boolean;
  children: ComponentChildren;
}) {
  return h(
    'a',
    {
      href: `${ADMIN_BASE}${props.href}`,
      class: props.class,
      'aria-current': props.current ? 'page' : undefined,
      onClick: (event: MouseEvent) => {
        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
        event.preventDefault();
        navigate(props.href);
      },
    },
    props.children,
  );
}
