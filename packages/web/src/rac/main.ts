/**
 * The remote-access page, /if/rac/<token>/: opens the browser's socket to the core, waits for the
 * outpost's hello and shows a screen (VNC) or a terminal (SSH) full-window. A connection the outpost or
 * core ended on purpose (close code 4000) shows its reason and stays closed; a lost one is opened again
 * with a bounded backoff (500 ms × attempt, as the reference's client, five attempts).
 */
import './rac.css';
import { pageToken, RAC_CLOSE_CODE, readHello, socketUrl } from './connect.ts';
import { showStatus } from './status.ts';

/** Attempts after a lost connection before the page gives up. */
const MAX_ATTEMPTS = 5;
const BACKOFF_STEP_MS = 500;

function open(token: string, screen: HTMLElement, attempt: number): void {
  const socket = new WebSocket(socketUrl(token));
  socket.binaryType = 'arraybuffer';
  let view: { close(): void } | undefined;
  let opened = false;
  const onHello = (event: MessageEvent) => {
    socket.removeEventListener('message', onHello);
    const protocol = readHello(event.data);
    if (!protocol) {
      socket.close(1002, 'no hello');
      return;
    }
    opened = true;
    showStatus('');
    // Each view loads only when needed (noVNC and xterm.js are most of the page's weight); the frames that
    // arrive meanwhile are kept and dispatched again once the view listens.
    const early: unknown[] = [];
    const keep = (e: MessageEvent) => early.push(e.data);
    socket.addEventListener('message', keep);
    void (protocol === 'vnc' ? import('./vnc-view.ts') : import('./terminal-view.ts')).then((module) => {
      socket.removeEventListener('message', keep);
      if (socket.readyState !== WebSocket.OPEN) return;
      view = 'showScreen' in module ? module.showScreen(screen, socket) : module.showTerminal(screen, socket);
      for (const data of early) socket.dispatchEvent(new MessageEvent('message', { data }));
    });
  };
  socket.addEventListener('message', onHello);
  // addEventListener, not onclose: noVNC takes the socket's on* handlers for itself.
  socket.addEventListener('close', (event) => {
    view?.close();
    screen.replaceChildren();
    if (event.code === RAC_CLOSE_CODE || event.code === 1000) {
      showStatus(event.reason || 'The connection ended.', 'ended');
      return;
    }
    // A connection that worked starts counting again; one that never opened keeps its count.
    const next = opened ? 1 : attempt + 1;
    if (next > MAX_ATTEMPTS) {
      showStatus('The connection was lost and could not be opened again.', 'ended');
      return;
    }
    showStatus(`Connection lost; reconnecting (attempt ${next} of ${MAX_ATTEMPTS})…`);
    setTimeout(() => open(token, screen, next), BACKOFF_STEP_MS * next);
  });
}

const token = pageToken();
const screen = document.getElementById('rac-screen');
if (!token || !screen) showStatus('This is not a connection address.', 'ended');
else open(token, screen, 0);
