/**
 * HTML -> terminal lines: paragraphs, headings, lists, quotes, code, tables, and links as numbered
 * footnotes. Built on htmlparser2's DOM (which decodes entities with `entities`), never regex stripping.
 *
 * Every piece of text is passed through sanitizeText after the parser decoded its entities (`&#27;` is an
 * ESC by then), every URL through safeUrl, so the only escape sequences in the output are the SGR codes
 * our own chalk instance produced (README, Design: "The terminal is hostile territory"). No OSC 8, ever.
 *
 * Every line fits `width` columns as string-width measures them (the measure Ink uses). Each block's text
 * is collected as plain runs, word-wrapped (wrap-ansi's hard+trim semantics, see wrapRanges) at the width
 * left after the block's prefix (quote rails, list markers, indentation), and only then styled, so every
 * row opens and closes its own SGR codes and a prefix never inherits a style. A last guard cuts any line
 * that would still overflow.
 *
 * The walk over the DOM is iterative, so hostile nesting cannot overflow the call stack, and indentation
 * stops growing at half the width, so deep nesting cannot squeeze the text to nothing.
 *
 * The parts, in html/: renderer.ts walks the DOM (with elements.ts, lists.ts and style.ts); paragraph.ts
 * and pre.ts lay out flowing and preformatted text; lines.ts prefixes and writes the lines; links.ts keeps
 * the footnotes; wrap.ts measures and wraps.
 */
import { Chalk } from 'chalk';
import { parseDocument } from 'htmlparser2';
import { Renderer } from './html/renderer.js';
import { monochrome } from './html/style.js';
import { wrapRanges } from './html/wrap.js';
import type { Enclosure } from './types.js';

export { widthOf } from './html/wrap.js';

export interface RenderOptions {
  /** Columns available, >= 10 (smaller values are honoured down to 2). */
  width: number;
  /** Default true; false = no ANSI at all; 'mono' = bold, underline and the like without colour (NO_COLOR). */
  color?: boolean | 'mono';
  /** Resolve relative links and images against this URL. */
  baseUrl?: string | undefined;
  /** Listed after the links, numbered after them (html/enclosures.ts). */
  enclosures?: readonly Enclosure[];
}

export interface RenderedHtml {
  /** Each line fits `width` visible columns (string-width) and contains chalk SGR styling only. */
  lines: string[];
  /** Absolute http(s) URLs; link N is links[N-1]. */
  links: string[];
}

function normalizeWidth(width: number): number {
  return Number.isFinite(width) ? Math.max(2, Math.floor(width)) : 80;
}

/** Render HTML to terminal lines that fit `opts.width`, with links as numbered footnotes. */
export function renderHtml(html: string, opts: RenderOptions): RenderedHtml {
  const width = normalizeWidth(opts.width);
  const base = new Chalk({ level: opts.color === false ? 0 : 1 });
  const chalk = opts.color === 'mono' ? monochrome(base) : base;
  const renderer = new Renderer(width, chalk, false, opts.baseUrl);
  if (typeof html === 'string' && html !== '') renderer.walk(parseDocument(html).children);
  renderer.finish(opts.enclosures);
  return { lines: renderer.lines, links: renderer.links };
}

/**
 * HTML to plain text for search and `feed --json`: paragraphs separated by blank lines, one line per
 * paragraph (a <br> starts a new line), list items on their own lines, table cells tab-separated,
 * preformatted text verbatim; no markup, no link numbers or list, no image labels; sanitized.
 */
export function htmlToPlainText(html: string): string {
  if (typeof html !== 'string' || html === '') return '';
  const renderer = new Renderer(Number.MAX_SAFE_INTEGER, new Chalk({ level: 0 }), true, undefined);
  renderer.walk(parseDocument(html).children);
  renderer.finish();
  return renderer.lines.join('\n');
}

/**
 * Plain text (no escape sequences) word-wrapped to `width` columns: the one line wrapper, for the article
 * renderer's paragraphs and for every other wrapped line (plain comments, the reader's status line).
 * wrap-ansi's semantics with `{hard: true, trim: true}` (test/html.test.ts compares the two), measured
 * per grapheme cluster and fast on long non-ASCII text.
 */
export function wrapText(text: string, width: number): string[] {
  return wrapRanges(text, Math.max(1, Math.floor(width))).map(([start, end]) => text.slice(start, end));
}
