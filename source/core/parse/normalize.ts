/** From the XML tree to a ParsedFeed: the normalization the strict, the fast and the tolerant parses share. */
import type { ParsedFeed } from '../types.js';
import { safeUrl } from '../sanitize.js';
import { normalizeAtom } from './atom.js';
import { FeedParseError, firstLine } from './errors.js';
import { asNode, type XmlNode } from './nodes.js';
import { normalizeRdf, normalizeRss } from './rss.js';

/**
 * Normalize an xml2js-shaped tree (`{rootName: element}`; elements with a null prototype, children in
 * arrays, attributes under `$`, text under `_` or as a plain string) into a ParsedFeed: rss-parser's
 * builders, then the rules of parse/atom.ts and parse/rss.ts. Throws only FeedParseError.
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
  throw new FeedParseError(`not a feed: XML with root element <${rootName.slice(0, 40)}>, not RSS or Atom`);
}
