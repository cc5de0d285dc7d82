/**
 * Atom (and Atom 0.3) feeds: rss-parser's Atom builder, guarded where it throws for a whole feed, then
 * this module's rules for links, dates, authors, content types and replies
 * (README, Design: "rss-parser's quirks"):
 *
 * - Bad dates: `<published>`/`<updated>` go through `new Date(x).toISOString()` with no try/catch, so one
 *   unparseable Atom date throws RangeError("Invalid time value") and rejects the whole feed (RSS dates
 *   are guarded inside rss-parser). Guard: before building, drop Atom date values that `new Date()` cannot
 *   read; dates are parsed again here anyway.
 * - `<link>` without attributes (`<link>http://…</link>` or `<link/>`): `utils.getLink` reads
 *   `links[i].$.rel` and throws a TypeError for the whole feed. Guard: rewrite such links before building
 *   (text content becomes the href; empty ones are dropped). Likewise `<entry/>`, an empty string in
 *   xml2js, whose `.link` is String.prototype.link.
 */
import { safeUrl } from '../sanitize.js';
import type { ParsedFeed } from '../types.js';
import { collect, feedTitle } from './articles.js';
import { atomEnclosures } from './enclosures.js';
import { alternateLink, linkBy, linksOf, repliesOf, resolveBase } from './links.js';
import { arrayOf, asNode, attr, isNode, nodeWith, textOf, type XmlNode } from './nodes.js';
import { internals } from './rss-parser.js';
import { escapeHtml } from './text.js';
import { decodeBase64Text, isBase64Construct, titleSource } from './text-constructs.js';
import { authorOf, count, lastDate } from './values.js';
import { feedIntervalMinutes } from './update-interval.js';

export function normalizeAtom(root: XmlNode, feed: XmlNode, feedUrlBase: string | undefined, feedUrl: string): ParsedFeed {
  guardAtom(feed);
  const built = internals.buildAtomFeed(root);
  const entries = arrayOf(feed.entry);
  const links = linksOf(feed.link);
  const docBase = feedUrlBase ?? linkBy(links, 'self', undefined);
  const feedBase = resolveBase(docBase, attr(feed, 'xml:base'));
  const feedAuthor = authorOf(feed.author);

  const articles = collect(built.items, (item, i) => {
    const entry = asNode(entries[i]);
    const base = resolveBase(feedBase, attr(entry, 'xml:base'));
    const itemLinks = linksOf(item.links);
    const html = atomHtml(item.content, entry.content) || atomHtml(item.summary, entry.summary);
    const replies = repliesOf(itemLinks, base, feedUrl);
    return {
      guid: item.id,
      title: titleSource(entry.title, item.title ?? entry.title, true),
      link: alternateLink(itemLinks, base),
      author: authorOf(item['dc:creator']) || authorOf(item.author) || authorOf(entry.author) || authorOf(entry['dc:author']) || feedAuthor,
      published:
        lastDate(entry.published) ??
        lastDate(entry.updated) ??
        lastDate(entry.issued) ?? // Atom 0.3
        lastDate(entry.modified) ??
        lastDate(entry.created) ??
        lastDate(entry['dc:date']) ??
        lastDate(entry['dcterms:issued']) ??
        lastDate(entry['dcterms:created']) ??
        lastDate(entry['dcterms:modified']),
      html,
      commentsUrl: replies.commentsUrl,
      commentFeedUrl: replies.commentFeedUrl,
      commentCount: count(item['slash:comments']) ?? count(item['thr:total']) ?? replies.count,
      origLink: safeUrl(textOf(entry['feedburner:origLink']), base),
      enclosures: atomEnclosures(entry, base),
    };
  });
  // Atom has no <ttl>, but feeds put the syndication module's elements in <feed> too.
  const minReloadMinutes = feedIntervalMinutes(feed);
  return {
    title: feedTitle(titleSource(feed.title, built.title ?? feed.title, true), feedUrl),
    link: alternateLink(links, feedBase),
    articles,
    ...(minReloadMinutes === null ? {} : { minReloadMinutes }),
  };
}

/**
 * Make the xml2js tree safe for rss-parser's Atom builder (see the header comment): no link without
 * attributes, no non-element entries, no date that makes `new Date(x).toISOString()` throw.
 */
function guardAtom(feed: XmlNode): void {
  if (feed.link !== undefined) feed.link = guardLinks(feed.link);
  if (feed.entry === undefined) return;
  const entries = arrayOf(feed.entry).map((entry) => (isNode(entry) ? entry : (Object.create(null) as XmlNode)));
  feed.entry = entries;
  for (const entry of entries) {
    if (entry.link !== undefined) entry.link = guardLinks(entry.link);
    for (const key of ['published', 'updated'] as const) {
      // rss-parser reads the first value, only a string one (it checks `.length`), exactly as
      // `new Date(value)`; only the bad values go, so a good later one is still there to be read.
      const values = arrayOf(entry[key]);
      if (!values.some(isBadDate)) continue;
      const kept = values.filter((value) => !isBadDate(value));
      if (kept.length > 0) entry[key] = kept;
      else delete entry[key];
    }
  }
}

/** A date value that makes rss-parser's `new Date(x).toISOString()` throw. */
function isBadDate(value: unknown): boolean {
  return typeof value === 'string' && value.length > 0 && Number.isNaN(new Date(value).getTime());
}

function guardLinks(value: unknown): XmlNode[] {
  const out: XmlNode[] = [];
  for (const link of arrayOf(value)) {
    if (isNode(link) && isNode(link.$)) {
      out.push(link);
      continue;
    }
    const href = textOf(link).trim();
    if (href) out.push(nodeWith({ $: nodeWith({ href }) }));
  }
  return out;
}

/**
 * Atom content/summary as HTML. `built` is rss-parser's string (xhtml already serialized into <div>…</div>);
 * the raw element tells the type: type="text" is escaped into HTML. Untyped content is 'text' by RFC 4287,
 * but feeds that omit the type and send HTML are common, so untyped content with tags stays HTML.
 */
function atomHtml(built: unknown, rawElement: unknown): string {
  const element = arrayOf(rawElement)[0];
  if (element === undefined || typeof built !== 'string') return '';
  // `<content type="html"/>`: rss-parser would serialize the bare attributes as `<div type="html"/>`.
  if (isNode(element) && typeof element._ !== 'string' && Object.keys(element).every((k) => k === '$')) {
    return '';
  }
  const type = attr(element, 'type')?.trim().toLowerCase();
  if (isBase64Construct(element)) {
    // Decoded, it is HTML when the type says so, or when it holds tags and no text type says otherwise.
    const decoded = decodeBase64Text(textOf(element)) ?? '';
    const isHtml = type === 'html' || type === 'text/html' || (type !== 'text' && type !== 'text/plain' && HAS_TAG.test(decoded));
    return isHtml ? decoded : textAsHtml(decoded);
  }
  const isText = type === undefined || type === 'text' || type === 'text/plain';
  if (isText && (type !== undefined || !HAS_TAG.test(built))) return textAsHtml(built);
  return built;
}

const HAS_TAG = /<[a-z!/]/i;

function textAsHtml(text: string): string {
  return escapeHtml(text).replace(/\r?\n/g, '<br>\n');
}
