/**
 * Feed parsing: XML text -> normalized, sanitized Article records. This is the public entry; the work
 * is done in parse/:
 *
 * - rss-parser.ts drives rss-parser 3.13 synchronously: its xml2js instance and its own RSS 0.9x/1.0/2.0
 *   and Atom builders, which its golden tests pin down (README, Design: "rss-parser's quirks").
 * - fast-tree.ts reads plainly well-formed XML into exactly the tree the strict parse would build, about
 *   twice as fast, and leaves everything else to the strict parse.
 * - repair.ts reads the XML strictly, then tries two cheap repairs (bare `&` / unknown entities, junk
 *   before the first tag), because those are common in the wild.
 * - atom.ts and rss.ts guard the tree where rss-parser is fragile, build it, and read links, dates,
 *   authors, bodies and comment links with the helpers in links.ts (xml:base), values.ts and text.ts;
 *   articles.ts turns the result into Articles with stable ids.
 *
 * Every failure becomes a FeedParseError with one short line. Everything imported here loads in a worker
 * thread (no DOM, no native modules): workers/worker.ts runs this module in a worker pool.
 */
import type { ParsedFeed } from './types.js';
import { FeedParseError } from './parse/errors.js';
import { parseXmlFast } from './parse/fast-tree.js';
import { normalizeTree } from './parse/normalize.js';
import { onlyDtdEntities, parseXmlWithRepair } from './parse/repair.js';

export { FeedParseError } from './parse/errors.js';
export { htmlToText, normalizeTitle } from './parse/text.js';
export type { XmlNode } from './parse/nodes.js';
export { normalizeTree } from './parse/normalize.js';
export { MAX_DEPTH, recoverFeed } from './parse/recover.js';

/** Parse feed XML (already decoded to a string) into a ParsedFeed. Rejects only with FeedParseError. */
export async function parseFeed(xml: string, feedUrl: string): Promise<ParsedFeed> {
  return parseFeedSync(xml, feedUrl);
}

/** Synchronous parseFeed, for worker threads. Throws only FeedParseError. */
export function parseFeedSync(xml: string, feedUrl: string): ParsedFeed {
  return parseFeedDetailed(xml, feedUrl).feed;
}

// --- Additions for recovery (recover.ts, workers/parse-job.ts) ------------------------------------------------
// parseFeedDetailed says why a feed that needed one of the repairs is marked broken (and leaves a
// well-formed document that only uses its own DTD's entities alone); normalizeTree lets recover.ts run a
// tree built by its tolerant parser through exactly the normalization used here.

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

  // Most feeds are plainly well-formed: the fast pass reads them into the very tree the strict parse
  // would, in half the time; for anything else it says null and the strict parse decides, as before.
  const fast = parseXmlFast(text);
  const parsed = fast !== null ? { root: fast, repair: null } : parseXmlWithRepair(text);
  // References to entities the document declares in its own DTD are well-formed XML: sax does not read
  // DTDs and nothing here expands them (they stay literal), but the feed is not broken.
  const repair = parsed.repair !== null && /entity/i.test(parsed.repair) && onlyDtdEntities(text) ? null : parsed.repair;
  const feed = normalizeTree(parsed.root, feedUrl);
  if (repair !== null) feed.broken = true;
  return { feed, repair };
}

/** HTML pages and JSON are common answers from a feed URL: say so rather than report an XML error. */
function sniffNonFeed(text: string): void {
  const head = text.slice(0, 2048).trimStart();
  if (looksLikeHtmlPage(head)) throw new FeedParseError('not a feed: got an HTML page');
  if (/^[[{]/.test(head)) throw new FeedParseError('not a feed: got JSON');
  if (head.startsWith('<')) return;
  // Text before the first tag is repaired when a feed's root follows it (a PHP warning printed before
  // `<?xml`); with no feed root in sight it is some other file (/etc/passwd, an image, a script), and
  // the strict parse's "Non-whitespace before first tag" would not tell the user so.
  if (FEED_START.test(text.slice(0, REPAIR_WINDOW))) return;
  throw new FeedParseError(BINARY.test(text.slice(0, 1024)) ? 'not a feed: got binary data, not XML' : 'not a feed: got plain text, not XML');
}

/**
 * The XML declaration, then any comments, processing instructions and doctypes; group 1 is the last
 * doctype's name. (An internal subset with a `>` in it ends the match early: then no root is seen.)
 */
const PROLOG = /^(?:<\?xml[^>]*>\s*)?(?:(?:<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!doctype\s+([^\s>[]+)[^>]*>)\s*)*/i;
const FEED_ROOT = /^(?:[A-Za-z_][\w.-]*:)?(?:rss|feed|RDF)$/;

/**
 * An HTML page, by its document element: `<html>`, or an HTML doctype before anything but a feed's root.
 * The root decides, not the doctype: feeds served with a stray XHTML `<!DOCTYPE html …>` before `<rss>`
 * are common, and XML parsers skip the doctype anyway.
 */
function looksLikeHtmlPage(head: string): boolean {
  const prolog = PROLOG.exec(head);
  const doctype = prolog?.[1]?.toLowerCase();
  const root = /^<([A-Za-z_][\w.:-]*)/.exec(head.slice(prolog?.[0].length ?? 0))?.[1];
  if (root !== undefined && /^html$/i.test(root)) return true;
  return doctype === 'html' && (root === undefined || !FEED_ROOT.test(root));
}

/** How far repair.ts looks for the start of a feed after junk. */
const REPAIR_WINDOW = 65536;
const FEED_START = /<(?:\?xml\s|rss[\s>]|feed[\s>]|[A-Za-z_][\w.-]*:RDF[\s>])/;
/** NUL, other C0 controls than whitespace, or bytes that were not valid text: not a text file. */
const BINARY = /[\x00-\x08\x0e-\x1a\x1c-\x1f\ufffd]/;
