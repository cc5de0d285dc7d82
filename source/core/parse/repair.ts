/**
 * Strict XML first, then two cheap repairs for the commonest breakages in real feeds: bare `&` / unknown
 * entities, and junk before the first tag (a PHP warning printed before `<?xml`). A feed that needed a
 * repair is read, but parse.ts marks it broken with the XML error the strict parse met. Every failure
 * becomes a FeedParseError with one short line.
 */
import { decodeHTMLStrict } from 'entities';
import { FeedParseError, firstLine, oneLine } from './errors.js';
import type { XmlNode } from './nodes.js';
import { parseXml } from './rss-parser.js';
import { isXmlChar } from './sax-rules.js';

/** The tree, and the XML error a repair got past (null when the document parsed as it is). */
export function parseXmlWithRepair(text: string): { root: XmlNode; repair: string | null } {
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
 * A CDATA section or comment (group 1: `&` is literal there), else an `&` with the reference it starts
 * (group 2), if it is one. Shared although global: replace and matchAll leave its lastIndex at 0.
 */
const AMPERSAND = /(<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->)|&(#[0-9]+;|#[xX][0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)?/g;

/**
 * Escape bare `&`, numeric references to characters XML forbids (sax rejects `&#27;`), and named
 * entities XML does not know (HTML's are replaced by their characters). CDATA sections and comments are
 * left exactly as they are: `&` is literal there.
 */
function repairEntities(text: string): string {
  return text.replace(AMPERSAND, (match, literal?: string, ref?: string) => {
    if (literal !== undefined) return literal;
    if (ref === undefined) return '&amp;';
    if (ref.startsWith('#')) return isXmlCharRef(ref) ? match : `&amp;${ref}`;
    const name = ref.slice(0, -1);
    if (XML_PREDEFINED.has(name)) return match;
    const decoded = decodeHTMLStrict(match);
    if (decoded === match) return `&amp;${ref}`;
    return decoded.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  });
}

/**
 * Whether every entity reference the entity repair would touch is declared in the document's internal
 * DTD subset (billion laughs, XXE): then the document is well-formed, only unexpanded.
 */
export function onlyDtdEntities(text: string): boolean {
  const subset = /<!DOCTYPE[^[>]*\[([\s\S]*?)\]\s*>/i.exec(text.slice(0, 65536))?.[1];
  if (subset === undefined) return false;
  const declared = new Set([...subset.matchAll(/<!ENTITY\s+([^\s%"'>]+)/g)].map((m) => m[1]!));
  if (declared.size === 0) return false;
  const body = text.slice(text.indexOf(subset) + subset.length);
  for (const m of body.matchAll(AMPERSAND)) {
    if (m[1] !== undefined) continue;
    const ref = m[2];
    if (ref === undefined) return false; // a bare &
    if (ref.startsWith('#')) {
      if (!isXmlCharRef(ref)) return false;
    } else if (!XML_PREDEFINED.has(ref.slice(0, -1)) && !declared.has(ref.slice(0, -1))) return false;
  }
  return true;
}

/** Whether a numeric reference (`#233;`, `#x1B;`) names a character XML allows. */
function isXmlCharRef(ref: string): boolean {
  const hex = ref[1] === 'x' || ref[1] === 'X';
  return isXmlChar(Number.parseInt(ref.slice(hex ? 2 : 1, -1), hex ? 16 : 10));
}

/** sax says "Unclosed root tag\nLine: 11\nColumn: 3\nChar: x" with a 0-based line. */
function xmlErrorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const head = firstLine(error).replace(/\.$/, '');
  const line = /^Line: (\d+)$/m.exec(message);
  return `XML error: ${head}${line ? `, line ${Number(line[1]) + 1}` : ''}`;
}
