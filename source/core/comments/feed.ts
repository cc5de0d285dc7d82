/**
 * Comment feeds: WordPress RSS2 (`…/slug/feed/`) and Atom with RFC 4685 threading (WordPress
 * `…/feed/atom/`, Blogger). Parsed with htmlparser2 in xmlMode: tolerant of the broken XML feeds are
 * known for, expands no DTD entities, and keeps the attributes of `thr:in-reply-to`.
 *
 * Threading facts (DESIGN.md, "Comment sources"):
 * - WordPress RSS2 has no parent element. Since WP 5.4 a reply's text starts with "In reply to
 *   <a href="…#comment-P">Author</a>." — HTML in content:encoded, entity-escaped once more in
 *   description, and translated per site language. So we match the `#comment-(\d+)` anchor of a short
 *   leading paragraph, never the words, and strip that paragraph from the shown body.
 * - Atom: `thr:in-reply-to ref=… href=…`. For a top-level comment `ref` is the post's id, which is not in
 *   the feed; a `ref` that is not in the feed either is the post (top level) or a comment beyond the
 *   window (orphan). We call it a comment when ref/href carry a comment marker (`#comment-N`, Blogger's
 *   `#cN` / `showComment=`); a ref equal to the article's id (when the caller knows it), or an href to a
 *   page without such a marker, is the post. Without either clue it is taken as top level.
 * - Comment ids: WordPress ids become the bare number N (from `#comment-N` in guid/id or link), so that
 *   the anchors, the Atom refs and the ids all meet; other feeds keep their guid/id.
 * - Paging: `<link rel="next">` (Blogger pages 25 at a time; RFC 5005), followed by the caller.
 */
import { decodeHTML } from 'entities';
import { parseDocument } from 'htmlparser2';
import { safeUrl, sanitizeLine, sanitizeText } from '../sanitize.js';
import { DiscussionError } from './errors.js';
import type { FlatComment } from './types.js';

type DomNode = ReturnType<typeof parseDocument>['children'][number];
type DomElement = Extract<DomNode, { attribs: unknown }>;

export interface CommentFeedPage {
  format: 'rss' | 'atom';
  title: string;
  /** The discussion page (channel link / Atom alternate link), http(s) or ''. */
  link: string;
  /** The next page (RFC 5005 / Blogger), resolved against the feed URL, or ''. */
  next: string;
  /** openSearch:totalResults when the feed states it. */
  claimedTotal: number | null;
  /** Entries in feed order, not yet linked to their parents: pages are joined before linking. */
  entries: RawEntry[];
}

export interface CommentFeedOptions {
  /** The post's id (RSS guid / Atom id), when known: a `thr:in-reply-to` ref equal to it is top level. */
  postId?: string;
}

const WP_COMMENT = /#comment-(\d+)\s*$/;
const BLOGGER_COMMENT = /(?:#c(\d+)\s*$|[?&]showComment=\d+)/;
const BLOGGER_ID = /\.post-(\d+)$/;

function localName(name: string): string {
  const colon = name.lastIndexOf(':');
  return (colon === -1 ? name : name.slice(colon + 1)).toLowerCase();
}

function isElement(node: DomNode): node is DomElement {
  return 'attribs' in node;
}

function childElements(node: { children: DomNode[] }, name?: string): DomElement[] {
  const out: DomElement[] = [];
  for (const c of node.children) if (isElement(c) && (name === undefined || localName(c.name) === name)) out.push(c);
  return out;
}

/** The first child named `name` without a prefix (RSS `link`, not `atom:link`), else the first by local name. */
function child(node: { children: DomNode[] }, name: string): DomElement | undefined {
  let byLocal: DomElement | undefined;
  for (const c of node.children) {
    if (!isElement(c)) continue;
    if (c.name.toLowerCase() === name) return c;
    if (byLocal === undefined && localName(c.name) === name) byLocal = c;
  }
  return byLocal;
}

/** Descendant text (CDATA included), iteratively. */
function textOf(node: DomNode | undefined): string {
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

function attr(node: DomElement, name: string): string {
  for (const [key, value] of Object.entries(node.attribs)) if (localName(key) === name) return value;
  return '';
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'));
}

const BLOCK_TAG = /<(?:p|div|br|ul|ol|li|pre|blockquote|table|h[1-6])\b/i;

/** Plain-text-shaped HTML (newlines as structure) -> paragraphs and line breaks. */
function paragraphs(html: string): string {
  if (BLOCK_TAG.test(html)) return html;
  return html
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => `<p>${p.replace(/\n/g, '<br>')}</p>`)
    .join('\n');
}

/**
 * WordPress description: the comment text passed through esc_html, so its markup arrives as escaped
 * text. Decode once to get the HTML back; a description that already holds real tags is left alone.
 */
function descriptionHtml(s: string): string {
  return /<[a-z!/]/i.test(s) ? s : decodeHTML(s);
}

/** The date of an entry as ISO, or null. */
function isoDate(s: string): string | null {
  const t = s.trim();
  if (t === '') return null;
  const ms = Date.parse(t);
  return Number.isFinite(ms) && Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString() : null;
}

/** The WordPress "In reply to <a href=…#comment-P>X</a>." prefix: the parent number and the rest. */
export function splitReplyPrefix(html: string): { parent: string | null; rest: string } {
  const none = { parent: null, rest: html };
  if (!html.includes('#comment-')) return none;
  const doc = parseDocument(html, { withStartIndices: true, withEndIndices: true });
  const nodes = doc.children.filter((n) => !(n.type === 'comment' || (n.type === 'text' && textOf(n).trim() === '')));
  const first = nodes[0];
  if (!first) return none;

  // content:encoded / Atom: <p>In reply to <a href="…#comment-P">X</a>.</p>
  if (isElement(first) && first.name === 'p') {
    let anchor: string | null = null;
    let words = 0;
    for (const c of first.children) {
      if (c.type === 'text') words += textOf(c).trim().length;
      else if (isElement(c) && c.name === 'a' && anchor === null) anchor = WP_COMMENT.exec(c.attribs.href ?? '')?.[1] ?? null;
      else if (c.type !== 'comment') return none;
    }
    if (anchor === null || words > 120) return none;
    return { parent: anchor, rest: html.slice((first.endIndex ?? html.length - 1) + 1) };
  }

  // description (decoded): In reply to <a href="…#comment-P">X</a>.\n\nBody
  let words = 0;
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    if (n.type === 'text') {
      const t = textOf(n);
      if (t.includes('\n') || (words += t.trim().length) > 120) return none;
      continue;
    }
    if (!isElement(n) || n.name !== 'a') return none;
    const anchor = WP_COMMENT.exec(n.attribs.href ?? '')?.[1];
    if (!anchor) return none;
    const after = nodes[i + 1];
    const anchorEnd = (n.endIndex ?? html.length - 1) + 1;
    if (!after || after.type !== 'text') return { parent: anchor, rest: after ? html.slice(anchorEnd) : '' };
    const text = textOf(after);
    const nl = text.indexOf('\n');
    const tail = nl === -1 ? text : text.slice(0, nl);
    if (tail.trim().length > 40) return none;
    // Text nodes hold decoded entities, so measure the newline in the source, not in the node's text.
    const sourceNl = nl === -1 ? -1 : html.indexOf('\n', anchorEnd);
    return { parent: anchor, rest: sourceNl === -1 ? html.slice((after.endIndex ?? html.length - 1) + 1) : html.slice(sourceNl + 1) };
  }
  return none;
}

function wpNumber(...candidates: string[]): string | null {
  for (const c of candidates) {
    const m = WP_COMMENT.exec(c);
    if (m) return m[1]!;
  }
  return null;
}

export interface RawEntry {
  id: string;
  aliases: string[];
  author: string;
  published: string | null;
  html: string;
  permalink: string;
  /** WordPress anchor parent number (RSS, or Atom without thr). */
  anchorParent: string | null;
  thr: { ref: string; href: string } | null;
  /** Body with the reply prefix removed (used when the prefix matches the parent). */
  strippedHtml: string;
}

/**
 * Read one page of a comment feed (entries unlinked). Throws DiscussionError('parse') when it is not an
 * RSS or Atom feed.
 */
export function readCommentFeedPage(xml: string, feedUrl: string): CommentFeedPage {
  const doc = parseDocument(xml, { xmlMode: true, withStartIndices: true, withEndIndices: true });
  const root = childElements(doc)[0];
  const rootName = root ? localName(root.name) : '';
  const base = safeUrl(feedUrl) || fileBase(feedUrl);
  if (root && rootName === 'rss') {
    const channel = child(root, 'channel');
    if (!channel) throw new DiscussionError('parse', feedUrl, 'RSS without a channel');
    return readRss(channel, childElements(channel, 'item'), base);
  }
  if (root && rootName === 'rdf') return readRss(child(root, 'channel') ?? root, childElements(root, 'item'), base);
  if (root && rootName === 'feed') return readAtom(root, xml, base);
  const what = rootName === 'html' ? 'an HTML page' : rootName ? `an XML document (<${sanitizeLine(rootName).slice(0, 30)}>)` : 'not XML';
  throw new DiscussionError('parse', feedUrl, `not an RSS or Atom comment feed: ${what}`);
}

/** A file:// feed (the demo) may still hold relative links to resolve; safeUrl keeps only http(s) results. */
function fileBase(feedUrl: string): string | undefined {
  return /^file:\/\//i.test(feedUrl) ? feedUrl : undefined;
}

/** One page, ready for buildThread: `readCommentFeedPage` + `linkEntries`. */
export function parseCommentFeed(
  xml: string,
  feedUrl: string,
  options: CommentFeedOptions = {},
): Omit<CommentFeedPage, 'entries'> & { comments: FlatComment[] } {
  const { entries, ...page } = readCommentFeedPage(xml, feedUrl);
  return { ...page, comments: linkEntries(entries, options) };
}

function nextLink(container: DomElement, base: string | undefined): string {
  for (const link of childElements(container, 'link')) {
    if (attr(link, 'rel').trim().toLowerCase() === 'next') return safeUrl(attr(link, 'href'), base);
  }
  return '';
}

function claimedTotal(container: DomElement): number | null {
  const n = Number(textOf(child(container, 'totalresults')).trim());
  return textOf(child(container, 'totalresults')).trim() !== '' && Number.isSafeInteger(n) && n >= 0 ? n : null;
}

function readRss(channel: DomElement, items: DomElement[], base: string | undefined): CommentFeedPage {
  const entries: RawEntry[] = [];
  items.forEach((item, i) => {
    const guid = textOf(child(item, 'guid')).trim();
    const link = textOf(child(item, 'link')).trim();
    const num = wpNumber(guid, link);
    const id = num ?? (guid || link || `item-${i + 1}`);
    const encoded = child(item, 'encoded');
    const rawHtml = encoded ? textOf(encoded) : descriptionHtml(textOf(child(item, 'description')));
    const { parent, rest } = splitReplyPrefix(rawHtml);
    const author = textOf(child(item, 'creator')) || textOf(child(item, 'author')) || textOf(child(item, 'title'));
    entries.push({
      id,
      aliases: aliasesOf(id, guid, link),
      author: sanitizeLine(author),
      published: isoDate(textOf(child(item, 'pubdate')) || textOf(child(item, 'date'))),
      html: rawHtml,
      strippedHtml: rest,
      permalink: safeUrl(link, base) || safeUrl(guid, base),
      anchorParent: parent,
      thr: null,
    });
  });
  return {
    format: 'rss',
    title: sanitizeLine(textOf(child(channel, 'title'))),
    link: safeUrl(textOf(child(channel, 'link')).trim(), base),
    next: nextLink(channel, base),
    claimedTotal: claimedTotal(channel),
    entries,
  };
}

function atomContentHtml(xml: string, el: DomElement | undefined): string {
  if (!el) return '';
  const type = attr(el, 'type').trim().toLowerCase();
  if (type === 'xhtml' || type === 'application/xhtml+xml') {
    const first = el.children[0];
    const last = el.children[el.children.length - 1];
    if (!first || !last || first.startIndex == null || last.endIndex == null) return '';
    return xml.slice(first.startIndex, last.endIndex + 1);
  }
  if (type === 'html' || type === 'text/html') return textOf(el);
  return paragraphs(escapeHtml(textOf(el)));
}

function atomLink(entry: DomElement, rel: string, base: string | undefined): string {
  for (const link of childElements(entry, 'link')) {
    const r = attr(link, 'rel').trim().toLowerCase() || 'alternate';
    if (r === rel) {
      const url = safeUrl(attr(link, 'href'), base);
      if (url) return url;
    }
  }
  return '';
}

function readAtom(feed: DomElement, xml: string, base: string | undefined): CommentFeedPage {
  const entries: RawEntry[] = [];
  childElements(feed, 'entry').forEach((entry, i) => {
    const rawId = textOf(child(entry, 'id')).trim();
    const permalink = atomLink(entry, 'alternate', base);
    const num = wpNumber(rawId, permalink);
    const id = num ?? (rawId || permalink || `entry-${i + 1}`);
    const content = child(entry, 'content');
    const rawHtml = atomContentHtml(xml, content && content.children.length > 0 ? content : child(entry, 'summary'));
    const { parent, rest } = splitReplyPrefix(rawHtml);
    const reply = child(entry, 'in-reply-to');
    const authorEl = child(entry, 'author');
    entries.push({
      id,
      aliases: aliasesOf(id, rawId, permalink),
      author: sanitizeLine(textOf(authorEl ? child(authorEl, 'name') ?? authorEl : undefined)),
      published: isoDate(textOf(child(entry, 'published')) || textOf(child(entry, 'updated'))),
      html: rawHtml,
      strippedHtml: rest,
      permalink,
      anchorParent: parent,
      thr: reply ? { ref: attr(reply, 'ref').trim(), href: attr(reply, 'href').trim() } : null,
    });
  });
  return {
    format: 'atom',
    title: sanitizeLine(textOf(child(feed, 'title'))),
    link: atomLink(feed, 'alternate', base),
    next: nextLink(feed, base),
    claimedTotal: claimedTotal(feed),
    entries,
  };
}

/** Keys under which an entry can be referred to: its id, its WordPress number, its Blogger number. */
function aliasesOf(id: string, ...more: string[]): string[] {
  const out = new Set<string>([id]);
  for (const s of more) {
    if (s === '') continue;
    out.add(s);
    const wp = WP_COMMENT.exec(s)?.[1];
    if (wp) out.add(`wp:${wp}`);
    const blogger = /#c(\d+)\s*$/.exec(s)?.[1] ?? BLOGGER_ID.exec(s)?.[1];
    if (blogger) out.add(`bc:${blogger}`);
  }
  return [...out];
}

/** Keys a parent reference may match, strongest first. */
function refKeys(ref: string, href: string): string[] {
  const keys = [ref];
  const wp = WP_COMMENT.exec(ref)?.[1] ?? WP_COMMENT.exec(href)?.[1];
  if (wp) keys.push(wp, `wp:${wp}`);
  const blogger = /#c(\d+)\s*$/.exec(href)?.[1] ?? BLOGGER_ID.exec(ref)?.[1];
  if (blogger) keys.push(`bc:${blogger}`);
  if (href) keys.push(href);
  return keys.filter((k) => k !== '');
}

/**
 * Resolve parents across all the entries read (every page). A reference to an id that is not there is
 * kept as the parent id (buildThread then marks the comment an orphan) only when it names a comment; a
 * reference to the post means top level.
 */
export function linkEntries(entries: RawEntry[], options: CommentFeedOptions = {}): FlatComment[] {
  const byKey = new Map<string, string>();
  for (const e of entries) for (const k of e.aliases) if (!byKey.has(k)) byKey.set(k, e.id);
  const comments: FlatComment[] = [];

  for (const e of entries) {
    let parentId: string | null = null;
    let strip = false;
    if (e.thr && (e.thr.ref || e.thr.href)) {
      const { ref, href } = e.thr;
      const found = refKeys(ref, href).map((k) => byKey.get(k)).find((v) => v !== undefined && v !== e.id);
      const isPost = options.postId !== undefined && ref === options.postId;
      if (found) parentId = found;
      else if (!isPost) {
        const isComment = WP_COMMENT.test(ref) || WP_COMMENT.test(href) || BLOGGER_COMMENT.test(href);
        const key = WP_COMMENT.exec(ref)?.[1] ?? WP_COMMENT.exec(href)?.[1] ?? (ref || href);
        if (isComment) parentId = key;
      }
      // Strip the WordPress prefix only when it names the same parent thr does (else it is the user's own link).
      strip = e.anchorParent !== null && parentId !== null && (parentId === e.anchorParent || byKey.get(`wp:${e.anchorParent}`) === parentId);
    } else if (e.anchorParent !== null) {
      parentId = byKey.get(`wp:${e.anchorParent}`) ?? byKey.get(e.anchorParent) ?? e.anchorParent;
      if (parentId === e.id) parentId = null;
      strip = true;
    }
    const body = strip ? e.strippedHtml : e.html;
    comments.push({
      id: e.id,
      parentId,
      author: e.author,
      published: e.published,
      html: sanitizeText(paragraphs(body)),
      score: null,
      deleted: false,
      permalink: e.permalink,
      orphan: false,
    });
  }
  return comments;
}
