/**
 * Article lists: which articles a Scope selects, in list order (newest first, the id breaking ties), a
 * page of them, and where one article stands in a list, so a list can be opened at any article without
 * loading the rows before it.
 */
import type Database from 'better-sqlite3';
import type { ArticleRow, Scope } from './types.js';
import { ftsQuery, RANK } from './search.js';
import { type NewestMatches, newestMatches } from './search-list.js';

export const ARTICLE_COLUMNS = `a.id, a.feed_id AS feedId, COALESCE(f.configured_title, NULLIF(f.title, ''), f.url) AS feed,
  a.guid, a.title, a.link, a.author, a.published, a.sort_key AS sortKey, a.read, a.starred,
  a.comments_url AS commentsUrl, a.comment_feed_url AS commentFeedUrl, a.comment_count AS commentCount,
  a.orig_link AS origLink, a.lookup_count AS lookupCount`;

// biome-ignore lint/suspicious/noExplicitAny: better-sqlite3 rows are untyped; toArticleRow reads each field
export function toArticleRow(r: any): ArticleRow {
  return { ...r, read: r.read === 1, starred: r.starred === 1 };
}

/** The WHERE clause (over `articles a JOIN feeds f`) of a scope's clauses other than its search, and its parameters. */
function clausesSql(db: Database.Database, scope: Scope): { where: string; params: unknown[] } {
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
  return { where: clauses.join(' AND '), params };
}

/**
 * A search's list (search-list.ts): the newest SEARCH_CAP matches within the rest of its scope, or
 * null for a scope without a search.
 */
export function searchList(db: Database.Database, scope: Scope): NewestMatches | null {
  if (!scope.search) return null;
  const narrow = scope.feedId !== undefined || scope.starredOnly === true;
  return newestMatches(db, scope.search, { ...clausesSql(db, scope), fromArticles: narrow });
}

/**
 * The WHERE clause (over `articles a JOIN feeds f`) that selects a scope, and its parameters; with
 * `unread`, only the unread articles of that list. A search's list is its newest matches, so the
 * unread articles of a searched list are those of its matches that are unread, not the newest unread
 * matches (which would take in matches the list does not show).
 */
function scopeSql(db: Database.Database, scope: Scope, options: { unread?: boolean } = {}): { where: string; params: unknown[] } {
  const list = searchList(db, scope);
  if (!list) return clausesSql(db, options.unread ? { ...scope, unreadOnly: true } : scope);
  const { where, params } = clausesSql(db, scope);
  return {
    where: `${where} AND a.id IN (SELECT value FROM json_each(?))${options.unread ? ' AND a.read = 0' : ''}`,
    params: [...params, JSON.stringify(list.ids)],
  };
}

/**
 * One page of a list, newest first. CROSS JOIN pins the join order (articles outside, in index order):
 * given statistics, SQLite otherwise sometimes chose to scan feeds and sort every article of the list
 * in a temporary b-tree to return 37 rows.
 */
export function listPage(db: Database.Database, scope: Scope, page: { offset?: number; limit: number; total?: number; unread?: boolean }): ArticleRow[] {
  const { where, params } = scopeSql(db, scope, { unread: page.unread });
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
  const { where, params } = scopeSql(db, scope, { unread: true });
  const sql =
    direction === 1
      ? `SELECT a.id FROM articles a CROSS JOIN feeds f ON f.id = a.feed_id WHERE ${where}
           AND (a.sort_key < ? OR (a.sort_key = ? AND a.id < ?)) ORDER BY a.sort_key DESC, a.id DESC LIMIT 1`
      : `SELECT a.id FROM articles a CROSS JOIN feeds f ON f.id = a.feed_id WHERE ${where}
           AND (a.sort_key > ? OR (a.sort_key = ? AND a.id > ?)) ORDER BY a.sort_key ASC, a.id ASC LIMIT 1`;
  const next = db.prepare(sql).get(...params, row.k, row.k, id) as { id: number } | undefined;
  return next?.id;
}

/** How many articles a scope selects; with `unread`, how many of them are unread. A search's list holds at most SEARCH_CAP. */
export function listCount(db: Database.Database, scope: Scope, options: { unread?: boolean } = {}): number {
  const list = searchList(db, scope);
  if (list && !options.unread) return list.ids.length;
  const { where, params } = scopeSql(db, scope, options);
  const row = db.prepare(`SELECT count(*) AS n FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE ${where}`).get(...params) as { n: number };
  return row.n;
}

/** The ids of every article in a scope (with `unread`, its unread ones), in no particular order. */
export function listIds(db: Database.Database, scope: Scope, options: { unread?: boolean } = {}): number[] {
  const { where, params } = scopeSql(db, scope, options);
  const rows = db.prepare(`SELECT a.id FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE ${where}`).all(...params);
  return (rows as { id: number }[]).map((r) => r.id);
}

/**
 * Articles matching a search, best match first (bm25, the title weighted: search.ts's RANK), within the
 * rest of a scope; for `articles --search`, where the reader asks for the article it means. Only the
 * search's list is ranked (its newest SEARCH_CAP matches): bm25 over every match of a common word
 * took seconds. The index is walked from the list's oldest id up, so FTS5 scores those alone; by
 * ftsQuery's prefixes, not the words they stand for (as an OR of words, bm25 would count "telescope"
 * and "telescopes" as two words found, and rank an article with both above one about telescopes).
 */
export function rankedPage(db: Database.Database, query: string, scope: Scope, page: { offset?: number; limit: number }): ArticleRow[] {
  const searched = { ...scope, search: query };
  const list = searchList(db, searched)!;
  if (list.match === null || !list.ids.length) return [];
  const { where, params } = scopeSql(db, searched);
  const rows = db
    .prepare(
      `SELECT ${ARTICLE_COLUMNS} FROM article_search CROSS JOIN articles a ON a.id = article_search.rowid JOIN feeds f ON f.id = a.feed_id
       WHERE article_search MATCH ? AND article_search.rowid >= ? AND ${where} ORDER BY ${RANK}, a.sort_key DESC LIMIT ? OFFSET ?`,
    )
    // biome-ignore lint/suspicious/noExplicitAny: better-sqlite3 rows are untyped; toArticleRow reads each field
    .all(ftsQuery(query), Math.min(...list.ids), ...params, page.limit, page.offset ?? 0) as any[];
  return rows.map(toArticleRow);
}
