/**
 * The mouse, as pure functions: the terminal's SGR mouse reports (`ESC [ < b ; x ; y M`, mode 1006)
 * read into events, and an event mapped onto the reader's layout into what it means: the wheel
 * scrolls the pane under the pointer, a left click selects the row under it. ui/mouse-actions.ts
 * carries the intent out.
 */
import { layout, type Pane, type ReaderState } from './reader.js';

/** Enable button presses, releases and the wheel (1000), reported as SGR (1006): any size, unambiguous. */
export const MOUSE_ON = '\x1b[?1000h\x1b[?1006h';
export const MOUSE_OFF = '\x1b[?1006l\x1b[?1000l';

export interface MouseReport {
  /** The button code without its modifier bits (0 left, 1 middle, 2 right, 64 wheel up, 65 wheel down). */
  button: number;
  /** 1-based, as the terminal counts. */
  column: number;
  row: number;
  release: boolean;
  motion: boolean;
}

/** An SGR mouse report as Ink hands it to useInput (its ESC already taken off). */
const SGR_MOUSE = /^\x1b?\[<(\d{1,4});(\d{1,5});(\d{1,5})([Mm])$/;

export function parseMouse(input: string): MouseReport | undefined {
  const m = SGR_MOUSE.exec(input);
  if (!m) return undefined;
  const code = Number(m[1]);
  // Bits 4, 8 and 16 are Shift, Meta and Ctrl; 32 is motion with a button held.
  return { button: code & ~(4 | 8 | 16 | 32), column: Number(m[2]), row: Number(m[3]), release: m[4] === 'm', motion: (code & 32) !== 0 };
}

/** Lines the wheel moves per notch, as most terminals and browsers do. */
export const WHEEL_LINES = 3;

export type MouseIntent = { kind: 'scroll'; pane: Pane; by: number } | { kind: 'select'; pane: Pane; line: number };

/** The pane under a screen cell and the body line (0 = the first under the header), or undefined off the panes. */
export function paneAt(s: ReaderState, column: number, row: number): { pane: Pane; line: number } | undefined {
  const l = layout(s);
  const line = row - 2;
  if (line < 0 || line >= l.bodyHeight) return undefined;
  let left = 1;
  const panes: [Pane, number][] = [
    ['sidebar', l.sidebarWidth],
    ['list', l.listWidth],
    ['article', l.articleWidth],
    ['comments', l.commentsWidth],
  ];
  for (const [pane, width] of panes) {
    if (width > 0 && column >= left && column < left + width) return { pane, line };
    left += width;
  }
  return undefined;
}

/** What a report means here; undefined when it means nothing (a release, a right click, the header). */
export function mouseIntent(s: ReaderState, report: MouseReport): MouseIntent | undefined {
  // A prompt or the help screen covers the panes: the mouse does not reach behind them.
  if (s.help || s.prompt || report.release || report.motion) return undefined;
  const at = paneAt(s, report.column, report.row);
  if (!at) return undefined;
  if (report.button === 64 || report.button === 65) return { kind: 'scroll', pane: at.pane, by: report.button === 64 ? -WHEEL_LINES : WHEEL_LINES };
  if (report.button === 0) return { kind: 'select', pane: at.pane, line: at.line };
  return undefined;
}
