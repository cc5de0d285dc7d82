/**
 * Recovery for feeds the strict parse rejects ("bozo" feeds, as feedparser calls them).
 *
 * rss-parser (xml2js over sax in strict mode) rejects a whole feed for one truncated tag, a mis-nested
 * pair or a missing `</item>`; newsboat (libxml2 in recover mode) keeps what precedes the break, and on a
 * missing `</item>` keeps a single item. Here the raw text goes through htmlparser2's XML tokenizer,
 * which never fails, and its tokens build the same xml2js-shaped tree the strict parse builds; the tree
 * then goes through parse.ts's `normalizeTree`: rss-parser's builders, the id rules, dates, links,
 * xml:base, and sanitize.ts for every string, exactly as for a well-formed feed.
 *
 * The tokenizer is used without htmlparser2's Parser: the Parser keeps its own element stack and
 * searches all of it for every close tag, so a hostile document of many unclosed tags and stray close
 * tags costs quadratic time (700 KB of them took 10 s). Here one stack, capped at MAX_DEPTH, decides:
 * - A close tag closes the nearest open element of that name and every element opened after it (a
 *   mis-nested `<b><i></b></i>` closes both at `</b>`); a close tag with no open element of its name is
 *   ignored. Elements deeper than MAX_DEPTH are ignored (their text goes to the deepest kept one).
 * - An `<item>` (`<entry>` in Atom) closes whatever is still open inside the element items belong to
 *   (the RSS 2.0 channel, else the document element): a missing `</item>`, `</description>` or
 *   `</image>` costs nothing, where nesting the rest of the feed inside the unclosed element would lose
 *   it. (An empty `<item/>` inside an item stays inside it, as xml2js leaves it.)
 * - Close tags of the document element and of an RSS 2.0 `<channel>` are ignored: items after a stray
 *   `</channel>` still belong to the channel. Everything closes at the end of the text.
 * - Junk before the document element (a PHP warning in `<b>` tags) is dropped: the first `<rss>`,
 *   `<feed>` or `<…:RDF>` starts the document, wherever it is.
 * - At the end of a truncated text, the element the cut fell in is dropped, unless it is an item body
 *   (description, content:encoded, Atom content/summary), whose text so far is kept; an item left with
 *   no title, link, id or body is dropped.
 * - A body element holding raw (unescaped) markup, e.g. `<description>a<br>b</description>`, keeps that
 *   markup verbatim as its HTML instead of being split into child elements (the strict parse would have
 *   re-serialized it with xml2js's builder; the text is the same).
 *
 * Entities: nothing is decoded by the tokenizer; text outside CDATA and attribute values are decoded
 * once with the HTML5 entity table in strict mode (`&amp;` `&#233;` `&nbsp;`; a bare `&` or an unknown
 * `&name;` stays as written), like parse/repair.ts's entity repair. A DOCTYPE, its internal subset and its
 * external identifiers are never read: no DTD entity is expanded (billion laughs stays a literal
 * `&lol9;`) and nothing is fetched or opened (XXE). The module does no I/O at all.
 */
import { decodeHTMLStrict } from 'entities';
import { Tokenizer, QuoteType } from 'htmlparser2';
import { FeedParseError } from './errors.js';
import { normalizeTree } from './normalize.js';
import { closeElement, type XmlNode } from './nodes.js';
import type { ParsedFeed } from '../types.js';

/** What a recovery read: the feed, marked broken, with at least one article. */
export interface Recovered {
  feed: ParsedFeed;
}

/** Elements whose content is an item's HTML body. */
const BODY_ELEMENTS = new Set(['description', 'content:encoded', 'content', 'summary']);
/** Elements that say what an item is: an item with none of these (nor a body) is not worth keeping. */
const IDENTITY_ELEMENTS = new Set(['title', 'link', 'guid', 'id']);
const ITEM_ELEMENTS = new Set(['item', 'entry']);
/** Deeper elements are ignored: no feed nests this deep, and it bounds every stack search. */
export const MAX_DEPTH = 256;

interface Frame {
  name: string;
  node: XmlNode;
  /** Set when CDATA text was added: xml2js then keeps whitespace-only text. */
  cdata: boolean;
  /** Raw markup inside a body element: tracked only so that close tags pair up. */
  raw: boolean;
  /** For body elements: where the content starts in the text, and whether it held child tags. */
  contentStart: number;
  hasChildTags: boolean;
}

/**
 * Read what can be read from a feed the strict parse rejected. Returns null when the text holds no
 * RSS, Atom or RDF document element, or no article could be read from it.
 */
export function recoverFeed(text: string, feedUrl: string): Recovered | null {
  const root = buildTree(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  if (root === null) return null;
  let feed: ParsedFeed;
  try {
    feed = normalizeTree(root, feedUrl);
  } catch (error) {
    if (error instanceof FeedParseError) return null;
    throw error;
  }
  if (feed.articles.length === 0) return null;
  feed.broken = true;
  return { feed };
}

/** The tolerant tree, `{rootName: element}` as xml2js gives it, or null without a feed root element. */
function buildTree(text: string): XmlNode | null {
  const stack: Frame[] = [];
  let rootName: string | null = null;
  let rootNode: XmlNode | null = null;
  /** The document element's prefix with its colon (`r:` for `<r:rss>`), or null. */
  let ownPrefix: string | null = null;
  const unprefixed = (name: string) => (ownPrefix !== null && name.startsWith(ownPrefix) ? name.slice(ownPrefix.length) : name);

  /** A new frame: an element with xml2js's shape (null prototype, `_` for text, `$` for attributes). */
  const frame = (name: string, attribs: Map<string, string> | null, raw: boolean, contentStart: number): Frame => {
    const node = Object.create(null) as XmlNode;
    node._ = '';
    if (attribs !== null && attribs.size > 0) {
      const attrs = Object.create(null) as Record<string, string>;
      for (const [key, value] of attribs) attrs[key] = decodeText(value);
      node.$ = attrs;
    }
    return { name, node, cdata: false, raw, contentStart, hasChildTags: false };
  };

  /**
   * Close the top frame as xml2js does and attach it to its parent. `end`: where its content ends;
   * `atEnd`: the text ended inside it (see the header for what is kept).
   */
  const pop = (end: number, atEnd: boolean): void => {
    const f = stack.pop();
    if (!f || f.raw) return;
    const parent = stack[stack.length - 1];
    if (parent === undefined) return; // the document element itself: already referenced as rootNode
    const isBody = BODY_ELEMENTS.has(f.name);
    const isItem = ITEM_ELEMENTS.has(f.name);
    if (atEnd && !isBody && !isItem && f.name !== 'channel') return; // cut mid-element
    if (isBody && f.hasChildTags) f.node._ = rawContent(text, f.contentStart, end);
    if (atEnd && isItem && !Object.keys(f.node).some((k) => IDENTITY_ELEMENTS.has(k) || BODY_ELEMENTS.has(k))) return;
    const value = closeElement(f.node, f.cdata);
    const existing = parent.node[f.name];
    if (Array.isArray(existing)) existing.push(value);
    else parent.node[f.name] = [value];
  };

  /** Index of the innermost open frame named `name`, or -1. */
  const find = (name: string): number => {
    let i = stack.length - 1;
    while (i >= 0 && stack[i]!.name !== name) i--;
    return i;
  };

  /** An open tag `<name …>` from `start` ('<') to `end` ('>'). */
  const open = (tagName: string, attribs: Map<string, string>, start: number, end: number, selfClosing: boolean): void => {
    if (rootName === null) {
      if (!isFeedRoot(tagName)) return; // junk before the document element
      // `<r:rss xmlns:r=…>`: the feed's elements carry the root's prefix; they are read without it, as
      // normalize.ts reads the strict tree.
      ownPrefix = /^[^:]+:(?=(?:rss|feed)$)/.exec(tagName)?.[0] ?? null;
      const name = unprefixed(tagName);
      rootName = /:RDF$/.test(name) ? 'rdf:RDF' : name;
      const f = frame(name, attribs, false, end + 1);
      rootNode = f.node;
      stack.push(f);
      return;
    }
    if (stack.length === 0) return; // after the end of the document element
    const name = unprefixed(tagName);
    if (name === (rootName === 'feed' ? 'entry' : 'item') && !selfClosing) {
      // An item belongs in the channel (RSS 2.0) or the document element (Atom, RSS 1.0): whatever is
      // still open there (an item whose </item> is missing, an unclosed <image> or body) closes first.
      const container = rootName === 'rss' ? find('channel') : 0;
      if (container >= 0) while (stack.length > container + 1) pop(start, false);
    }
    const top = stack[stack.length - 1]!;
    if (top.raw || BODY_ELEMENTS.has(top.name)) {
      const body = bodyFrame(stack);
      if (body) body.hasChildTags = true;
      if (!selfClosing && stack.length < MAX_DEPTH) stack.push(frame(name, null, true, 0));
      return;
    }
    if (stack.length >= MAX_DEPTH) return;
    stack.push(frame(name, attribs, false, end + 1));
    if (selfClosing) pop(end + 1, false);
  };

  /** A close tag `</name>` starting at `start` ('<'). */
  const close = (tagName: string, start: number): void => {
    const name = unprefixed(tagName);
    const i = find(name);
    if (i < 0) return; // nothing of that name is open
    // The document element and an RSS 2.0 channel stay open to the end of the text (RSS 1.0 items
    // are siblings of the channel, after its close tag).
    if (!stack[i]!.raw && (i === 0 || (name === 'channel' && rootName === 'rss'))) return;
    while (stack.length > i) pop(start, false);
  };

  const addText = (data: string, cdata: boolean): void => {
    const top = stack[stack.length - 1];
    if (top === undefined || top.raw) return;
    if (cdata) {
      top.node._ += data;
      top.cdata = true;
    } else top.node._ += decodeText(data);
  };

  // Token state: the open tag being read.
  let tagName = '';
  let tagStart = 0;
  let attribs = new Map<string, string>();
  let attribName = '';
  let attribValue = '';
  const tokenizer = new Tokenizer(
    { xmlMode: true, decodeEntities: false },
    {
      onopentagname(start, endIndex) {
        tagName = text.slice(start, endIndex);
        tagStart = start - 1;
        attribs = new Map();
      },
      onattribname(start, endIndex) {
        attribName = text.slice(start, endIndex);
        attribValue = '';
      },
      onattribdata(start, endIndex) {
        attribValue += text.slice(start, endIndex);
      },
      onattribentity() {
        // Not called: the tokenizer decodes no entities here.
      },
      onattribend(quote, _endIndex) {
        if (!attribs.has(attribName)) attribs.set(attribName, quote === QuoteType.NoValue ? '' : attribValue);
        attribValue = '';
      },
      onopentagend(endIndex) {
        open(tagName, attribs, tagStart, endIndex, false);
      },
      onselfclosingtag(endIndex) {
        open(tagName, attribs, tagStart, endIndex, true);
      },
      onclosetag(start, endIndex) {
        close(text.slice(start, endIndex), start - 2);
      },
      ontext(start, endIndex) {
        addText(text.slice(start, endIndex), false);
      },
      ontextentity() {
        // Not called: the tokenizer decodes no entities here.
      },
      oncdata(start, endIndex, endOffset) {
        addText(text.slice(start, endIndex - endOffset), true);
      },
      // Comments, declarations (DOCTYPE and its internal subset) and processing instructions: ignored.
      oncomment() {},
      ondeclaration() {},
      onprocessinginstruction() {},
      onend() {},
    },
  );
  tokenizer.write(text);
  tokenizer.end();
  // The end of the text: whatever is still open was cut off (or never closed: the root, the channel).
  while (stack.length > 1) pop(text.length, true);
  if (rootName === null || rootNode === null) return null;
  const root = Object.create(null) as XmlNode;
  root[rootName] = closeElement(rootNode, false);
  return root;
}

function isFeedRoot(name: string): boolean {
  return /^(?:[A-Za-z_][\w.-]*:)?(?:rss|feed)$/.test(name) || /^[A-Za-z_][\w.-]*:RDF$/.test(name);
}

/** The body element a raw frame is inside, if any. */
function bodyFrame(stack: Frame[]): Frame | undefined {
  for (let i = stack.length - 1; i >= 0; i--) {
    const f = stack[i]!;
    if (!f.raw) return BODY_ELEMENTS.has(f.name) ? f : undefined;
  }
  return undefined;
}

/**
 * A body's content taken as HTML source: CDATA sections become escaped text, everything else is kept
 * as written (the HTML renderer decodes its entities later).
 */
function rawContent(text: string, start: number, end: number): string {
  const source = text.slice(start, Math.max(start, end));
  return source.replace(/<!\[CDATA\[([\s\S]*?)(?:\]\]>|$)/g, (_m, inner: string) => inner.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
}

/** Entities decoded once, HTML5 table, strict: `AT&T` and `&unknown;` stay as written. */
function decodeText(s: string): string {
  return s.includes('&') ? decodeHTMLStrict(s) : s;
}
