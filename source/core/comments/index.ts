/**
 * Discussions: resolve an article or URL to a source, fetch (or read the cache), thread, cache.
 *
 * Cache: one row per discussion in the store's `discussions` table, keyed `hackernews:123`, `reddit:ID`,
 * `lobsters:ID`, `feed:<comment feed URL>`. The data is JSON holding the comments FLAT (parent ids, in
 * tree preorder), never the nested tree: V8's JSON.stringify recurses and overflows on deep threads, and
 * the tree is rebuilt iteratively on read. A copy younger than `maxAgeMs` is returned without a request
 * (Lobsters allows 400 requests an hour: never poll). When a refresh fails and a copy exists, the copy
 * is returned with `stale: true` and the one-line `error`, so offline the cache is shown with its age.
 * Conditional GET: the validators of the first request are kept with the copy; a 304 renews it.
 */
import { decodeFeedBytes } from '../charset.js';
import { htmlToPlainText } from '../html.js';
import type { Settings } from '../settings.js';
import { DiscussionError } from './errors.js';
import { linkEntries, readCommentFeedPage, type CommentFeedPage } from './feed.js';
import { parseHackerNews } from './hackernews.js';
import { parseLobsters } from './lobsters.js';
import { FEED_ACCEPT, JSON_ACCEPT, get, isObject, parseJsonBody, type FetchContext } from './net.js';
import { parseReddit } from './reddit.js';
import {
  discussionFetchUrl,
  resolveDiscussion,
  resolveDiscussions,
  type DiscussionTarget,
  type ResolvedDiscussion,
  type ResolveOptions,
} from './resolve.js';
import { wrapWithIndent } from './text.js';
import { buildThread, countComments, flattenTree, toFlat } from './thread.js';
import type { Comment, Discussion, DiscussionSource, FlatComment } from './types.js';

export type { Comment, Discussion, DiscussionSource, FlatComment } from './types.js';
export { DiscussionError, type DiscussionErrorKind } from './errors.js';
export {
  discussionFetchUrl,
  matchThreadUrl,
  resolveDiscussion,
  resolveDiscussions,
  type ArticleTarget,
  type DiscussionTarget,
  type ResolvedDiscussion,
  type ResolveOptions,
} from './resolve.js';
export { buildThread, countComments, flattenTree, preorder, type FlatEntry } from './thread.js';

/** The part of store.ts this module uses (structural, so tests may pass a fake). */
export interface DiscussionStore {
  discussion(key: string): { source: string; fetchedAt: number; data: string } | undefined;
  saveDiscussion(key: string, source: string, data: string, fetchedAt?: number): void;
  articleByUrl?(url: string): { link: string; commentsUrl: string; commentFeedUrl: string; feedUrl: string; guid: string } | undefined;
}

export interface LoadOptions extends ResolveOptions {
  store?: DiscussionStore;
  settings: { sources: Settings['sources']; fetch: Pick<Settings['fetch'], 'timeoutSeconds' | 'maxBytes'> };
  /** A cached copy younger than this is returned without a request. Default 10 minutes; 0 always fetches. */
  maxAgeMs?: number;
  signal?: AbortSignal;
  /** Clock, for tests. */
  now?: () => number;
}

/** A discussion as loadDiscussion returns it. */
export interface LoadedDiscussion extends Discussion {
  /** True when this is the cached copy because the refresh failed; `error` says why. */
  stale?: boolean;
  error?: string;
  /** True when it came from the cache (fresh enough, 304, or stale). */
  fromCache?: boolean;
}

export const DEFAULT_MAX_AGE_MS = 10 * 60 * 1000;
/** Blogger pages comment feeds 25 at a time; this caps a runaway or looping `rel="next"` chain. */
export const MAX_FEED_PAGES = 10;

// ---------------------------------------------------------------------------------------------------------
// Resolution (with the cache's articles for bare URLs)

/**
 * The discussion for a target. A bare URL that is a cached article's link, comments URL or comment feed
 * is resolved as that article (so its local demo copies and its feed's post id are used).
 */
export function resolveTarget(target: DiscussionTarget, store: DiscussionStore | undefined, options: ResolveOptions = {}): ResolvedDiscussion | null {
  if (typeof target === 'string' && store?.articleByUrl) {
    let article: ReturnType<NonNullable<DiscussionStore['articleByUrl']>>;
    try {
      article = store.articleByUrl(target.trim());
    } catch {
      article = undefined;
    }
    if (article) {
      const candidates = resolveDiscussions(
        { link: article.link, commentsUrl: article.commentsUrl, commentFeedUrl: article.commentFeedUrl, feedUrl: article.feedUrl, guid: article.guid },
        options,
      );
      const asUrl = resolveDiscussion(target, options);
      return candidates.find((c) => c.key === asUrl?.key) ?? candidates[0] ?? null;
    }
  }
  return resolveDiscussion(target, options);
}

function targetLabel(target: DiscussionTarget): string {
  if (typeof target === 'string') return target.trim();
  return target.link || target.commentsUrl || target.commentFeedUrl || '';
}

// ---------------------------------------------------------------------------------------------------------
// Cache

interface Cached {
  discussion: Discussion;
  etag: string | null;
  lastModified: string | null;
}

const CACHE_VERSION = 1;
const SOURCES: readonly DiscussionSource[] = ['feed', 'hackernews', 'reddit', 'lobsters'];

function serialize(d: Discussion, etag: string | null, lastModified: string | null): string {
  return JSON.stringify({
    v: CACHE_VERSION,
    source: d.source,
    url: d.url,
    title: d.title,
    total: d.total,
    fetchedAt: d.fetchedAt,
    ...(d.opAuthor ? { opAuthor: d.opAuthor } : {}),
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
  };
  return { discussion, etag: sOrNull(raw.etag), lastModified: sOrNull(raw.lastModified) };
}

function readCache(store: DiscussionStore | undefined, key: string): Cached | undefined {
  if (!store) return undefined;
  try {
    const row = store.discussion(key);
    return row ? deserialize(row) : undefined;
  } catch {
    return undefined;
  }
}

function writeCache(store: DiscussionStore | undefined, key: string, d: Discussion, etag: string | null, lastModified: string | null): void {
  if (!store) return;
  try {
    store.saveDiscussion(key, d.source, serialize(d, etag, lastModified), d.fetchedAt);
  } catch {
    // A busy or read-only cache must not cost the reader the discussion it just fetched.
  }
}

/** The cached copy of a target's discussion (with its fetchedAt), to show at once while a refresh runs. */
export function cachedDiscussion(target: DiscussionTarget, store: DiscussionStore, options: ResolveOptions = {}): Discussion | undefined {
  const resolved = resolveTarget(target, store, options);
  return resolved ? readCache(store, resolved.key)?.discussion : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Loading

/**
 * Load the discussion of an article or URL: the cache when fresh, else fetch, thread and cache it; on a
 * failed fetch the cached copy marked stale. Throws DiscussionError (one line) when there is nothing to
 * show; a caller's abort rejects with the signal's reason.
 */
export async function loadDiscussion(target: DiscussionTarget, options: LoadOptions): Promise<LoadedDiscussion> {
  const resolved = resolveTarget(target, options.store, options);
  if (!resolved) {
    throw new DiscussionError('none', targetLabel(target), typeof target === 'string' ? 'not a comment feed or discussion URL' : 'no discussion found for this article');
  }
  const now = options.now ?? Date.now;
  const maxAge = options.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
  const cached = readCache(options.store, resolved.key);
  if (cached && maxAge > 0 && now() - cached.discussion.fetchedAt < maxAge) return { ...cached.discussion, fromCache: true };

  const ctx: FetchContext = {
    timeoutMs: options.settings.fetch.timeoutSeconds * 1000,
    maxBytes: options.settings.fetch.maxBytes,
    ...(options.signal ? { signal: options.signal } : {}),
  };
  try {
    const result = await fetchDiscussion(resolved, discussionFetchUrl(resolved, options.settings.sources), ctx, cached);
    if (result.kind === 'not-modified' && cached) {
      const renewed = { ...cached.discussion, fetchedAt: now() };
      writeCache(options.store, resolved.key, renewed, result.etag ?? cached.etag, result.lastModified ?? cached.lastModified);
      return { ...renewed, fromCache: true };
    }
    if (result.kind === 'not-modified') throw new DiscussionError('fetch', resolved.id, 'server answered 304 without a cached copy');
    const discussion: Discussion = { ...result.discussion, fetchedAt: now() };
    writeCache(options.store, resolved.key, discussion, result.etag, result.lastModified);
    return discussion;
  } catch (error) {
    if (options.signal?.aborted) throw error;
    const failure = error instanceof DiscussionError ? error : new DiscussionError('parse', resolved.id, error instanceof Error ? error.message : 'failed', { cause: error });
    if (cached) return { ...cached.discussion, fromCache: true, stale: true, error: failure.message };
    throw failure;
  }
}

type FetchOutcome =
  | { kind: 'ok'; discussion: Omit<Discussion, 'fetchedAt'>; etag: string | null; lastModified: string | null }
  | { kind: 'not-modified'; etag: string | null; lastModified: string | null };

async function fetchDiscussion(r: ResolvedDiscussion, url: string, ctx: FetchContext, cached: Cached | undefined): Promise<FetchOutcome> {
  const validators = cached ? { etag: cached.etag, lastModified: cached.lastModified } : {};
  const accept = r.source === 'feed' ? FEED_ACCEPT : JSON_ACCEPT;
  const res = await get(url, ctx, { accept, ...validators });
  if (res.status === 'not-modified') return { kind: 'not-modified', etag: res.etag, lastModified: res.lastModified };
  const meta = { etag: res.etag, lastModified: res.lastModified };
  switch (r.source) {
    case 'hackernews':
      return { kind: 'ok', discussion: withPage(parseHackerNews(parseJsonBody(res.bytes, url), r.id, url), r), ...meta };
    case 'reddit':
      return { kind: 'ok', discussion: withPage(parseReddit(parseJsonBody(res.bytes, url), r.id, url), r), ...meta };
    case 'lobsters':
      return { kind: 'ok', discussion: withPage(parseLobsters(parseJsonBody(res.bytes, url), r.id, url), r), ...meta };
    case 'feed': {
      const first = readCommentFeedPage(decodeFeedBytes(res.bytes, res.contentType), res.url);
      const pages = [first, ...(await followPages(first, [url, res.url], ctx))];
      return { kind: 'ok', discussion: feedDiscussion(pages, r), ...meta };
    }
  }
}

/** The page the user would open: the resolver's (canonical) one when the source gave none. */
function withPage<T extends { url: string }>(d: T, r: ResolvedDiscussion): T {
  return d.url ? d : { ...d, url: r.pageUrl };
}

/** Further pages of a paged comment feed; a failing page ends the walk with what was read. */
async function followPages(first: CommentFeedPage, seen: string[], ctx: FetchContext): Promise<CommentFeedPage[]> {
  const visited = new Set(seen);
  const pages: CommentFeedPage[] = [];
  let next = first.next;
  while (next && !visited.has(next) && pages.length + 1 < MAX_FEED_PAGES) {
    visited.add(next);
    try {
      const res = await get(next, ctx, { accept: FEED_ACCEPT });
      if (res.status !== 'ok') break;
      const page = readCommentFeedPage(decodeFeedBytes(res.bytes, res.contentType), res.url);
      pages.push(page);
      next = page.next;
    } catch (error) {
      if (ctx.signal?.aborted) throw error;
      break;
    }
  }
  return pages;
}

function feedDiscussion(pages: CommentFeedPage[], r: ResolvedDiscussion): Omit<Discussion, 'fetchedAt'> {
  const first = pages[0]!;
  const flat = linkEntries(
    pages.flatMap((p) => p.entries),
    r.postId ? { postId: r.postId } : {},
  );
  const comments = buildThread(flat, { order: 'chronological' });
  const counted = countComments(comments);
  const claimed = first.claimedTotal;
  return {
    source: 'feed',
    url: r.pageUrl || first.link,
    title: first.title,
    total: claimed !== null && claimed >= counted ? claimed : counted,
    comments,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Output for the headless `comments` command

export interface CommentJson {
  id: string;
  author: string;
  published: string | null;
  text: string;
  score: number | null;
  deleted: boolean;
  children: CommentJson[];
  /** A Reddit 'more' stub: replies not sent. */
  more?: number;
  /** Its parent is not in the window. */
  orphan?: boolean;
}

export interface DiscussionJson {
  source: DiscussionSource;
  title: string;
  url: string;
  total: number;
  comments: CommentJson[];
}

function commentJson(c: Comment): CommentJson {
  return {
    id: c.id,
    author: c.author,
    published: c.published,
    text: c.more !== undefined ? '' : htmlToPlainText(c.html),
    score: c.score,
    deleted: c.deleted,
    children: [],
    ...(c.more !== undefined ? { more: c.more } : {}),
    ...(c.orphan ? { orphan: true } : {}),
  };
}

/**
 * The DESIGN.md `comments --json` shape: {"source","total","comments":[{"id","author","published","text",
 * "score","deleted","children":[…]}]} (plus title, url, and `more`/`orphan` where they apply). Built
 * iteratively. Note: JSON.stringify of the result recurses and fails on threads thousands of levels deep;
 * `commentsJsonText` writes the same JSON without recursion.
 */
export function toCommentsJson(d: Discussion): DiscussionJson {
  const out: DiscussionJson = { source: d.source, title: d.title, url: d.url, total: d.total, comments: [] };
  const stack: Array<{ c: Comment; into: CommentJson[] }> = [];
  for (let i = d.comments.length - 1; i >= 0; i--) stack.push({ c: d.comments[i]!, into: out.comments });
  while (stack.length > 0) {
    const { c, into } = stack.pop()!;
    const j = commentJson(c);
    into.push(j);
    for (let i = c.children.length - 1; i >= 0; i--) stack.push({ c: c.children[i]!, into: j.children });
  }
  return out;
}

/** `toCommentsJson` as JSON text (compact), written iteratively so any depth works. */
export function commentsJsonText(d: Discussion): string {
  const head = JSON.stringify({ source: d.source, title: d.title, url: d.url, total: d.total });
  const parts: string[] = [head.slice(0, -1), ',"comments":['];
  // Stack of pending work: a comment to open, or a closing token.
  const stack: Array<{ c: Comment; first: boolean } | string> = [];
  for (let i = d.comments.length - 1; i >= 0; i--) stack.push({ c: d.comments[i]!, first: i === 0 });
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (typeof item === 'string') {
      parts.push(item);
      continue;
    }
    const { children: _children, ...fields } = commentJson(item.c);
    if (!item.first) parts.push(',');
    parts.push(JSON.stringify(fields).slice(0, -1), ',"children":[');
    stack.push(']}');
    for (let i = item.c.children.length - 1; i >= 0; i--) stack.push({ c: item.c.children[i]!, first: i === 0 });
  }
  parts.push(']}');
  return parts.join('');
}

/** "5m ago", "3h ago", "2d ago", "4mo ago", "1y ago"; '' for no date. */
export function ageLabel(published: string | null, now: number = Date.now()): string {
  if (!published) return '';
  const t = Date.parse(published);
  if (!Number.isFinite(t)) return '';
  const sec = Math.max(0, Math.round((now - t) / 1000));
  if (sec < 60) return 'just now';
  const units: Array<[number, string]> = [
    [365 * 86400, 'y'],
    [30 * 86400, 'mo'],
    [86400, 'd'],
    [3600, 'h'],
    [60, 'm'],
  ];
  for (const [size, unit] of units) if (sec >= size) return `${Math.floor(sec / size)}${unit} ago`;
  return 'just now';
}

/** Indentation stops growing here (and at a third of the width), so deep threads keep room for text. */
export const MAX_INDENT_LEVELS = 12;

/**
 * The discussion as plain lines for a terminal or a pipe: each comment a header `author · age · score`
 * then its text, indented two spaces per level (capped), "N more replies" stubs, "[deleted]"
 * placeholders, orphans marked. No ANSI; every line fits `width` columns.
 */
export function commentsPlain(d: Discussion, width: number, options: { now?: number } = {}): string[] {
  const cols = Number.isFinite(width) ? Math.max(20, Math.floor(width)) : 80;
  const now = options.now ?? Date.now();
  const cap = Math.min(MAX_INDENT_LEVELS, Math.floor(cols / 3 / 2));
  const lines: string[] = [];
  for (const { comment: c, depth } of flattenTree(d.comments)) {
    const indent = '  '.repeat(Math.min(depth, cap));
    const avail = cols - indent.length;
    if (lines.length > 0) lines.push('');
    if (c.more !== undefined) {
      const label = c.more > 0 ? `${c.more} more ${c.more === 1 ? 'reply' : 'replies'}` : 'continue this thread';
      lines.push(...wrapWithIndent(`[${label}]`, indent, avail));
      continue;
    }
    const header: string[] = [];
    if (c.deleted) header.push('[deleted]');
    else header.push(c.author ? (c.isOp ? `${c.author} (OP)` : c.author) : 'anonymous');
    const age = ageLabel(c.published, now);
    if (age) header.push(age);
    if (c.score !== null) header.push(`${c.score} ${Math.abs(c.score) === 1 ? 'point' : 'points'}`);
    if (c.orphan) header.push('reply to an earlier comment');
    lines.push(...wrapWithIndent(header.join(' · '), indent, avail));
    if (c.deleted) continue;
    for (const para of htmlToPlainText(c.html).split('\n')) lines.push(...wrapWithIndent(para, indent, avail));
  }
  return lines;
}
