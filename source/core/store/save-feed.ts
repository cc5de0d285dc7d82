/**
 * Writing one refreshed feed into the cache, in one transaction: the feed's row and validators, then its
 * articles and bodies. A row is only rewritten when something in it changed, so a refresh that brings
 * nothing new writes (almost) nothing; read and starred marks are never touched.
 */
import type Database from 'better-sqlite3';
import type { SaveResult } from '../store.js';
import type { Article, ParsedFeed } from '../types.js';

/** Store one successfully fetched and parsed feed, its validators and its articles, in one transaction. */
export function saveFeed(
  db: Database.Database,
  url: string,
  parsed: ParsedFeed,
  meta: { etag: string | null; lastModified: string | null; broken?: boolean; now?: number },
): SaveResult {
  const now = meta.now ?? Date.now();
  const upsertArticle = db.prepare(
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
  const findId = db.prepare('SELECT id FROM articles WHERE feed_id = ? AND guid = ?');
  const upsertBody = db.prepare(
    `INSERT INTO bodies (article_id, html) VALUES (?, ?)
     ON CONFLICT(article_id) DO UPDATE SET html = excluded.html WHERE bodies.html IS NOT excluded.html`,
  );
  return db.transaction((): SaveResult => {
    const feed = db
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
