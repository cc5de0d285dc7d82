/**
 * A Bluesky post's plain text and facets -> HTML for the article renderer, where links become numbered
 * footnotes. Facets name UTF-8 BYTE ranges (`index {byteStart, byteEnd}`), not string indexes, so the
 * text is sliced as bytes. Facets are untrusted: a range out of bounds, reversed, overlapping an earlier
 * one or cutting a character in two is ignored (its text stays plain); only http(s) links are kept.
 * Every piece of text is sanitized after slicing (sanitizing first would shift the offsets).
 */
import { safeUrl, sanitizeText } from '../sanitize.js';
import { isObject, num, str } from './net.js';

interface Span {
  start: number;
  end: number;
  href: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Text (already a slice of the post) as HTML: sanitized, escaped, newlines as <br>. */
const textHtml = (s: string): string => escapeHtml(sanitizeText(s)).replace(/\n/g, '<br>');

/** A byte offset that starts a character (or is the end). */
const onBoundary = (bytes: Uint8Array, i: number): boolean => i === bytes.length || (bytes[i]! & 0xc0) !== 0x80;

function hrefOf(feature: Record<string, unknown>, web: string): string {
  const type = str(feature.$type);
  if (type === 'app.bsky.richtext.facet#link') return safeUrl(str(feature.uri));
  if (type === 'app.bsky.richtext.facet#mention') {
    const did = str(feature.did);
    return /^did:[a-z]+:[A-Za-z0-9._:%-]+$/.test(did) ? safeUrl(`${web}/profile/${did}`) : '';
  }
  if (type === 'app.bsky.richtext.facet#tag') {
    const tag = str(feature.tag);
    return tag ? safeUrl(`${web}/hashtag/${encodeURIComponent(tag)}`) : '';
  }
  return '';
}

function spansOf(bytes: Uint8Array, facets: unknown, web: string): Span[] {
  if (!Array.isArray(facets)) return [];
  const spans: Span[] = [];
  for (const f of facets.slice(0, 1000)) {
    if (!isObject(f) || !isObject(f.index) || !Array.isArray(f.features)) continue;
    const start = num(f.index.byteStart);
    const end = num(f.index.byteEnd);
    if (start === null || end === null || !Number.isInteger(start) || !Number.isInteger(end)) continue;
    if (start < 0 || end > bytes.length || start >= end || !onBoundary(bytes, start) || !onBoundary(bytes, end)) continue;
    const feature = f.features.find((x) => isObject(x) && hrefOf(x, web) !== '') as Record<string, unknown> | undefined;
    if (!feature) continue;
    spans.push({ start, end, href: hrefOf(feature, web) });
  }
  spans.sort((a, b) => a.start - b.start || a.end - b.end);
  const kept: Span[] = [];
  for (const s of spans) if (kept.length === 0 || s.start >= kept[kept.length - 1]!.end) kept.push(s);
  return kept;
}

export function facetsToHtml(text: string, facets: unknown, web: string): string {
  if (text === '') return '';
  const bytes = encoder.encode(text);
  const spans = spansOf(bytes, facets, web);
  if (spans.length === 0) return `<p>${textHtml(text)}</p>`;
  let html = '';
  let at = 0;
  for (const s of spans) {
    html += textHtml(decoder.decode(bytes.subarray(at, s.start)));
    html += `<a href="${escapeHtml(s.href)}">${textHtml(decoder.decode(bytes.subarray(s.start, s.end)))}</a>`;
    at = s.end;
  }
  html += textHtml(decoder.decode(bytes.subarray(at)));
  return `<p>${html}</p>`;
}
