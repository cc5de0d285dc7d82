/**
 * Links: Atom-style `<link rel type href>` elements, RFC 4685 replies, and xml:base. rss-parser resolves
 * neither xml:base nor relative links, so every URL is resolved here against the chain feed URL ->
 * root/channel xml:base -> item xml:base -> link xml:base (RFC 3986 / XML Base), then passed through
 * safeUrl (absolute http(s) or ''). The one exception is localHref: a comment feed next to a local feed.
 */
import { safeUrl } from '../sanitize.js';
import { arrayOf, isNode } from './nodes.js';
import { count } from './values.js';

export interface Link {
  rel: string;
  type: string;
  href: string;
  /** xml:base on the link element itself, if any. */
  base: string | undefined;
  count: string | undefined;
}

export function linksOf(value: unknown): Link[] {
  const out: Link[] = [];
  for (const link of arrayOf(value)) {
    if (!isNode(link) || !isNode(link.$)) continue;
    const a = link.$;
    const href = typeof a.href === 'string' ? a.href : '';
    if (!href) continue;
    out.push({
      rel: relOf(typeof a.rel === 'string' ? a.rel : ''),
      type: typeof a.type === 'string' ? a.type.trim().toLowerCase() : '',
      href,
      base: typeof a['xml:base'] === 'string' ? a['xml:base'] : undefined,
      count: typeof a['thr:count'] === 'string' ? a['thr:count'] : undefined,
    });
  }
  return out;
}

/** Atom rel: missing means "alternate"; IANA registry IRIs mean their short name. */
export function relOf(rel: string): string {
  const r = rel.trim().toLowerCase();
  if (!r) return 'alternate';
  return r.startsWith('http://www.iana.org/assignments/relation/') ? r.slice(41) : r;
}

function hrefOf(link: Link, base: string | undefined): string {
  return safeUrl(link.href, resolveBase(base, link.base));
}

export function linkBy(links: Link[], rel: string, base: string | undefined): string | undefined {
  for (const link of links) {
    if (link.rel === rel) {
      const url = hrefOf(link, base);
      if (url) return url;
    }
  }
  return undefined;
}

/** rel="alternate" (or no rel), preferring an HTML type; '' if none resolves to http(s). */
export function alternateLink(links: Link[], base: string | undefined): string {
  let fallback = '';
  for (const link of links) {
    if (link.rel !== 'alternate') continue;
    const url = hrefOf(link, base);
    if (!url) continue;
    if (!link.type || link.type.includes('html')) return url;
    fallback ||= url;
  }
  return fallback;
}

/**
 * RFC 4685 rel="replies": type text/html is the discussion page; an Atom/RSS (or untyped: RFC 4685's
 * usual case is a feed) link is the comment feed; thr:count is the count.
 */
export function repliesOf(links: Link[], base: string | undefined, feedUrl: string) {
  let commentsUrl = '';
  let commentFeedUrl = '';
  let replyCount: number | null = null;
  for (const link of links) {
    if (link.rel !== 'replies') continue;
    const url = hrefOf(link, base);
    if (link.type.includes('html')) commentsUrl ||= url;
    else if (!link.type || link.type.includes('xml')) commentFeedUrl ||= localHref(link.href, feedUrl) || url;
    replyCount ??= count(link.count);
  }
  return { commentsUrl, commentFeedUrl, count: replyCount };
}

/**
 * A relative comment feed link in a feed read from a local file (the bundled demo) resolves next to
 * that file. Only then may a URL be file:, and only inside the feed's own folder: a remote feed must
 * never make the reader open local files.
 */
export function localHref(href: string, feedUrl: string): string {
  const value = href.trim();
  if (!feedUrl.startsWith('file:') || !value || /^[a-z][a-z0-9+.-]*:/i.test(value) || value.startsWith('//')) return '';
  try {
    const url = new URL(value, feedUrl);
    const folder = new URL('.', feedUrl).href;
    return url.protocol === 'file:' && url.href.startsWith(folder) && !/[\x00-\x20]/.test(url.href) ? url.href : '';
  } catch {
    return '';
  }
}

/** Resolve an xml:base value against its parent base; a bad value leaves the parent in force. */
export function resolveBase(parent: string | undefined, xmlBase: string | undefined): string | undefined {
  const value = xmlBase?.trim();
  if (!value) return parent;
  try {
    return new URL(value, parent).href;
  } catch {
    return parent;
  }
}
