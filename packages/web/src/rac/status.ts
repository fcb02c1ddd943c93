/** The status line over the remote view: connecting, reconnecting, or why the connection ended. */

const element = () => document.getElementById('rac-status');

/** Shows `text` (empty hides the line); `ended` marks a final message. */
export function showStatus(text: string, kind: 'info' | 'ended' = 'info'): void {
  const status = element();
  if (!status) return;
  status.textContent = text;
  status.dataset.kind = kind;
}
