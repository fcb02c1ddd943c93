/**
 * The remote terminal: xterm.js fitted to the window. Keys and pastes go to the outpost as `input`
 * messages, each fitted size as a `resize` (the PTY follows), and the PTY's bytes arrive as binary frames.
 * A selection is copied to the browser's clipboard.
 */
import '@xterm/xterm/css/xterm.css';
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';

/** Shows the terminal of `socket` in `target`. */
export function showTerminal(target: HTMLElement, socket: WebSocket): { close(): void } {
  socket.binaryType = 'arraybuffer';
  const term = new Terminal({ cursorBlink: true, fontSize: 15, scrollback: 5000 });
  const fit = new FitAddon();
  term.loadAddon(fit);
  term.open(target);
  const send = (message: object) => {
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  };
  term.onData((data) => send({ type: 'input', data }));
  term.onResize(({ cols, rows }) => send({ type: 'resize', cols, rows }));
  term.onSelectionChange(() => {
    const text = term.getSelection();
    if (text) void navigator.clipboard?.writeText(text).catch(() => {});
  });
  socket.addEventListener('message', (event: MessageEvent) => {
    if (event.data instanceof ArrayBuffer) term.write(new Uint8Array(event.data));
  });
  const refit = () => fit.fit();
  window.addEventListener('resize', refit);
  fit.fit();
  // The first fit may match the PTY's first size, which sends no resize: tell the outpost anyway.
  send({ type: 'resize', cols: term.cols, rows: term.rows });
  term.focus();
  return {
    close() {
      window.removeEventListener('resize', refit);
      term.dispose();
    },
  };
}
