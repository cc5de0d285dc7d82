/** From the XML tree to a ParsedFeed: the normalization the strict, the fast and the tolerant parses share. */
import type { ParsedFeed } from '../types.js';
import { safeUrl } from '../sanitize.js';
import { normalizeAtom } from './atom.js';
import { FeedParseError, firstLine } from './errors.js';
import { arrayOf, asNode, isNode, type XmlNode } from './nodes.js';
import { normalizeRdf, normalizeRss } from './rss.js';

/**
 * Normalize an xml2js-shaped tree (`{rootName: element}`; elements with a null prototype, children in
 * arrays, attributes under `$`, text under `_` or as a plain string) into a ParsedFeed: rss-parser's
 * builders, then the rules of parse/atom.ts and parse/rss.ts. Throws only FeedParseError.
 */
export function normalizeTree(root: XmlNode, feedUrl: string): ParsedFeed {
  let rootName = Object.keys(root)[0] ?? '';
  // `<feed/>` is '' in xml2js, and ''.link is String.prototype.link: give rss-parser an element.
  let rootNode = asNode(root[rootName]);
  // `<r:rss xmlns:r=…>`: the feed's own elements all carry the root's prefix; without it they are the
  // names rss-parser and the normalizers read. RSS 1.0 may prefix its elements the same way inside rdf:RDF.
  const prefix = rootName === 'rdf:RDF' ? prefixBoundTo(rootNode, RSS1_NAMESPACE) : /^([^:]+):(?:rss|feed)$/.exec(rootName)?.[1];
  if (prefix !== undefined) {
    rootNode = withoutPrefix(rootNode, `${prefix}:`, 0);
    delete root[rootName];
    if (rootName !== 'rdf:RDF') rootName = rootName.slice(prefix.length + 1);
  }
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

const RSS1_NAMESPACE = 'http://purl.org/rss/1.0/';
/** Deeper than this nothing is renamed: feed elements sit near the top, and it bounds the recursion. */
const MAX_RENAME_DEPTH = 64;

/** The prefix an `xmlns:prefix` attribute of `element` binds to `namespace`, if any. */
function prefixBoundTo(element: XmlNode, namespace: string): string | undefined {
  const attributes = isNode(element.$) ? element.$ : {};
  for (const [name, value] of Object.entries(attributes)) {
    if (name.startsWith('xmlns:') && typeof value === 'string' && value.trim() === namespace) return name.slice(6);
  }
  return undefined;
}

/**
 * A copy of `element` with `prefix` dropped from the names of its child elements, at every depth. Where
 * both `r:title` and `title` are present, the two lists are joined in that order of keys.
 */
function withoutPrefix(element: XmlNode, prefix: string, depth: number): XmlNode {
  if (depth > MAX_RENAME_DEPTH) return element;
  const out = Object.create(null) as XmlNode;
  for (const [key, value] of Object.entries(element)) {
    if (key === '$' || key === '_') {
      out[key] = value;
      continue;
    }
    const name = key.startsWith(prefix) ? key.slice(prefix.length) : key;
    const children = arrayOf(value).map((child) => (isNode(child) ? withoutPrefix(child, prefix, depth + 1) : child));
    out[name] = out[name] === undefined ? children : [...arrayOf(out[name]), ...children];
  }
  return out;
}
