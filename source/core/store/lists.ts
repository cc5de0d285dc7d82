/**
 * Article lists: which articles a Scope selects, in list order (newest first, the id breaking ties), a
 * page of them, and where one article stands in a list, so a list can be opened at any article without
 * loading the rows before it.
 */
import type Database from 'better-sqlite3';
import type { ArticleRow, Scope } from './types.js';
import { ftsQuery, RANK } from './search.js';

export const ARTICLE_COLUMNS = `a.id, a.feed_id AS feedId, COALESCE(f.configured_title, NULLIF(f.title, ''), f.url) AS feed,
  a.guid, a.title, a.link, a.author, a.published, a.sort_key AS sortKey, a.read, a.starred,
  a.comments_url AS commentsUrl, a.comment_feed_url AS commentFeedUrl, a.comment_count AS commentCount,
  a.orig_link AS origLink, a.lookup_count AS lookupCount`;

// biome-ignore lint/suspicious/noExplicitAny: better-sqlite3 rows are untyped; toArticleRow reads each field
export function toArticleRow(r: any): ArticleRow {
  return { ...r, read: r.read === 1, starred: r.starred === 1 };
}

/**
 * The WHERE clause (over `articles a JOIN feeds f`) that selects a scope, and its parameters.
 * `scanByTime`: the search's matches are not to drive the query (see listPage).
 */
function scopeSql(db: Database.Database, scope: Scope, scanByTime = false): { where: string; params: unknown[] } {
  const clauses = ['f.active = 1'];
  const params: unknown[] = [];
  // Articles a filter hid are in no list. A hidden article is read too (store/schema.ts, migration 6),
  // so an unread list of all articles needs no test of its own and keeps its covering index; every
  // other list says `a.hidden = 0` as written, which is what lets SQLite use the partial indexes.
  if (!scope.unreadOnly || scope.feedId !== undefined) clauses.push('a.hidden = 0');
  if (scope.feedId !== undefined) {
    clauses.push('a.feed_id = ?');
    params.push(scope.feedId);
  }
  if (scope.tag !== undefined) {
    // A tag holds its feeds' articles and the articles a filter tagged. The OR keeps SQLite from its
    // per-feed index (counting a feed tag's 45,000 articles: 70 ms instead of 10), so only when needed.
    const tagged = db.prepare('SELECT 1 FROM article_tags WHERE tag = ? LIMIT 1').get(scope.tag);
    clauses.push(
      tagged
        ? '(a.feed_id IN (SELECT feed_id FROM feed_tags WHERE tag = ?) OR a.id IN (SELECT article_id FROM article_tags WHERE tag = ?))'
        : 'a.feed_id IN (SELECT feed_id FROM feed_tags WHERE tag = ?)',
    );
    params.push(...(tagged ? [scope.tag, scope.tag] : [scope.tag]));
  }
  if (scope.unreadOnly) clauses.push('a.read = 0');
  if (scope.starredOnly) clauses.push('a.starred = 1');
  if (scope.search) {
    const match = ftsQuery(scope.search);
    // A query of no words (`"`, `(`) matches nothing, rather than being an FTS5 syntax error.
    if (match === null) clauses.push('0');
    else {
      // The unary + keeps SQLite from looking each match up by id, so it walks the list's own index instead.
      clauses.push(`${scanByTime ? '+' : ''}a.id IN (SELECT rowid FROM article_search WHERE article_search MATCH ?)`);
      params.push(match);
    }
  }
  return { where: clauses.join(' AND '), params };
}

/**
 * One page of a list, newest first. CROSS JOIN pins the join order (articles outside, in index order):
 * given statistics, SQLite otherwise sometimes chose to scan feeds and sort every article of the list
 * in a temporary b-tree to return 37 rows.
 */
export function listPage(db: Database.Database, scope: Scope, page: { offset?: number; limit: number; total?: number }): ArticleRow[] {
  const { where, params } = scopeSql(db, scope, commonSearch(db, scope));
  const offset = page.offset ?? 0;
  // In the second half of a list whose length is known, count from the end: G skips 37 rows, not 300,000.
  if (page.total !== undefined && offset > page.total / 2) {
    const end = Math.min(page.total, offset + page.limit);
    const rows = db
      .prepare(
        `SELECT ${ARTICLE_COLUMNS} FROM articles a CROSS JOIN feeds f ON f.id = a.feed_id
         WHERE ${where} ORDER BY a.sort_key ASC, a.id ASC LIMIT ? OFFSET ?`,
      )
      // biome-ignore lint/suspicious/noExplicitAny: better-sqlite3 rows are untyped; toArticleRow reads each field
      .all(...params, Math.max(0, end - offset), page.total - end) as any[];
    return rows.reverse().map(toArticleRow);
  }
  return (
    (
      db
        .prepare(
          `SELECT ${ARTICLE_COLUMNS} FROM articles a CROSS JOIN feeds f ON f.id = a.feed_id
         WHERE ${where} ORDER BY a.sort_key DESC, a.id DESC LIMIT ? OFFSET ?`,
        )
        // biome-ignore lint/suspicious/noExplicitAny: better-sqlite3 rows are untyped; toArticleRow reads each field
        .all(...params, page.limit, offset) as any[]
    ).map(toArticleRow)
  );
}

/** Where an article stands in a list: how many rows of the scope sort before it (or -1 if absent). */
export function listPosition(db: Database.Database, scope: Scope, id: number): number {
  const row = db.prepare('SELECT sort_key AS k FROM articles WHERE id = ?').get(id) as { k: number } | undefined;
  if (!row) return -1;
  const { where, params } = scopeSql(db, scope);
  const inScope = db.prepare(`SELECT 1 FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE ${where} AND a.id = ?`).get(...params, id);
  if (!inScope) return -1;
  const before = db
    .prepare(
      `SELECT count(*) AS n FROM articles a CROSS JOIN feeds f ON f.id = a.feed_id
       WHERE ${where} AND (a.sort_key > ? OR (a.sort_key = ? AND a.id > ?))`,
    )
    .get(...params, row.k, row.k, id) as { n: number };
  return before.n;
}

/** The next (or previous) unread article after `id` in a scope's order, if any. */
export function neighbourUnread(db: Database.Database, scope: Scope, id: number, direction: 1 | -1): number | undefined {
  const row = db.prepare('SELECT sort_key AS k FROM articles WHERE id = ?').get(id) as { k: number } | undefined;
  if (!row) return undefined;
  const { where, params } = scopeSql(db, { ...scope, unreadOnly: true });
  const sql =
    direction === 1
      ? `SELECT a.id FROM articles a CROSS JOIN feeds f ON f.id = a.feed_id WHERE ${where}
           AND (a.sort_key < ? OR (a.sort_key = ? AND a.id < ?)) ORDER BY a.sort_key DESC, a.id DESC LIMIT 1`
      : `SELECT a.id FROM articles a CROSS JOIN feeds f ON f.id = a.feed_id WHERE ${where}
           AND (a.sort_key > ? OR (a.sort_key = ? AND a.id > ?)) ORDER BY a.sort_key ASC, a.id ASC LIMIT 1`;
  const next = db.prepare(sql).get(...params, row.k, row.k, id) as { id: number } | undefined;
  return next?.id;
}

export function listCount(db: Database.Database, scope: Scope): number {
  // A search of everything counts in the index alone, when every feed is active (else their articles would count too):
  // joining 50,000 matches to their articles took 300 ms at 300,000 articles, the index 25 ms.
  // Articles a filter hid are never indexed (save-feed.ts), so they are not counted either.
  const onlySearch = scope.search && scope.feedId === undefined && scope.tag === undefined && !scope.unreadOnly && !scope.starredOnly;
  if (onlySearch && !db.prepare('SELECT 1 FROM feeds WHERE active = 0 LIMIT 1').get()) return searchHits(db, scope.search!);
  const { where, params } = scopeSql(db, scope);
  const row = db.prepare(`SELECT count(*) AS n FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE ${where}`).get(...params) as { n: number };
  return row.n;
}

/**
 * How many articles a search matches, from the index alone; remembered until the cache changes (any
 * connection's commit: data_version; this one's: total_changes), since a list asks for its count and
 * then for its page.
 */
function searchHits(db: Database.Database, search: string): number {
  const match = ftsQuery(search);
  if (match === null) return 0;
  const version = `${db.pragma('data_version', { simple: true })}|${(db.prepare('SELECT total_changes() AS n').get() as { n: number }).n}`;
  let remembered = hitCounts.get(db);
  if (remembered?.version !== version) {
    remembered = { version, counts: new Map() };
    hitCounts.set(db, remembered);
  }
  let n = remembered.counts.get(match);
  if (n === undefined) {
    n = (db.prepare('SELECT count(*) AS n FROM article_search WHERE article_search MATCH ?').get(match) as { n: number }).n;
    if (remembered.counts.size > 32) remembered.counts.clear();
    remembered.counts.set(match, n);
  }
  return n;
}
const hitCounts = new WeakMap<Database.Database, { version: string; counts: Map<string, number> }>();

/**
 * A search matching more than one article in 300: its page is found faster by walking the list in time
 * order until the page is full (a few hundred rows) than by looking up every match and sorting them
 * (50,000 matches: 360 ms -> 60 ms at 300,000 articles); a rarer one the other way round (one match
 * would walk the whole list).
 */
function commonSearch(db: Database.Database, scope: Scope): boolean {
  if (!scope.search) return false;
  const articles = (db.prepare('SELECT max(id) AS n FROM articles').get() as { n: number | null }).n ?? 0;
  return searchHits(db, scope.search) * 300 >= articles;
}

/** The ids of every article in a scope, in no particular order. */
export function listIds(db: Database.Database, scope: Scope): number[] {
  const { where, params } = scopeSql(db, scope);
  const rows = db.prepare(`SELECT a.id FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE ${where}`).all(...params);
  return (rows as { id: number }[]).map((r) => r.id);
}

/**
 * Articles matching a search, best match first (bm25, the title weighted: search.ts's RANK), within the
 * rest of a scope; for `articles --search`, where the reader asks for the article it means.
 */
export function rankedPage(db: Database.Database, query: string, scope: Scope, page: { offset?: number; limit: number }): ArticleRow[] {
  const match = ftsQuery(query);
  if (match === null) return [];
  const { where, params } = scopeSql(db, { ...scope, search: undefined });
  const rows = db
    .prepare(
      `SELECT ${ARTICLE_COLUMNS} FROM article_search JOIN articles a ON a.id = article_search.rowid JOIN feeds f ON f.id = a.feed_id
       WHERE article_search MATCH ? AND ${where} ORDER BY ${RANK}, a.sort_key DESC LIMIT ? OFFSET ?`,
    )
    // biome-ignore lint/suspicious/noExplicitAny: better-sqlite3 rows are untyped; toArticleRow reads each field
    .all(match, ...params, page.limit, page.offset ?? 0) as any[];
  return rows.map(toArticleRow);
}
