/**
 * List numbering and markers: ordered lists honour start, reversed and value as a browser does, and
 * right-align their numbers to the widest one; nested unordered lists alternate bullets.
 */
import { isElement, type DomElement } from './elements.js';
import { widthOf } from './wrap.js';

export interface ListState {
  ordered: boolean;
  next: number;
  step: number;
  /** Visible width of the widest marker, e.g. 4 for "10. ". */
  markerWidth: number;
  /** Nesting depth among unordered lists, to alternate bullets. */
  bulletDepth: number;
}

/** The state of a list opening inside `parent` (undefined for a list in no list). */
export function openList(el: DomElement, ordered: boolean, parent: ListState | undefined): ListState {
  const bulletDepth = parent === undefined ? 0 : parent.bulletDepth + (parent.ordered ? 0 : 1);
  if (!ordered) return { ordered, next: 1, step: 1, markerWidth: 2, bulletDepth };
  let count = 0;
  for (const child of el.children) if (isElement(child) && child.name === 'li') count++;
  const reversed = el.attribs.reversed !== undefined;
  const startAttr = Number.parseInt(el.attribs.start ?? '', 10);
  const start = Number.isSafeInteger(startAttr) ? startAttr : reversed ? count : 1;
  const step = reversed ? -1 : 1;
  const end = start + step * Math.max(0, count - 1);
  const markerWidth = Math.max(String(start).length, String(end).length) + 2;
  return { ordered, next: start, step, markerWidth, bulletDepth };
}

/** The marker of list item `el` (a bullet for an item in no list) and its width; advances the count. */
export function itemMarker(list: ListState | undefined, el: DomElement): { marker: string; markerWidth: number } {
  if (list?.ordered) {
    const value = Number.parseInt(el.attribs.value ?? '', 10);
    if (Number.isSafeInteger(value)) list.next = value;
    const label = `${list.next}.`;
    list.next += list.step;
    const markerWidth = Math.max(list.markerWidth, label.length + 1);
    return { marker: label.padStart(markerWidth - 1) + ' ', markerWidth };
  }
  const marker = (list && list.bulletDepth % 2 === 1 ? '◦' : '•') + ' ';
  return { marker, markerWidth: widthOf(marker) };
}
