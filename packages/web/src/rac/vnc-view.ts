/**
 * The remote screen: noVNC on the already open socket (the outpost presents a no-auth RFB server, so no
 * password is asked for or known here). It scales to the window and asks the target to resize when it can;
 * keyboard and mouse are noVNC's; the clipboard goes both ways through the page's clipboard events.
 */
import RFB from '@novnc/novnc';

/** Shows the screen of `socket` in `target`; `ended` hears noVNC's disconnect. */
export function showScreen(target: HTMLElement, socket: WebSocket): { close(): void } {
  const rfb = new RFB(target, socket, { shared: true });
  rfb.scaleViewport = true;
  rfb.resizeSession = true;
  rfb.focusOnClick = true;
  rfb.addEventListener('connect', () => rfb.focus());
  // Target → browser: what is copied there lands in this browser's clipboard (when the page may write it).
  rfb.addEventListener('clipboard', (event) => {
    const text = (event as CustomEvent<{ text: string }>).detail.text;
    void navigator.clipboard?.writeText(text).catch(() => {});
  });
  // Browser → target: a paste into the page, and what is in the clipboard when the window gets focus.
  const paste = (event: ClipboardEvent) => {
    const text = event.clipboardData?.getData('text/plain');
    if (text) rfb.clipboardPasteFrom(text);
  };
  const focused = () =>
    void navigator.clipboard
      ?.readText()
      .then((text) => text && rfb.clipboardPasteFrom(text))
      .catch(() => {});
  document.addEventListener('paste', paste);
  window.addEventListener('focus', focused);
  return {
    close() {
      document.removeEventListener('paste', paste);
      window.removeEventListener('focus', focused);
      rfb.disconnect();
    },
  };
}
