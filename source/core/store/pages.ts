/**
 * Articles' web pages in the cache (the `pages` table, migration 4), keyed by the URL asked for (an
 * article's link): the extracted article for reading offline, the validators for a conditional
 * re-fetch, and the page itself (gzipped) with its final URL for what else reads a page.
 */
import { gunzipSync } from 'node:zlib';
import type Database from 'better-sqlite3';
import type { ExtractedArticle, PageOrigin, PageRecord } from './types.js';

/** A page as the reader shows it: everything but the page's own HTML. */
export interface StoredPage extends PageOrigin, ExtractedArticle {
  /** False when only a failed fetch is recorded (no copy of the page). */
  fetched: boolean;
}

/** The fetched page itself, for the readers of its markup (comment systems and the like). */
export interface PageSource extends PageOrigin {
  html: string;
}

const COLUMNS = `url, final_url AS finalUrl, fetched_at AS fetchedAt, etag, last_modified AS lastModified,
  content_type AS contentType, title, byline, published, site_name AS siteName, content, failure`;

export function savePage(db: Database.Database, record: PageRecord & { html: Uint8Array }): void {
  db.prepare(
    `INSERT INTO pages (url, final_url, fetched_at, etag, last_modified, content_type, html, title, byline, published, site_name, content, failure)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(url) DO UPDATE SET final_url = excluded.final_url, fetched_at = excluded.fetched_at, etag = excluded.etag,
       last_modified = excluded.last_modified, content_type = excluded.content_type, html = excluded.html, title = excluded.title,
       byline = excluded.byline, published = excluded.published, site_name = excluded.site_name, content = excluded.content,
       failure = excluded.failure`,
  ).run(
    record.url,
    record.finalUrl,
    record.fetchedAt,
    record.etag,
    record.lastModified,
    record.contentType,
    record.html,
    record.title,
    record.byline,
    record.published,
    record.siteName,
    record.content,
    record.failure,
  );
}

export function storedPage(db: Database.Database, url: string): StoredPage | undefined {
  const row = db.prepare(`SELECT ${COLUMNS}, html IS NOT NULL AS fetched FROM pages WHERE url = ?`).get(url) as
    | (Omit<StoredPage, 'fetched'> & { fetched: number })
    | undefined;
  return row ? { ...row, fetched: row.fetched === 1 } : undefined;
}

export function pageSource(db: Database.Database, url: string): PageSource | undefined {
  const row = db
    .prepare(`SELECT url, final_url AS finalUrl, fetched_at AS fetchedAt, etag, last_modified AS lastModified, content_type AS contentType, html
              FROM pages WHERE url = ? AND html IS NOT NULL`)
    .get(url) as (Omit<PageSource, 'html'> & { html: Buffer }) | undefined;
  if (!row) return undefined;
  return { ...row, html: gunzipSync(row.html).toString('utf8') };
}

/**
 * A fetch that failed. A copy fetched before is kept (reading offline is the point); only a page
 * never fetched records the failure, and when, so the background fetch does not retry it at once.
 */
export function pageFailed(db: Database.Database, url: string, reason: string, now: number): void {
  db.prepare(
    `INSERT INTO pages (url, final_url, fetched_at, failure) VALUES (?, ?, ?, ?)
     ON CONFLICT(url) DO UPDATE SET fetched_at = excluded.fetched_at, failure = excluded.failure WHERE html IS NULL`,
  ).run(url, url, now, reason);
}

/** A 304: the stored copy is current. */
export function pageNotModified(db: Database.Database, url: string, now: number, etag: string | null, lastModified: string | null): void {
  db.prepare('UPDATE pages SET fetched_at = ?, etag = COALESCE(?, etag), last_modified = COALESCE(?, last_modified) WHERE url = ?').run(
    now,
    etag,
    lastModified,
    url,
  );
}

/**
 * The links of a feed's newest `newest` articles that have no page yet, or only a failed fetch from
 * before `retryBefore`; newest first.
 */
export function pagesWanted(db: Database.Database, feedUrl: string, newest: number, retryBefore: number): string[] {
  const rows = db
    .prepare(
      `SELECT t.link FROM (
         SELECT a.link, a.sort_key, a.id FROM articles a JOIN feeds f ON f.id = a.feed_id
         WHERE f.url = ? ORDER BY a.sort_key DESC, a.id DESC LIMIT ?) t
       LEFT JOIN pages p ON p.url = t.link
       WHERE (t.link LIKE 'http://%' OR t.link LIKE 'https://%') AND (p.url IS NULL OR (p.html IS NULL AND p.fetched_at < ?))
       ORDER BY t.sort_key DESC, t.id DESC`,
    )
    .all(feedUrl, newest, retryBefore) as { link: string }[];
  return [...new Set(rows.map((r) => r.link))];
}
