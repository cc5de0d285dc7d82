/**
 * What sax 1.6 in strict mode (the reader under rss-parser's xml2js) accepts, as cheap checks on spans
 * of the text: tag syntax, names, and character and entity references. fast-tree.ts uses them to keep a
 * document on its fast path only when sax would read every token of it the same way; anything these
 * checks do not accept goes to the strict parse, which decides.
 *
 * The checks are narrower than sax, never wider: sax also accepts HTML 4 entities (`&nbsp;`), entity
 * names in any case (`&AMP;`), `&#X41;`, `< a>` and `</ a>`; all of those fall back.
 */

/**
 * sax's NameStartChar and NameChar classes, copied from sax.js. sax reads one UTF-16 code unit at a
 * time, so a name holding an astral character is an error there, and these classes (without the `u`
 * flag) say the same.
 */
const NAME_START =
  ':_A-Za-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C-\\u200D' +
  '\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD';
const NAME_BODY = `${NAME_START}\\u00B7\\u0300-\\u036F\\u203F-\\u2040.0-9-`;
const NAME = `[${NAME_START}][${NAME_BODY}]*`;
/** sax's whitespace: not form feed, not Unicode spaces (the tokenizer also splits on form feed). */
const WS = '[ \\t\\r\\n]';

/**
 * An open tag exactly as sax's strict grammar reads one: a name; attributes each preceded by
 * whitespace, with a quoted value (`=` may have whitespace around it); optional whitespace; `>` or `/>`
 * (no whitespace between `/` and `>`). Sticky: tested at the tag's `<` in the whole text.
 */
const OPEN_TAG = new RegExp(`<${NAME}(?:${WS}+${NAME}${WS}*=${WS}*(?:"[^"]*"|'[^']*'))*${WS}*/?>`, 'y');
/** A close tag as sax reads one: no whitespace after `</`, only whitespace after the name. */
const CLOSE_TAG = new RegExp(`</${NAME}${WS}*>`, 'y');
const SAX_WHITESPACE_ONLY = /^[ \t\r\n]*$/;

/** Whether the open tag whose `<` is at `start` ends, as sax reads it, with the `>` at `gt`. */
export function isSaxOpenTag(text: string, start: number, gt: number): boolean {
  OPEN_TAG.lastIndex = start;
  return OPEN_TAG.test(text) && OPEN_TAG.lastIndex === gt + 1;
}

/** Where the close tag starting at `start` (`</`) ends (the index after its `>`), or -1. */
export function saxCloseTagEnd(text: string, start: number): number {
  CLOSE_TAG.lastIndex = start;
  return CLOSE_TAG.test(text) ? CLOSE_TAG.lastIndex : -1;
}

/** Text sax allows outside the document element (before it, it is "Non-whitespace before first tag"). */
export function isSaxWhitespace(s: string): boolean {
  return SAX_WHITESPACE_ONLY.test(s);
}

/**
 * Text or an attribute value with its references replaced as sax replaces them, or null when it holds
 * an `&` this module does not decode exactly as sax (sax fails on most of those; see the header).
 */
export function decodeReferences(s: string): string | null {
  let amp = s.indexOf('&');
  if (amp < 0) return s;
  let out = '';
  let from = 0;
  while (amp >= 0) {
    const semicolon = s.indexOf(';', amp + 1);
    if (semicolon < 0) return null;
    const char = referenceValue(s.slice(amp + 1, semicolon));
    if (char === null) return null;
    out += s.slice(from, amp) + char;
    from = semicolon + 1;
    amp = s.indexOf('&', from);
  }
  return out + s.slice(from);
}

/** The five XML entities (exact case), `#233`, `#xE9`: what sax's parseEntity makes of them. */
function referenceValue(name: string): string | null {
  switch (name) {
    case 'amp':
      return '&';
    case 'lt':
      return '<';
    case 'gt':
      return '>';
    case 'quot':
      return '"';
    case 'apos':
      return "'";
  }
  if (name.charCodeAt(0) !== 0x23 /* # */) return null;
  const hex = name.charCodeAt(1) === 0x78; /* x */
  const digits = name.slice(hex ? 2 : 1);
  if (!(hex ? /^[0-9a-fA-F]+$/ : /^[0-9]+$/).test(digits)) return null;
  const codePoint = Number.parseInt(digits, hex ? 16 : 10);
  // sax rejects a reference whose digits (leading zeros aside) are not the number's own spelling:
  // this also catches numbers too long to parse exactly.
  if (codePoint.toString(hex ? 16 : 10) !== digits.replace(/^0+/, '').toLowerCase()) return null;
  return isXmlChar(codePoint) ? String.fromCodePoint(codePoint) : null;
}

/** XML 1.0's Char production: sax (and parse/repair.ts) reject references to anything else (`&#27;`). */
export function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}
