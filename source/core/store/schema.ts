/**
 * The cache's schema, as the migrations that build it: migration N takes a cache from schema version
 * N-1 to N (kept in SQLite's user_version), so a cache written by an older Broadsheet is brought up to
 * date, and one written by a newer Broadsheet is refused rather than misread.
 */
import type Database from 'better-sqlite3';

/**
 * The indexes of the all-feeds lists, newest first. Every new article lands at a random place in each,
 * so a bulk load into an empty cache builds them afterwards (Store.beginBulkLoad).
 */
export const TIME_ORDER_INDEXES = `
   CREATE INDEX IF NOT EXISTS articles_by_time ON articles (sort_key DESC, id DESC, feed_id);
   CREATE INDEX IF NOT EXISTS articles_unread_by_time ON articles (sort_key DESC, id DESC, feed_id) WHERE read = 0;`;

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
  // 2: unread counts per feed from an index alone (the header's count took 55 ms at 300,000 articles).
  `CREATE INDEX articles_unread_by_feed ON articles (feed_id) WHERE read = 0;`,
  // 3: the list-order indexes carry feed_id, so paging deep into a list (G in 300,000 articles) skips
  // rows in the index alone instead of reading each row from the table: 380 ms -> 35 ms.
  `DROP INDEX articles_by_time;
   DROP INDEX articles_unread_by_time;
   ${TIME_ORDER_INDEXES}`,
  // 4: articles' web pages, for their full text offline (store/pages.ts), keyed by the URL asked for.
  // html is the page as decoded, gzipped, NULL when the fetch failed; content is the extracted article,
  // NULL when the page could not be read; failure says why either way.
  `CREATE TABLE pages (
     url TEXT PRIMARY KEY,
     final_url TEXT NOT NULL,
     fetched_at INTEGER NOT NULL,
     etag TEXT,
     last_modified TEXT,
     content_type TEXT,
     html BLOB,
     title TEXT NOT NULL DEFAULT '',
     byline TEXT NOT NULL DEFAULT '',
     published TEXT,
     site_name TEXT NOT NULL DEFAULT '',
     content TEXT,
     failure TEXT
   );`,
  // 5: discussions found by asking Hacker News, Reddit and Lobsters (discussions/cache.ts), the
  // feed's original link to ask about (feedburner:origLink), the comments those threads hold for the
  // list, which discussion the reader shows for an article and when it last showed each one, and the
  // requests sent to each service, so every process sharing this cache keeps to the services' limits.
  `ALTER TABLE articles ADD COLUMN orig_link TEXT NOT NULL DEFAULT '';
   ALTER TABLE articles ADD COLUMN lookup_count INTEGER;
   CREATE TABLE lookups (
     key TEXT PRIMARY KEY,
     fetched_at INTEGER NOT NULL,
     data TEXT NOT NULL
   );
   CREATE TABLE discussion_choices (
     article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
     key TEXT NOT NULL
   );
   CREATE TABLE discussion_visits (
     key TEXT PRIMARY KEY,
     seen_at INTEGER NOT NULL
   );
   CREATE TABLE service_requests (
     service TEXT NOT NULL,
     at INTEGER NOT NULL
   );
   CREATE INDEX service_requests_by_time ON service_requests (service, at);
   CREATE TABLE service_pauses (
     service TEXT PRIMARY KEY,
     until INTEGER NOT NULL
   );`,
  // Background reloads: the feed's own minimum interval in minutes (<ttl>, sy:updatePeriod), as its
  // last full fetch stated it; NULL when it states none. The reload schedule (core/reload-schedule.ts) reads it.
  `ALTER TABLE feeds ADD COLUMN min_reload_minutes REAL;`,
];

/** Bring the cache up to the current schema, one transaction per migration. */
export function migrate(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    throw new Error(`cache was written by a newer Broadsheet (schema ${version}); upgrade Broadsheet`);
  }
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
}
