/**
 * What the settings' filters (core/filters.ts) need from the cache, and the tags they give articles:
 * which of a refreshed feed's articles are new (only those are filtered), what `feed` and `tag` match
 * for the feed, and the tags the sidebar lists, the feeds' and the articles' together.
 */
import type Database from 'better-sqlite3';
import type { Article } from '../types.js';

export interface FilterInput {
  /** The feed's URL and its title as the settings name it, when they do. */
  names: string[];
  tags: string[];
  /** The articles the cache does not hold yet. */
  unseen: Article[];
}

export function filterInput(db: Database.Database, url: string, articles: readonly Article[]): FilterInput {
  const feed = db.prepare('SELECT id, configured_title AS title FROM feeds WHERE url = ?').get(url) as { id: number; title: string | null } | undefined;
  if (!feed) return { names: [url], tags: [], unseen: [...articles] };
  const tags = (db.prepare('SELECT tag FROM feed_tags WHERE feed_id = ?').all(feed.id) as { tag: string }[]).map((r) => r.tag);
  const known = db.prepare('SELECT 1 FROM articles WHERE feed_id = ? AND guid = ?');
  const unseen = articles.filter((a) => !known.get(feed.id, a.id));
  return { names: feed.title ? [url, feed.title] : [url], tags, unseen };
}

/**
 * Every tag in use, with its unread articles: a feed's tag holds its articles, an article's tag that one.
 * Counted in two parts, each through an index (the feeds' unread articles, then the tagged articles
 * of other feeds), rather than by testing every unread article against both.
 */
export function tagCounts(db: Database.Database): { tag: string; unread: number }[] {
  return db
    .prepare(
      `SELECT t.tag,
         (SELECT count(*) FROM feed_tags u JOIN feeds f ON f.id = u.feed_id AND f.active = 1
            JOIN articles a ON a.feed_id = u.feed_id AND a.read = 0 WHERE u.tag = t.tag)
         + (SELECT count(*) FROM article_tags g JOIN articles a ON a.id = g.article_id JOIN feeds f ON f.id = a.feed_id
            WHERE g.tag = t.tag AND a.read = 0 AND f.active = 1
              AND a.feed_id NOT IN (SELECT feed_id FROM feed_tags WHERE tag = t.tag)) AS unread
       FROM (SELECT tag FROM feed_tags JOIN feeds f ON f.id = feed_id WHERE f.active = 1
             UNION SELECT tag FROM article_tags JOIN articles a ON a.id = article_id JOIN feeds f ON f.id = a.feed_id
                   WHERE f.active = 1 AND a.hidden = 0) t
       ORDER BY t.tag`,
    )
    .all() as { tag: string; unread: number }[];
}
