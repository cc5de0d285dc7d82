/**
 * Markdown (Lemmy's comments) -> HTML for the article renderer, with markdown-it: CommonMark plus tables,
 * strikethrough and bare links, as Lemmy's own web client renders it (also with markdown-it). Raw HTML in the source is escaped, never passed through
 * (`html: false`); markdown-it's own link check drops javascript:, vbscript:, file: and data: links, and
 * html.ts keeps only http(s) ones anyway. The source is sanitized first, so no control character
 * reaches the parser. Loaded only when a Lemmy thread is read (index.ts imports it lazily).
 */
import MarkdownIt from 'markdown-it';
import { sanitizeText } from '../sanitize.js';

const md = new MarkdownIt('default', { html: false, linkify: true, breaks: false });
// Hostile input can nest thousands of quotes or lists; markdown-it stops nesting at this depth.
md.options.maxNesting = 40;

export function markdownToHtml(source: string): string {
  if (source === '') return '';
  return md.render(sanitizeText(source));
}
