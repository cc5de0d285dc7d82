/**
 * Feed autodiscovery: a user gives the address of a site's page rather than of its feed, and the page
 * names its feeds in `<link rel="alternate" type="application/rss+xml" href="…">` (or atom+xml), the
 * convention of the RSS Autodiscovery spec (rssboard.org) and of HTML's "alternate" link type.
 *
 * - The page is read with htmlparser2's HTML tokenizer (never regex), entities decoded the HTML way.
 * - `rel` is a space-separated token list and must hold "alternate" (not "stylesheet", so an
 *   "alternate stylesheet" is no feed); `type` is compared without its parameters and case.
 * - Each href is resolved against the page's `<base href>` (itself resolved against the page URL),
 *   else the page URL, and kept only when it is http(s) (safeUrl): a page must never make the reader
 *   open `file:` or `javascript:` URLs. The page's own URL is never offered as its feed.
 * - Only the first 1 MB is read: autodiscovery links live in `<head>`.
 * Feeds come back in document order, without duplicates; sites list their main feed first (WordPress:
 * posts, then comments).
 */
import { QuoteType, Tokenizer } from 'htmlparser2';
import { FeedParseError } from './parse.js';
import { safeUrl, sanitizeLine } from './sanitize.js';

export interface DiscoveredFeed {
  /** Absolute http(s) URL. */
  url: string;
  type: 'rss' | 'atom';
  /** The link's title attribute (sanitized, one line), or ''. */
  title: string;
}

const FEED_TYPES: Record<string, DiscoveredFeed['type']> = {
  'application/rss+xml': 'rss',
  'application/atom+xml': 'atom',
};

/** How much of a page is read looking for links. */
const MAX_SCAN = 1_000_000;

/** The feeds an HTML page links to, best first. */
export function discoverFeeds(html: string, pageUrl: string): DiscoveredFeed[] {
  const page = safeUrl(pageUrl);
  let base = page || undefined;
  const found: { href: string; type: DiscoveredFeed['type']; title: string }[] = [];
  let sawBase = false;
  const onTag = (name: string, attribs: Map<string, string>): void => {
    if (name === 'base' && !sawBase && attribs.has('href')) {
      // Only the first <base href> counts (HTML: "the first base element with an href").
      sawBase = true;
      base = safeUrl(attribs.get('href')!, page || undefined) || base;
      return;
    }
    if (name !== 'link') return;
    const rel = (attribs.get('rel') ?? '').toLowerCase().split(/[\t\n\f\r ]+/);
    if (!rel.includes('alternate') || rel.includes('stylesheet')) return;
    const type = FEED_TYPES[(attribs.get('type') ?? '').split(';')[0]!.trim().toLowerCase()];
    const href = attribs.get('href');
    if (type === undefined || href === undefined) return;
    found.push({ href, type, title: attribs.get('title') ?? '' });
  };
  scanTags(html.length > MAX_SCAN ? html.slice(0, MAX_SCAN) : html, onTag);

  const seen = new Set<string>();
  const feeds: DiscoveredFeed[] = [];
  for (const link of found) {
    // Hrefs resolve against <base> wherever it appears in the head, as in a browser.
    const url = safeUrl(link.href, base);
    if (!url || url === page || seen.has(url)) continue;
    seen.add(url);
    feeds.push({ url, type: link.type, title: sanitizeLine(link.title) });
  }
  return feeds;
}

/**
 * Call `onTag` for every start tag, with lower-cased names and entity-decoded attribute values (the first
 * of a repeated attribute wins, as in HTML). htmlparser2's tokenizer alone, in HTML mode (script, style
 * and comments are skipped the HTML way): its Parser keeps an element stack that every close tag
 * searches, which a hostile page of unclosed tags turns into quadratic time, and no stack is needed here.
 */
function scanTags(html: string, onTag: (name: string, attribs: Map<string, string>) => void): void {
  let name = '';
  let attribs = new Map<string, string>();
  let attribName = '';
  let attribValue = '';
  const tokenizer = new Tokenizer(
    { xmlMode: false, decodeEntities: true },
    {
      onopentagname(start, endIndex) {
        name = html.slice(start, endIndex).toLowerCase();
        attribs = new Map();
      },
      onattribname(start, endIndex) {
        attribName = html.slice(start, endIndex).toLowerCase();
        attribValue = '';
      },
      onattribdata(start, endIndex) {
        attribValue += html.slice(start, endIndex);
      },
      onattribentity(codepoint) {
        attribValue += String.fromCodePoint(codepoint);
      },
      onattribend(quote) {
        if (!attribs.has(attribName)) attribs.set(attribName, quote === QuoteType.NoValue ? '' : attribValue);
        attribValue = '';
      },
      onopentagend() {
        onTag(name, attribs);
      },
      onselfclosingtag() {
        onTag(name, attribs);
      },
      onclosetag() {},
      ontext() {},
      ontextentity() {},
      oncdata() {},
      oncomment() {},
      ondeclaration() {},
      onprocessinginstruction() {},
      onend() {},
    },
  );
  tokenizer.write(html);
  tokenizer.end();
}

/** A cheap test for "this body is an HTML page": a doctype or an `<html>` tag near the start. */
export function looksLikeHtml(text: string): boolean {
  const head = text.slice(0, 4096);
  const html = head.search(/<!doctype\s+html|<html[\s>]/i);
  if (html < 0) return false;
  const feed = head.search(/<(?:rss|feed|[A-Za-z_][\w.-]*:RDF)[\s>]/);
  return feed < 0 || html < feed;
}

/** The one-line message for an HTML page that links to a feed; it ends with the feed's URL. */
export function htmlPageMessage(feedUrl: string): string {
  const long = `not a feed: an HTML page; it links to the feed ${feedUrl}`;
  // FeedParseError cuts messages at 120 characters: keep a long URL whole by saying less before it.
  return long.length <= 120 ? long : `not a feed: HTML page; its feed: ${feedUrl}`;
}

/** A FeedParseError that names the feed an HTML page links to (`discoveredUrl` for callers that can act on it). */
export function discoveredFeedError(feedUrl: string): FeedParseError & { discoveredUrl: string } {
  const error = new FeedParseError(htmlPageMessage(feedUrl)) as FeedParseError & { discoveredUrl: string };
  error.discoveredUrl = feedUrl;
  return error;
}

/**
 * The feed URL a failure names, if it is an HTML page with an autodiscovery link: from the error itself,
 * or from its message (errors from a parse worker arrive as name + message only). Null otherwise, and
 * when the message was cut short (the URL would be wrong).
 */
export function discoveredUrlOf(error: unknown): string | null {
  if (!(error instanceof Error)) return null;
  const own = (error as { discoveredUrl?: unknown }).discoveredUrl;
  if (typeof own === 'string' && safeUrl(own) === own) return own;
  if (error.name !== 'FeedParseError') return null;
  return discoveredUrlInMessage(error.message);
}

/** The same, from a failure's one-line reason (as `refresh` reports and the store keeps it). */
export function discoveredUrlInMessage(message: string): string | null {
  const m = /^not a feed: (?:an )?HTML page; (?:it links to the feed|its feed:) (\S+)$/.exec(message);
  if (!m || m[1]!.endsWith('…')) return null;
  return safeUrl(m[1]!) === m[1] ? m[1]! : null;
}
