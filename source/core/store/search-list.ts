/**
 * A search's list: the newest SEARCH_CAP matches within a scope, and whether more match. Counting
 * every match of a common word and joining each to its article is what made a search slow (a word in
 * one article of six: 800 ms at 300,000 articles; one in every article: 4 s); a list of the newest
 * thousand is found by walking the index's doclist from its newest end and stopping, whatever the
 * word. The reader says when a list is capped, so a count is never passed off as every match.
 *
 * "Newest" is the newest first seen: an article's id grows as the cache first sees it, and the index
 * keys each article by its id, so the index can be walked in that order without looking at a date.
 * The list itself is then sorted like every other list (lists.ts), by date.
 */
import type Database from 'better-sqlite3';
import { indexedQuery } from './search.js';

/** At most this many matches make a search's list; more are told, not listed. */
export const SEARCH_CAP = 1000;

export interface NewestMatches {
  /** Article ids, newest first seen first; at most SEARCH_CAP. */
  ids: number[];
  /** More articles of the scope match than `ids` holds. */
  capped: boolean;
  /** The FTS5 query the list was found by (search.ts's indexedQuery), or null for a query of no words. */
  match: string | null;
}

/**
 * The newest matches of a search (as the user typed it) among the articles a WHERE clause (over `articles a JOIN feeds
 * f`) selects; remembered until the cache changes (any connection's commit: data_version; this one's:
 * total_changes), since a list asks for its count, its page and its unread count in turn.
 *
 * `fromArticles`: the scope is narrow (one feed, the starred articles), so its own articles are
 * tested against the set of every match (at 300,000 articles, one feed and a word in every article:
 * 180 ms; walking the index instead passed every match in other feeds first: 700 ms; looking each
 * article up in the index with `rowid = a.id` FTS5 does not use, so minutes). Otherwise the index is
 * walked newest first, each match joined to its article and the scope tested, until SEARCH_CAP are
 * found (a word in every article: 5 ms for an exact word).
 */
export function newestMatches(db: Database.Database, query: string, scope: { where: string; params: unknown[]; fromArticles: boolean }): NewestMatches {
  const version = `${db.pragma('data_version', { simple: true })}|${(db.prepare('SELECT total_changes() AS n').get() as { n: number }).n}`;
  let remembered = cache.get(db);
  if (remembered?.version !== version) {
    remembered = { version, lists: new Map() };
    cache.set(db, remembered);
  }
  const key = JSON.stringify([query, scope.where, scope.params, scope.fromArticles]);
  const known = remembered.lists.get(key);
  if (known) return known;
  // A query of no words (`"`, `(`) matches nothing, rather than being an FTS5 syntax error.
  const match = indexedQuery(db, query);
  if (match === null) return { ids: [], capped: false, match };
  const sql = scope.fromArticles
    ? `SELECT a.id FROM articles a CROSS JOIN feeds f ON f.id = a.feed_id
       WHERE ${scope.where} AND a.id IN (SELECT rowid FROM article_search WHERE article_search MATCH ?)
       ORDER BY a.id DESC LIMIT ?`
    : `SELECT a.id FROM article_search CROSS JOIN articles a ON a.id = article_search.rowid CROSS JOIN feeds f ON f.id = a.feed_id
       WHERE article_search MATCH ? AND ${scope.where} ORDER BY article_search.rowid DESC LIMIT ?`;
  const params = scope.fromArticles ? [...scope.params, match, SEARCH_CAP + 1] : [match, ...scope.params, SEARCH_CAP + 1];
  const ids = db
    .prepare(sql)
    .pluck()
    .all(...params) as number[];
  const found = { ids: ids.slice(0, SEARCH_CAP), capped: ids.length > SEARCH_CAP, match };
  if (remembered.lists.size > 32) remembered.lists.clear();
  remembered.lists.set(key, found);
  return found;
}
const cache = new WeakMap<Database.Database, { version: string; lists: Map<string, NewestMatches> }>();
