/**
 * Discussions: resolve an article or URL to a source, fetch (or read the cache), thread, cache. This is
 * the public entry of comments/; the cache is cache.ts, the `comments` command's outputs json.ts and
 * plain.ts.
 *
 * A cached copy younger than `maxAgeMs` is returned without a request (Lobsters allows 400 requests an
 * hour: never poll). When a refresh fails and a copy exists, the copy is returned with `stale: true` and
 * the one-line `error`, so offline the cache is shown with its age. Conditional GET: the validators of the
 * first request are kept with the copy; a 304 renews it.
 */
import { decodeFeedBytes } from './charset.js';
import type { Settings } from './settings.js';
import { readCache, writeCache, writeCacheData, type Cached, type DiscussionStore } from './comments/cache.js';
import { discussionFromJob, parseDiscussionHere, type DiscussionParser } from './comments/discussion-job.js';
import { DiscussionError } from './comments/errors.js';
import { linkEntries, readCommentFeedPage, type CommentFeedPage } from './comments/feed.js';
import { FEED_ACCEPT, JSON_ACCEPT, get, type FetchContext } from './comments/net.js';
import { fetchPlatform, isPlatform } from './comments/platforms.js';
import {
  discussionFetchUrl,
  resolveDiscussion,
  resolveDiscussions,
  type DiscussionTarget,
  type ResolvedDiscussion,
  type ResolveOptions,
} from './comments/resolve.js';
import { buildThread, countComments } from './comments/thread.js';
import type { Discussion, DiscussionLink } from './comments/types.js';
import type { ParsedDiscussion } from './comments/discussion-job.js';
import { userAgentFor, type Manners } from './discussions.js';

export type { Comment, Discussion, DiscussionLink, DiscussionSource, FlatComment, PlatformSource } from './comments/types.js';
export { findThreads } from './comments/find-thread.js';
export { PLATFORM_NAMES, isPlatform, matchPlatformUrl, preparePlatform } from './comments/platforms.js';
export { DiscussionError, type DiscussionErrorKind } from './comments/errors.js';
export { HEADLESS_COMMENT_LIMIT, cacheExpanded, expandReddit, loadStub, moreStubs } from './comments/more.js';
export {
  discussionFetchUrl,
  matchThreadUrl,
  resolveDiscussion,
  resolveDiscussions,
  type ArticleTarget,
  type DiscussionTarget,
  type ResolvedDiscussion,
  type ResolveOptions,
} from './comments/resolve.js';
export { buildThread, countComments, flattenTree, preorder, type FlatEntry } from './comments/thread.js';
export type { DiscussionStore } from './comments/cache.js';
export { runDiscussionJob, type DiscussionJob, type DiscussionParser, type ParsedDiscussion } from './comments/discussion-job.js';
export { commentsJsonText, toCommentsJson, type CommentJson, type DiscussionJson } from './comments/json.js';
export { MAX_INDENT_LEVELS, commentsPlain } from './comments/plain.js';

export interface LoadOptions extends ResolveOptions {
  store?: DiscussionStore;
  settings: { sources: Settings['sources']; fetch: Pick<Settings['fetch'], 'timeoutSeconds' | 'maxBytes'> };
  /** A cached copy younger than this is returned without a request. Default 10 minutes; 0 always fetches. */
  maxAgeMs?: number;
  signal?: AbortSignal;
  /**
   * Where a JSON discussion is parsed and threaded: the reader passes its parse workers, which also
   * store the cache's copy in `store`'s cache themselves (the same file). Default: here.
   */
  parse?: DiscussionParser;
  /** Clock, for tests. */
  now?: () => number;
  /**
   * Which of an article's discussions (its ResolvedDiscussion key, `hackernews:123`): an article may
   * name several (a comment feed and a thread). Default: the first, by resolve.ts's policy.
   */
  key?: string;
  /**
   * Rate limits and in-flight caps towards HN, Reddit and Lobsters. The reader and the commands pass
   * the one their process keeps (over the cache's request ledger); absent, nothing is gated.
   */
  manners?: Manners;
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
export function resolveTarget(
  target: DiscussionTarget,
  store: DiscussionStore | undefined,
  options: ResolveOptions & { key?: string } = {},
): ResolvedDiscussion | null {
  if (options.key && typeof target !== 'string') {
    const chosen = resolveDiscussions(target, options).find((c) => c.key === options.key);
    if (chosen) return chosen;
  }
  if (typeof target === 'string' && store?.articleByUrl) {
    let article: ReturnType<NonNullable<DiscussionStore['articleByUrl']>>;
    try {
      article = store.articleByUrl(target.trim());
    } catch {
      article = undefined;
    }
    if (article) {
      const candidates = resolveDiscussions(
        {
          link: article.link,
          commentsUrl: article.commentsUrl,
          commentFeedUrl: article.commentFeedUrl,
          feedUrl: article.feedUrl,
          guid: article.guid,
          ...(article.html ? { html: article.html } : {}),
        },
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

/** The cached copy of a target's discussion (with its fetchedAt), to show at once while a refresh runs. */
export function cachedDiscussion(target: DiscussionTarget, store: DiscussionStore, options: ResolveOptions & { key?: string } = {}): Discussion | undefined {
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
  const resolved = resolveTarget(target, options.store, { ...options, sources: options.sources ?? options.settings.sources });
  if (!resolved) {
    throw new DiscussionError(
      'none',
      targetLabel(target),
      typeof target === 'string' ? 'not a comment feed or discussion URL' : 'no discussion found for this article',
    );
  }
  const now = options.now ?? Date.now;
  const maxAge = options.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
  const cached = readCache(options.store, resolved.key);
  if (cached && maxAge > 0 && now() - cached.discussion.fetchedAt < maxAge) return { ...cached.discussion, fromCache: true };

  const userAgent = userAgentFor(resolved.source);
  const ctx: FetchContext = {
    timeoutMs: options.settings.fetch.timeoutSeconds * 1000,
    maxBytes: options.settings.fetch.maxBytes,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(userAgent ? { userAgent } : {}),
  };
  try {
    const fetchIt = async (): Promise<FetchOutcome> =>
      isPlatform(resolved.source)
        ? {
            kind: 'ok' as const,
            discussion: await fetchPlatform({ ...resolved, source: resolved.source }, ctx, options.settings.sources),
            etag: null,
            lastModified: null,
          }
        : fetchDiscussion(
            resolved,
            discussionFetchUrl(resolved, options.settings.sources),
            ctx,
            cached,
            now,
            options.parse ?? parseDiscussionHere,
            options.store,
          );
    // HN, Reddit and Lobsters count every request (lookups and threads alike); comment feeds, local copies
    // and the other platforms (whose limits are per instance, kept by platforms.ts) do not.
    const gated = options.manners && resolved.source !== 'feed' && !isPlatform(resolved.source) && !resolved.localUrl;
    const result = gated ? await options.manners!.run(resolved.source, fetchIt, options.signal) : await fetchIt();
    if (result.kind === 'not-modified' && cached) {
      const renewed = { ...cached.discussion, fetchedAt: now() };
      writeCache(options.store, resolved.key, renewed, result.etag ?? cached.etag, result.lastModified ?? cached.lastModified);
      return { ...renewed, fromCache: true };
    }
    if (result.kind === 'not-modified') throw new DiscussionError('fetch', resolved.id, 'server answered 304 without a cached copy');
    // Caching and threading a large discussion are tasks of their own (the reader stays responsive).
    await new Promise((resolve) => setImmediate(resolve));
    if (result.kind === 'parsed') {
      const { cacheData } = result.parsed;
      if (cacheData !== null) writeCacheData(options.store, resolved.key, resolved.source, cacheData, result.parsed.discussion.fetchedAt);
      await new Promise((resolve) => setImmediate(resolve));
      return discussionFromJob(result.parsed);
    }
    const discussion: Discussion = { ...result.discussion, fetchedAt: now() };
    writeCache(options.store, resolved.key, discussion, result.etag, result.lastModified);
    return discussion;
  } catch (error) {
    if (options.signal?.aborted) throw error;
    const failure =
      error instanceof DiscussionError ? error : new DiscussionError('parse', resolved.id, error instanceof Error ? error.message : 'failed', { cause: error });
    if (cached) return { ...cached.discussion, fromCache: true, stale: true, error: failure.message };
    throw failure;
  }
}

type FetchOutcome =
  | { kind: 'ok'; discussion: Omit<Discussion, 'fetchedAt'>; etag: string | null; lastModified: string | null }
  | { kind: 'parsed'; parsed: ParsedDiscussion }
  | { kind: 'not-modified'; etag: string | null; lastModified: string | null };

async function fetchDiscussion(
  r: ResolvedDiscussion,
  url: string,
  ctx: FetchContext,
  cached: Cached | undefined,
  now: () => number,
  parse: DiscussionParser,
  store: DiscussionStore | undefined,
): Promise<FetchOutcome> {
  // Unreachable (loadDiscussion sends those to fetchPlatform); it narrows the source for the job below.
  if (isPlatform(r.source)) throw new DiscussionError('fetch', url, 'a platform thread is fetched by platforms.ts');
  const validators = cached ? { etag: cached.etag, lastModified: cached.lastModified } : {};
  const accept = r.source === 'feed' ? FEED_ACCEPT : JSON_ACCEPT;
  const res = await get(url, ctx, { accept, ...validators });
  if (res.status === 'not-modified') return { kind: 'not-modified', etag: res.etag, lastModified: res.lastModified };
  if (r.source === 'feed') {
    const first = readCommentFeedPage(decodeFeedBytes(res.bytes, res.contentType), res.url);
    const pages = [first, ...(await followPages(first, [url, res.url], ctx))];
    return { kind: 'ok', discussion: feedDiscussion(pages, r), etag: res.etag, lastModified: res.lastModified };
  }
  const job = {
    source: r.source,
    bytes: res.bytes,
    id: r.id,
    url,
    pageUrl: r.pageUrl,
    fetchedAt: now(),
    etag: res.etag,
    lastModified: res.lastModified,
    ...(store ? { cacheKey: r.key } : {}),
  };
  return { kind: 'parsed', parsed: await parse(job) };
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

/** A loaded discussion as a list of an article's discussions names it. */
export function discussionLink(d: Discussion): DiscussionLink {
  return { source: d.source, url: d.url, ...(d.title ? { title: d.title } : {}), comments: d.total };
}
