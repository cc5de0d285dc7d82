/**
 * The lookup cache: what each service answered about each URL identity, with the time it answered.
 * A row (`hackernews:blog.example.org/post`) holds the threads found, checked against the identity;
 * an empty list is "none found". A failed request writes nothing: it is never "none found".
 *
 * When to ask again (`isDue`): a thread list is news while the article is young, then hardly changes:
 * older than an hour while the article is under two days old, older than a day after that. "None
 * found" is asked again after 30 minutes (an article is often submitted in its first hours).
 */
import { sanitizeLine, safeUrl } from '../sanitize.js';
import { isObject } from '../comments/net.js';
import { DISCUSSION_SOURCES, type DiscussionRef, type DiscussionRefSource } from './types.js';

/** The part of store.ts this module uses (structural, so tests may pass a fake). */
export interface LookupStore {
  lookup(key: string): { fetchedAt: number; data: string } | undefined;
  saveLookup(key: string, data: string, fetchedAt: number): void;
}

export interface CachedLookup {
  fetchedAt: number;
  refs: DiscussionRef[];
}

export const RECHECK = {
  /** A found list, while the article is young. */
  youngMs: 60 * 60 * 1000,
  /** A found list, once the article is older than `youngArticleMs`. */
  oldMs: 24 * 60 * 60 * 1000,
  youngArticleMs: 2 * 24 * 60 * 60 * 1000,
  /** "None found". */
  noneMs: 30 * 60 * 1000,
} as const;

const VERSION = 1;

export const lookupKey = (service: string, identity: string) => `${service}:${identity}`;

const s = (v: unknown) => (typeof v === 'string' ? v : '');
const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function readRef(v: unknown): DiscussionRef | null {
  if (!isObject(v)) return null;
  const source = Object.keys(DISCUSSION_SOURCES).find((k) => k === v.source) as DiscussionRefSource | undefined;
  const url = safeUrl(s(v.url));
  if (!source || !url) return null;
  const published = s(v.published);
  return {
    source,
    url,
    // Sanitized when found; again here, because a cache file can be edited by hand.
    title: sanitizeLine(s(v.title)),
    where: sanitizeLine(s(v.where)),
    comments: n(v.comments),
    score: n(v.score),
    published: published && Number.isFinite(Date.parse(published)) ? published : null,
  };
}

/** The cached answer, or undefined: no store, no row, a row that does not read back, a failing store. */
export function readLookup(store: LookupStore | undefined, key: string): CachedLookup | undefined {
  if (!store) return undefined;
  try {
    const row = store.lookup(key);
    if (!row) return undefined;
    const raw: unknown = JSON.parse(row.data);
    if (!isObject(raw) || raw.v !== VERSION || !Array.isArray(raw.refs)) return undefined;
    return { fetchedAt: row.fetchedAt, refs: raw.refs.map(readRef).filter((r): r is DiscussionRef => r !== null) };
  } catch {
    return undefined;
  }
}

export function writeLookup(store: LookupStore | undefined, key: string, refs: readonly DiscussionRef[], fetchedAt: number): void {
  if (!store) return;
  try {
    store.saveLookup(key, JSON.stringify({ v: VERSION, refs }), fetchedAt);
  } catch {
    // A busy or read-only cache must not cost the reader the answer it just got.
  }
}

/**
 * Whether to ask again. `published` is the article's date; unknown, the oldest thread found stands in
 * for it (an article is submitted after it appears), and with neither the article counts as young.
 */
export function isDue(entry: CachedLookup | undefined, now: number, published: string | null = null): boolean {
  if (!entry) return true;
  const age = now - entry.fetchedAt;
  // Written "in the future": the clock was wrong then or is now; ask again.
  if (age < 0) return true;
  if (entry.refs.length === 0) return age >= RECHECK.noneMs;
  const dates = [published, ...entry.refs.map((r) => r.published)].map((d) => (d ? Date.parse(d) : Number.NaN)).filter(Number.isFinite);
  const born = published && Number.isFinite(Date.parse(published)) ? Date.parse(published) : dates.length ? Math.min(...dates) : now;
  return age >= (now - born < RECHECK.youngArticleMs ? RECHECK.youngMs : RECHECK.oldMs);
}
