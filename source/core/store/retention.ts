/**
 * Removing read, unstarred articles past the settings' `keep` (../retention.ts runs the pass), with what
 * the cache holds for them only: their bodies and discussion choices (by cascade), their pages,
 * lookups and cached discussions. Each removed article leaves a tombstone (removed_articles, migration
 * 6) so save-feed.ts does not bring it back as new while its feed still lists it.
 */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';

export interface KeepRule {
  days: number;
  perFeed: number;
}

/** A removable article, with the fields its cached pages and discussions are found by. */
export interface RemovableArticle {
  id: number;
  feedId: number;
  feedUrl: string;
  guid: string;
  link: string;
  origLink: string;
  commentsUrl: string;
  commentFeedUrl: string;
  /** The discussion the reader was last told to show for it, if any. */
  chosenDiscussion: string | null;
}

/** The cache rows of one removed article beyond its own: `lookups` and `discussions` keys. */
export interface CachedRefs {
  lookups: string[];
  discussions: string[];
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** A guid's tombstone key: the first 8 bytes of its SHA-1, as SQLite's signed 64-bit integer. */
export function guidHash(guid: string): bigint {
  return createHash('sha1').update(guid).digest().readBigInt64BE(0);
}

/** How often a refresh that still finds a tombstone's guid in its feed writes down that it did. */
export const TOMBSTONE_RENEW_MS = DAY_MS;
/** A tombstone whose guid has not been in its feed for this long is dropped. */
export const TOMBSTONE_KEEP_MS = 30 * DAY_MS;

/**
 * Start a pass: an empty list (a temporary table) of the articles to remove. Gathered feed by feed,
 * then removed in id order, which is the order they were written in: neighbours share pages, where
 * one feed's articles lie scattered among every other feed's.
 */
export function beginPass(db: Database.Database): void {
  db.exec('CREATE TEMP TABLE IF NOT EXISTS retention_queue (id INTEGER PRIMARY KEY); DELETE FROM temp.retention_queue;');
}

/**
 * Queue a feed's articles past the rule: read AND unstarred AND (older than `days` OR beyond the newest
 * `perFeed` of the feed, counting every article, read or not). Age counts from the later of publication
 * and first sight, so an old archive read on the day it was subscribed to stays `days`. Returns how many.
 */
export function queueRemovable(db: Database.Database, feedId: number, rule: KeepRule, now: number): number {
  return db
    .prepare(
      `INSERT OR IGNORE INTO temp.retention_queue (id)
       SELECT id FROM (SELECT id, read, starred, sort_key, first_seen, row_number() OVER (ORDER BY sort_key DESC, id DESC) AS rank
                       FROM articles WHERE feed_id = ?)
       WHERE read = 1 AND starred = 0 AND (rank > ? OR max(sort_key, first_seen) < ?)`,
    )
    .run(feedId, rule.perFeed, now - rule.days * DAY_MS).changes;
}

/** The next `limit` queued articles, lowest id first, taken off the queue (with any skipped before them). */
export function nextQueued(db: Database.Database, limit: number): RemovableArticle[] {
  const rows = db
    .prepare(
      // CROSS JOIN keeps the queue the outer loop: left to itself, SQLite walked the articles instead.
      `SELECT a.id, a.feed_id AS feedId, f.url AS feedUrl, a.guid, a.link, a.orig_link AS origLink, a.comments_url AS commentsUrl,
         a.comment_feed_url AS commentFeedUrl, c.key AS chosenDiscussion
       FROM temp.retention_queue q CROSS JOIN articles a ON a.id = q.id JOIN feeds f ON f.id = a.feed_id
       LEFT JOIN discussion_choices c ON c.article_id = a.id
       -- Starred or marked unread since it was queued (the reader runs meanwhile): it stays.
       WHERE a.read = 1 AND a.starred = 0
       ORDER BY q.id LIMIT ?`,
    )
    .all(limit) as RemovableArticle[];
  const unqueue = db.prepare('DELETE FROM temp.retention_queue WHERE id <= ?');
  const last = rows.at(-1);
  if (last) unqueue.run(last.id);
  else db.exec('DELETE FROM temp.retention_queue');
  return rows;
}

/**
 * Remove these articles in one transaction, leaving their tombstones. A page, lookup or
 * discussion is kept while another article still in the cache has the same link (the same story in
 * two feeds): it is removed with the last of them.
 */
export function removeArticles(db: Database.Database, articles: readonly RemovableArticle[], refs: readonly CachedRefs[], now: number): number {
  const tombstone = db.prepare('INSERT INTO removed_articles (feed_id, guid_hash, last_seen) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
  const removeArticle = db.prepare('DELETE FROM articles WHERE id = ?');
  const linkInUse = db.prepare('SELECT 1 FROM articles WHERE link = ? LIMIT 1');
  const removePage = db.prepare('DELETE FROM pages WHERE url = ?');
  const removeLookup = db.prepare('DELETE FROM lookups WHERE key = ?');
  const removeDiscussion = db.prepare('DELETE FROM discussions WHERE key = ?');
  const removeVisit = db.prepare('DELETE FROM discussion_visits WHERE key = ?');
  return db
    .transaction(() => {
      let removed = 0;
      for (const article of articles) {
        tombstone.run(article.feedId, guidHash(article.guid), now);
        removed += removeArticle.run(article.id).changes;
      }
      // After the whole batch is gone, so two copies removed together do not spare each other.
      articles.forEach((article, i) => {
        if (article.link && linkInUse.get(article.link)) return;
        if (article.link) removePage.run(article.link);
        for (const key of refs[i]?.lookups ?? []) removeLookup.run(key);
        for (const key of refs[i]?.discussions ?? []) {
          removeDiscussion.run(key);
          removeVisit.run(key);
        }
      });
      return removed;
    })
    .immediate();
}

/**
 * Drop the tombstones of guids gone from their feed: not seen for TOMBSTONE_KEEP_MS, and the feed was
 * saved more than TOMBSTONE_RENEW_MS after the last sighting (save-feed.ts renews one no more often), so a
 * feed that has only answered 304 meanwhile keeps them.
 */
export function dropOldTombstones(db: Database.Database, feedId: number, now: number): number {
  return db
    .prepare(
      `DELETE FROM removed_articles WHERE feed_id = ? AND last_seen < ?
         AND last_seen + ? < (SELECT COALESCE(last_updated, 0) FROM feeds WHERE id = ?)`,
    )
    .run(feedId, now - TOMBSTONE_KEEP_MS, TOMBSTONE_RENEW_MS, feedId).changes;
}

/** The feeds' ids, for those of `urls` that have a row. */
export function feedIds(db: Database.Database, urls: readonly string[]): { id: number; url: string }[] {
  const find = db.prepare('SELECT id FROM feeds WHERE url = ?');
  const out: { id: number; url: string }[] = [];
  for (const url of new Set(urls)) {
    const row = find.get(url) as { id: number } | undefined;
    if (row) out.push({ id: row.id, url });
  }
  return out;
}

/**
 * Give freed pages back to the file system, `pages` at a time (a step is one short write; the caller
 * yields between steps). Returns the pages freed; 0 when the cache is not in incremental mode or has
 * nothing free.
 */
export function vacuumStep(db: Database.Database, pages: number): number {
  if (autoVacuumMode(db) !== 'incremental') return 0;
  const before = db.pragma('freelist_count', { simple: true }) as number;
  if (before === 0) return 0;
  db.pragma(`incremental_vacuum(${Math.max(1, Math.floor(pages))})`);
  return before - (db.pragma('freelist_count', { simple: true }) as number);
}

export function autoVacuumMode(db: Database.Database): 'none' | 'full' | 'incremental' {
  const mode = db.pragma('auto_vacuum', { simple: true }) as number;
  return mode === 2 ? 'incremental' : mode === 1 ? 'full' : 'none';
}

/**
 * Rewrite the file without its free pages (VACUUM), in incremental-vacuum mode from then on: how a
 * cache made before incremental vacuum gets it. Seconds for a large cache, room for a second copy
 * on disk, and every other connection waits: the headless refresh does it, never the reader. A new
 * cache is created in incremental mode (connection.ts).
 */
export function rewrite(db: Database.Database): void {
  db.pragma('auto_vacuum = INCREMENTAL');
  db.exec('VACUUM');
}

/** The share of the file's pages that are free (0..1). */
export function freeShare(db: Database.Database): number {
  const pages = db.pragma('page_count', { simple: true }) as number;
  return pages === 0 ? 0 : (db.pragma('freelist_count', { simple: true }) as number) / pages;
}

/** The cache file's size in bytes as SQLite sees it (pages in use and free). */
export function databaseBytes(db: Database.Database): number {
  return (db.pragma('page_count', { simple: true }) as number) * (db.pragma('page_size', { simple: true }) as number);
}
