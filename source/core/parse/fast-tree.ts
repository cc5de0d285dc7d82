/**
 * The fast first pass over a feed: exactly the tree parse/rss-parser.ts's parseXml (xml2js over sax,
 * strict) would build, read with htmlparser2's Tokenizer in about half the time, or null. parse.ts then
 * runs the strict parse as before, which also decides repairs and broken verdicts: a null costs one
 * wasted pass, a tree must never differ (test/fast-tree.test.ts compares both over the corpus, the feed
 * farm and seeded mutations of them).
 *
 * The tokenizer only finds the tokens: it accepts nearly anything. Each token is kept only if sax
 * would read the same characters as the same token (sax-rules.ts: tag grammar, names, references);
 * anything else stops the pass with null, at the first doubt:
 * - a close tag that does not close the innermost open element; anything open at the end; no document
 *   element; an element (a second root), CDATA or non-whitespace text after it; text before it;
 * - `<` in text (sax: "Unencoded <"; also `< a>`, which sax reads as a tag), `]]>` in text;
 * - tags off sax's grammar: unquoted or valueless attributes, no whitespace between attributes, `/ >`,
 *   names sax does not allow, `</ a>`; duplicate attributes (sax keeps the first, silently);
 * - `&` that does not start `&amp;` `&lt;` `&gt;` `&quot;` `&apos;` or a numeric reference to a character
 *   XML allows (sax also reads HTML 4 names such as `&nbsp;`: those fall back too);
 * - any `<!…>` other than a comment or CDATA: a DOCTYPE may declare entities, which sax leaves unexpanded
 *   and the strict path reports (parse/repair.ts); comments holding `--`, CDATA outside the document
 *   element, processing instructions holding `??` (sax ends those later than the tokenizer);
 * - a leading byte order mark (parse.ts strips one; xml2js would strip a second);
 * - names xml2js gives a meaning of its own: an element `_` (its text key) or `cdata` (its CDATA flag),
 *   and `__proto__` or any attribute named like an Object.prototype member (sax keeps attributes on a
 *   plain object: `__proto__` vanishes there, `hasOwnProperty` breaks it).
 *
 * The tree follows xml2js's defaults as rss-parser sets them: element objects and `$` with a null
 * prototype, `_` first, then `$`, then children in order of first appearance, each in an array; text
 * and CDATA of an element joined in document order, across its child elements; text kept raw (sax
 * translates no line ends, trims nothing); closing as parse/nodes.ts closeElement says; the document
 * element as `{name: element}`. Namespace prefixes stay in names and `xmlns` attributes are kept.
 */
import { QuoteType, Tokenizer, type TokenizerCallbacks } from 'htmlparser2';
import { closeElement, type XmlNode } from './nodes.js';
import { decodeReferences, isSaxOpenTag, isSaxWhitespace, saxCloseTagEnd } from './sax-rules.js';

/** Thrown from a tokenizer callback at the first doubt; parseXmlFast turns it into null. */
const NOT_PLAIN = new Error('not plain XML: left to the strict parse');

function fail(): never {
  throw NOT_PLAIN;
}

/** Element names xml2js gives a meaning of its own (see the header). */
const RESERVED_NAMES = new Set(['_', 'cdata', '__proto__']);

/**
 * The xml2js tree of `text`, `{rootName: element}`, or null when the strict parse must decide (see the
 * header). Never throws for any text.
 */
export function parseXmlFast(text: string): XmlNode | null {
  if (text.charCodeAt(0) === 0xfeff) return null;
  const builder = new StrictTreeBuilder(text);
  try {
    const tokenizer = new Tokenizer({ xmlMode: true, decodeEntities: false }, builder);
    tokenizer.write(text);
    tokenizer.end();
  } catch (error) {
    if (error === NOT_PLAIN) return null;
    throw error;
  }
  return builder.root;
}

interface OpenElement {
  name: string;
  /** The element; its `_` is set to `text` when it closes. */
  node: XmlNode;
  text: string;
  /** Non-empty CDATA was added: xml2js then keeps whitespace-only text. */
  cdata: boolean;
  /** It has attributes or children: xml2js then keeps it an object. */
  hasOtherKeys: boolean;
}

/** Tokenizer callbacks that build the tree, or throw NOT_PLAIN. Offsets are indices into `text`. */
class StrictTreeBuilder implements TokenizerCallbacks {
  /** Set when the document element closes; nothing but whitespace, comments and PIs may follow. */
  root: XmlNode | null = null;
  private readonly stack: OpenElement[] = [];
  // The open tag being read.
  private tagName = '';
  private tagStart = 0;
  private attributes: Record<string, string> | null = null;
  private attribName = '';
  private attribValue = '';

  constructor(private readonly text: string) {}

  onopentagname(start: number, endIndex: number): void {
    if (this.root !== null) fail(); // a second root element
    this.tagName = this.text.slice(start, endIndex);
    this.tagStart = start - 1;
    this.attributes = null;
  }

  onattribname(start: number, endIndex: number): void {
    this.attribName = this.text.slice(start, endIndex);
    this.attribValue = '';
  }

  onattribdata(start: number, endIndex: number): void {
    this.attribValue += this.text.slice(start, endIndex);
  }

  onattribend(quote: QuoteType): void {
    if (quote !== QuoteType.Double && quote !== QuoteType.Single) fail();
    const name = this.attribName;
    if (name in Object.prototype) fail();
    this.attributes ??= Object.create(null) as Record<string, string>;
    if (name in this.attributes) fail();
    this.attributes[name] = decodeReferences(this.attribValue) ?? fail();
  }

  onopentagend(endIndex: number): void {
    this.openElement(endIndex, false);
  }

  onselfclosingtag(endIndex: number): void {
    this.openElement(endIndex, true);
  }

  onclosetag(start: number, endIndex: number): void {
    if (saxCloseTagEnd(this.text, start - 2) < 0) fail();
    this.endElement(this.text.slice(start, endIndex));
  }

  ontext(start: number, endIndex: number): void {
    const text = this.text.slice(start, endIndex);
    const top = this.stack[this.stack.length - 1];
    if (top === undefined) {
      if (!isSaxWhitespace(text)) fail();
      return;
    }
    // The tokenizer turns a `<` it cannot read as markup into text; sax fails there or reads a tag.
    if (text.includes('<') || text.includes(']]>')) fail();
    top.text += decodeReferences(text) ?? fail();
  }

  oncdata(start: number, endIndex: number, endOffset: number): void {
    const top = this.stack[this.stack.length - 1];
    // endOffset 0: a CDATA section left open at the end of the text.
    if (top === undefined || endOffset !== 2 || !this.text.startsWith('<![CDATA[', start - 9)) fail();
    const end = endIndex - 2;
    // sax reports no empty CDATA section, so `<![CDATA[]]>` does not make xml2js keep whitespace.
    if (end > start) {
      top.text += this.text.slice(start, end);
      top.cdata = true;
    }
  }

  oncomment(start: number, endIndex: number, endOffset: number): void {
    // The tokenizer also reads bogus markup (`</1>`) as comments and ends comments at `--!>` or the end
    // of the text; sax ends a comment at its first `--`, which `>` must follow.
    const { text } = this;
    if (endOffset !== 2 || !text.startsWith('<!--', start - 4) || !text.startsWith('-->', endIndex - 2)) fail();
    const body = text.slice(start, endIndex - 2);
    if (body.includes('--') || body.endsWith('-')) fail();
  }

  ondeclaration(): void {
    fail(); // DOCTYPE (with or without entity declarations) and any other `<!…>`
  }

  onprocessinginstruction(start: number, endIndex: number): void {
    // `start` follows `<?`, `endIndex` is the `?` of the first `?>`. sax takes the character after every
    // `?` as part of the PI, so after `??` it reads on past this `?>`.
    if (this.text.slice(start, endIndex + 1).includes('??')) fail();
  }

  onattribentity(): void {
    // Not called: the tokenizer decodes no entities here.
  }

  ontextentity(): void {
    // Not called: the tokenizer decodes no entities here.
  }

  onend(): void {}

  /** An open tag from `tagStart` (`<`) to `gt` (`>`), attributes read. */
  private openElement(gt: number, selfClosing: boolean): void {
    const name = this.tagName;
    if (!isSaxOpenTag(this.text, this.tagStart, gt) || RESERVED_NAMES.has(name)) fail();
    // Only `/>` closes a tag (sax's grammar above has no other `/` before `>`): a plain assertion.
    if ((this.text.charCodeAt(gt - 1) === 0x2f) !== selfClosing) fail();
    const node = Object.create(null) as XmlNode;
    node._ = ''; // first, as in xml2js
    if (this.attributes !== null) node.$ = this.attributes;
    this.stack.push({ name, node, text: '', cdata: false, hasOtherKeys: this.attributes !== null });
    if (selfClosing) this.endElement(name);
  }

  private endElement(name: string): void {
    const open = this.stack.pop();
    if (open === undefined || open.name !== name) fail();
    open.node._ = open.text;
    const value = closeElement(open.node, open.cdata, open.hasOtherKeys);
    const parent = this.stack[this.stack.length - 1];
    if (parent === undefined) {
      const root = Object.create(null) as XmlNode;
      root[name] = value;
      this.root = root;
      return;
    }
    const siblings = parent.node[name] as unknown[] | undefined;
    if (siblings === undefined) parent.node[name] = [value];
    else siblings.push(value);
    parent.hasOtherKeys = true;
  }
}
