/**
 * Markdown (Lemmy's comments) -> HTML for the article renderer, with markdown-it: CommonMark plus tables,
 * strikethrough and bare links, as Lemmy's own web client renders it (also with markdown-it). Raw HTML in the source is escaped, never passed through
 * (`html: false`); markdown-it's own link check drops javascript:, vbscript:, file: and data: links, and
 * html.ts keeps only http(s) ones anyway. The source is sanitized first, so no control character
 * reaches the parser. Loaded only when a Lemmy thread is read (index.ts imports it lazily).
 */
import MarkdownIt from 'markdown-it';
import { sanitizeText } from '../sanitize.js';

const plain = new MarkdownIt('default', { html: false, linkify: false, breaks: false });
const linkify = new MarkdownIt('default', { html: false, linkify: true, breaks: false });
// Hostile input can nest thousands of quotes or lists; markdown-it stops nesting at this depth.
plain.options.maxNesting = 40;
linkify.options.maxNesting = 40;

/**
 * A bare URL, not one inside `[text](url)` or `<url>`: only then is linkify worth its cost (it was 3/4
 * of the time for 300 comments, and compiling its patterns ~50 ms of the first thread).
 */
const BARE_URL = /(?:^|[^(<\w/])https?:\/\/\S/im;

export function markdownToHtml(source: string): string {
  if (source === '') return '';
  const text = sanitizeText(source);
  return (BARE_URL.test(text) ? linkify : plain).render(text);
}
