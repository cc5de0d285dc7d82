/**
 * The retention pass run after each refresh (refresh.ts, for the reader and `broadsheet refresh`
 * alike): read, unstarred articles past the settings' `keep` leave the cache with their pages, lookups
 * and cached discussions, and the file gives the space back (README, Design: "Retention").
 *
 * Unread articles are never removed however old: an article nobody has seen is not "old news" to the
 * user, and dropping it silently would lose it; starred ones are never removed either.
 *
 * The pass lists what goes feed by feed, then removes it in batches of RETENTION_BATCH articles in
 * the order they were written, one transaction each, yielding to the event loop between them, so the
 * reader keeps drawing while a year's backlog goes.
 */
import { resolveDiscussions } from './comments.js';
import { LOOKUP_SERVICE_NAMES, lookupKey, lookupUrls, readLookup, refKey } from './discussions.js';
import type { FeedSetting, KeepSetting } from './settings.js';
import type { CachedRefs, KeepRule, RemovableArticle, Store } from './store.js';

export interface RetentionOptions {
  keep: KeepSetting;
  /** The subscriptions, for their own `keep` overrides. */
  feeds: readonly FeedSetting[];
  now?: number;
  /**
   * 'steps': give freed space back with incremental vacuum, a step at a time, for VACUUM_BUDGET_MS at
   * most (the reader). 'convert': rewrite the file instead when it is mostly free, and once for a cache
   * made before incremental vacuum, so that it has it (the headless refresh, which nothing waits on).
   */
  vacuum?: 'steps' | 'convert';
}

export interface RetentionSummary {
  removed: number;
  tombstonesDropped: number;
  /** How much smaller the file became (after the next checkpoint, in WAL mode). */
  freedBytes: number;
  /** A cache without incremental vacuum was rewritten to have it. */
  converted: boolean;
  elapsedMs: number;
  /** Of elapsedMs, the time spent giving space back (incremental vacuum, or the one-time VACUUM). */
  vacuumMs: number;
}

/** Articles per transaction: a few ms of work each, so no one step holds the event loop for long. */
export const RETENTION_BATCH = 50;
/** Pages given back per incremental-vacuum step (4 KiB each: 512 KiB). */
const VACUUM_STEP_PAGES = 128;
/**
 * Give space back only when this share of the file is free: a day's pass frees what the next day's
 * refresh fills again (SQLite reuses free pages), and moving pages to shrink the file only for it to
 * grow again the next morning would be work for nothing. The file stays within this of its least.
 */
export const VACUUM_WHEN_FREE = 0.1;
/**
 * Past this share free, rewriting the file (VACUUM) is far quicker than incremental vacuum, which
 * looks each page it drops up in the free list: a year's backlog (80% free, 2 GB) went at 1 MB/s.
 * Only where nothing waits (`vacuum: 'convert'`).
 */
export const REWRITE_WHEN_FREE = 0.5;
/** The most a pass spends on incremental vacuum; what is left free is given back by the next passes. */
const VACUUM_BUDGET_MS = 2000;

const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A feed's rule: the top-level `keep`, with the feed's own numbers over it. */
export function keepRuleFor(url: string, options: Pick<RetentionOptions, 'keep' | 'feeds'>): KeepRule {
  const own = options.feeds.find((f) => f.url === url)?.keep;
  return { days: own?.days ?? options.keep.days, perFeed: own?.perFeed ?? options.keep.perFeed };
}

/** The lookups and discussions the cache may hold for an article, by the same keys their readers use. */
export function cachedRefsOf(store: Store, article: RemovableArticle): CachedRefs {
  const urls = lookupUrls({ link: article.link, origLink: article.origLink });
  const lookups = urls.flatMap((u) => LOOKUP_SERVICE_NAMES.map((service) => lookupKey(service, u.identity)));
  const own = resolveDiscussions({
    link: article.link,
    commentsUrl: article.commentsUrl,
    commentFeedUrl: article.commentFeedUrl,
    feedUrl: article.feedUrl,
    guid: article.guid,
  }).map((r) => r.key);
  const found = lookups.flatMap((key) => readLookup(store, key)?.refs.map(refKey) ?? []);
  const discussions = [...new Set([...own, ...found, ...(article.chosenDiscussion ? [article.chosenDiscussion] : [])])];
  return { lookups, discussions };
}

/** Run the pass over the feeds of `urls`. Throws on a cache error; the caller reports it. */
export async function runRetention(store: Store, urls: readonly string[], options: RetentionOptions): Promise<RetentionSummary> {
  const started = performance.now();
  const now = options.now ?? Date.now();
  const cache = store.retention();
  const bytesBefore = cache.databaseBytes();
  const summary: RetentionSummary = { removed: 0, tombstonesDropped: 0, freedBytes: 0, converted: false, elapsedMs: 0, vacuumMs: 0 };
  cache.beginPass();
  for (const feed of cache.feedIds(urls)) {
    cache.queueRemovable(feed.id, keepRuleFor(feed.url, options), now);
    summary.tombstonesDropped += cache.dropOldTombstones(feed.id, now);
    await nextTick();
  }
  for (;;) {
    const batch = cache.nextQueued(RETENTION_BATCH);
    if (batch.length === 0) break;
    const refs = batch.map((article) => cachedRefsOf(store, article));
    summary.removed += cache.remove(batch, refs, now);
    await nextTick();
  }
  const vacuumStarted = performance.now();
  if (summary.removed > 0 || summary.tombstonesDropped > 0) {
    const mode = cache.autoVacuumMode();
    if (options.vacuum === 'convert' && (mode === 'none' || cache.freeShare() >= REWRITE_WHEN_FREE)) {
      cache.rewrite();
      summary.converted = mode === 'none';
    } else if (cache.freeShare() >= VACUUM_WHEN_FREE) {
      const until = performance.now() + VACUUM_BUDGET_MS;
      while (performance.now() < until && cache.vacuumStep(VACUUM_STEP_PAGES) > 0) await nextTick();
    }
  }
  summary.vacuumMs = performance.now() - vacuumStarted;
  summary.freedBytes = Math.max(0, bytesBefore - cache.databaseBytes());
  summary.elapsedMs = performance.now() - started;
  return summary;
}
