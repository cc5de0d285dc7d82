/**
 * rss-parser wrapper: XML text -> normalized, sanitized Article records.
 *
 * rss-parser 3.13 is used for what it is good at (xml2js + the RSS 0.9x/1.0/2.0 and Atom mapping that
 * its golden tests pin down) and guarded where it is fragile (DESIGN.md, "rss-parser 3.13 facts"):
 *
 * - Synchronous. rss-parser's own `parseString` wraps a synchronous xml2js parse in a Promise, and its
 *   callback form is deferred with setTimeout, so neither can be read synchronously. `parseFeedSync` drives
 *   the same pieces directly instead: the parser's own xml2js instance (`xmlParser`, built from its options)
 *   and its own `buildAtomFeed` / `buildRSS2` / `buildRSS1` / `buildRSS0_9`, dispatched exactly as
 *   `parseString` does. The module checks at load time that these internals exist (rss-parser is pinned
 *   at 3.13.0), and test/conformance.test.ts checks item counts against the public parseString. `parseFeed` is the same work behind a Promise. Doing the dispatch here also hands us
 *   the raw xml2js tree, which is where xml:base, Atom content types and link attributes live.
 * - xml2js state: after a parse error sax keeps writing with closures that flip `errThrown`/`ended` on the
 *   *next* sax instance, so a reused parser can swallow the next feed's first error. `reset()` before each
 *   parse.
 * - Bad dates: Atom `<published>`/`<updated>` go through `new Date(x).toISOString()` with no try/catch, so one
 *   unparseable Atom date throws RangeError("Invalid time value") and rejects the whole feed. RSS dates
 *   (`pubDate`, `dc:date`) are guarded inside rss-parser (`setISODate` try/catch). Guard: before building,
 *   drop Atom date values that `new Date()` cannot read (see guardAtom); dates are parsed again here anyway.
 * - Atom `<link>` without attributes (`<link>http://…</link>` or `<link/>`): `utils.getLink` reads
 *   `links[i].$.rel` and throws a TypeError for the whole feed. Guard: rewrite such links before building
 *   (text content becomes the href; empty ones are dropped). Likewise `<entry/>` (an empty string in
 *   xml2js, whose `.link` is String.prototype.link) and an RSS 1.0 document with no `<channel>`.
 * - xml:base and relative links are not resolved by rss-parser. Here every URL is resolved against the
 *   chain feed URL -> root/channel xml:base -> item xml:base -> link xml:base (RFC 3986 / XML Base), then
 *   passed through safeUrl (absolute http(s) or '').
 * - Every failure becomes a FeedParseError with one short line; two cheap repairs are tried first (bare `&`
 *   / unknown entities, junk before the first tag), because those are common in the wild.
 *
 * Everything imported here loads in a worker thread (no DOM, no native modules).
 */
import { createHash } from 'node:crypto';
import Parser from 'rss-parser';
import { Parser as HtmlParser } from 'htmlparser2';
import { decodeHTML, decodeHTMLStrict } from 'entities';
import type { Article, ParsedFeed } from './types.js';
import { safeUrl, sanitizeLine, sanitizeText } from './sanitize.js';

/** Why a document could not be read as a feed. The message is one short line, fit for a status bar. */
export class FeedParseError extends Error {
  override name = 'FeedParseError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(oneLine(message), options);
  }
}

// ---------------------------------------------------------------------------------------------------------
// The parser, built once per module (i.e. once per worker) and reused for every feed.

const CUSTOM_ITEM_FIELDS = [
  'comments',
  'wfw:commentRss',
  'wfw:commentRSS',
  'slash:comments',
  'thr:total',
  'dc:creator',
  'content:encoded',
  // Every <link> element kept whole: Atom entries carry rel/type/href/thr:count in attributes, and
  // rss-parser gives Atom entries no default custom fields at all.
  ['link', 'links', { keepArray: true }],
  // RSS items may carry Atom links too (rel="replies" and friends).
  ['atom:link', 'atomLinks', { keepArray: true }],
];

const parser = new Parser<Record<string, unknown>, Record<string, unknown>>({
  // RSS without a version attribute is read as RSS 2.0 (otherwise "Feed not recognized").
  defaultRSS: 2,
  customFields: { item: CUSTOM_ITEM_FIELDS as [string, string, { keepArray: boolean }][] },
});

/** An xml2js node: element objects have a null prototype; text-only elements are plain strings. */
type XmlNode = Record<string, unknown>;
type RawFeed = { title?: unknown; link?: unknown; items: XmlNode[] };

/** The rss-parser 3.13.0 internals parseFeedSync drives (see the header comment). */
interface RssParserInternals {
  xmlParser: {
    reset(): void;
    parseString(xml: string, cb: (err: unknown, result: unknown) => void): unknown;
  };
  buildAtomFeed(xmlObj: XmlNode): RawFeed;
  buildRSS2(xmlObj: XmlNode): RawFeed;
  buildRSS1(xmlObj: XmlNode): RawFeed;
  buildRSS0_9(xmlObj: XmlNode): RawFeed;
}
const internals = parser as unknown as RssParserInternals;
if (
  typeof internals.xmlParser?.parseString !== 'function' ||
  typeof internals.xmlParser.reset !== 'function' ||
  typeof internals.buildAtomFeed !== 'function' ||
  typeof internals.buildRSS2 !== 'function' ||
  typeof internals.buildRSS1 !== 'function' ||
  typeof internals.buildRSS0_9 !== 'function'
) {
  throw new Error('rss-parser internals changed: parse.ts is written against rss-parser 3.13.0');
}

// ---------------------------------------------------------------------------------------------------------
// Public API

/** Parse feed XML (already decoded to a string) into a ParsedFeed. Rejects only with FeedParseError. */
export async function parseFeed(xml: string, feedUrl: string): Promise<ParsedFeed> {
  return parseFeedSync(xml, feedUrl);
}

/** Synchronous parseFeed, for worker threads. Throws only FeedParseError. */
export function parseFeedSync(xml: string, feedUrl: string): ParsedFeed {
  return parseFeedDetailed(xml, feedUrl).feed;
}

// --- Additions for recovery (recover.ts, parse-job.ts) ------------------------------------------------
// parseFeedDetailed says why a feed that needed one of the repairs below is marked broken (and leaves a
// well-formed document that only uses its own DTD's entities alone); normalizeTree lets recover.ts run a
// tree built by its tolerant parser through exactly the normalization used here.

export type { XmlNode };

/**
 * parseFeedSync, also saying whether the document was ill-formed and needed a repair (bare `&`,
 * unknown entities, junk before the first tag): then `feed.broken` is true and `repair` holds the XML
 * error the strict parse first met, one line. Throws only FeedParseError.
 */
export function parseFeedDetailed(xml: string, feedUrl: string): { feed: ParsedFeed; repair: string | null } {
  if (typeof xml !== 'string') throw new FeedParseError('empty document');
  const text = xml.charCodeAt(0) === 0xfeff ? xml.slice(1) : xml;
  if (text.trim() === '') throw new FeedParseError('empty document');
  sniffNonFeed(text);

  const parsed = parseXmlWithRepair(text);
  // References to entities the document declares in its own DTD are well-formed XML: sax does not read
  // DTDs and nothing here expands them (they stay literal), but the feed is not broken.
  const repair = parsed.repair !== null && /entity/i.test(parsed.repair) && onlyDtdEntities(text) ? null : parsed.repair;
  const feed = normalizeTree(parsed.root, feedUrl);
  if (repair !== null) feed.broken = true;
  return { feed, repair };
}

/**
 * Whether every entity reference the entity repair would touch is declared in the document's internal
 * DTD subset (billion laughs, XXE): then the document is well-formed, only unexpanded.
 */
function onlyDtdEntities(text: string): boolean {
  const subset = /<!DOCTYPE[^[>]*\[([\s\S]*?)\]\s*>/i.exec(text.slice(0, 65536))?.[1];
  if (subset === undefined) return false;
  const declared = new Set([...subset.matchAll(/<!ENTITY\s+([^\s%"'>]+)/g)].map((m) => m[1]!));
  if (declared.size === 0) return false;
  const body = text.slice(text.indexOf(subset) + subset.length);
  for (const m of body.matchAll(/(<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->)|&(#[0-9]+;|#[xX][0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)?/g)) {
    if (m[1] !== undefined) continue;
    const ref = m[2];
    if (ref === undefined) return false; // a bare &
    if (ref.startsWith('#')) {
      const hex = ref[1] === 'x' || ref[1] === 'X';
      if (!isXmlChar(Number.parseInt(ref.slice(hex ? 2 : 1, -1), hex ? 16 : 10))) return false;
    } else if (!XML_PREDEFINED.has(ref.slice(0, -1)) && !declared.has(ref.slice(0, -1))) return false;
  }
  return true;
}

/**
 * Normalize an xml2js-shaped tree (`{rootName: element}`; elements with a null prototype, children in
 * arrays, attributes under `$`, text under `_` or as a plain string) into a ParsedFeed: rss-parser's
 * builders, then this module's rules. Throws only FeedParseError.
 */
export function normalizeTree(root: XmlNode, feedUrl: string): ParsedFeed {
  const rootName = Object.keys(root)[0] ?? '';
  // `<feed/>` is '' in xml2js, and ''.link is String.prototype.link: give rss-parser an element.
  const rootNode = asNode(root[rootName]);
  root[rootName] = rootNode;
  const feedUrlBase = safeUrl(feedUrl) || undefined;

  try {
    if (rootName === 'feed') return normalizeAtom(root, rootNode, feedUrlBase, feedUrl);
    if (rootName === 'rss') return normalizeRss(root, rootNode, feedUrlBase, feedUrl);
    if (rootName === 'rdf:RDF') return normalizeRdf(root, rootNode, feedUrlBase, feedUrl);
  } catch (error) {
    if (error instanceof FeedParseError) throw error;
    throw new FeedParseError(`could not read feed: ${firstLine(error)}`, { cause: error });
  }
  if (/^(?:html|head|body)$/i.test(rootName)) throw new FeedParseError('not a feed: got an HTML page');
  throw new FeedParseError(`not RSS or Atom (root element <${rootName.slice(0, 40)}>)`);
}

/**
 * How a title is cleaned: the text of the element (titles can be `{_: text, $: attrs}`, arrays, or
 * xhtml element trees), entities decoded once, HTML markup stripped with htmlparser2 (only when a known
 * HTML tag is present, so `Vec<T>` survives), then sanitizeLine. Exported for the conformance test.
 */
export function normalizeTitle(raw: unknown): string {
  return sanitizeLine(htmlToText(textOf(raw), true));
}

// ---------------------------------------------------------------------------------------------------------
// XML parsing, error messages, repairs

function sniffNonFeed(text: string): void {
  const head = text.slice(0, 2048).trimStart();
  if (/^(?:<\?xml[^>]*>\s*)?(?:<!--[\s\S]*?-->\s*)*<(?:!doctype\s+html|html[\s>])/i.test(head)) {
    throw new FeedParseError('not a feed: got an HTML page');
  }
  if (/^[[{]/.test(head)) throw new FeedParseError('not a feed: got JSON');
}

function parseXml(text: string): XmlNode {
  const xp = internals.xmlParser;
  let outcome: { err: unknown } | { result: unknown } | undefined;
  xp.reset();
  try {
    xp.parseString(text, (err, result) => {
      outcome ??= err ? { err } : { result };
    });
  } catch (err) {
    outcome ??= { err };
  }
  if (outcome === undefined) throw new FeedParseError('XML error: document ended unexpectedly');
  if ('err' in outcome) throw outcome.err;
  const result = outcome.result;
  if (!isNode(result) || Object.keys(result).length === 0) {
    throw new FeedParseError('not a feed: no XML root element');
  }
  return result;
}

/** The tree, and the XML error a repair got past (null when the document parsed as it is). */
function parseXmlWithRepair(text: string): { root: XmlNode; repair: string | null } {
  try {
    return { root: parseXml(text), repair: null };
  } catch (error) {
    if (error instanceof FeedParseError) throw error;
    const repaired = repair(text, firstLine(error));
    if (repaired !== undefined) {
      try {
        return { root: parseXml(repaired), repair: oneLine(xmlErrorMessage(error)) };
      } catch {
        // fall through: report the original problem, not the repair's
      }
    }
    throw new FeedParseError(xmlErrorMessage(error), { cause: error });
  }
}

/** One cheap repair for the two commonest breakages in real feeds, or undefined. */
function repair(text: string, message: string): string | undefined {
  if (/entity/i.test(message)) return repairEntities(text);
  if (/before first tag/i.test(message)) {
    // e.g. a PHP warning printed before <?xml: start at the first feed-looking tag.
    const start = text.slice(0, 65536).search(/<(?:\?xml\s|rss[\s>]|feed[\s>]|rdf:RDF[\s>])/);
    if (start > 0) return text.slice(start);
  }
  return undefined;
}

const XML_PREDEFINED = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);

/**
 * Escape bare `&`, numeric references to characters XML forbids (sax rejects `&#27;`), and named
 * entities XML does not know (HTML's are replaced by their characters). CDATA sections and comments are
 * left exactly as they are: `&` is literal there.
 */
function repairEntities(text: string): string {
  return text.replace(
    /(<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->)|&(#[0-9]+;|#[xX][0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)?/g,
    (match, literal?: string, ref?: string) => {
      if (literal !== undefined) return literal;
      if (ref === undefined) return '&amp;';
      if (ref.startsWith('#')) {
        const hex = ref[1] === 'x' || ref[1] === 'X';
        const cp = Number.parseInt(ref.slice(hex ? 2 : 1, -1), hex ? 16 : 10);
        return isXmlChar(cp) ? match : `&amp;${ref}`;
      }
      const name = ref.slice(0, -1);
      if (XML_PREDEFINED.has(name)) return match;
      const decoded = decodeHTMLStrict(match);
      if (decoded === match) return `&amp;${ref}`;
      return decoded.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    },
  );
}

function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

/** sax says "Unclosed root tag\nLine: 11\nColumn: 3\nChar: x" with a 0-based line. */
function xmlErrorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const head = firstLine(error).replace(/\.$/, '');
  const line = /^Line: (\d+)$/m.exec(message);
  return `XML error: ${head}${line ? `, line ${Number(line[1]) + 1}` : ''}`;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split('\n', 1)[0] ?? '').trim() || 'unknown error';
}

function oneLine(message: string): string {
  const line = sanitizeLine(message);
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}

// ---------------------------------------------------------------------------------------------------------
// Atom

function normalizeAtom(root: XmlNode, feed: XmlNode, feedUrlBase: string | undefined, feedUrl: string): ParsedFeed {
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
      title: item.title ?? entry.title,
      link: alternateLink(itemLinks, base),
      author:
        authorOf(item['dc:creator']) || authorOf(item.author) || authorOf(entry.author) || feedAuthor,
      published:
        parseDate(entry.published) ??
        parseDate(entry.updated) ??
        parseDate(entry.issued) ?? // Atom 0.3
        parseDate(entry.modified) ??
        parseDate(entry['dc:date']),
      html,
      commentsUrl: replies.commentsUrl,
      commentFeedUrl: replies.commentFeedUrl,
      commentCount: count(item['slash:comments']) ?? count(item['thr:total']) ?? replies.count,
    };
  });
  return {
    title: feedTitle(built.title ?? feed.title, feedUrl),
    link: alternateLink(links, feedBase),
    articles,
  };
}

/**
 * Make the xml2js tree safe for rss-parser's Atom builder (see the header comment): no link without
 * attributes, no non-element entries, no date that makes `new Date(x).toISOString()` throw.
 */
function guardAtom(feed: XmlNode): void {
  if (feed.link !== undefined) feed.link = guardLinks(feed.link);
  if (feed.entry === undefined) return;
  const entries = arrayOf(feed.entry).map((entry) => (isNode(entry) ? entry : Object.create(null) as XmlNode));
  feed.entry = entries;
  for (const entry of entries) {
    if (entry.link !== undefined) entry.link = guardLinks(entry.link);
    for (const key of ['published', 'updated'] as const) {
      const value = arrayOf(entry[key])[0];
      // rss-parser reads only string values (it checks `.length`), exactly as `new Date(value)`.
      if (typeof value === 'string' && value.length > 0 && Number.isNaN(new Date(value).getTime())) {
        delete entry[key];
      }
    }
  }
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
  const isText = type === undefined || type === 'text' || type === 'text/plain';
  if (isText && (type !== undefined || !/<[a-z!/]/i.test(built))) {
    return escapeHtml(built).replace(/\r?\n/g, '<br>\n');
  }
  return built;
}

// ---------------------------------------------------------------------------------------------------------
// RSS 0.9x / 2.0 and RSS 1.0 (RDF)

function normalizeRss(root: XmlNode, rss: XmlNode, feedUrlBase: string | undefined, feedUrl: string): ParsedFeed {
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

function normalizeRdf(root: XmlNode, rdf: XmlNode, feedUrlBase: string | undefined, feedUrl: string): ParsedFeed {
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
  const items = arrayOf(parent.item).map((item) => (isNode(item) ? item : Object.create(null) as XmlNode));
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
      title: item.title,
      link: rssLink(item.links, base) || alternateLink(atomLinks, base) || guidLink,
      author: authorOf(item['dc:creator']) || authorOf(item.creator) || authorOf(item.author),
      published: parseDate(item.pubDate) ?? parseDate(item.date) ?? parseDate(raw['dc:date']),
      html: bodyOf(item['content:encoded']) || bodyOf(item.content) || bodyOf(item.summary),
      commentsUrl: safeUrl(textOf(item.comments), base) || replies.commentsUrl,
      commentFeedUrl:
        localHref(textOf(item['wfw:commentRss'] ?? item['wfw:commentRSS']), feedUrl) ||
        safeUrl(textOf(item['wfw:commentRss'] ?? item['wfw:commentRSS']), base) ||
        replies.commentFeedUrl,
      commentCount: count(item['slash:comments']) ?? count(item['thr:total']) ?? replies.count,
    };
  });
  return {
    title: feedTitle(built.title ?? channel.title, feedUrl),
    link: rssLink(channel.link, channelBase),
    articles,
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

// ---------------------------------------------------------------------------------------------------------
// Shared normalization

interface Fields {
  guid: unknown;
  about?: unknown;
  title: unknown;
  link: string;
  author: string;
  published: string | null;
  html: string;
  commentsUrl: string;
  commentFeedUrl: string;
  commentCount: number | null;
}

/**
 * Turn built items into Articles in feed order. Ids: guid (Atom id), else rdf:about, else the absolute
 * link, else sha1(title, published, first 200 chars of html). Duplicate ids within one feed: the first
 * item wins and later ones are dropped (a feed that repeats an item must not show it twice, and the store
 * keys articles by feed + id). An item with nothing at all is kept, as rss-parser keeps it ("(untitled)";
 * several such items share one hash id, so only the first survives).
 */
function collect(items: XmlNode[], fieldsOf: (item: XmlNode, index: number) => Fields): Article[] {
  const articles: Article[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (!isNode(item)) continue;
    const f = fieldsOf(item, i);
    const html = sanitizeText(f.html);
    let title = normalizeTitle(f.title);
    const guid = sanitizeLine(textOf(f.guid)) || sanitizeLine(textOf(f.about));
    if (!title) title = truncate(sanitizeLine(htmlToText(html.slice(0, 8000), false)), 80) || '(untitled)';
    const id =
      guid ||
      f.link ||
      createHash('sha1')
        .update(`${title}\n${f.published ?? ''}\n${html.slice(0, 200)}`)
        .digest('hex');
    if (seen.has(id)) continue;
    seen.add(id);
    articles.push({
      id,
      title,
      link: f.link,
      author: f.author,
      published: f.published,
      html,
      commentsUrl: f.commentsUrl,
      commentFeedUrl: f.commentFeedUrl,
      commentCount: f.commentCount,
    });
  }
  return articles;
}

function feedTitle(raw: unknown, feedUrl: string): string {
  const title = normalizeTitle(raw);
  if (title) return title;
  try {
    return sanitizeLine(new URL(feedUrl).hostname) || '(untitled feed)';
  } catch {
    return '(untitled feed)';
  }
}

/** "jane@example.org (Jane Doe)" -> "Jane Doe"; Atom person constructs -> their name. */
function authorOf(value: unknown): string {
  const v = arrayOf(value)[0];
  if (v === undefined) return '';
  let text: string;
  if (isNode(v) && v.name !== undefined) text = textOf(v.name);
  else if (isNode(v) && typeof v._ !== 'string' && v.email !== undefined) text = textOf(v.email);
  else text = textOf(v);
  const line = sanitizeLine(htmlToText(text, true));
  const named = /^\S+@\S+\s*\((.+)\)$/.exec(line);
  return named?.[1]?.trim() ?? line;
}

/** A count element or attribute as an integer >= 0, else null (`<slash:comments/>` is null). */
function count(value: unknown): number | null {
  const text = textOf(value).trim();
  if (!/^\+?\d{1,15}$/.test(text)) return null;
  return Number(text);
}

/**
 * A date as an ISO string, or null. A zoneless ISO date-time or RFC 822 date is read as UTC, not as the
 * machine's local time (V8's default), so results do not depend on where the parse runs. Years outside
 * 1–9999 (which toISOString would write in the six-digit extended form) count as bad.
 */
function parseDate(value: unknown): string | null {
  let text = textOf(value).trim();
  if (!text) return null;
  if (/^\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?$/.test(text)) text = `${text.replace(' ', 'T')}Z`;
  else if (/[A-Za-z]{3},?\s.*\d\d:\d\d(?::\d\d)?$/.test(text)) text = `${text} GMT`;
  const time = Date.parse(text);
  if (Number.isNaN(time)) return null;
  const date = new Date(time);
  const year = date.getUTCFullYear();
  if (year < 1 || year > 9999) return null;
  return date.toISOString();
}

// --- links ---------------------------------------------------------------------------------------------

interface Link {
  rel: string;
  type: string;
  href: string;
  /** xml:base on the link element itself, if any. */
  base: string | undefined;
  count: string | undefined;
}

function linksOf(value: unknown): Link[] {
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
function relOf(rel: string): string {
  const r = rel.trim().toLowerCase();
  if (!r) return 'alternate';
  return r.startsWith('http://www.iana.org/assignments/relation/') ? r.slice(41) : r;
}

function hrefOf(link: Link, base: string | undefined): string {
  return safeUrl(link.href, resolveBase(base, link.base));
}

function linkBy(links: Link[], rel: string, base: string | undefined): string | undefined {
  for (const link of links) {
    if (link.rel === rel) {
      const url = hrefOf(link, base);
      if (url) return url;
    }
  }
  return undefined;
}

/** rel="alternate" (or no rel), preferring an HTML type; '' if none resolves to http(s). */
function alternateLink(links: Link[], base: string | undefined): string {
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
function repliesOf(links: Link[], base: string | undefined, feedUrl: string) {
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
function localHref(href: string, feedUrl: string): string {
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
function resolveBase(parent: string | undefined, xmlBase: string | undefined): string | undefined {
  const value = xmlBase?.trim();
  if (!value) return parent;
  try {
    return new URL(value, parent).href;
  } catch {
    return parent;
  }
}

// --- text ------------------------------------------------------------------------------------------------

/** Tags whose presence means a title/author really holds HTML markup (rather than `Vec<T>`). */
const KNOWN_TAG =
  /<\/?(?:a|abbr|b|big|blockquote|br|cite|code|del|dfn|div|em|font|h[1-6]|hr|i|img|ins|kbd|li|mark|ol|p|pre|q|s|samp|script|small|span|strike|strong|style|sub|sup|time|tt|u|ul|var|wbr)(?=[\s/>])/i;
const BLOCK_TAGS = new Set(['br', 'p', 'div', 'li', 'ul', 'ol', 'blockquote', 'pre', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'tr', 'td', 'th', 'table', 'dd', 'dt']);
const KNOWN_TAG_NAMES = new Set([
  ...BLOCK_TAGS,
  'a', 'abbr', 'b', 'big', 'cite', 'code', 'del', 'dfn', 'em', 'font', 'i', 'img', 'ins', 'kbd', 'mark',
  'q', 's', 'samp', 'script', 'small', 'span', 'strike', 'strong', 'style', 'sub', 'sup', 'time', 'tt',
  'u', 'var', 'wbr', 'html', 'body', 'head', 'title', 'section', 'article', 'figure', 'figcaption',
  'header', 'footer', 'nav', 'aside', 'main', 'iframe', 'video', 'audio', 'source', 'picture', 'svg',
  'noscript', 'center', 'tbody', 'thead', 'tfoot', 'dl', 'caption', 'label', 'button', 'input', 'form',
]);

/**
 * Text of an HTML fragment: entities decoded once, markup stripped with htmlparser2 (never regex), script
 * and style contents dropped. With `gate`, markup is only parsed when a known HTML tag is present, and
 * tags htmlparser2 sees but HTML does not know (`List<String>`) are kept as text; otherwise only entities
 * are decoded.
 */
function htmlToText(s: string, gate: boolean): string {
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

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Cut to about n characters at a word boundary, with an ellipsis; never splits a surrogate pair. */
function truncate(s: string, n: number): string {
  if (s.length <= n) return s;
  let cut = s.slice(0, n);
  const space = cut.lastIndexOf(' ');
  if (space > n / 2) cut = cut.slice(0, space);
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return `${cut.trimEnd()}…`;
}

/**
 * The text of an xml2js value: a string; `{_: text, $: attrs}`; an array (its first element); or an
 * element tree (e.g. an xhtml title), whose text parts are joined (xml2js groups children by name, so
 * mixed-content order is approximate).
 */
function textOf(value: unknown, depth = 0): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.length > 0 ? textOf(value[0], depth) : '';
  if (!isNode(value) || depth > 16) return '';
  const own = typeof value._ === 'string' ? value._ : '';
  const parts: string[] = own ? [own] : [];
  for (const key of Object.keys(value)) {
    if (key === '$' || key === '_') continue;
    for (const child of arrayOf(value[key])) {
      const text = textOf(child, depth + 1);
      if (text) parts.push(text);
    }
  }
  return parts.length <= 1 ? (parts[0] ?? '') : parts.join(' ');
}

// --- xml2js node helpers -----------------------------------------------------------------------------

function isNode(value: unknown): value is XmlNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asNode(value: unknown): XmlNode {
  return isNode(value) ? value : nodeWith({});
}

function nodeWith(fields: Record<string, unknown>): XmlNode {
  return Object.assign(Object.create(null) as XmlNode, fields);
}

function arrayOf(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** An attribute of an element (xml2js keeps them under `$`), as a string, or undefined. */
function attr(element: unknown, name: string): string | undefined {
  const node = arrayOf(element)[0];
  if (!isNode(node) || !isNode(node.$)) return undefined;
  const value = node.$[name];
  return typeof value === 'string' ? value : undefined;
}
