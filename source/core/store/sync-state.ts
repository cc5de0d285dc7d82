/**
 * What syncing with a server keeps in the cache (the tables of the sync migration in schema.ts):
 * which cached feed and article each server id names, the server's state as last seen, the outbox of
 * marks not yet sent, and the account and cursor.
 *
 * The outbox is written by the mark itself (recordMark, called inside Store.setRead / setStarred /
 * markScopeRead's transaction), so a mark the reader acknowledged is either in the outbox or already on
 * the server, whatever moment a process is killed. Sending a row twice is harmless: a row says "set to",
 * never "toggle", and a row replaced while it was being sent is kept (acknowledge matches seq).
 */
import type Database from 'better-sqlite3';
import type { Article } from '../types.js';
import { writeArticles } from './save-feed.js';

export type SyncField = 'read' | 'starred';

export interface RemoteFeed {
  id: string;
  url: string;
  title: string;
  /** The server's category for the feed, '' when none: it becomes the feed's tag. */
  category: string;
  /** Unread articles the server counts in the feed. */
  unread: number;
}

export interface RemoteArticle {
  id: string;
  feedId: string;
  /** Normalized and sanitized like a parsed feed's article; its `id` is the server's article id. */
  article: Article;
  unread: boolean;
  starred: boolean;
}

/** What a server says about the state of the articles the cache holds. */
export interface StateReport {
  /** Articles read on the server lately. */
  read: string[];
  /** Feeds whose unread articles are listed in full: that feed's other cached articles are read. */
  unreadByFeed: Map<string, Set<string>>;
  /** Every starred article, or null when the server was not asked. */
  starred: Set<string> | null;
}

export interface PendingMark {
  seq: number;
  serverId: string;
  field: SyncField;
  value: boolean;
  madeAt: number;
}

const COLUMN: Record<SyncField, string> = { read: 'read', starred: 'starred' };
const BASE: Record<SyncField, string> = { read: 'server_read', starred: 'server_starred' };

/**
 * After a mark changed an article (inside the mark's transaction): queue it for the server, replacing
 * any mark of the same field not yet sent. A mark back to the state the server last had is queued too:
 * it is the later mark, and another home may have sent the other state meanwhile. Articles the server
 * does not know (feeds fetched directly) queue nothing.
 */
export function recordMarkStatements(db: Database.Database) {
  const synced = db.prepare('SELECT 1 FROM sync_articles WHERE article_id = ?');
  const queue = db.prepare('INSERT OR REPLACE INTO sync_outbox (article_id, field, value, made_at) VALUES (?, ?, ?, ?)');
  return (articleId: number, field: SyncField, value: boolean, now = Date.now()): void => {
    if (synced.get(articleId)) queue.run(articleId, field, value ? 1 : 0, now);
  };
}

export function pendingMarks(db: Database.Database): PendingMark[] {
  const rows = db
    .prepare(
      `SELECT o.seq, s.server_id AS serverId, o.field, o.value, o.made_at AS madeAt
       FROM sync_outbox o JOIN sync_articles s ON s.article_id = o.article_id ORDER BY o.seq`,
    )
    .all() as { seq: number; serverId: string; field: SyncField; value: number; madeAt: number }[];
  return rows.map((r) => ({ ...r, value: r.value === 1 }));
}

/** The server took these marks: drop their rows (unless replaced since) and take them as its state. */
export function acknowledgeMarks(db: Database.Database, marks: readonly PendingMark[]): void {
  const drop = db.prepare('DELETE FROM sync_outbox WHERE seq = ?');
  const base = {
    read: db.prepare('UPDATE sync_articles SET server_read = ? WHERE server_id = ?'),
    starred: db.prepare('UPDATE sync_articles SET server_starred = ? WHERE server_id = ?'),
  };
  db.transaction(() => {
    for (const m of marks) {
      drop.run(m.seq);
      base[m.field].run(m.value ? 1 : 0, m.serverId);
    }
  }).immediate();
}

export function syncValue(db: Database.Database, key: string): string | undefined {
  return (db.prepare('SELECT value FROM sync_state WHERE key = ?').get(key) as { value: string } | undefined)?.value;
}

export function setSyncValue(db: Database.Database, key: string, value: string): void {
  db.prepare('INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
}

/**
 * Start syncing with `account` (server URL and user): when the cache last synced with another one, its
 * server ids mean nothing here any more, so they, the cursor and the outbox are dropped (the articles
 * stay, as a removed feed's do). True when it was another account.
 */
export function switchAccount(db: Database.Database, account: string): boolean {
  return db
    .transaction(() => {
      const previous = syncValue(db, 'account');
      if (previous === account) return false;
      db.exec('DELETE FROM sync_outbox; DELETE FROM sync_articles; DELETE FROM sync_feeds; DELETE FROM sync_state;');
      setSyncValue(db, 'account', account);
      return previous !== undefined;
    })
    .immediate();
}

/**
 * Make the cache's feed list the server's: a row per server feed (keyed by its URL, titled and tagged as
 * the server has it), every other feed inactive. Returns how many feeds are new to the cache.
 */
export function saveRemoteFeeds(db: Database.Database, feeds: readonly RemoteFeed[]): number {
  const upsert = db.prepare(
    `INSERT INTO feeds (url, configured_title, active) VALUES (?, ?, 1)
     ON CONFLICT(url) DO UPDATE SET configured_title = excluded.configured_title, active = 1 RETURNING id`,
  );
  const known = db.prepare('SELECT 1 FROM sync_feeds WHERE server_id = ?');
  const map = db.prepare(
    `INSERT INTO sync_feeds (server_id, feed_id, category, unread) VALUES (?, ?, ?, ?)
     ON CONFLICT(server_id) DO UPDATE SET feed_id = excluded.feed_id, category = excluded.category, unread = excluded.unread`,
  );
  const clearTags = db.prepare('DELETE FROM feed_tags WHERE feed_id = ?');
  const addTag = db.prepare('INSERT OR IGNORE INTO feed_tags (tag, feed_id) VALUES (?, ?)');
  return db
    .transaction(() => {
      let added = 0;
      db.prepare('UPDATE feeds SET active = 0').run();
      const ids = new Set(feeds.map((f) => f.id));
      for (const row of db.prepare('SELECT server_id AS id FROM sync_feeds').all() as { id: string }[]) {
        if (!ids.has(row.id)) db.prepare('DELETE FROM sync_feeds WHERE server_id = ?').run(row.id);
      }
      for (const feed of feeds) {
        if (!known.get(feed.id)) added++;
        const { id } = upsert.get(feed.url, feed.title || null) as { id: number };
        // Another server id may have held this URL (a feed removed and added again): the URL wins.
        db.prepare('DELETE FROM sync_feeds WHERE feed_id = ? AND server_id != ?').run(id, feed.id);
        map.run(feed.id, id, feed.category, feed.unread);
        clearTags.run(id);
        if (feed.category) addTag.run(feed.category, id);
      }
      return added;
    })
    .immediate();
}

/** The synced feeds as settings entries: what the reader and the commands subscribe the cache to. */
export function syncedFeeds(db: Database.Database): { url: string; title?: string; tags?: string[] }[] {
  const rows = db.prepare('SELECT f.url, f.configured_title AS title, s.category FROM sync_feeds s JOIN feeds f ON f.id = s.feed_id ORDER BY f.id').all() as {
    url: string;
    title: string | null;
    category: string;
  }[];
  return rows.map((r) => ({ url: r.url, ...(r.title ? { title: r.title } : {}), ...(r.category ? { tags: [r.category] } : {}) }));
}

export function remoteFeedIdOf(db: Database.Database, url: string): string | undefined {
  return (db.prepare('SELECT s.server_id AS id FROM sync_feeds s JOIN feeds f ON f.id = s.feed_id WHERE f.url = ?').get(url) as { id: string } | undefined)?.id;
}

/**
 * One page of new articles from the server, in one transaction: each lands in its feed with the
 * server's state; an article the cache already maps keeps its local state (the state pass reconciles
 * it). Articles of feeds the cache does not map are skipped. Returns how many were new.
 */
export function saveRemoteArticles(db: Database.Database, articles: readonly RemoteArticle[], now = Date.now()): number {
  const feedOf = db.prepare('SELECT feed_id AS id FROM sync_feeds WHERE server_id = ?');
  const mapped = db.prepare('SELECT 1 FROM sync_articles WHERE server_id = ?');
  const localId = db.prepare('SELECT id FROM articles WHERE feed_id = ? AND guid = ?');
  const map = db.prepare('INSERT OR IGNORE INTO sync_articles (server_id, article_id, server_read, server_starred) VALUES (?, ?, ?, ?)');
  const setState = db.prepare('UPDATE articles SET read = ?, starred = ? WHERE id = ?');
  return db
    .transaction(() => {
      let added = 0;
      const byFeed = new Map<number, RemoteArticle[]>();
      for (const a of articles) {
        const feed = feedOf.get(a.feedId) as { id: number } | undefined;
        if (!feed) continue;
        byFeed.set(feed.id, [...(byFeed.get(feed.id) ?? []), a]);
      }
      for (const [feedId, list] of byFeed) {
        writeArticles(
          db,
          feedId,
          list.map((a) => a.article),
          now,
        );
        for (const a of list) {
          if (mapped.get(a.id)) continue;
          const { id } = localId.get(feedId, a.article.id) as { id: number };
          map.run(a.id, id, a.unread ? 0 : 1, a.starred ? 1 : 0);
          setState.run(a.unread ? 0 : 1, a.starred ? 1 : 0, id);
          added++;
        }
      }
      return added;
    })
    .immediate();
}

/** Unread synced articles per server feed, as the cache has them now. */
export function localUnreadByFeed(db: Database.Database): Map<string, number> {
  const rows = db
    .prepare(
      `SELECT f.server_id AS id, count(a.id) AS unread FROM sync_feeds f
       LEFT JOIN articles a ON a.feed_id = f.feed_id AND a.read = 0 AND a.id IN (SELECT article_id FROM sync_articles)
       GROUP BY f.server_id`,
    )
    .all() as { id: string; unread: number }[];
  return new Map(rows.map((r) => [r.id, r.unread]));
}

/**
 * Take the server's state for the articles the report covers, in one transaction, except where the
 * outbox holds a newer local mark (made while this sync ran: it goes out first next time). These
 * changes are the server's own, so they queue nothing. Returns how many articles changed.
 */
export function applyRemoteStates(db: Database.Database, report: StateReport): number {
  const lookup = db.prepare(
    `SELECT s.article_id AS id, a.read, a.starred,
       EXISTS (SELECT 1 FROM sync_outbox o WHERE o.article_id = s.article_id AND o.field = 'read') AS readPending,
       EXISTS (SELECT 1 FROM sync_outbox o WHERE o.article_id = s.article_id AND o.field = 'starred') AS starPending
     FROM sync_articles s JOIN articles a ON a.id = s.article_id WHERE s.server_id = ?`,
  );
  const set = (field: SyncField) => db.prepare(`UPDATE articles SET ${COLUMN[field]} = ? WHERE id = ?`);
  const setBase = (field: SyncField) => db.prepare(`UPDATE sync_articles SET ${BASE[field]} = ? WHERE server_id = ?`);
  const write = { read: set('read'), starred: set('starred') };
  const base = { read: setBase('read'), starred: setBase('starred') };
  type Row = { id: number; read: number; starred: number; readPending: number; starPending: number };
  let changed = 0;
  const apply = (serverId: string, field: SyncField, value: boolean) => {
    const row = lookup.get(serverId) as Row | undefined;
    if (!row) return;
    base[field].run(value ? 1 : 0, serverId);
    if (field === 'read' ? row.readPending : row.starPending) return;
    if (row[field] !== (value ? 1 : 0)) {
      write[field].run(value ? 1 : 0, row.id);
      changed++;
    }
  };
  db.transaction(() => {
    for (const id of report.read) apply(id, 'read', true);
    const feedArticles = db.prepare(
      'SELECT s.server_id AS id FROM sync_articles s JOIN articles a ON a.id = s.article_id JOIN sync_feeds f ON f.feed_id = a.feed_id WHERE f.server_id = ?',
    );
    for (const [feedId, unread] of report.unreadByFeed) {
      for (const { id } of feedArticles.all(feedId) as { id: string }[]) apply(id, 'read', !unread.has(id));
    }
    if (report.starred) {
      const starred = report.starred;
      for (const { id } of db.prepare('SELECT server_id AS id FROM sync_articles').all() as { id: string }[]) apply(id, 'starred', starred.has(id));
    }
  }).immediate();
  return changed;
}
