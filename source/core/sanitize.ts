/**
 * The one place untrusted text is cleaned for a terminal.
 *
 * Feed and comment text is hostile: raw ESC bytes, or `&#27;` that an entity decoder turns into ESC, can
 * retitle the pane (OSC 0), write the clipboard (OSC 52), plant hyperlinks (OSC 8) or clear the screen, and
 * Ink counts escape bytes as visible width (ink#362). Rules (README, Design: "The terminal is hostile territory"),
 * applied after HTML-entity decoding, in this order:
 *   1. C1 controls U+0080–U+009F go first. Node's `util.stripVTControlCharacters` treats U+009B as a CSI
 *      introducer and swallows the text after it (gemini-cli#22616), so it is not used here.
 *   2. ESC-introduced sequences: CSI, OSC, DCS/SOS/PM/APC strings, and short ESC sequences.
 *   3. Every remaining C0 control except tab and newline (CR and CRLF become a newline), and DEL.
 *   4. Bidi overrides/isolates/marks (Trojan Source), and in single-line fields zero-width characters.
 *
 * Every function is cheap on clean input: one regex test decides whether any work is needed at all,
 * because this runs on every string of every item of every refresh.
 */

/** Anything sanitizeText would change: C0 except \t \n (so \r counts), DEL, C1, bidi controls. */
const SUSPICIOUS = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

const C1 = /[\x80-\x9f]/g;

/**
 * ESC-introduced sequences (ECMA-48), after C1 removal so that only 7-bit introducers remain:
 * - CSI: ESC [ parameter bytes (0x30–0x3F)* intermediate bytes (0x20–0x2F)* final byte (0x40–0x7E).
 * - OSC: ESC ] ... up to BEL or ST (ESC \). Control strings DCS (ESC P), SOS (ESC X), PM (ESC ^) and
 *   APC (ESC _) likewise up to ST (BEL accepted too). A string that meets another ESC ends there (as in
 *   xterm, the ESC cancels it and starts a new sequence, matched next); an unterminated string at the end
 *   of the text is removed to the end, since a terminal would have swallowed all of it anyway.
 * - Any other ESC: intermediate bytes (0x20–0x2F)* and one final byte (0x30–0x7E), e.g. ESC c, ESC ( B.
 * A truncated sequence still loses its ESC here or in the C0 pass below, so nothing can re-arm.
 */
const ESC_SEQUENCE = /\x1b(?:\[[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?|[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?|[\x20-\x2f]*[\x30-\x7e]?)/g;

const CR = /\r\n?/g;

/** C0 except \t and \n (CR is already gone), DEL, and bidi controls: removed in one pass. */
const C0_DEL_BIDI = /[\x00-\x08\x0b-\x1f\x7f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Zero-width characters, removed from single-line fields only. */
const ZERO_WIDTH = /[\u200b-\u200d\u2060\ufeff]/g;
const HAS_ZERO_WIDTH = /[\u200b-\u200d\u2060\ufeff]/;

/** Whitespace that sanitizeLine must collapse: a non-space whitespace char, or two in a row. */
const NEEDS_COLLAPSE = /[^\S ]|\s\s/;
const WHITESPACE_RUN = /\s+/g;

/**
 * Clean multi-line text (bodies, comments) for the terminal. Keeps \n and \t; turns \r\n and \r into \n;
 * removes C1, ESC sequences, other C0, DEL and bidi controls.
 */
export function sanitizeText(s: string): string {
  if (!SUSPICIOUS.test(s)) return s;
  let out = s.replace(C1, '');
  if (out.includes('\x1b')) out = out.replace(ESC_SEQUENCE, '');
  if (out.includes('\r')) out = out.replace(CR, '\n');
  return out.replace(C0_DEL_BIDI, '');
}

/**
 * Clean a single-line field (title, author, feed name): sanitizeText, then zero-width characters removed,
 * every whitespace run (newlines, tabs, NBSP, other Unicode spaces) collapsed to one space, trimmed.
 */
export function sanitizeLine(s: string): string {
  let out = sanitizeText(s);
  if (HAS_ZERO_WIDTH.test(out)) out = out.replace(ZERO_WIDTH, '');
  if (NEEDS_COLLAPSE.test(out)) out = out.replace(WHITESPACE_RUN, ' ');
  return out.trim();
}

/** Characters never part of a URL we hand on: controls, bidi, zero-width, and all whitespace. */
const URL_JUNK = /[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/**
 * Resolve `s` against `base` (when given) and return the absolute URL, only if its scheme is http: or
 * https:; otherwise ''. Control, bidi and zero-width characters are stripped anywhere, surrounding
 * whitespace is trimmed, and inner spaces are left to the URL serializer (which percent-encodes them),
 * so the result is printable ASCII (non-ASCII hosts come back as punycode).
 */
export function safeUrl(s: string, base?: string): string {
  if (typeof s !== 'string') return '';
  // trim(), not /^\s+|\s+$/: that regex is quadratic on a long run of inner spaces (a hostile href froze rendering).
  const cleaned = s.replace(URL_JUNK, '').trim();
  if (cleaned === '') return '';
  let url: URL;
  try {
    url = new URL(cleaned, base);
  } catch {
    // An unusable base must not spoil an absolute URL.
    try {
      url = new URL(cleaned);
    } catch {
      return '';
    }
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return '';
  return url.href;
}
