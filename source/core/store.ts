/**
 * The SQLite cache: feeds, articles (with read/starred state), article bodies and cached discussions.
 *
 * Durability recipe measured in DESIGN.md ("The cache"): WAL + synchronous=NORMAL loses no committed
 * transaction to kill -9, so every user action commits at once in its own transaction and every
 * feed's refresh is one transaction that also stores the feed's validators.
 * Bodies live in their own table so list queries scan narrow rows.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Article, ParsedFeed } from './types.js';
import type { FeedSetting } from './settings.js';

const MIGRATIONS: string[] = [
  // 1: the first schema.
  `CREATE TABLE feeds (
     id INTEGER PRIMARY KEY,
     url TEXT NOT NULL UNIQUE,
     title TEXT NOT NULL DEFAULT '',
     configured_title TEXT,
     site_link TEXT NOT NULL DEFAULT '',
     etag TEXT,
     last_modified TEXT,
     last_checked INTEGER,
     last_updated INTEGER,
     error TEXT,
     retry_after INTEGER,
     broken INTEGER NOT NULL DEFAULT 0,
     active INTEGER NOT NULL DEFAULT 1
   );
   CREATE TABLE feed_tags (
     tag TEXT NOT NULL,
     feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
     PRIMARY KEY (tag, feed_id)
   ) WITHOUT ROWID;
   CREATE TABLE articles (
     id INTEGER PRIMARY KEY,
     feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
     guid TEXT NOT NULL,
     title TEXT NOT NULL,
     link TEXT NOT NULL,
     author TEXT NOT NULL,
     published TEXT,
     sort_key INTEGER NOT NULL,
     first_seen INTEGER NOT NULL,
     comments_url TEXT NOT NULL,
     comment_feed_url TEXT NOT NULL,
     comment_count INTEGER,
     read INTEGER NOT NULL DEFAULT 0,
     starred INTEGER NOT NULL DEFAULT 0,
     UNIQUE (feed_id, guid)
   );
   CREATE TABLE bodies (
     article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
     html TEXT NOT NULL
   );
   CREATE INDEX articles_by_time ON articles (sort_key DESC, id DESC);
   CREATE INDEX articles_by_feed_time ON articles (feed_id, sort_key DESC, id DESC);
   CREATE INDEX articles_unread_by_time ON articles (sort_key DESC, id DESC) WHERE read = 0;
   CREATE TABLE discussions (
     key TEXT PRIMARY KEY,
     source TEXT NOT NULL,
     fetched_at INTEGER NOT NULL,
     data TEXT NOT NULL
   );`,
];

export interface FeedRow {
  id: number;
  url: string;
  title: string;
  siteLink: string;
  etag: string | null;
  lastModified: string | null;
  lastChecked: number | null;
  lastUpdated: number | null;
  error: string | null;
  retryAfter: number | null;
  broken: boolean;
  tags: string[];
  unread: number;
  total: number;
}

export interface ArticleRow {
  id: number;
  feedId: number;
  feed: string;
  guid: string;
  title: string;
  link: string;
  author: string;
  published: string | null;
  sortKey: number;
  read: boolean;
  starred: boolean;
  commentsUrl: string;
  commentFeedUrl: string;
  commentCount: number | null;
}

/** What a list shows: everything, one feed, or one tag; optionally only unread or only starred. */
export interface Scope {
  feedId?: number;
  tag?: string;
  unreadOnly?: boolean;
  starredOnly?: boolean;
  /** Case-insensitive substring of the title. */
  search?: string;
}

export interface SaveResult {
  added: number;
  updated: number;
}

/** The cache file cannot be opened for writing (a read-only folder, a file that is not a database). */
export class CacheOpenError extends Error {}

const ARTICLE_COLUMNS = `a.id, a.feed_id AS feedId, COALESCE(f.configured_title, NULLIF(f.title, ''), f.url) AS feed,
  a.guid, a.title, a.link, a.author, a.published, a.sort_key AS sortKey, a.read, a.starred,
  a.comments_url AS commentsUrl, a.comment_feed_url AS commentFeedUrl, a.comment_count AS commentCount`;

function toArticleRow(r: any): ArticleRow {
  return { ...r, read: r.read === 1, starred: r.starred === 1 };
}

export class Store {
  readonly db: Database.Database;

  private constructor(db: Database.Database) {
    this.db = db;
  }

  /** Open (and create or migrate) the cache. Throws CacheOpenError, one line naming the file. */
  static open(file: string, options: { readonly?: boolean } = {}): Store {
    let db: Database.Database | undefined;
    try {
      if (file !== ':memory:' && !options.readonly) {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        // Reading needs writing too (WAL side files, read marks): find out now, not at the first keypress.
        fs.accessSync(path.dirname(file), fs.constants.W_OK);
        if (fs.existsSync(file)) fs.accessSync(file, fs.constants.R_OK | fs.constants.W_OK);
      }
      db = new Database(file, { readonly: options.readonly ?? false });
      db.pragma('busy_timeout = 5000');
      if (!options.readonly) {
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = NORMAL');
      }
      db.pragma('foreign_keys = ON');
      const store = new Store(db);
      if (!options.readonly) store.migrate();
      return store;
    } catch (error) {
      db?.close();
      throw new CacheOpenError(`${file}: ${cacheProblem(error)}`);
    }
  }

  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > MIGRATIONS.length) {
      throw new Error(`cache was written by a newer Broadsheet (schema ${version}); upgrade Broadsheet`);
    }
    for (let v = version; v < MIGRATIONS.length; v++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[v]!);
        this.db.pragma(`user_version = ${v + 1}`);
      }).immediate();
    }
  }

  close(): void {
    try {
      if (!this.db.readonly) this.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      // Another process may hold the database; the checkpoint is an optimisation only.
    }
    this.db.close();
  }

  /** After a big refresh: let SQLite refresh its statistics (newsboat's 45 s lesson, DESIGN.md). */
  optimize(): void {
    this.db.pragma('optimize');
  }

  // ---------------------------------------------------------------- feeds

  /** Make the cache's subscriptions match the settings: rows for new feeds, tags, active flags. */
  syncFeeds(feeds: FeedSetting[]): void {
    const upsert = this.db.prepare(
      `INSERT INTO feeds (url, configured_title, active) VALUES (?, ?, 1)
       ON CONFLICT(url) DO UPDATE SET configured_title = excluded.configured_title, active = 1
       RETURNING id`,
    );
    const clearTags = this.db.prepare('DELETE FROM feed_tags WHERE feed_id = ?');
    const addTag = this.db.prepare('INSERT OR IGNORE INTO feed_tags (tag, feed_id) VALUES (?, ?)');
    this.db.transaction(() => {
      this.db.prepare('UPDATE feeds SET active = 0').run();
      for (const feed of feeds) {
        const { id } = upsert.get(feed.url, feed.title ?? null) as { id: number };
        clearTags.run(id);
        for (const tag of feed.tags ?? []) addTag.run(tag, id);
      }
    }).immediate();
  }

  feeds(): FeedRow[] {
    const rows = this.db
      .prepare(
        `SELECT f.id, f.url, COALESCE(f.configured_title, NULLIF(f.title, ''), f.url) AS title, f.site_link AS siteLink,
           f.etag, f.last_modified AS lastModified, f.last_checked AS lastChecked, f.last_updated AS lastUpdated,
           f.error, f.retry_after AS retryAfter, f.broken,
           (SELECT group_concat(tag, char(31)) FROM feed_tags t WHERE t.feed_id = f.id) AS tags,
           (SELECT count(*) FROM articles a WHERE a.feed_id = f.id AND a.read = 0) AS unread,
           (SELECT count(*) FROM articles a WHERE a.feed_id = f.id) AS total
         FROM feeds f WHERE f.active = 1 ORDER BY lower(title)`,
      )
      .all() as any[];
    return rows.map((r) => ({ ...r, broken: r.broken === 1, tags: r.tags ? String(r.tags).split('\x1f') : [] }));
  }

  feed(url: string): FeedRow | undefined {
    return this.feeds().find((f) => f.url === url);
  }

  tags(): { tag: string; unread: number }[] {
    return this.db
      .prepare(
        `SELECT t.tag, (SELECT count(*) FROM articles a JOIN feed_tags u ON u.feed_id = a.feed_id
                        WHERE u.tag = t.tag AND a.read = 0) AS unread
         FROM (SELECT DISTINCT tag FROM feed_tags JOIN feeds f ON f.id = feed_id WHERE f.active = 1) t ORDER BY t.tag`,
      )
      .all() as { tag: string; unread: number }[];
  }

  /** Store one successfully fetched and parsed feed, its validators and its articles, in one transaction. */
  saveFeed(
    url: string,
    parsed: ParsedFeed,
    meta: { etag: string | null; lastModified: string | null; broken?: boolean; now?: number },
  ): SaveResult {
    const now = meta.now ?? Date.now();
    const upsertArticle = this.db.prepare(
      `INSERT INTO articles (feed_id, guid, title, link, author, published, sort_key, first_seen,
                             comments_url, comment_feed_url, comment_count)
       VALUES (@feedId, @guid, @title, @link, @author, @published, @sortKey, @now, @commentsUrl, @commentFeedUrl, @commentCount)
       ON CONFLICT(feed_id, guid) DO UPDATE SET
         title = excluded.title, link = excluded.link, author = excluded.author, published = excluded.published,
         sort_key = CASE WHEN excluded.published IS NOT NULL THEN excluded.sort_key ELSE articles.sort_key END,
         comments_url = excluded.comments_url, comment_feed_url = excluded.comment_feed_url,
         comment_count = COALESCE(excluded.comment_count, articles.comment_count)
       WHERE articles.title IS NOT excluded.title OR articles.link IS NOT excluded.link
          OR articles.author IS NOT excluded.author OR articles.published IS NOT excluded.published
          OR articles.comments_url IS NOT excluded.comments_url
          OR articles.comment_feed_url IS NOT excluded.comment_feed_url
          OR (excluded.comment_count IS NOT NULL AND articles.comment_count IS NOT excluded.comment_count)
       RETURNING id, first_seen = @now AS isNew`,
    );
    const findId = this.db.prepare('SELECT id FROM articles WHERE feed_id = ? AND guid = ?');
    const upsertBody = this.db.prepare(
      `INSERT INTO bodies (article_id, html) VALUES (?, ?)
       ON CONFLICT(article_id) DO UPDATE SET html = excluded.html WHERE bodies.html IS NOT excluded.html`,
    );
    return this.db.transaction((): SaveResult => {
      const feed = this.db
        .prepare(
          `INSERT INTO feeds (url, title, site_link, etag, last_modified, last_checked, last_updated, error, retry_after, broken, active)
           VALUES (@url, @title, @link, @etag, @lastModified, @now, @now, NULL, NULL, @broken, 1)
           ON CONFLICT(url) DO UPDATE SET title = excluded.title, site_link = excluded.site_link, etag = excluded.etag,
             last_modified = excluded.last_modified, last_checked = @now, last_updated = @now, error = NULL,
             retry_after = NULL, broken = excluded.broken
           RETURNING id`,
        )
        .get({ url, title: parsed.title, link: parsed.link, etag: meta.etag, lastModified: meta.lastModified, now, broken: meta.broken ? 1 : 0 }) as { id: number };
      let added = 0;
      let updated = 0;
      for (const article of parsed.articles) {
        const row = upsertArticle.get(articleParams(feed.id, article, now)) as { id: number; isNew: number } | undefined;
        let id = row?.id;
        if (row) row.isNew ? added++ : updated++;
        else id = (findId.get(feed.id, article.id) as { id: number }).id;
        upsertBody.run(id, article.html);
      }
      return { added, updated };
    }).immediate();
  }

  /** A 304: the feed is unchanged; record that it was checked. */
  markNotModified(url: string, meta: { etag: string | null; lastModified: string | null; now?: number }): void {
    this.db
      .prepare(
        `UPDATE feeds SET last_checked = ?, error = NULL, retry_after = NULL,
           etag = COALESCE(?, etag), last_modified = COALESCE(?, last_modified) WHERE url = ?`,
      )
      .run(meta.now ?? Date.now(), meta.etag, meta.lastModified, url);
  }

  markFailed(url: string, error: string, retryAfter: number | null = null, now = Date.now()): void {
    this.db
      .prepare(
        `INSERT INTO feeds (url, last_checked, error, retry_after) VALUES (?, ?, ?, ?)
         ON CONFLICT(url) DO UPDATE SET last_checked = excluded.last_checked, error = excluded.error,
           retry_after = excluded.retry_after`,
      )
      .run(url, now, error, retryAfter);
  }

  /** Conditional-GET validators and a Retry-After deadline for one feed. */
  validators(url: string): { etag: string | null; lastModified: string | null; retryAfter: number | null } {
    const row = this.db.prepare('SELECT etag, last_modified AS lastModified, retry_after AS retryAfter FROM feeds WHERE url = ?').get(url) as any;
    return row ?? { etag: null, lastModified: null, retryAfter: null };
  }

  // ---------------------------------------------------------------- articles

  private scopeSql(scope: Scope): { where: string; params: unknown[] } {
    const clauses = ['f.active = 1'];
    const params: unknown[] = [];
    if (scope.feedId !== undefined) {
      clauses.push('a.feed_id = ?');
      params.push(scope.feedId);
    }
    if (scope.tag !== undefined) {
      clauses.push('a.feed_id IN (SELECT feed_id FROM feed_tags WHERE tag = ?)');
      params.push(scope.tag);
    }
    if (scope.unreadOnly) clauses.push('a.read = 0');
    if (scope.starredOnly) clauses.push('a.starred = 1');
    if (scope.search) {
      clauses.push("a.title LIKE ? ESCAPE '\\'");
      params.push('%' + scope.search.replace(/[\\%_]/g, (c) => '\\' + c) + '%');
    }
    return { where: clauses.join(' AND '), params };
  }

  /** One page of a list, newest first. */
  articles(scope: Scope, page: { offset?: number; limit: number }): ArticleRow[] {
    const { where, params } = this.scopeSql(scope);
    return (
      this.db
        .prepare(
          `SELECT ${ARTICLE_COLUMNS} FROM articles a JOIN feeds f ON f.id = a.feed_id
           WHERE ${where} ORDER BY a.sort_key DESC, a.id DESC LIMIT ? OFFSET ?`,
        )
        .all(...params, page.limit, page.offset ?? 0) as any[]
    ).map(toArticleRow);
  }

  /** Where an article stands in a list: how many rows of the scope sort before it (or -1 if absent). */
  position(scope: Scope, id: number): number {
    const row = this.db.prepare('SELECT sort_key AS k FROM articles WHERE id = ?').get(id) as { k: number } | undefined;
    if (!row) return -1;
    const { where, params } = this.scopeSql(scope);
    const inScope = this.db.prepare(`SELECT 1 FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE ${where} AND a.id = ?`).get(...params, id);
    if (!inScope) return -1;
    const before = this.db
      .prepare(
        `SELECT count(*) AS n FROM articles a JOIN feeds f ON f.id = a.feed_id
         WHERE ${where} AND (a.sort_key > ? OR (a.sort_key = ? AND a.id > ?))`,
      )
      .get(...params, row.k, row.k, id) as { n: number };
    return before.n;
  }

  /** The next (or previous) unread article after `id` in a scope's order, if any. */
  neighbourUnread(scope: Scope, id: number, direction: 1 | -1): number | undefined {
    const row = this.db.prepare('SELECT sort_key AS k FROM articles WHERE id = ?').get(id) as { k: number } | undefined;
    if (!row) return undefined;
    const { where, params } = this.scopeSql({ ...scope, unreadOnly: true });
    const sql =
      direction === 1
        ? `SELECT a.id FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE ${where}
             AND (a.sort_key < ? OR (a.sort_key = ? AND a.id < ?)) ORDER BY a.sort_key DESC, a.id DESC LIMIT 1`
        : `SELECT a.id FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE ${where}
             AND (a.sort_key > ? OR (a.sort_key = ? AND a.id > ?)) ORDER BY a.sort_key ASC, a.id ASC LIMIT 1`;
    const next = this.db.prepare(sql).get(...params, row.k, row.k, id) as { id: number } | undefined;
    return next?.id;
  }

  count(scope: Scope): number {
    const { where, params } = this.scopeSql(scope);
    const row = this.db.prepare(`SELECT count(*) AS n FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE ${where}`).get(...params) as { n: number };
    return row.n;
  }

  article(id: number): (ArticleRow & { html: string; feedUrl: string }) | undefined {
    const row = this.db
      .prepare(
        `SELECT ${ARTICLE_COLUMNS}, COALESCE(b.html, '') AS html, f.url AS feedUrl
         FROM articles a JOIN feeds f ON f.id = a.feed_id LEFT JOIN bodies b ON b.article_id = a.id WHERE a.id = ?`,
      )
      .get(id) as any;
    return row ? { ...toArticleRow(row), html: row.html, feedUrl: row.feedUrl } : undefined;
  }

  /** Articles whose link or discussion URL is `url` (for `comments URL` on a cached article). */
  articleByUrl(url: string): (ArticleRow & { html: string; feedUrl: string }) | undefined {
    const row = this.db.prepare('SELECT id FROM articles WHERE link = ? OR comments_url = ? OR comment_feed_url = ? LIMIT 1').get(url, url, url) as any;
    return row ? this.article(row.id) : undefined;
  }

  /** Each call is its own transaction: a mark is durable the moment this returns. Returns rows changed. */
  setRead(ids: number[], read: boolean): number {
    const stmt = this.db.prepare('UPDATE articles SET read = ? WHERE id = ? AND read != ?');
    return this.db.transaction(() => ids.reduce((n, id) => n + stmt.run(read ? 1 : 0, id, read ? 1 : 0).changes, 0)).immediate();
  }

  setStarred(ids: number[], starred: boolean): number {
    const stmt = this.db.prepare('UPDATE articles SET starred = ? WHERE id = ? AND starred != ?');
    return this.db.transaction(() => ids.reduce((n, id) => n + stmt.run(starred ? 1 : 0, id, starred ? 1 : 0).changes, 0)).immediate();
  }

  /** Mark every article in a scope read; returns the ids changed so the action can be undone. */
  markScopeRead(scope: Scope): number[] {
    const { where, params } = this.scopeSql({ ...scope, unreadOnly: true });
    return this.db.transaction(() => {
      const ids = (this.db.prepare(`SELECT a.id FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE ${where}`).all(...params) as { id: number }[]).map((r) => r.id);
      const stmt = this.db.prepare('UPDATE articles SET read = 1 WHERE id = ?');
      for (const id of ids) stmt.run(id);
      return ids;
    }).immediate();
  }

  /** A discussion's real size, learned when it was loaded (HN, Reddit and Lobsters feeds carry no count). */
  setCommentCount(id: number, count: number): boolean {
    return this.db.prepare('UPDATE articles SET comment_count = ? WHERE id = ? AND comment_count IS NOT ?').run(count, id, count).changes > 0;
  }

  existingIds(ids: number[]): Set<number> {
    const stmt = this.db.prepare('SELECT 1 FROM articles WHERE id = ?');
    return new Set(ids.filter((id) => stmt.get(id)));
  }

  // ---------------------------------------------------------------- discussions

  discussion(key: string): { source: string; fetchedAt: number; data: string } | undefined {
    return this.db.prepare('SELECT source, fetched_at AS fetchedAt, data FROM discussions WHERE key = ?').get(key) as any;
  }

  saveDiscussion(key: string, source: string, data: string, fetchedAt = Date.now()): void {
    this.db
      .prepare(
        `INSERT INTO discussions (key, source, fetched_at, data) VALUES (?, ?, ?, ?)
         ON CONFLICT(key) DO UPDATE SET source = excluded.source, fetched_at = excluded.fetched_at, data = excluded.data`,
      )
      .run(key, source, fetchedAt, data);
  }
}

function cacheProblem(error: unknown): string {
  const e = error as { code?: string; message?: string };
  if (e.code === 'EROFS' || e.code === 'SQLITE_READONLY' || /readonly/i.test(e.code ?? '')) return 'the cache is on a read-only file system or folder';
  if (e.code === 'EACCES' || e.code === 'EPERM' || e.code === 'SQLITE_CANTOPEN') return 'cannot write the cache here (permission denied or read-only folder)';
  if (e.code === 'SQLITE_NOTADB' || e.code === 'SQLITE_CORRUPT') return 'not a Broadsheet cache (not a SQLite database, or damaged); move it aside to start a new one';
  return String(e.message ?? error).split('\n')[0]!;
}

function articleParams(feedId: number, a: Article, now: number) {
  const published = a.published ? Date.parse(a.published) : NaN;
  // A date in the future would pin an article to the top of every list: clamp it to now.
  const sortKey = Number.isFinite(published) ? Math.min(published, now) : now;
  return {
    feedId,
    guid: a.id,
    title: a.title,
    link: a.link,
    author: a.author,
    published: a.published,
    sortKey,
    now,
    commentsUrl: a.commentsUrl,
    commentFeedUrl: a.commentFeedUrl,
    commentCount: a.commentCount,
  };
}
