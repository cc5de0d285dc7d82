/**
 * Which discussion belongs to an article (or a URL), and where to fetch it.
 *
 * Policy for an article, first match wins:
 *   1. `commentsUrl` is a Hacker News, Reddit or Lobsters thread: the publisher's own `<comments>`
 *      says the discussion lives there (hnrss, Lobsters' feed, link digests). That thread.
 *   2. `commentFeedUrl` (wfw:commentRss, Atom rel="replies"): the site's own comments, for a blog post.
 *   3. The article's content names its thread (find-thread.ts): a Mastodon, Bluesky, Discourse or Lemmy
 *      link marked as its comments, a Discourse embed; or, lacking 2, the page's own comment feed.
 *   4. `link` is a thread (Reddit's own feeds, "Ask HN" items, a Mastodon account's or Lemmy community's
 *      feed): that thread.
 *   Otherwise there is no machine-readable discussion (a bare `#comments` page is HTML, not a feed).
 * "A thread" in 1 and 4 is a Hacker News, Reddit or Lobsters URL, or one of the platforms' shapes on any
 * host (platforms.ts): a guess the first answer confirms, so it comes after what the publisher said.
 * `resolveDiscussions` returns every candidate in that order, so a UI can offer "other discussions".
 *
 * A bare URL: a thread URL (as above), else it is taken to be a comment feed.
 *
 * Local files. A comment feed may be a file:// URL only when the article's own feed is a local file and
 * the comment feed lies in that feed's folder (a remote feed must never make us read local files). The
 * bundled demo works offline this way: for an article whose feed is file:///…/feeds/x.rss, a Hacker News
 * thread N is read from `…/feeds/hn/N.json` when that file exists (Reddit: `reddit/ID.json`, Lobsters:
 * `lobsters/ID.json`), in the API's own JSON shape. `localDiscussions` names a folder to consult the same
 * way for every target (false: never read local copies).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { safeUrl } from '../sanitize.js';
import type { Settings } from '../settings.js';
import { hackerNewsApiUrl, HN_ITEM } from './hackernews.js';
import { LOBSTERS_WEB, lobstersApiUrl } from './lobsters.js';
import { REDDIT_WEB, redditApiUrl } from './reddit.js';
import { findThreads } from './find-thread.js';
import { isPlatform, matchPlatformUrl, platformApiUrl, type MatchOptions } from './platforms.js';
import type { DiscussionSource } from './types.js';

/** What loadDiscussion accepts besides a URL: the fields of an article (ArticleRow has them all). */
export interface ArticleTarget {
  link?: string;
  commentsUrl?: string;
  commentFeedUrl?: string;
  /** The posts feed the article came from: decides whether local files may be read. */
  feedUrl?: string;
  /** The article's guid / Atom id: a `thr:in-reply-to` ref equal to it is a top-level comment. */
  guid?: string;
  /** The article's content (from its feed, or its fetched page), where it may name its thread. */
  html?: string;
}

export type DiscussionTarget = string | ArticleTarget;

export interface ResolvedDiscussion {
  source: DiscussionSource;
  /** Cache key: `hackernews:123`, `reddit:2xmo63`, `lobsters:abc123`, `feed:<url>`. */
  key: string;
  /** The thread id (aggregators), or the comment feed URL (feed). */
  id: string;
  /** The discussion page for a browser (http(s)), or ''. */
  pageUrl: string;
  /** A local copy to read instead of the API (file:// URL), when one exists. */
  localUrl?: string;
  /** The post's id, for feed threading. */
  postId?: string;
  /** Where a platform thread's API is (the instance's origin, a forum's subfolder). */
  base?: string;
}

export interface ResolveOptions extends MatchOptions {
  /** A folder (path or file:// URL) holding hn/, reddit/, lobsters/ copies; false: never read local copies. */
  localDiscussions?: string | false;
}

export interface ThreadRef {
  source: Exclude<DiscussionSource, 'feed'>;
  id: string;
  pageUrl: string;
  /** Platform threads: where their API is. */
  base?: string;
}

function parseHttpUrl(s: string): URL | null {
  try {
    const url = new URL(s.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

const REDDIT_HOST = /^(?:(?:www|old|new|np|m|amp|i)\.)?reddit\.com$/;

/** A thread URL (Hacker News, Reddit, Lobsters, or a platform's shape) -> its source and id; else null. */
export function matchThreadUrl(s: string, options: MatchOptions = {}): ThreadRef | null {
  const url = parseHttpUrl(s);
  if (!url) return null;
  const host = url.hostname.toLowerCase();
  if (host === 'news.ycombinator.com' && url.pathname === '/item') {
    const id = url.searchParams.get('id') ?? '';
    return /^\d{1,12}$/.test(id) ? { source: 'hackernews', id, pageUrl: `${HN_ITEM}${id}` } : null;
  }
  if (REDDIT_HOST.test(host)) {
    const m = /^\/(?:(?:r|u|user)\/[^/]+\/)?comments\/([a-z0-9]{1,16})(?:\/|$)/i.exec(url.pathname);
    const id = m?.[1]?.toLowerCase();
    return id ? { source: 'reddit', id, pageUrl: `${REDDIT_WEB}/comments/${id}/` } : null;
  }
  if (host === 'redd.it') {
    const id = /^\/([a-z0-9]{1,16})\/?$/i.exec(url.pathname)?.[1]?.toLowerCase();
    return id ? { source: 'reddit', id, pageUrl: `${REDDIT_WEB}/comments/${id}/` } : null;
  }
  if (host === 'lobste.rs' || host === 'www.lobste.rs') {
    const id = /^\/s\/([a-z0-9]{1,16})(?:\/|\.json$|$)/i.exec(url.pathname)?.[1];
    return id ? { source: 'lobsters', id, pageUrl: `${LOBSTERS_WEB}/s/${id}` } : null;
  }
  return matchPlatformUrl(url, options);
}

const LOCAL_FOLDER: Partial<Record<ThreadRef['source'], string>> = { hackernews: 'hn', reddit: 'reddit', lobsters: 'lobsters' };

function folderPath(folder: string): string | null {
  try {
    return folder.startsWith('file:') ? fileURLToPath(folder) : path.resolve(folder);
  } catch {
    return null;
  }
}

/** The folder of a local (file://) feed, or null for a remote one. */
function localFeedFolder(feedUrl: string | undefined): string | null {
  if (!feedUrl || !/^file:\/\//i.test(feedUrl)) return null;
  const file = folderPath(feedUrl);
  return file ? path.dirname(file) : null;
}

function localCopy(ref: ThreadRef, folder: string | null): string | undefined {
  const sub = LOCAL_FOLDER[ref.source];
  if (!folder || !sub) return undefined;
  const file = path.join(folder, sub, `${ref.id}.json`);
  try {
    return fs.statSync(file).isFile() ? pathToFileURL(file).href : undefined;
  } catch {
    return undefined;
  }
}

function threadTarget(ref: ThreadRef, folder: string | null): ResolvedDiscussion {
  const localUrl = localCopy(ref, folder);
  // Platform ids are local to their instance: the key names it (`mastodon:https://host/123`).
  const key = ref.base ? `${ref.source}:${ref.base}/${ref.id}` : `${ref.source}:${ref.id}`;
  return { source: ref.source, key, id: ref.id, pageUrl: ref.pageUrl, ...(localUrl ? { localUrl } : {}), ...(ref.base ? { base: ref.base } : {}) };
}

/** A comment-feed URL the article may use: http(s), or a file:// inside its own local feed's folder. */
function usableFeedUrl(url: string, feedFolder: string | null): string | null {
  const trimmed = url.trim();
  if (trimmed === '') return null;
  if (parseHttpUrl(trimmed)) return trimmed;
  if (feedFolder && /^file:\/\//i.test(trimmed)) {
    const file = folderPath(trimmed);
    if (file && (file === feedFolder || file.startsWith(feedFolder + path.sep))) return pathToFileURL(file).href;
  }
  return null;
}

/** http(s) and file:// URLs as given, paths as absolute file:// URLs, other schemes refused. */
function userFeedUrl(input: string): string | null {
  const trimmed = input.trim();
  if (trimmed === '') return null;
  if (parseHttpUrl(trimmed)) return trimmed;
  if (/^file:\/\//i.test(trimmed)) return trimmed;
  if (/^[a-z][a-z0-9+.-]*:/i.test(trimmed) && !/^[a-z]:[\\/]/i.test(trimmed)) return null;
  return pathToFileURL(path.resolve(trimmed)).href;
}

function feedTarget(feedUrl: string, pageUrl: string, postId?: string): ResolvedDiscussion {
  return { source: 'feed', key: `feed:${feedUrl}`, id: feedUrl, pageUrl: safeUrl(pageUrl), ...(postId ? { postId } : {}) };
}

/** Every discussion an article or URL has, best first (see the module comment for the order). */
export function resolveDiscussions(target: DiscussionTarget, options: ResolveOptions = {}): ResolvedDiscussion[] {
  const explicit = options.localDiscussions === false ? null : options.localDiscussions ? folderPath(options.localDiscussions) : null;

  if (typeof target === 'string') {
    const ref = matchThreadUrl(target, options);
    if (ref) return [threadTarget(ref, explicit)];
    // A URL the user gave: an http(s) URL, a file:// URL or a path is taken to be a comment feed.
    const feedUrl = userFeedUrl(target);
    return feedUrl ? [feedTarget(feedUrl, '')] : [];
  }

  const feedFolder = localFeedFolder(target.feedUrl);
  const folder = options.localDiscussions === false ? null : (explicit ?? feedFolder);
  const out: ResolvedDiscussion[] = [];
  const add = (r: ResolvedDiscussion): void => {
    if (!out.some((o) => o.key === r.key)) out.push(r);
  };
  const commentsRef = target.commentsUrl ? matchThreadUrl(target.commentsUrl, options) : null;
  if (commentsRef) add(threadTarget(commentsRef, folder));
  const feedUrl = target.commentFeedUrl ? usableFeedUrl(target.commentFeedUrl, feedFolder) : null;
  if (feedUrl) add(feedTarget(feedUrl, commentsRef ? '' : (target.commentsUrl ?? ''), target.guid));
  if (target.html) {
    for (const found of findThreads(target.html, target.link ?? '', options)) {
      const ref = found.source === 'feed' ? null : matchThreadUrl(found.url, options);
      if (ref) add(threadTarget(ref, folder));
      else if (found.source === 'feed' && !feedUrl) add(feedTarget(found.url, target.link ?? '', target.guid));
    }
  }
  const linkRef = target.link ? matchThreadUrl(target.link, options) : null;
  if (linkRef) add(threadTarget(linkRef, folder));
  return out;
}

/** The discussion to show for an article or URL, or null when it has none. */
export function resolveDiscussion(target: DiscussionTarget, options: ResolveOptions = {}): ResolvedDiscussion | null {
  return resolveDiscussions(target, options)[0] ?? null;
}

/** Where to GET a resolved discussion: its local copy, else the configured API (a platform's first request). */
export function discussionFetchUrl(r: ResolvedDiscussion, sources: Settings['sources']): string {
  if (r.localUrl) return r.localUrl;
  if (isPlatform(r.source)) return platformApiUrl({ source: r.source, id: r.id, ...(r.base ? { base: r.base } : {}) }, sources);
  switch (r.source) {
    case 'hackernews':
      return hackerNewsApiUrl(sources.hackernews.api, r.id);
    case 'reddit':
      return redditApiUrl(sources.reddit.base, r.id);
    case 'lobsters':
      return lobstersApiUrl(sources.lobsters.base, r.id);
    case 'feed':
      return r.id;
  }
}
