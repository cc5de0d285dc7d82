/**
 * Plain text from the HTML that feeds put in titles, authors and bodies. Markup is stripped with
 * htmlparser2, never with a regex; for titles and authors only when a known HTML tag is present, so a
 * title like `Vec<T>` survives as written.
 */
import { decodeHTML } from 'entities';
import { Parser as HtmlParser } from 'htmlparser2';
import { sanitizeLine } from '../sanitize.js';
import { textOf } from './nodes.js';

/**
 * How a title is cleaned: the text of the element (titles can be `{_: text, $: attrs}`, arrays, or
 * xhtml element trees), entities decoded once, HTML markup stripped with htmlparser2 (only when a known
 * HTML tag is present, so `Vec<T>` survives), then sanitizeLine. Exported for the conformance test.
 */
export function normalizeTitle(raw: unknown): string {
  return sanitizeLine(htmlToText(textOf(raw), true));
}

/** Tags whose presence means a title/author really holds HTML markup (rather than `Vec<T>`). */
const KNOWN_TAG =
  /<\/?(?:a|abbr|b|big|blockquote|br|cite|code|del|dfn|div|em|font|h[1-6]|hr|i|img|ins|kbd|li|mark|ol|p|pre|q|s|samp|script|small|span|strike|strong|style|sub|sup|time|tt|u|ul|var|wbr)(?=[\s/>])/i;
const BLOCK_TAGS = new Set([
  'br',
  'p',
  'div',
  'li',
  'ul',
  'ol',
  'blockquote',
  'pre',
  'hr',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'tr',
  'td',
  'th',
  'table',
  'dd',
  'dt',
]);
const KNOWN_TAG_NAMES = new Set([
  ...BLOCK_TAGS,
  'a',
  'abbr',
  'b',
  'big',
  'cite',
  'code',
  'del',
  'dfn',
  'em',
  'font',
  'i',
  'img',
  'ins',
  'kbd',
  'mark',
  'q',
  's',
  'samp',
  'script',
  'small',
  'span',
  'strike',
  'strong',
  'style',
  'sub',
  'sup',
  'time',
  'tt',
  'u',
  'var',
  'wbr',
  'html',
  'body',
  'head',
  'title',
  'section',
  'article',
  'figure',
  'figcaption',
  'header',
  'footer',
  'nav',
  'aside',
  'main',
  'iframe',
  'video',
  'audio',
  'source',
  'picture',
  'svg',
  'noscript',
  'center',
  'tbody',
  'thead',
  'tfoot',
  'dl',
  'caption',
  'label',
  'button',
  'input',
  'form',
]);

/**
 * Text of an HTML fragment: entities decoded once, markup stripped with htmlparser2 (never regex), script
 * and style contents dropped. With `gate`, markup is only parsed when a known HTML tag is present, and
 * tags htmlparser2 sees but HTML does not know (`List<String>`) are kept as text; otherwise only entities
 * are decoded.
 */
export function htmlToText(s: string, gate: boolean): string {
  if (!s.includes('<')) return s.includes('&') ? decodeHTML(s) : s;
  if (gate && !KNOWN_TAG.test(s)) return s.includes('&') ? decodeHTML(s) : s;
  let out = '';
  let hidden = 0;
  const html = new HtmlParser(
    {
      ontext(text) {
        if (hidden === 0) out += text;
      },
      onopentag(name) {
        if (name === 'script' || name === 'style') hidden++;
        else if (BLOCK_TAGS.has(name)) out += ' ';
        else if (gate && !KNOWN_TAG_NAMES.has(name) && hidden === 0) {
          out += s.slice(html.startIndex, html.endIndex + 1);
        }
      },
      onclosetag(name, isImplied) {
        if (name === 'script' || name === 'style') hidden = Math.max(0, hidden - 1);
        else if (BLOCK_TAGS.has(name)) out += ' ';
        else if (gate && !isImplied && !KNOWN_TAG_NAMES.has(name) && hidden === 0) {
          out += s.slice(html.startIndex, html.endIndex + 1);
        }
      },
    },
    { decodeEntities: true },
  );
  html.end(s);
  return out;
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Cut to about n characters at a word boundary, with an ellipsis; never splits a surrogate pair. */
export function truncate(s: string, n: number): string {
  if (s.length <= n) return s;
  let cut = s.slice(0, n);
  const space = cut.lastIndexOf(' ');
  if (space > n / 2) cut = cut.slice(0, space);
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return `${cut.trimEnd()}…`;
}
