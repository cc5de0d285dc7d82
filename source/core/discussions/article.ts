/**
 * An article's list of discussions: what its own feed names (its site's comment feed, a thread its
 * `<comments>` points at) first, then the threads found elsewhere, by comment count. Each entry keeps
 * the discussion cache's key (comments/resolve.ts), which loads it, remembers it and counts its visits.
 */
import { cachedSummary, type DiscussionStore } from '../comments/cache.js';
import { resolveDiscussions, type ArticleTarget, type ResolveOptions } from '../comments/resolve.js';
import { safeUrl } from '../sanitize.js';
import { mergeDiscussions, refKey, type DiscussionRef } from './types.js';

/** The fields of an article the list needs (ArticleRow has them all). */
export interface DiscussedArticle extends ArticleTarget {
  title: string;
  link: string;
  origLink?: string;
  published: string | null;
  commentCount: number | null;
}

export interface ListedDiscussion {
  ref: DiscussionRef;
  key: string;
  /** Named by the article's own feed. */
  own: boolean;
}

const target = (a: DiscussedArticle): ArticleTarget => ({
  link: a.link,
  ...(a.commentsUrl !== undefined ? { commentsUrl: a.commentsUrl } : {}),
  ...(a.commentFeedUrl !== undefined ? { commentFeedUrl: a.commentFeedUrl } : {}),
  ...(a.feedUrl !== undefined ? { feedUrl: a.feedUrl } : {}),
  ...(a.guid !== undefined ? { guid: a.guid } : {}),
  // Its content may name its thread (a "Comments" link to a Mastodon status, a Discourse embed).
  ...(a.html ? { html: a.html } : {}),
});

/** What the article's own feed names, with what the cache and the feed know of each one's size. */
export function ownDiscussions(article: DiscussedArticle, store?: DiscussionStore, options: ResolveOptions = {}): ListedDiscussion[] {
  return resolveDiscussions(target(article), options).map((r, i) => {
    const cached = cachedSummary(store, r.key);
    // The feed's count (slash:comments, or the size learned when it was last loaded) is the first one's.
    const comments = cached?.total ?? (i === 0 ? article.commentCount : null);
    const site = r.source === 'feed';
    const ref: DiscussionRef = {
      source: r.source === 'feed' ? 'site' : r.source,
      // The web page when there is one; else the comment feed (`broadsheet comments` takes either).
      url: r.pageUrl || safeUrl(site ? r.id : '') || safeUrl(article.commentsUrl ?? ''),
      title: cached?.title || article.title,
      where: '',
      comments,
      score: null,
      published: site ? article.published : null,
    };
    return { ref, key: r.key, own: true };
  });
}

/** Own first, in the feed's order, then every other thread found, most comments first. */
export function listDiscussions(own: readonly ListedDiscussion[], found: readonly DiscussionRef[]): ListedDiscussion[] {
  const merged = mergeDiscussions(
    own.map((o) => o.ref),
    found,
  );
  return merged.map((ref, i) => (i < own.length ? { ...own[i]!, ref } : { ref, key: refKey(ref), own: false }));
}

/** The comments of the threads found elsewhere: what the article list adds to its own count. */
export function foundCount(list: readonly ListedDiscussion[]): number {
  return list.reduce((n, d) => n + (d.own ? 0 : (d.ref.comments ?? 0)), 0);
}

/**
 * Which to show first: the article's own discussion when it has comments (or may have: its count is
 * unknown), else the thread with the most comments, else the own one even when empty. -1: none.
 */
export function defaultDiscussion(list: readonly ListedDiscussion[]): number {
  const own = list.findIndex((d) => d.own && (d.ref.comments === null || d.ref.comments > 0));
  if (own >= 0) return own;
  const found = list.findIndex((d) => !d.own && (d.ref.comments ?? 0) > 0);
  if (found >= 0) return found;
  const anyOwn = list.findIndex((d) => d.own);
  return anyOwn >= 0 ? anyOwn : list.length > 0 ? 0 : -1;
}
