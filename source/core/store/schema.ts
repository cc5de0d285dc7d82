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
   CREATE INDEX IF NOT EXISTS articles_by_time ON articles (sort_key DESC, id DESC, feed_id) WHERE hidden = 0;
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
  // (Written out: TIME_ORDER_INDEXES has changed since, and a migration must say what it said then.)
  `DROP INDEX articles_by_time;
   DROP INDEX articles_unread_by_time;
   CREATE INDEX IF NOT EXISTS articles_by_time ON articles (sort_key DESC, id DESC, feed_id);
   CREATE INDEX IF NOT EXISTS articles_unread_by_time ON articles (sort_key DESC, id DESC, feed_id) WHERE read = 0;`,
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
  // 6: enclosures (podcasts, videos, images) with the body they came with (store/enclosures.ts): a
  // JSON array of {url, type, length}, NULL when the item has none.
  `ALTER TABLE bodies ADD COLUMN enclosures TEXT;`,
  // 7: what the settings' filters do to new articles (core/filters.ts). A hidden article is kept, so it
  // never comes back as new, and is also marked read, so the unread indexes (WHERE read = 0) and counts
  // never hold one; the two list orders of all articles and of a feed's leave hidden ones out, so a list
  // still pages through an index alone (its query says `a.hidden = 0`, which selects these partial indexes).
  // article_tags are the tags a filter gives an article, listed with the feeds' tags.
  `ALTER TABLE articles ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;
   DROP INDEX IF EXISTS articles_by_time;
   CREATE INDEX articles_by_time ON articles (sort_key DESC, id DESC, feed_id) WHERE hidden = 0;
   DROP INDEX articles_by_feed_time;
   CREATE INDEX articles_by_feed_time ON articles (feed_id, sort_key DESC, id DESC) WHERE hidden = 0;
   CREATE TABLE article_tags (
     tag TEXT NOT NULL,
     article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
     PRIMARY KEY (tag, article_id)
   ) WITHOUT ROWID;
   CREATE INDEX article_tags_by_article ON article_tags (article_id);`,
  // 8: full-text search of titles and article text (store/search.ts): a contentless FTS5 index (the
  // text is not stored twice), filled from the articles already cached through the connection's
  // search_title and search_body functions; save-feed.ts writes it with each article from then on,
  // and a deleted article leaves it by the trigger. Articles a filter hid are left out.
  `CREATE VIRTUAL TABLE article_search USING fts5(title, body, content = '', contentless_delete = 1,
     tokenize = 'unicode61 remove_diacritics 2');
   INSERT INTO article_search (rowid, title, body)
     SELECT a.id, search_title(a.title), search_body(b.html) FROM articles a LEFT JOIN bodies b ON b.article_id = a.id WHERE a.hidden = 0;
   CREATE TRIGGER articles_leave_search AFTER DELETE ON articles BEGIN
     DELETE FROM article_search WHERE rowid = old.id;
   END;`,
  // 9: sync with a server (store/sync-state.ts): which cached feed and article each server id names, the
  // server's read and starred state as last seen, the outbox
  // of marks not yet sent (written in the mark's own transaction; seq orders them and tells a row sent
  // from one replaced meanwhile), and the account and article cursor the ids belong to.
  `CREATE TABLE sync_feeds (
     server_id TEXT PRIMARY KEY,
     feed_id INTEGER NOT NULL UNIQUE REFERENCES feeds(id) ON DELETE CASCADE,
     category TEXT NOT NULL DEFAULT '',
     unread INTEGER NOT NULL DEFAULT 0
   );
   CREATE TABLE sync_articles (
     server_id TEXT PRIMARY KEY,
     article_id INTEGER NOT NULL UNIQUE REFERENCES articles(id) ON DELETE CASCADE,
     server_read INTEGER NOT NULL,
     server_starred INTEGER NOT NULL
   );
   CREATE TABLE sync_outbox (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
     field TEXT NOT NULL CHECK (field IN ('read', 'starred')),
     value INTEGER NOT NULL,
     made_at INTEGER NOT NULL,
     UNIQUE (article_id, field)
   );
   CREATE TABLE sync_state (
     key TEXT PRIMARY KEY,
     value TEXT NOT NULL
   );`,
  // 10: what recognises an article that retention removed while its feed still lists it,
  // so the next refresh does not bring it back as new (store/retention.ts): its guid as a 64-bit hash
  // (guids are often 100-byte URLs; a year of them is millions). last_seen: when a refresh last found
  // the guid in the feed; a tombstone not seen for a month is dropped.
  `CREATE TABLE removed_articles (
     feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
     guid_hash INTEGER NOT NULL,
     last_seen INTEGER NOT NULL,
     PRIMARY KEY (feed_id, guid_hash)
   ) WITHOUT ROWID;
   CREATE INDEX articles_by_link ON articles (link);`,
  // 11: background reloads: the feed's own minimum interval in minutes (<ttl>, sy:updatePeriod), as its
  // last full fetch stated it; NULL when it states none. The reload schedule (core/reload-schedule.ts) reads it.
  `ALTER TABLE feeds ADD COLUMN min_reload_minutes REAL;`,
  // 12: how far the search index has caught up with the articles (store/search.ts indexNewArticles):
  // a refresh stores new articles unindexed and indexes them in bulk when it is done. Every article
  // of an older cache is in the index already (migration 8).
  `CREATE TABLE search_progress (indexed_upto INTEGER NOT NULL);
   INSERT INTO search_progress SELECT COALESCE(max(id), 0) FROM articles;`,
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
