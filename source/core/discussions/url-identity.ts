/**
 * When two URLs name the same article, for finding where it was discussed.
 *
 * The identity ignores what does not change the page: the scheme (the same article is submitted as
 * http and https), the host's case, a default port, the fragment, one trailing slash, and the tracking
 * parameters that sharing adds (`utm_*` and the click ids below). Every other query parameter is kept,
 * in its order and encoding: `?id=3` and `?page=2` are different articles on many sites. `www.` is
 * kept: a host with and without it may be two different sites.
 *
 * The search services answer near misses (Algolia is typo tolerant) and merge variants on their side in
 * their own ways, so every hit is checked against this identity before it is shown.
 */
import { safeUrl } from '../sanitize.js';

/** Click ids that ad and mail platforms append to shared links. */
const CLICK_IDS = new Set(['fbclid', 'gclid', 'dclid', 'msclkid', 'mc_cid', 'mc_eid', 'igshid']);

/** Names that stand for no real site (RFC 2606, RFC 6761) and local ones. */
const RESERVED_NAME = /(?:^|\.)(?:invalid|test|example|localhost|local|internal|example\.(?:com|net|org))$/i;
/** IPv4 loopback, private, link-local and unspecified addresses. */
const PRIVATE_V4 = /^(?:127|10|0)\.|^169\.254\.|^192\.168\.|^172\.(?:1[6-9]|2\d|3[01])\./;

/**
 * A host nobody can have submitted to a public aggregator, and whose URLs must not leave this machine:
 * reserved names (the demo's `.invalid`), single-label intranet names, private and loopback addresses.
 */
export function isUnsubmittableHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (RESERVED_NAME.test(host)) return true;
  if (host.includes(':')) return host === '::1' || host === '::' || /^f[cd]|^fe[89ab]/.test(host);
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) return PRIVATE_V4.test(host);
  return !host.includes('.');
}

export function isTrackingParameter(name: string): boolean {
  const key = name.toLowerCase();
  return key.startsWith('utm_') || CLICK_IDS.has(key);
}

function parameterName(pair: string): string {
  const raw = pair.split('=', 1)[0] ?? '';
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

/** A query string (without '?') without its tracking parameters; the rest as given, in order. */
function keptQuery(query: string): string {
  if (query === '') return '';
  return query
    .split('&')
    .filter((pair) => pair !== '' && !isTrackingParameter(parameterName(pair)))
    .join('&');
}

function parseHttp(input: string): URL | null {
  const href = safeUrl(input);
  if (!href) return null;
  try {
    return new URL(href);
  } catch {
    return null;
  }
}

/** The URL without fragment and tracking parameters (scheme and path as given), or null if not http(s). */
export function cleanUrl(input: string): string | null {
  const url = parseHttp(input);
  if (!url) return null;
  url.hash = '';
  const query = keptQuery(url.search.slice(1));
  url.search = query ? `?${query}` : '';
  return url.href;
}

/** The identity of an http(s) URL (see the module comment), or null for anything else. */
export function urlIdentity(input: string): string | null {
  const url = parseHttp(input);
  if (!url) return null;
  const path = url.pathname.endsWith('/') ? url.pathname.slice(0, -1) : url.pathname;
  const query = keptQuery(url.search.slice(1));
  // `host` carries the port only when it is not the scheme's default.
  return `${url.host}${path}${query ? `?${query}` : ''}`;
}

export function sameArticle(a: string, b: string): boolean {
  const ia = urlIdentity(a);
  return ia !== null && ia === urlIdentity(b);
}

/** A URL to ask the services about, with the identity its hits must have. */
export interface LookupUrl {
  url: string;
  identity: string;
}

/**
 * The URLs to ask about for an article: its link and, when the feed gave one, its original link
 * (`feedburner:origLink`: the link is often a feed-proxy redirect), and once its page has been read,
 * the address the page gives itself (page-address.ts), each cleaned of tracking parameters, one per
 * identity. Hosts that cannot have been submitted are left out (isUnsubmittableHost).
 */
export function lookupUrls(article: { link?: string; origLink?: string; pageAddress?: string }): LookupUrl[] {
  const out: LookupUrl[] = [];
  for (const candidate of [article.origLink, article.link, article.pageAddress]) {
    if (!candidate) continue;
    const url = cleanUrl(candidate);
    const identity = url ? urlIdentity(url) : null;
    if (!url || !identity || out.some((o) => o.identity === identity)) continue;
    if (isUnsubmittableHost(new URL(url).hostname)) continue;
    out.push({ url, identity });
  }
  return out;
}
