/**
 * Atom comment feeds (WordPress `…/feed/atom/`, Blogger): one page of entries with their RFC 4685
 * `thr:in-reply-to` references, not yet linked.
 */
import { safeUrl, sanitizeLine } from '../../sanitize.js';
import { attr, child, childElements, claimedTotal, isoDate, nextLink, paragraphs, textOf, type DomElement } from './dom.js';
import { aliasesOf } from './threading.js';
import type { CommentFeedPage, RawEntry } from './types.js';
import { splitReplyPrefix, wpNumber } from './wordpress.js';

export function readAtom(feed: DomElement, xml: string, base: string | undefined): CommentFeedPage {
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
      author: sanitizeLine(textOf(authorEl ? (child(authorEl, 'name') ?? authorEl) : undefined)),
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

/** Atom content by its type: xhtml is kept as written, html is the text, anything else is escaped text. */
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

/** The first link with this rel (none means alternate) that resolves to http(s), or ''. */
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

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'));
}
