/**
 * The first PTY size, from the browser's screen in pixels (init_connection's strings), until the page
 * sends its fitted size. A cell of 9×18 px is xterm.js's at its default 15 px font.
 */
import type { RacInitConnection } from '@palisade/schema/rac-relay';

const CELL = { width: 9, height: 18 } as const;

/** Columns and rows for the screen of `init`; 80×24 when it gave none. */
export function terminalSize(init: RacInitConnection): { cols: number; rows: number } {
  const px = (value: string) => (/^\d{1,5}$/.test(value) ? Number(value) : 0);
  const fit = (pixels: number, cell: number, fallback: number, max: number) =>
    pixels === 0 ? fallback : Math.max(10, Math.min(max, Math.floor(pixels / cell)));
  return {
    cols: fit(px(init.screen_width), CELL.width, 80, 1000),
    rows: fit(px(init.screen_height), CELL.height, 24, 1000),
  };
}
