/**
 * Fetching an article's web page with the feeds' own fetcher (http.ts): the same redirects (at most
 * five, http(s) only, so a redirect to file: or javascript: is refused), timeout, User-Agent and
 * streaming size cap, with a page's limits on top: only http(s) to begin with (a feed may be a local
 * file, a page may not), only HTML answers, and a smaller cap (settings `fetch.pageMaxBytes`).
 */
import { fetchBytes, FetchError, type FetchResult } from '../http.js';
import { looksLikeHtml } from '../discover.js';
import { sanitizeLine } from '../sanitize.js';
import type { Settings } from '../settings.js';
import type { BasicCredentials } from '../http.js';

/** What a browser sends for a page, minus the image types: we never want the image itself. */
export const PAGE_ACCEPT = 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.1';

/** A page's cap when the settings name none: article pages are rarely over 1 MiB, ads included. */
export const DEFAULT_PAGE_MAX_BYTES = 5 * 1024 * 1024;

const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);

export type PageLimits = Pick<Settings['fetch'], 'timeoutSeconds'> & { pageMaxBytes?: number; maxBytes?: number };

/** The media type of a Content-Type header, lower case, reduced to the characters a type may have. */
function mediaType(contentType: string): string {
  return (contentType.split(';')[0] ?? '')
    .trim()
    .toLowerCase()
    .replace(/[^\w.+/-]/g, '')
    .slice(0, 40);
}

/** Refuse anything but HTML before its body is read; no Content-Type at all is sniffed after. */
export function refuseNonHtml(contentType: string | null): string | null {
  if (contentType === null || contentType.trim() === '') return null;
  const type = mediaType(contentType);
  return HTML_TYPES.has(type) ? null : `not a web page (${type || 'unknown type'})`;
}

/** An http(s) URL as the fetcher should see it; anything else is refused here, before any request. */
export function pageUrl(input: string): URL {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new FetchError('unsupported-url', 'not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new FetchError('unsupported-url', `only http(s) pages can be read, not "${sanitizeLine(url.protocol).slice(0, 20)}"`);
  }
  return url;
}

export interface PageFetchOptions {
  etag?: string | null;
  lastModified?: string | null;
  signal?: AbortSignal;
  /** A login for the page's origin (its feed's: FeedLogins.credentialsForPage). */
  credentials?: BasicCredentials;
}

/** GET a page (conditionally, given validators). Throws FetchError with a one-line reason. */
export async function fetchPage(input: string, limits: PageLimits, options: PageFetchOptions = {}): Promise<FetchResult> {
  const url = pageUrl(input);
  const maxBytes = limits.pageMaxBytes ?? Math.min(limits.maxBytes ?? DEFAULT_PAGE_MAX_BYTES, DEFAULT_PAGE_MAX_BYTES);
  const result = await fetchBytes(url.href, {
    timeoutMs: limits.timeoutSeconds * 1000,
    maxBytes,
    accept: PAGE_ACCEPT,
    refuseContentType: refuseNonHtml,
    ...(options.etag ? { etag: options.etag } : {}),
    ...(options.lastModified ? { lastModified: options.lastModified } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  });
  if (result.status === 'ok' && result.contentType === null) {
    // No Content-Type: read it as a browser would only if it starts like a page.
    const head = Buffer.from(result.bytes.buffer, result.bytes.byteOffset, Math.min(result.bytes.length, 4096)).toString('latin1');
    if (!looksLikeHtml(head) && !/^\s*(?:<!--[\s\S]*?-->\s*)*<(?:head|body|meta|title)[\s>]/i.test(head)) {
      throw new FetchError('unsupported-content', 'not a web page (no Content-Type, and the body is not HTML)');
    }
  }
  return result;
}
