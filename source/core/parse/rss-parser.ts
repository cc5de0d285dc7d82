/**
 * rss-parser 3.13, driven synchronously: one parser per module (i.e. per worker), its xml2js instance to
 * read XML text into a tree, and its own builders (`buildAtomFeed` / `buildRSS2` / `buildRSS1` /
 * `buildRSS0_9`) for atom.ts and rss.ts to dispatch to (README, Design: "rss-parser's quirks").
 *
 * - Synchronous. rss-parser's own `parseString` wraps a synchronous xml2js parse in a Promise, and its
 *   callback form is deferred with setTimeout, so neither can be read synchronously. The pieces are
 *   driven directly instead, dispatched exactly as `parseString` does. This module checks at load time
 *   that these internals exist (rss-parser is pinned at 3.13.0), and test/conformance.test.ts checks item
 *   counts against the public parseString. Doing the dispatch here also hands us the raw xml2js tree,
 *   which is where xml:base, Atom content types and link attributes live.
 * - xml2js state: after a parse error sax keeps writing with closures that flip `errThrown`/`ended` on the
 *   *next* sax instance, so a reused parser can swallow the next feed's first error. `reset()` before each
 *   parse.
 */
import Parser from 'rss-parser';
import rssUtils from 'rss-parser/lib/utils.js';
import { FeedParseError } from './errors.js';
import { isNode, type XmlNode } from './nodes.js';

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

// rss-parser computes a `contentSnippet` for every item (strip tags, decode entities) that nothing here
// reads: a fifth of all parse time on a 20 MB feed (760 -> 580 ms measured). The builders call it
// through this module object, so replacing it here skips the work; the bundle holds one copy of it.
rssUtils.getSnippet = () => '';

const parser = new Parser<Record<string, unknown>, Record<string, unknown>>({
  // RSS without a version attribute is read as RSS 2.0 (otherwise "Feed not recognized").
  defaultRSS: 2,
  customFields: { item: CUSTOM_ITEM_FIELDS as [string, string, { keepArray: boolean }][] },
});

/** What rss-parser's builders return: the channel title and link, and the items it mapped. */
export type RawFeed = { title?: unknown; link?: unknown; items: XmlNode[] };

/** The rss-parser 3.13.0 internals driven here (see the header comment). */
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
export const internals = parser as unknown as RssParserInternals;
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

/**
 * The xml2js tree of an XML text, synchronously. Throws the XML error as sax reports it, or a
 * FeedParseError when there is no document at all.
 */
export function parseXml(text: string): XmlNode {
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
