// The part of noVNC's RFB class the page uses (the package ships no types).
declare module '@novnc/novnc' {
  /** An RFB connection drawn into a target element. */
  export default class RFB extends EventTarget {
    constructor(target: HTMLElement, urlOrChannel: string | WebSocket, options?: { shared?: boolean });
    scaleViewport: boolean;
    resizeSession: boolean;
    focusOnClick: boolean;
    focus(): void;
    disconnect(): void;
    clipboardPasteFrom(text: string): void;
  }
}
