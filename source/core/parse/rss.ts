/**
 * RSS 0.9x / 2.0 and RSS 1.0 (RDF): rss-parser's builders, dispatched as its own parseString does, with
 * the documents it cannot build guarded first (an RSS 1.0 document with no `<channel>`, `<item/>`), then
 * this module's rules for links, guids, dates, bodies and comment links.
 */
import { safeUrl } from '../sanitize.js';
import type { ParsedFeed } from '../types.js';
import { collect, feedTitle } from './articles.js';
import { FeedParseError } from './errors.js';
import { rssEnclosures } from './enclosures.js';
import { alternateLink, linkBy, linksOf, localHref, relOf, repliesOf, resolveBase } from './links.js';
import { arrayOf, attr, isNode, nodeWith, textOf, type XmlNode } from './nodes.js';
import { internals, type RawFeed } from './rss-parser.js';
import { titleSource } from './text-constructs.js';
import { authorOf, count, lastDate } from './values.js';
import { feedIntervalMinutes } from './update-interval.js';

export function normalizeRss(root: XmlNode, rss: XmlNode, feedUrlBase: string | undefined, feedUrl: string): ParsedFeed {
  const channels = arrayOf(rss.channel);
  if (channels.length === 0) throw new FeedParseError('not a feed: RSS document without a <channel>');
  const channel = isNode(channels[0]) ? channels[0] : nodeWith({});
  channels[0] = channel;
  rss.channel = channels;
  const rawItems = guardItems(channel);

  const version = attr(rss, 'version') ?? '';
  // The same dispatch as rss-parser's parseString with defaultRSS: 2.
  const built = /^2/.test(version) || !/0\.9/.test(version) ? internals.buildRSS2(root) : internals.buildRSS0_9(root);

  const docBase = feedUrlBase ?? selfLink(channel);
  const channelBase = resolveBase(resolveBase(docBase, attr(rss, 'xml:base')), attr(channel, 'xml:base'));
  return normalizeRssItems(built, rawItems, channel, channelBase, channelBase, feedUrl);
}

export function normalizeRdf(root: XmlNode, rdf: XmlNode, feedUrlBase: string | undefined, feedUrl: string): ParsedFeed {
  // rss-parser reads xmlObj.channel[0] unguarded; an RDF file without <channel> is still a list of items.
  const first = arrayOf(rdf.channel)[0];
  const channel = isNode(first) ? first : nodeWith({});
  rdf.channel = [channel];
  const rawItems = guardItems(rdf);
  const built = internals.buildRSS1(root);
  const docBase = feedUrlBase ?? selfLink(channel);
  const rdfBase = resolveBase(docBase, attr(rdf, 'xml:base'));
  const channelBase = resolveBase(rdfBase, attr(channel, 'xml:base'));
  // Items are siblings of <channel> in RSS 1.0, so their base is the document's, not the channel's.
  return normalizeRssItems(built, rawItems, channel, channelBase, rdfBase, feedUrl);
}

/** Items that are not elements (`<item/>`, `<item>text</item>`) become empty elements. */
function guardItems(parent: XmlNode): XmlNode[] {
  if (parent.item === undefined) return [];
  const items = arrayOf(parent.item).map((item) => (isNode(item) ? item : (Object.create(null) as XmlNode)));
  parent.item = items;
  return items;
}

function normalizeRssItems(
  built: RawFeed,
  rawItems: XmlNode[],
  channel: XmlNode,
  channelBase: string | undefined,
  itemParentBase: string | undefined,
  feedUrl: string,
): ParsedFeed {
  const articles = collect(built.items, (item, i) => {
    const raw = rawItems[i] ?? nodeWith({});
    const base = resolveBase(itemParentBase, attr(raw, 'xml:base'));
    const atomLinks = linksOf(item.atomLinks);
    const replies = repliesOf(atomLinks, base, feedUrl);
    const guidNode = arrayOf(raw.guid)[0];
    const guid = textOf(item.guid).trim();
    // RSS 2.0: a guid is a permalink unless isPermaLink="false".
    const guidLink = attr(guidNode, 'isPermaLink')?.trim().toLowerCase() === 'false' ? '' : safeUrl(guid);
    return {
      guid: item.guid,
      about: item['rdf:about'],
      title: titleSource(raw.title, item.title, false),
      link: rssLink(item.links, base) || alternateLink(atomLinks, base) || guidLink,
      author: authorOf(item['dc:creator']) || authorOf(item.creator) || authorOf(item.author) || authorOf(raw['dc:author']),
      // Read from the raw item, where a repeated element keeps all its values (rss-parser keeps the first).
      published:
        lastDate(raw.pubDate) ??
        lastDate(raw['dc:date']) ??
        lastDate(raw['dcterms:issued']) ??
        lastDate(raw['dcterms:created']) ??
        lastDate(raw['dcterms:modified']),
      html: bodyOf(item['content:encoded']) || bodyOf(item.content) || bodyOf(item.summary),
      commentsUrl: safeUrl(textOf(item.comments), base) || replies.commentsUrl,
      commentFeedUrl:
        localHref(textOf(item['wfw:commentRss'] ?? item['wfw:commentRSS']), feedUrl) ||
        safeUrl(textOf(item['wfw:commentRss'] ?? item['wfw:commentRSS']), base) ||
        replies.commentFeedUrl,
      commentCount: count(item['slash:comments']) ?? count(item['thr:total']) ?? replies.count,
      // FeedBurner rewrites <link> to its redirector and keeps the article's own URL here.
      origLink: safeUrl(textOf(raw['feedburner:origLink']), base),
      enclosures: rssEnclosures(raw, base),
    };
  });
  const minReloadMinutes = feedIntervalMinutes(channel);
  return {
    title: feedTitle(titleSource(channel.title, built.title ?? channel.title, false), feedUrl),
    link: rssLink(channel.link, channelBase),
    articles,
    ...(minReloadMinutes === null ? {} : { minReloadMinutes }),
  };
}

/** The first usable RSS <link>: text content (or an href attribute, for Atom-style links in RSS). */
function rssLink(value: unknown, base: string | undefined): string {
  for (const link of arrayOf(value)) {
    const rel = attr(link, 'rel');
    if (rel !== undefined && relOf(rel) !== 'alternate') continue;
    const url = safeUrl(textOf(link), base) || safeUrl(attr(link, 'href') ?? '', base);
    if (url) return url;
  }
  return '';
}

function selfLink(channel: XmlNode): string | undefined {
  return linkBy(linksOf(channel['atom:link']), 'self', undefined);
}

function bodyOf(value: unknown): string {
  const v = arrayOf(value)[0];
  if (typeof v === 'string') return v;
  if (isNode(v) && typeof v._ === 'string') return v._;
  return '';
}
