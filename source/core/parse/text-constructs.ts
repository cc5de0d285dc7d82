/**
 * Titles and Atom text constructs as feeds in the wild send them, where rss-parser reads them too
 * simply (README, Design: "rss-parser's quirks"):
 *
 * - Unescaped inline markup in a title (`<title>Example <b>Atom</b></title>`, no type): the XML parse
 *   makes `<b>` a child element, and rss-parser keeps only the text beside it ("Example "). The whole
 *   element is read instead; normalizeTitle then joins all of its text.
 * - Base64 (Atom 0.3 `mode="base64"`, or an Atom 1.0 type that is some other media type such as
 *   `application/octet-stream`): rss-parser shows the encoded text. It is decoded here, as feedparser does.
 */
import { attr, arrayOf, isNode, textOf } from './nodes.js';

/**
 * What a title is read from: a base64 construct's decoded text (Atom only); an element holding child
 * elements, whole; else what rss-parser built from it (which may come from another element, dc:title).
 */
export function titleSource(rawElement: unknown, built: unknown, atom: boolean): unknown {
  const element = arrayOf(rawElement)[0];
  if (atom && isBase64Construct(element)) return decodeBase64Text(textOf(element)) ?? '';
  return hasChildElements(element) ? element : built;
}

/**
 * Whether an Atom text construct holds base64, decided as feedparser decides it: Atom 0.3
 * `mode="base64"`, or a type that is neither text, html, xhtml, `text/*` nor an XML type.
 */
export function isBase64Construct(element: unknown): boolean {
  if (attr(element, 'mode')?.trim().toLowerCase() === 'base64') return true;
  const type = attr(element, 'type')?.trim().toLowerCase();
  if (!type || type === 'text' || type === 'html' || type === 'xhtml') return false;
  const mediaType = type.split(';', 1)[0]!.trim();
  return !(mediaType.startsWith('text/') || mediaType.endsWith('/xml') || mediaType.endsWith('+xml'));
}

/** Whitespace is allowed anywhere in base64 content (feeds wrap it at 76 columns). */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** Controls other than whitespace: the decoded bytes are not text (an image, say). */
const NOT_TEXT = /[\x00-\x08\x0e-\x1f\x7f]/;

/** Base64 decoded as UTF-8 text; null when it is not base64, or the bytes are not UTF-8 text. */
export function decodeBase64Text(encoded: string): string | null {
  const compact = encoded.replace(/\s+/g, '');
  if (!BASE64.test(compact) || compact.length % 4 === 1) return null;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(compact, 'base64'));
  } catch {
    return null;
  }
  return NOT_TEXT.test(text) ? null : text;
}

/** Whether an xml2js element has child elements (not just attributes and text). */
function hasChildElements(element: unknown): boolean {
  if (!isNode(element)) return false;
  for (const key in element) if (key !== '$' && key !== '_') return true;
  return false;
}
