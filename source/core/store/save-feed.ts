/**
 * Writing one refreshed feed into the cache: the feed's row and validators, then its articles and
 * bodies and their place in the search index (search.ts), in one transaction (a large feed in steps: saveFeedInSteps). A row is only rewritten when
 * something in it changed, so a refresh that brings nothing new writes (almost) nothing; read and
 * starred marks are never touched, except that a NEW article is stored with the marks the settings'
 * filters gave it (`meta.marks`: hidden, read, starred, tags), in the same transaction. An article
 * retention removed (a tombstone) is not written again.
 */
import type Database from 'better-sqlite3';
import type { NewArticleMarks, SaveResult } from './types.js';
import type { Article, ParsedFeed } from '../types.js';
import { unlocked, type WriteLock } from './write-lock.js';
import { enclosuresToJson } from './enclosures.js';
import { indexArticle } from './search.js';
import { guidHash, TOMBSTONE_RENEW_MS } from './retention.js';

/** Insert an article, or update it when something in it changed; RETURNING says which. */
const UPSERT_ARTICLE = `INSERT INTO articles (feed_id, guid, title, link, author, published, sort_key, first_seen,
                           comments_url, comment_feed_url, comment_count, orig_link, read, starred, hidden)
     VALUES (@feedId, @guid, @title, @link, @author, @published, @sortKey, @now, @commentsUrl, @commentFeedUrl, @commentCount, @origLink,
             @read, @starred, @hidden)
     ON CONFLICT(feed_id, guid) DO UPDATE SET
       title = excluded.title, link = excluded.link, author = excluded.author, published = excluded.published,
       sort_key = CASE WHEN excluded.published IS NOT NULL THEN excluded.sort_key ELSE articles.sort_key END,
       comments_url = excluded.comments_url, comment_feed_url = excluded.comment_feed_url,
       comment_count = COALESCE(excluded.comment_count, articles.comment_count), orig_link = excluded.orig_link
     WHERE articles.title IS NOT excluded.title OR articles.link IS NOT excluded.link
        OR articles.author IS NOT excluded.author OR articles.published IS NOT excluded.published
        OR articles.comments_url IS NOT excluded.comments_url
        OR articles.comment_feed_url IS NOT excluded.comment_feed_url OR articles.orig_link IS NOT excluded.orig_link
        OR (excluded.comment_count IS NOT NULL AND articles.comment_count IS NOT excluded.comment_count)
     RETURNING id, first_seen = @now AS isNew, hidden`;

type SaveMeta = {
  etag: string | null;
  lastModified: string | null;
  broken?: boolean;
  now?: number;
  /** For articles the cache did not hold: ignored for one it holds (its marks are the user's). */
  marks?: ReadonlyMap<Article, NewArticleMarks>;
};

const NO_MARKS: ReadonlyMap<Article, NewArticleMarks> = new Map();

/** Store one successfully fetched and parsed feed, its validators and its articles, in one transaction. */
export function saveFeed(db: Database.Database, url: string, parsed: ParsedFeed, meta: SaveMeta, lock: WriteLock = unlocked): SaveResult {
  const now = meta.now ?? Date.now();
  return lock(() =>
    db.transaction(() => writeArticles(db, writeFeedRow(db, url, parsed, meta, now, true), parsed.articles, now, meta.marks ?? NO_MARKS)).immediate(),
  );
}

/** Articles written per transaction when a feed is large. */
export const SAVE_STEP = 200;

/**
 * A large feed (a 20 MB feed holds 6,000 items) saved in steps of SAVE_STEP articles, yielding to the
 * event loop between them, so the reader stays responsive while it lands. The first step clears the
 * feed's validators and only the last one stores the new ones: a process killed half-way leaves no
 * ETag behind, so the next refresh fetches the whole feed again and the upserts complete it.
 */
export async function saveFeedInSteps(db: Database.Database, url: string, parsed: ParsedFeed, meta: SaveMeta, lock: WriteLock = unlocked): Promise<SaveResult> {
  if (parsed.articles.length <= SAVE_STEP) return saveFeed(db, url, parsed, meta, lock);
  const now = meta.now ?? Date.now();
  const total: SaveResult = { added: 0, updated: 0 };
  for (let start = 0; start < parsed.articles.length; start += SAVE_STEP) {
    const last = start + SAVE_STEP >= parsed.articles.length;
    const step = parsed.articles.slice(start, start + SAVE_STEP);
    const result = lock(() =>
      db.transaction(() => writeArticles(db, writeFeedRow(db, url, parsed, meta, now, last), step, now, meta.marks ?? NO_MARKS)).immediate(),
    );
    total.added += result.added;
    total.updated += result.updated;
    if (result.hidden) total.hidden = (total.hidden ?? 0) + result.hidden;
    if (!last) await new Promise((resolve) => setImmediate(resolve));
  }
  return total;
}

/** The feed's row: title, link, state; validators only when `withValidators`, else cleared. */
function writeFeedRow(db: Database.Database, url: string, parsed: ParsedFeed, meta: SaveMeta, now: number, withValidators: boolean): number {
  const row = db
    .prepare(
      `INSERT INTO feeds (url, title, site_link, etag, last_modified, last_checked, last_updated, error, retry_after, broken, active, min_reload_minutes)
       VALUES (@url, @title, @link, @etag, @lastModified, @now, @now, NULL, NULL, @broken, 1, @minReloadMinutes)
       ON CONFLICT(url) DO UPDATE SET title = excluded.title, site_link = excluded.site_link, etag = excluded.etag,
         last_modified = excluded.last_modified, last_checked = @now, last_updated = @now, error = NULL,
         retry_after = NULL, broken = excluded.broken, min_reload_minutes = excluded.min_reload_minutes
       RETURNING id`,
    )
    .get({
      url,
      title: parsed.title,
      link: parsed.link,
      etag: withValidators ? meta.etag : null,
      lastModified: withValidators ? meta.lastModified : null,
      now,
      broken: meta.broken ? 1 : 0,
      minReloadMinutes: parsed.minReloadMinutes ?? null,
    }) as { id: number };
  return row.id;
}

/**
 * Upsert articles and their bodies into a feed already in the cache; the caller holds the transaction.
 * `marks`: what the settings' filters gave the new ones (none for a sync: the server's state decides).
 */
export function writeArticles(
  db: Database.Database,
  feedId: number,
  articles: readonly Article[],
  now: number,
  marks: ReadonlyMap<Article, NewArticleMarks> = new Map(),
): SaveResult {
  const upsertArticle = db.prepare(UPSERT_ARTICLE);
  const findId = db.prepare('SELECT id FROM articles WHERE feed_id = ? AND guid = ?');
  const upsertBody = db.prepare(
    `INSERT INTO bodies (article_id, html, enclosures) VALUES (?, ?, ?)
     ON CONFLICT(article_id) DO UPDATE SET html = excluded.html, enclosures = excluded.enclosures
     WHERE bodies.html IS NOT excluded.html OR bodies.enclosures IS NOT excluded.enclosures`,
  );
  const tagArticle = db.prepare('INSERT OR IGNORE INTO article_tags (tag, article_id) VALUES (?, ?)');
  const isHidden = db.prepare('SELECT hidden FROM articles WHERE id = ? AND hidden = 1').pluck();
  // Articles above it wait for the catch-up, which reads their current text anyway.
  const indexedUpto = db.prepare('SELECT indexed_upto FROM search_progress').pluck().get() as number;
  // Articles retention removed while the feed still lists them are recognised and left out; most
  // feeds have none, and then each article costs no extra lookup.
  const hasTombstones = db.prepare('SELECT 1 FROM removed_articles WHERE feed_id = ? LIMIT 1').get(feedId) !== undefined;
  const tombstoneSeen = db.prepare('SELECT last_seen AS lastSeen FROM removed_articles WHERE feed_id = ? AND guid_hash = ?');
  // Renewed at most daily, so a feed refreshed every few minutes does not rewrite its tombstones each time.
  const renewTombstone = db.prepare('UPDATE removed_articles SET last_seen = ? WHERE feed_id = ? AND guid_hash = ?');
  let added = 0;
  let updated = 0;
  let hidden = 0;
  for (const article of articles) {
    if (hasTombstones) {
      const hash = guidHash(article.id);
      const tombstone = tombstoneSeen.get(feedId, hash) as { lastSeen: number } | undefined;
      if (tombstone) {
        if (tombstone.lastSeen < now - TOMBSTONE_RENEW_MS) renewTombstone.run(now, feedId, hash);
        continue;
      }
    }
    const marked = marks.get(article);
    const row = upsertArticle.get(articleParams(feedId, article, now, marked)) as { id: number; isNew: number; hidden: number } | undefined;
    let id = row?.id;
    if (row?.isNew && marked) {
      if (marked.hidden) hidden++;
      else added++;
      for (const tag of marked.tags) tagArticle.run(tag, row.id);
    } else if (row) row.isNew ? added++ : updated++;
    else id = (findId.get(feedId, article.id) as { id: number }).id;
    const bodyChanged = upsertBody.run(id, article.html, enclosuresToJson(article.enclosures)).changes > 0;
    // A new article is indexed for search after the refresh, in bulk (search.ts indexNewArticles); one
    // the index already holds follows in the same transaction when its text changed. An article a
    // filter hid is never indexed, so a search counted in the index alone (lists.ts) does not count it.
    const isNew = row ? row.isNew === 1 : false;
    if (!isNew && (row || bodyChanged) && id! <= indexedUpto && !(row ? row.hidden : isHidden.get(id))) {
      indexArticle(db, id!, article.title, article.html);
    }
  }
  return hidden ? { added, updated, hidden } : { added, updated };
}

function articleParams(feedId: number, a: Article, now: number, marked: NewArticleMarks | undefined) {
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
    origLink: a.origLink ?? '',
    // A hidden article is read as well, whatever the caller said: the unread indexes rely on it (schema.ts).
    read: marked?.read || marked?.hidden ? 1 : 0,
    starred: marked?.starred ? 1 : 0,
    hidden: marked?.hidden ? 1 : 0,
  };
}
