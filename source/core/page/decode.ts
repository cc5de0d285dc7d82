/**
 * Web page bytes -> text. The feed decoder (charset.ts) does the decoding and its repairs; what a page
 * adds is where its label may be: the HTTP charset, else a `<meta charset>` (or the `http-equiv`
 * Content-Type form) near the start. A byte order mark still beats both, as in the HTML spec's
 * "decode" and in charset.ts: it is a fact about the bytes, not a claim about them.
 */
import { charsetFromContentType, decodeFeedBytes, resolveCharsetLabel } from '../charset.js';

/**
 * How far into the page a `<meta charset>` is looked for. The HTML spec's prescan stops at 1,024 bytes,
 * but browsers also honour a later one (they re-decode), and pages with long inline styles or
 * comments in their head put it past the first kilobyte.
 */
const META_SCAN_BYTES = 8192;

/** The charset a `<meta>` near the start of the page declares, or null. */
export function metaCharset(bytes: Uint8Array): string | null {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, META_SCAN_BYTES))
    .toString('latin1')
    .replace(/<!--[\s\S]*?-->/g, '');
  for (const tag of head.match(/<meta\s[^>]*>/gi) ?? []) {
    const direct = /\bcharset\s*=\s*["']?\s*([\w.:-]+)/i.exec(tag);
    if (direct && !/\bcontent\s*=/i.test(tag.slice(0, direct.index))) return direct[1]!;
    // <meta http-equiv="Content-Type" content="text/html; charset=...">
    if (/\bhttp-equiv\s*=\s*["']?content-type/i.test(tag)) {
      const content = /\bcontent\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i.exec(tag);
      const label = /charset\s*=\s*["']?([\w.:-]+)/i.exec(content?.[1] ?? content?.[2] ?? content?.[3] ?? '');
      if (label) return label[1]!;
    }
  }
  return null;
}

/** A label decodeFeedBytes will use: known, and not UTF-16 (which an ASCII-shaped label cannot be). */
function usable(label: string | null): string | null {
  if (label === null) return null;
  const encoding = resolveCharsetLabel(label);
  return encoding === null || encoding.startsWith('utf-16') ? null : encoding;
}

/** The page as text: BOM, then the HTTP charset, then `<meta charset>`, then UTF-8 (windows-1252 repair). */
export function decodeHtmlBytes(bytes: Uint8Array, contentType: string | null): string {
  const encoding = usable(charsetFromContentType(contentType)) ?? usable(metaCharset(bytes));
  return decodeFeedBytes(bytes, encoding === null ? null : `text/html; charset=${encoding}`);
}
