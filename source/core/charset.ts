/**
 * Feed bytes -> text.
 *
 * rss-parser's `parseURL` reads every body as UTF-8, so a windows-1251 or gb2312 feed comes out as U+FFFD
 * soup (README, Design: "rss-parser's quirks"). We decode here with the WHATWG `TextDecoder` (Node 20 ships full
 * ICU, so the legacy CJK, Cyrillic, Hebrew and Thai encodings are all available) and hand `parseString` a
 * string.
 *
 * Which encoding, strongest evidence first:
 *   1. A byte order mark. It is a fact about the bytes, not a claim about them, so it beats every label:
 *      a body that starts FF FE is UTF-16LE whatever the Content-Type says (an Apache default of
 *      `charset=utf-8` in front of a UTF-16 file is the usual way this conflict happens). This is also what
 *      the WHATWG "decode" algorithm does.
 *   2. The UTF-16 byte pattern without a BOM (ASCII markup with a NUL in every other byte). NUL is not a
 *      legal XML character, so no 8-bit label can be right about such bytes; it also means the XML
 *      declaration cannot be read as ASCII and must not be trusted.
 *   3. The HTTP `charset` parameter (RFC 7303: it overrides the document).
 *   4. The XML declaration's `encoding="…"`, read as latin1 from the first 1 KiB.
 *   5. UTF-8, the XML default.
 * A label that claims UTF-16 for bytes that show no UTF-16 pattern is a lie (the bytes are ASCII-shaped)
 * and is skipped, as the HTML spec does for `<meta charset=utf-16>`. An unknown label is skipped too
 * (falls through to the next source, finally UTF-8). So is WHATWG's "replacement" encoding, which would
 * turn the whole document into a single U+FFFD.
 *
 * Two repairs for common server faults, both only ever triggered by bytes that prove the label wrong:
 *   - Bytes treated as UTF-8 that are not valid UTF-8 (typically a latin-1 feed labelled utf-8, or a UTF-8
 *     feed with latin-1 comments pasted in): every byte that is not part of a valid UTF-8 sequence is
 *     decoded as windows-1252 (the superset of latin-1 that every browser uses for it), valid sequences stay
 *     UTF-8. For a document that is wholly latin-1 this is exactly "fall back to windows-1252"; for a mixed
 *     document it keeps the UTF-8 parts right instead of turning them into mojibake. windows-1252 maps
 *     every byte, so this never produces U+FFFD.
 *   - A western single-byte label (iso-8859-1, us-ascii, windows-1252, iso-8859-15) on bytes that are
 *     valid UTF-8 and contain multi-byte sequences: the bytes are UTF-8 (Apache's `AddDefaultCharset
 *     ISO-8859-1` and hard-coded `encoding="ISO-8859-1"` templates in front of UTF-8 content). Real latin-1
 *     text is almost never valid UTF-8: an accented letter would have to be followed by exactly the right
 *     number of bytes in 0x80–0xBF every single time.
 *
 * Not done: guessing an undeclared legacy encoding from byte statistics (what feedparser uses chardet
 * for). Undeclared non-UTF-8 bytes come out as windows-1252 — readable for western feeds, mojibake
 * (but no U+FFFD) for CJK/Cyrillic ones.
 */

export type EncodingSource = 'bom' | 'utf16-pattern' | 'header' | 'declaration' | 'default';

export interface DetectedEncoding {
  /** WHATWG encoding name as reported by `TextDecoder.encoding`, e.g. 'utf-8', 'windows-1251', 'gbk'. */
  encoding: string;
  source: EncodingSource;
  /** Bytes of BOM to skip before decoding. */
  bomLength: number;
}

/** Western single-byte encodings whose label we overrule when the bytes are demonstrably UTF-8. */
const WESTERN_SINGLE_BYTE = new Set(['windows-1252', 'iso-8859-15']);

/** The `charset` parameter of a Content-Type header, unquoted, or null. */
export function charsetFromContentType(header: string | null | undefined): string | null {
  if (!header) return null;
  const match = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i.exec(header);
  const value = (match?.[1] ?? match?.[2] ?? '').trim();
  return value === '' ? null : value;
}

/**
 * Map a charset label to a WHATWG encoding name, or null when TextDecoder does not know it.
 * Besides the WHATWG labels, accepts the common misspellings `win-1251`, `cp-1252`, `latin-1`,
 * `iso8859_1`, `shift-jis`, `euc_jp`.
 */
export function resolveCharsetLabel(label: string): string | null {
  const base = label.trim().toLowerCase();
  if (base === '') return null;
  const candidates = [base, base.replace(/_/g, '-'), base.replace(/-/g, '_')];
  const windows = /^(?:win|windows|cp|ms)[-_]?(\d{3,4})$/.exec(base);
  if (windows) candidates.push(`windows-${windows[1]}`);
  const iso = /^iso[-_]?8859[-_]?(\d{1,2})$/.exec(base);
  if (iso) candidates.push(`iso-8859-${iso[1]}`);
  if (/^latin[-_]1$/.test(base)) candidates.push('latin1');
  for (const candidate of candidates) {
    try {
      const encoding = new TextDecoder(candidate).encoding;
      // "replacement" (iso-2022-kr, hz-gb-2312, …) decodes any input to one U+FFFD: useless for a feed.
      if (encoding !== 'replacement') return encoding;
    } catch {
      // RangeError: unknown label; try the next spelling.
    }
  }
  return null;
}

function bomEncoding(bytes: Uint8Array): { encoding: string; bomLength: number } | null {
  const [b0, b1, b2] = bytes;
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return { encoding: 'utf-8', bomLength: 3 };
  if (b0 === 0xff && b1 === 0xfe) return { encoding: 'utf-16le', bomLength: 2 };
  if (b0 === 0xfe && b1 === 0xff) return { encoding: 'utf-16be', bomLength: 2 };
  return null;
}

/**
 * UTF-16 without a BOM: XML markup is ASCII, so in UTF-16LE every odd byte of the prefix is mostly NUL
 * (BE: every even byte). NUL cannot occur in any 8-bit XML document, so a handful is conclusive.
 */
function utf16Pattern(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const n = Math.min(bytes.length, 512) & ~1;
  if (n < 4) return null;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenNul++;
    if (bytes[i + 1] === 0) oddNul++;
  }
  const pairs = n / 2;
  if (oddNul * 4 >= pairs && evenNul * 4 < oddNul) return 'utf-16le';
  if (evenNul * 4 >= pairs && oddNul * 4 < evenNul) return 'utf-16be';
  return null;
}

/** `encoding="…"` from an XML declaration at the start of the (ASCII-compatible) bytes. */
export function declaredEncoding(bytes: Uint8Array): string | null {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 1024)).toString('latin1');
  const match = /^\s*<\?xml\s[^>]*?\bencoding\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(head);
  const value = (match?.[1] ?? match?.[2] ?? '').trim();
  return value === '' ? null : value;
}

/** Which encoding the bytes are in, and why. See the module comment for the order. */
export function detectFeedEncoding(bytes: Uint8Array, contentTypeHeader: string | null): DetectedEncoding {
  const bom = bomEncoding(bytes);
  if (bom) return { ...bom, source: 'bom' };
  const utf16 = utf16Pattern(bytes);
  if (utf16) return { encoding: utf16, source: 'utf16-pattern', bomLength: 0 };

  const labels: Array<[EncodingSource, string | null]> = [
    ['header', charsetFromContentType(contentTypeHeader)],
    ['declaration', declaredEncoding(bytes)],
  ];
  for (const [source, label] of labels) {
    if (label === null) continue;
    const encoding = resolveCharsetLabel(label);
    // No UTF-16 evidence in the bytes (checked above), so a UTF-16 label is wrong: skip it.
    if (encoding === null || encoding.startsWith('utf-16')) continue;
    return { encoding, source, bomLength: 0 };
  }
  return { encoding: 'utf-8', source: 'default', bomLength: 0 };
}

const utf8Fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8Loose = new TextDecoder('utf-8', { ignoreBOM: true });
/**
 * WHATWG windows-1252 for 0x80–0x9F (every other byte maps to the same code point, as in latin-1; the five
 * unassigned bytes 0x81, 0x8D, 0x8F, 0x90, 0x9D map to C1 controls, never to U+FFFD).
 *
 * We cannot use `new TextDecoder('windows-1252')` (which every latin-1/us-ascii label also resolves to):
 * since Node 20.18.3 its latin-1 "fast path" mis-decodes this range — observed on Node 20.20.2, a
 * one-shot decode of [0x41, 0x80, 0x93] returns "A", dropping the bytes (nodejs/node#60888, #56542).
 */
const CP1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

/** windows-1252 decoding of each byte value 0x00–0xFF. */
const CP1252 = Array.from({ length: 256 }, (_, i) => (i >= 0x80 && i <= 0x9f ? CP1252_HIGH.charAt(i - 0x80) : String.fromCharCode(i))).join('');

/** windows-1252 without TextDecoder (see CP1252_HIGH): latin-1 via Buffer, then the 0x80–0x9F fix-up. */
export function decodeWindows1252(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    .toString('latin1')
    .replace(/[\x80-\x9f]/g, (c) => CP1252.charAt(c.charCodeAt(0)));
}

/** Decode with a WHATWG encoding name (non-fatal: invalid sequences become U+FFFD). */
function decodeAs(encoding: string, bytes: Uint8Array): string {
  if (encoding === 'windows-1252') return decodeWindows1252(bytes);
  return new TextDecoder(encoding, { ignoreBOM: true }).decode(bytes);
}

/** Length of the valid UTF-8 sequence starting at i (WHATWG rules: no overlongs, surrogates, > U+10FFFF), or 0. */
function utf8SequenceLength(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i]!;
  const cont = (k: number, lo = 0x80, hi = 0xbf): boolean => {
    const b = bytes[i + k];
    return b !== undefined && b >= lo && b <= hi;
  };
  if (b0 < 0x80) return 1;
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0;
  if (b0 === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if (b0 === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (b0 >= 0xe1 && b0 <= 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (b0 === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (b0 >= 0xf1 && b0 <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (b0 === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

/** UTF-8 where valid, windows-1252 for each byte that is not part of a valid UTF-8 sequence. */
function decodeUtf8WithCp1252Fallback(bytes: Uint8Array): string {
  try {
    return utf8Fatal.decode(bytes);
  } catch {
    // Not valid UTF-8: repair byte by byte (only on this slow path).
  }
  const parts: string[] = [];
  let runStart = 0;
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    const length = utf8SequenceLength(bytes, i);
    if (length > 0) {
      i += length;
      continue;
    }
    if (runStart < i) parts.push(utf8Loose.decode(bytes.subarray(runStart, i)));
    parts.push(CP1252.charAt(b));
    i++;
    runStart = i;
  }
  if (runStart < bytes.length) parts.push(utf8Loose.decode(bytes.subarray(runStart)));
  return parts.join('');
}

function hasHighByte(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! >= 0x80) return true;
  return false;
}

/**
 * Decode a feed body to a string ready for an XML parser: the right charset (see the module comment),
 * no leading BOM, and no whitespace before `<?xml` (a blank line before the declaration is a common fault
 * that makes strict parsers reject the whole feed).
 */
export function decodeFeedBytes(bytes: Uint8Array, contentTypeHeader: string | null): string {
  const detected = detectFeedEncoding(bytes, contentTypeHeader);
  const body = bytes.subarray(detected.bomLength);
  let text: string;
  if (detected.encoding === 'utf-8') {
    text = decodeUtf8WithCp1252Fallback(body);
  } else {
    text = (WESTERN_SINGLE_BYTE.has(detected.encoding) ? decodeIfNonAsciiUtf8(body) : null) ?? decodeAs(detected.encoding, body);
  }
  // Any U+FEFF left at the start (a doubled BOM), then whitespace (JS \s includes U+FEFF) before the
  // declaration: both make strict parsers fail on the first character. Whitespace before a root element
  // without a declaration is legal XML and is left alone.
  return text.replace(/^\uFEFF+/, '').replace(/^\s+(?=<\?xml[\s?])/, '');
}

/** The UTF-8 decoding of bytes that are valid UTF-8 and not plain ASCII, else null. */
function decodeIfNonAsciiUtf8(bytes: Uint8Array): string | null {
  if (!hasHighByte(bytes)) return null;
  try {
    return utf8Fatal.decode(bytes);
  } catch {
    return null;
  }
}
