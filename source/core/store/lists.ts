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

/** The WHERE clause (over `articles a JOIN feeds f`) that selects a scope, and its parameters. */
function scopeSql(scope: Scope): { where: string; params: unknown[] } {
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
    const match = ftsQuery(scope.search);
    // A query of no words (`"`, `(`) matches nothing, rather than being an FTS5 syntax error.
    if (match === null) clauses.push('0');
    else {
      clauses.push('a.id IN (SELECT rowid FROM article_search WHERE article_search MATCH ?)');
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
  const { where, params } = scopeSql(scope);
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
  const { where, params } = scopeSql(scope);
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
  const { where, params } = scopeSql({ ...scope, unreadOnly: true });
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
  const { where, params } = scopeSql(scope);
  const row = db.prepare(`SELECT count(*) AS n FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE ${where}`).get(...params) as { n: number };
  return row.n;
}

/** The ids of every article in a scope, in no particular order. */
export function listIds(db: Database.Database, scope: Scope): number[] {
  const { where, params } = scopeSql(scope);
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
  const { where, params } = scopeSql({ ...scope, search: undefined });
  const rows = db
    .prepare(
      `SELECT ${ARTICLE_COLUMNS} FROM article_search JOIN articles a ON a.id = article_search.rowid JOIN feeds f ON f.id = a.feed_id
       WHERE article_search MATCH ? AND ${where} ORDER BY ${RANK}, a.sort_key DESC LIMIT ? OFFSET ?`,
    )
    // biome-ignore lint/suspicious/noExplicitAny: better-sqlite3 rows are untyped; toArticleRow reads each field
    .all(match, ...params, page.limit, page.offset ?? 0) as any[];
  return rows.map(toArticleRow);
}
