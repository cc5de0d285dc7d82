/**
 * The discussion cache: one row per discussion in the store's `discussions` table, keyed
 * `hackernews:123`, `reddit:ID`, `lobsters:ID`, `feed:<comment feed URL>`, holding the discussion and
 * the validators (ETag, Last-Modified) of the request that fetched it, for a conditional GET.
 *
 * The data is JSON holding the comments FLAT (parent ids, in tree preorder), never the nested tree: V8's
 * JSON.stringify recurses and overflows on deep threads, and the tree is rebuilt iteratively on read.
 * A row that does not read back (an older version, a hand-edited file) is treated as no row at all.
 */
import { isObject } from './net.js';
import { buildThread, toFlat } from './thread.js';
import type { Discussion, DiscussionSource, FlatComment } from './types.js';

/** The part of store.ts this module uses (structural, so tests may pass a fake). */
export interface DiscussionStore {
  discussion(key: string): { source: string; fetchedAt: number; data: string } | undefined;
  saveDiscussion(key: string, source: string, data: string, fetchedAt?: number): void;
  articleByUrl?(url: string): { link: string; commentsUrl: string; commentFeedUrl: string; feedUrl: string; guid: string; html?: string } | undefined;
}

/** A cached discussion with the validators to revalidate it. */
export interface Cached {
  discussion: Discussion;
  etag: string | null;
  lastModified: string | null;
}

const CACHE_VERSION = 1;
const SOURCES: readonly DiscussionSource[] = ['feed', 'hackernews', 'reddit', 'lobsters', 'mastodon', 'bluesky', 'discourse', 'lemmy'];

/** A discussion as the cache stores it (also built in a parse worker: discussion-job.ts). */
export function serializeDiscussion(d: Discussion, etag: string | null, lastModified: string | null): string {
  return JSON.stringify({
    v: CACHE_VERSION,
    source: d.source,
    url: d.url,
    title: d.title,
    total: d.total,
    fetchedAt: d.fetchedAt,
    ...(d.opAuthor ? { opAuthor: d.opAuthor } : {}),
    ...(d.notice ? { notice: d.notice } : {}),
    etag,
    lastModified,
    comments: toFlat(d.comments),
  });
}

const s = (v: unknown): string => (typeof v === 'string' ? v : '');
const sOrNull = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const nOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function deserialize(row: { fetchedAt: number; data: string }): Cached | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(row.data);
  } catch {
    return undefined;
  }
  if (!isObject(raw) || raw.v !== CACHE_VERSION || !Array.isArray(raw.comments)) return undefined;
  const source = SOURCES.find((x) => x === raw.source);
  if (!source) return undefined;
  const flat: FlatComment[] = [];
  for (const c of raw.comments) {
    if (!isObject(c) || typeof c.id !== 'string') continue;
    flat.push({
      id: c.id,
      parentId: sOrNull(c.parentId),
      author: s(c.author),
      published: sOrNull(c.published),
      html: s(c.html),
      score: nOrNull(c.score),
      deleted: c.deleted === true,
      permalink: s(c.permalink),
      ...(c.isOp === true ? { isOp: true } : {}),
      ...(typeof c.more === 'number' ? { more: c.more } : {}),
      ...(Array.isArray(c.moreIds) ? { moreIds: c.moreIds.filter((x): x is string => typeof x === 'string') } : {}),
      ...(typeof c.warning === 'string' && c.warning ? { warning: c.warning } : {}),
      ...(typeof c.placeholder === 'string' && c.placeholder ? { placeholder: c.placeholder } : {}),
    });
  }
  const discussion: Discussion = {
    source,
    url: s(raw.url),
    title: s(raw.title),
    total: nOrNull(raw.total) ?? 0,
    comments: buildThread(flat, { order: 'source', pruneDeleted: false }),
    fetchedAt: nOrNull(raw.fetchedAt) ?? row.fetchedAt,
    ...(typeof raw.opAuthor === 'string' && raw.opAuthor ? { opAuthor: raw.opAuthor } : {}),
    ...(typeof raw.notice === 'string' && raw.notice ? { notice: raw.notice } : {}),
  };
  return { discussion, etag: sOrNull(raw.etag), lastModified: sOrNull(raw.lastModified) };
}

/** The cached copy under `key`, or undefined: no store, no row, a row that does not read back, or a failing store. */
export function readCache(store: DiscussionStore | undefined, key: string): Cached | undefined {
  if (!store) return undefined;
  try {
    const row = store.discussion(key);
    return row ? deserialize(row) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A cached discussion's title, size and age without reading its comments: a 3,000-comment copy is a
 * megabyte of JSON, and the list of an article's discussions needs only these. serializeDiscussion
 * writes `comments` last, and inside JSON strings a quote is escaped, so the first `,"comments":[` is
 * that key.
 */
export function cachedSummary(store: DiscussionStore | undefined, key: string): { title: string; total: number; fetchedAt: number } | undefined {
  if (!store) return undefined;
  try {
    const row = store.discussion(key);
    if (!row) return undefined;
    const end = row.data.indexOf(',"comments":[');
    const raw: unknown = JSON.parse(end > 0 ? `${row.data.slice(0, end)}}` : row.data);
    if (!isObject(raw) || raw.v !== CACHE_VERSION) return undefined;
    return { title: s(raw.title), total: nOrNull(raw.total) ?? 0, fetchedAt: nOrNull(raw.fetchedAt) ?? row.fetchedAt };
  } catch {
    return undefined;
  }
}

/** Save a discussion's serialized copy (serializeDiscussion); a failing store is ignored (see writeCache). */
export function writeCacheData(store: DiscussionStore | undefined, key: string, source: DiscussionSource, data: string, fetchedAt: number): void {
  if (!store) return;
  try {
    store.saveDiscussion(key, source, data, fetchedAt);
  } catch {
    // As below.
  }
}

/** Save a discussion with its validators; a failing store is ignored (see below). */
export function writeCache(store: DiscussionStore | undefined, key: string, d: Discussion, etag: string | null, lastModified: string | null): void {
  if (!store) return;
  try {
    store.saveDiscussion(key, d.source, serializeDiscussion(d, etag, lastModified), d.fetchedAt);
  } catch {
    // A busy or read-only cache must not cost the reader the discussion it just fetched.
  }
}
