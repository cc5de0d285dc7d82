/**
 * A window over a long list: which row the cursor is on and which row is at the top of the
 * screen. Only `height` rows are ever drawn (Ink has no virtualization: drawing 5,000 rows costs
 * about a second per update: README, Design: "Ink on Node 20"). Every function is pure and returns a fitted window.
 */
export interface ListWindow {
  cursor: number;
  offset: number;
  count: number;
  height: number;
}

export const emptyWindow = (height = 1): ListWindow => ({ cursor: 0, offset: 0, count: 0, height: Math.max(1, height) });

/** Clamp the cursor into the list and scroll the least needed to keep it on screen. */
export function fit(w: ListWindow): ListWindow {
  const height = Math.max(1, w.height);
  const count = Math.max(0, w.count);
  const cursor = count === 0 ? 0 : Math.min(Math.max(0, w.cursor), count - 1);
  let offset = Math.min(Math.max(0, w.offset), Math.max(0, count - height));
  if (cursor < offset) offset = cursor;
  if (cursor >= offset + height) offset = cursor - height + 1;
  return cursor === w.cursor && offset === w.offset && count === w.count && height === w.height ? w : { cursor, offset, count, height };
}

export const moveTo = (w: ListWindow, index: number): ListWindow => fit({ ...w, cursor: index });
export const moveBy = (w: ListWindow, delta: number): ListWindow => fit({ ...w, cursor: w.cursor + delta });
export const top = (w: ListWindow): ListWindow => moveTo(w, 0);
export const bottom = (w: ListWindow): ListWindow => moveTo(w, w.count - 1);

/** Ctrl-d / Ctrl-u: the cursor and the view move together, as in vim. */
export function scrollBy(w: ListWindow, delta: number): ListWindow {
  return fit({ ...w, cursor: w.cursor + delta, offset: w.offset + delta });
}

export const resize = (w: ListWindow, height: number): ListWindow => fit({ ...w, height: Math.max(1, height) });
export const setCount = (w: ListWindow, count: number): ListWindow => fit({ ...w, count });

/**
 * The list changed under the cursor (a refresh added rows above it): keep the cursor on the same
 * row, at the same place on screen, so nothing jumps.
 */
export function reanchor(w: ListWindow, count: number, newIndex: number): ListWindow {
  const delta = newIndex - w.cursor;
  return fit({ ...w, count, cursor: newIndex, offset: w.offset + delta });
}
