/**
 * Reading the htmlparser2 xmlMode DOM of a comment feed, for both the RSS and the Atom reader: elements
 * by local name (prefixes vary from feed to feed), text, dates, the page-level fields (RFC 5005 / Blogger
 * `<link rel="next">`, openSearch:totalResults), and text-shaped bodies made into paragraphs.
 */
import type { parseDocument } from 'htmlparser2';
import { safeUrl } from '../../sanitize.js';

export type DomNode = ReturnType<typeof parseDocument>['children'][number];
export type DomElement = Extract<DomNode, { attribs: unknown }>;

export function localName(name: string): string {
  const colon = name.lastIndexOf(':');
  return (colon === -1 ? name : name.slice(colon + 1)).toLowerCase();
}

export function isElement(node: DomNode): node is DomElement {
  return 'attribs' in node;
}

export function childElements(node: { children: DomNode[] }, name?: string): DomElement[] {
  const out: DomElement[] = [];
  for (const c of node.children) if (isElement(c) && (name === undefined || localName(c.name) === name)) out.push(c);
  return out;
}

/** The first child named `name` without a prefix (RSS `link`, not `atom:link`), else the first by local name. */
export function child(node: { children: DomNode[] }, name: string): DomElement | undefined {
  let byLocal: DomElement | undefined;
  for (const c of node.children) {
    if (!isElement(c)) continue;
    if (c.name.toLowerCase() === name) return c;
    if (byLocal === undefined && localName(c.name) === name) byLocal = c;
  }
  return byLocal;
}

/** Descendant text (CDATA included), iteratively. */
export function textOf(node: DomNode | undefined): string {
  if (!node) return '';
  let out = '';
  const stack: DomNode[] = [node];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.type === 'text') out += (n as { data: string }).data;
    else if ('children' in n) for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
  }
  return out;
}

export function attr(node: DomElement, name: string): string {
  for (const [key, value] of Object.entries(node.attribs)) if (localName(key) === name) return value;
  return '';
}

/** The date of an entry as ISO, or null. */
export function isoDate(s: string): string | null {
  const t = s.trim();
  if (t === '') return null;
  const ms = Date.parse(t);
  return Number.isFinite(ms) && Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString() : null;
}

/** The next page (RFC 5005 / Blogger), resolved against the feed URL, or ''. */
export function nextLink(container: DomElement, base: string | undefined): string {
  for (const link of childElements(container, 'link')) {
    if (attr(link, 'rel').trim().toLowerCase() === 'next') return safeUrl(attr(link, 'href'), base);
  }
  return '';
}

/** openSearch:totalResults (Blogger), when the feed states it: the total across all pages. */
export function claimedTotal(container: DomElement): number | null {
  const text = textOf(child(container, 'totalresults')).trim();
  const n = Number(text);
  return text !== '' && Number.isSafeInteger(n) && n >= 0 ? n : null;
}

const BLOCK_TAG = /<(?:p|div|br|ul|ol|li|pre|blockquote|table|h[1-6])\b/i;

/** Plain-text-shaped HTML (newlines as structure) -> paragraphs and line breaks. */
export function paragraphs(html: string): string {
  if (BLOCK_TAG.test(html)) return html;
  return html
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => `<p>${p.replace(/\n/g, '<br>')}</p>`)
    .join('\n');
}
