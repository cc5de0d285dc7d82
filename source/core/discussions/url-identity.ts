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

/** Hosts that can never have been submitted anywhere (RFC 2606 and RFC 6761 names, and local ones). */
const UNSUBMITTABLE_HOST = /(?:^|\.)(?:invalid|test|example|localhost|local)$/i;

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
 * (`feedburner:origLink`: the link is often a feed-proxy redirect), each cleaned of tracking
 * parameters, one per identity. Hosts that cannot have been submitted (the demo's `.invalid`) are left out.
 */
export function lookupUrls(article: { link?: string; origLink?: string }): LookupUrl[] {
  const out: LookupUrl[] = [];
  for (const candidate of [article.origLink, article.link]) {
    if (!candidate) continue;
    const url = cleanUrl(candidate);
    const identity = url ? urlIdentity(url) : null;
    if (!url || !identity || out.some((o) => o.identity === identity)) continue;
    if (UNSUBMITTABLE_HOST.test(new URL(url).hostname)) continue;
    out.push({ url, identity });
  }
  return out;
}
