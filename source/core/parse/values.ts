/**
 * Small field readers shared by the Atom and RSS normalizers: authors, counts and dates, each tolerant of
 * what feeds really send (an email with the name in parentheses, `<slash:comments/>`, zoneless dates).
 */
import { sanitizeLine } from '../sanitize.js';
import { arrayOf, isNode, textOf } from './nodes.js';
import { htmlToText } from './text.js';

/** "jane@example.org (Jane Doe)" -> "Jane Doe"; Atom person constructs -> their name. */
export function authorOf(value: unknown): string {
  const v = arrayOf(value)[0];
  if (v === undefined) return '';
  let text: string;
  if (isNode(v) && v.name !== undefined) text = textOf(v.name);
  else if (isNode(v) && typeof v._ !== 'string' && v.email !== undefined) text = textOf(v.email);
  else text = textOf(v);
  const line = sanitizeLine(htmlToText(text, true));
  const named = /^\S+@\S+\s*\((.+)\)$/.exec(line);
  return named?.[1]?.trim() ?? line;
}

/** A count element or attribute as an integer >= 0, else null (`<slash:comments/>` is null). */
export function count(value: unknown): number | null {
  const text = textOf(value).trim();
  if (!/^\+?\d{1,15}$/.test(text)) return null;
  return Number(text);
}

/**
 * A date as an ISO string, or null. A zoneless ISO date-time or RFC 822 date is read as UTC, not as the
 * machine's local time (V8's default), so results do not depend on where the parse runs. Years outside
 * 1–9999 (which toISOString would write in the six-digit extended form) count as bad.
 */
export function parseDate(value: unknown): string | null {
  let text = textOf(value).trim();
  if (!text) return null;
  if (/^\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?$/.test(text)) text = `${text.replace(' ', 'T')}Z`;
  else if (/[A-Za-z]{3},?\s.*\d\d:\d\d(?::\d\d)?$/.test(text)) text = `${text} GMT`;
  const time = Date.parse(text);
  if (Number.isNaN(time)) return null;
  const date = new Date(time);
  const year = date.getUTCFullYear();
  if (year < 1 || year > 9999) return null;
  return date.toISOString();
}

/**
 * The date of a repeated element as feedparser reads it: the last value wins (two `<updated>`: the
 * second). Values that are not dates are skipped rather than winning, so one bad value costs nothing.
 */
export function lastDate(value: unknown): string | null {
  const values = arrayOf(value);
  for (let i = values.length - 1; i >= 0; i--) {
    const date = parseDate(values[i]);
    if (date !== null) return date;
  }
  return null;
}
