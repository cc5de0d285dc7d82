/**
 * The SQLite cache: feeds, articles (with read/starred state), article bodies and cached discussions.
 *
 * Durability recipe, measured (README, Design: "The cache"): WAL + synchronous=NORMAL loses no committed
 * transaction to kill -9, so every user action commits at once in its own transaction and every
 * feed's refresh is one transaction that also stores the feed's validators.
 * Bodies live in their own table so list queries scan narrow rows.
 *
 * The parts, in store/: connection.ts (opening, the pragmas, CacheOpenError), schema.ts (tables and
 * migrations), save-feed.ts (writing a refreshed feed), write-lock.ts (parse workers taking turns),
 * lists.ts (which articles a Scope selects, and in what order), search.ts (the full-text index and
 * its queries), pages.ts (articles' web pages), filtering.ts (what the settings' filters read, and the
 * tags they give articles), retention.ts (removing old read articles, their tombstones, and giving the
 * space back), sync-state.ts (what a sync server's ids name, and the outbox of marks), reload-state.ts
 * (what the background reloads need of each feed).
 */
import type Database from 'better-sqlite3';
import type { Enclosure, ParsedFeed } from './types.js';
import type { FeedSetting } from './settings.js';
import { ARTICLE_COLUMNS, listCount, listIds, listPage, listPosition, neighbourUnread, rankedPage, searchList, toArticleRow } from './store/lists.js';
import { saveFeed, saveFeedInSteps } from './store/save-feed.js';
import { enclosuresFromJson } from './store/enclosures.js';
import { filterInput, tagCounts, type FilterInput } from './store/filtering.js';
import { openConnection } from './store/connection.js';
import { TIME_ORDER_INDEXES } from './store/schema.js';
import { unlocked, type WriteLock } from './store/write-lock.js';
import { pageFailed, pageNotModified, pageSource, pagesWanted, savePage, storedPage, type PageSource, type StoredPage } from './store/pages.js';
import type { PageRecord } from './store/types.js';
import * as discussionState from './store/discussion-state.js';
import * as syncState from './store/sync-state.js';
import { recordMarkStatements, type SyncField } from './store/sync-state.js';
import * as retention from './store/retention.js';
import { feedReloadStates, type FeedReloadState } from './store/reload-state.js';

export type { PendingMark, RemoteArticle, RemoteFeed, StateReport, SyncField } from './store/sync-state.js';
export type { PageSource, StoredPage } from './store/pages.js';
export type { CachedRefs, KeepRule, RemovableArticle } from './store/retention.js';
export type { FeedReloadState } from './store/reload-state.js';

export { releaseDeadOwner, sharedWriteLock, unlocked, writeLockMemory, type WriteLock } from './store/write-lock.js';

export type { ArticleRow, ExtractedArticle, FeedRow, NewArticleMarks, PageOrigin, PageRecord, SaveResult, Scope } from './store/types.js';
import type { ArticleRow, FeedRow, NewArticleMarks, SaveResult, Scope } from './store/types.js';
export type { FilterInput } from './store/filtering.js';
import type { Article } from './types.js';
export { CacheOpenError } from './store/connection.js';
export { SEARCH_CAP } from './store/search-list.js';
import { indexNewArticles, searchBehind } from './store/search.js';

export class Store {
  readonly db: Database.Database;

  private readonly checkpointOnClose: boolean;
  /** Taken around each feed-saving transaction: shared by the threads of a process that save feeds. */
  private readonly writeLock: WriteLock;

  private constructor(db: Database.Database, checkpointOnClose: boolean, writeLock: WriteLock) {
    this.db = db;
    this.checkpointOnClose = checkpointOnClose;
    this.writeLock = writeLock;
  }

  /** Open (and create or migrate) the cache. Throws CacheOpenError, one line naming the file. */
  static open(file: string, options: { readonly?: boolean } = {}): Store {
    return new Store(openConnection(file, { ...options, restoreIndexes: !options.readonly }), true, unlocked);
  }

  /**
   * A parse worker's connection (workers/save-job.ts): it takes the process's write lock around each feed,
   * leaves checkpoints to the caller (checkpoint()) and the last one to the main connection, and leaves
   * the list indexes as it finds them (a bulk load may have dropped them).
   */
  static openWriter(file: string, writeLock: WriteLock): Store {
    return new Store(openConnection(file, { autoCheckpoint: false, restoreIndexes: false }), false, writeLock);
  }

  close(): void {
    try {
      if (!this.db.readonly && this.checkpointOnClose) this.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      // Another process may hold the database; the checkpoint is an optimisation only.
    }
    this.db.close();
  }

  /**
   * Before a refresh fills an EMPTY cache: drop the time-ordered list indexes, which every new article
   * would update at a random place, so that each of a thousand commits rewrote most of their pages
   * (the log grew to 3x the cache); endBulkLoad builds them once, sorted. False, and nothing dropped,
   * when the cache holds articles. Only for a process that reads no lists meanwhile (`refresh`): the
   * reader pages through them while it refreshes.
   */
  beginBulkLoad(): boolean {
    return this.db
      .transaction(() => {
        if (this.db.prepare('SELECT 1 FROM articles LIMIT 1').get()) return false;
        this.db.exec('DROP INDEX IF EXISTS articles_by_time; DROP INDEX IF EXISTS articles_unread_by_time;');
        return true;
      })
      .immediate();
  }

  endBulkLoad(): void {
    this.db.exec(TIME_ORDER_INDEXES);
  }

  /** Copy what the write-ahead log holds into the database, without waiting for readers or writers. */
  checkpoint(): void {
    this.db.pragma('wal_checkpoint(PASSIVE)');
  }

  /** After a big refresh: let SQLite refresh its statistics (without them newsboat takes 45 s to its first screen). */
  optimize(): void {
    // Bounded: a full ANALYZE of 300,000 articles blocked the reader's event loop for ~200 ms at the end
    // of a background refresh; sampled statistics choose the same plans (SQLite's advice for optimize).
    this.db.pragma('analysis_limit = 1000');
    this.db.pragma('optimize');
  }

  // ---------------------------------------------------------------- feeds

  /** Make the cache's subscriptions match the settings: rows for new feeds, tags, active flags. */
  syncFeeds(feeds: FeedSetting[]): void {
    const upsert = this.db.prepare(
      `INSERT INTO feeds (url, configured_title, active) VALUES (?, ?, 1)
       ON CONFLICT(url) DO UPDATE SET configured_title = excluded.configured_title, active = 1
       RETURNING id`,
    );
    const clearTags = this.db.prepare('DELETE FROM feed_tags WHERE feed_id = ?');
    const addTag = this.db.prepare('INSERT OR IGNORE INTO feed_tags (tag, feed_id) VALUES (?, ?)');
    this.db
      .transaction(() => {
        this.db.prepare('UPDATE feeds SET active = 0').run();
        for (const feed of feeds) {
          const { id } = upsert.get(feed.url, feed.title ?? null) as { id: number };
          clearTags.run(id);
          for (const tag of feed.tags ?? []) addTag.run(tag, id);
        }
      })
      .immediate();
  }

  feeds(): FeedRow[] {
    const rows = this.db
      .prepare(
        `SELECT f.id, f.url, COALESCE(f.configured_title, NULLIF(f.title, ''), f.url) AS title, f.site_link AS siteLink,
           f.etag, f.last_modified AS lastModified, f.last_checked AS lastChecked, f.last_updated AS lastUpdated,
           f.error, f.retry_after AS retryAfter, f.broken,
           (SELECT group_concat(tag, char(31)) FROM feed_tags t WHERE t.feed_id = f.id) AS tags,
           (SELECT count(*) FROM articles a WHERE a.feed_id = f.id AND a.read = 0) AS unread,
           (SELECT count(*) FROM articles a WHERE a.feed_id = f.id AND a.hidden = 0) AS total
         FROM feeds f WHERE f.active = 1 ORDER BY lower(title)`,
      )
      // biome-ignore lint/suspicious/noExplicitAny: better-sqlite3 rows are untyped; each is read field by field
      .all() as any[];
    return rows.map((r) => ({ ...r, broken: r.broken === 1, tags: r.tags ? String(r.tags).split('\x1f') : [] }));
  }

  feed(url: string): FeedRow | undefined {
    return this.feeds().find((f) => f.url === url);
  }

  /** The feeds' tags and the tags filters gave articles, with their unread articles (store/filtering.ts). */
  tags(): { tag: string; unread: number }[] {
    return tagCounts(this.db);
  }

  /** What the settings' filters need to judge a refreshed feed: its names and tags, and its articles not yet stored. */
  filterInput(url: string, articles: readonly Article[]): FilterInput {
    return filterInput(this.db, url, articles);
  }

  /** Store one successfully fetched and parsed feed, its validators and its articles, in one transaction. */
  saveFeed(
    url: string,
    parsed: ParsedFeed,
    meta: { etag: string | null; lastModified: string | null; broken?: boolean; now?: number; marks?: ReadonlyMap<Article, NewArticleMarks> },
  ): SaveResult {
    return saveFeed(this.db, url, parsed, meta, this.writeLock);
  }

  /** saveFeed for a refresh: a large feed lands in steps, yielding between them (see save-feed.ts). */
  saveFeedInSteps(
    url: string,
    parsed: ParsedFeed,
    meta: { etag: string | null; lastModified: string | null; broken?: boolean; now?: number; marks?: ReadonlyMap<Article, NewArticleMarks> },
  ): Promise<SaveResult> {
    return saveFeedInSteps(this.db, url, parsed, meta, this.writeLock);
  }

  /** A 304: the feed is unchanged; record that it was checked. */
  /**
   * 304s: the feeds are unchanged; record that they were checked. Many at once in one transaction:
   * a warm refresh of 1,000 feeds is 1,000 of these, and losing one to a crash costs nothing.
   */
  markNotModified(entries: { url: string; etag: string | null; lastModified: string | null; now?: number }[]): void {
    const update = this.db.prepare(
      `UPDATE feeds SET last_checked = ?, error = NULL, retry_after = NULL,
         etag = COALESCE(?, etag), last_modified = COALESCE(?, last_modified) WHERE url = ?`,
    );
    this.db
      .transaction(() => {
        for (const e of entries) update.run(e.now ?? Date.now(), e.etag, e.lastModified, e.url);
      })
      .immediate();
  }

  markFailed(url: string, error: string, retryAfter: number | null = null, now = Date.now()): void {
    this.db
      .prepare(
        `INSERT INTO feeds (url, last_checked, error, retry_after) VALUES (?, ?, ?, ?)
         ON CONFLICT(url) DO UPDATE SET last_checked = excluded.last_checked, error = excluded.error,
           retry_after = excluded.retry_after`,
      )
      .run(url, now, error, retryAfter);
  }

  /** Every subscribed feed's last check, Retry-After and own interval, for the background reloads. */
  reloadStates(): FeedReloadState[] {
    return feedReloadStates(this.db);
  }

  /** Every feed's validators in one query, for a refresh of many feeds. */
  allValidators(): Map<string, { etag: string | null; lastModified: string | null; retryAfter: number | null }> {
    // biome-ignore lint/suspicious/noExplicitAny: better-sqlite3 rows are untyped; each is read field by field
    const rows = this.db.prepare('SELECT url, etag, last_modified AS lastModified, retry_after AS retryAfter FROM feeds').all() as any[];
    return new Map(rows.map((r) => [r.url as string, { etag: r.etag, lastModified: r.lastModified, retryAfter: r.retryAfter }]));
  }

  validators(url: string): { etag: string | null; lastModified: string | null; retryAfter: number | null } {
    // biome-ignore lint/suspicious/noExplicitAny: better-sqlite3 rows are untyped; each is read field by field
    const row = this.db.prepare('SELECT etag, last_modified AS lastModified, retry_after AS retryAfter FROM feeds WHERE url = ?').get(url) as any;
    return row ?? { etag: null, lastModified: null, retryAfter: null };
  }

  // ---------------------------------------------------------------- articles

  /**
   * One page of a list, newest first; pass the list's `total` when known, to page from the end;
   * `unread`: only the list's unread articles.
   */
  articles(scope: Scope, page: { offset?: number; limit: number; total?: number; unread?: boolean }): ArticleRow[] {
    return listPage(this.db, scope, page);
  }

  /** Articles matching a search (store/search.ts), best match first, within a scope: the best of its newest SEARCH_CAP matches. */
  search(query: string, scope: Scope, page: { offset?: number; limit: number }): ArticleRow[] {
    return rankedPage(this.db, query, scope, page);
  }

  /** Where an article stands in a list: how many rows of the scope sort before it (or -1 if absent). */
  position(scope: Scope, id: number): number {
    return listPosition(this.db, scope, id);
  }

  /** The next (or previous) unread article after `id` in a scope's order, if any. */
  neighbourUnread(scope: Scope, id: number, direction: 1 | -1): number | undefined {
    return neighbourUnread(this.db, scope, id, direction);
  }

  /** How many articles a list holds (a search's: at most SEARCH_CAP); with `unread`, how many of them are unread. */
  count(scope: Scope, options: { unread?: boolean } = {}): number {
    return listCount(this.db, scope, options);
  }

  /** A search matches more articles of its scope than its list holds (store/search-list.ts). */
  searchCapped(scope: Scope): boolean {
    return searchList(this.db, scope)?.capped ?? false;
  }

  article(id: number): (ArticleRow & { html: string; feedUrl: string; enclosures: Enclosure[] }) | undefined {
    const row = this.db
      .prepare(
        `SELECT ${ARTICLE_COLUMNS}, COALESCE(b.html, '') AS html, b.enclosures AS enclosures, f.url AS feedUrl
         FROM articles a JOIN feeds f ON f.id = a.feed_id LEFT JOIN bodies b ON b.article_id = a.id WHERE a.id = ?`,
      )
      // biome-ignore lint/suspicious/noExplicitAny: better-sqlite3 rows are untyped; each is read field by field
      .get(id) as any;
    return row ? { ...toArticleRow(row), html: row.html, feedUrl: row.feedUrl, enclosures: enclosuresFromJson(row.enclosures) } : undefined;
  }

  /** Articles whose link or discussion URL is `url` (for `comments URL` on a cached article). */
  articleByUrl(url: string): (ArticleRow & { html: string; feedUrl: string; enclosures: Enclosure[] }) | undefined {
    const row = this.db
      .prepare('SELECT id FROM articles WHERE link = ? OR comments_url = ? OR comment_feed_url = ? OR orig_link = ? LIMIT 1')
      // biome-ignore lint/suspicious/noExplicitAny: better-sqlite3 rows are untyped; each is read field by field
      .get(url, url, url, url) as any;
    return row ? this.article(row.id) : undefined;
  }

  /** Each call is its own transaction: a mark is durable the moment this returns. Returns rows changed. */
  /** A synced article's mark also goes into the sync outbox, in the same transaction (store/sync-state.ts). */
  setRead(ids: number[], read: boolean): number {
    return this.mark(ids, 'read', read);
  }

  setStarred(ids: number[], starred: boolean): number {
    return this.mark(ids, 'starred', starred);
  }

  private mark(ids: number[], field: SyncField, value: boolean): number {
    // A hidden article stays read (the unread indexes hold no hidden one: store/schema.ts).
    const stmt = this.db.prepare(`UPDATE articles SET ${field} = ? WHERE id = ? AND ${field} != ?${field === 'read' && !value ? ' AND hidden = 0' : ''}`);
    const queue = recordMarkStatements(this.db);
    const now = Date.now();
    return this.db
      .transaction(() =>
        ids.reduce((n, id) => {
          const changed = stmt.run(value ? 1 : 0, id, value ? 1 : 0).changes;
          if (changed) queue(id, field, value, now);
          return n + changed;
        }, 0),
      )
      .immediate();
  }

  /**
   * Index for search the articles stored since the last catch-up (store/search.ts indexNewArticles),
   * in batches with a turn of the event loop between them; a refresh, a sync or an add calls it when done.
   */
  /** Whether some cached article is not yet in the search index (one indexed lookup). */
  searchBehind(): boolean {
    return searchBehind(this.db);
  }

  /** As catchUpSearch, at once: for a caller about to search (`articles --search`) and for tests. */
  indexForSearch(batch = 5000): number {
    let total = 0;
    for (;;) {
      const n = this.indexSearchBatch(batch);
      if (n === 0) return total;
      total += n;
    }
  }

  /** Index up to `batch` articles not yet in the search index, in one transaction; returns how many. */
  indexSearchBatch(batch: number): number {
    return this.writeLock(() => indexNewArticles(this.db, batch));
  }

  async catchUpSearch(batch: number): Promise<number> {
    let total = 0;
    for (;;) {
      const n = indexNewArticles(this.db, batch);
      total += n;
      if (n < batch) return total;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Mark every article in a scope read; returns the ids changed so the action can be undone. */
  markScopeRead(scope: Scope): number[] {
    return this.db
      .transaction(() => {
        const ids = listIds(this.db, scope, { unread: true });
        const stmt = this.db.prepare('UPDATE articles SET read = 1 WHERE id = ?');
        const queue = recordMarkStatements(this.db);
        const now = Date.now();
        for (const id of ids) {
          stmt.run(id);
          queue(id, 'read', true, now);
        }
        return ids;
      })
      .immediate();
  }

  /** A discussion's real size, learned when it was loaded (HN, Reddit and Lobsters feeds carry no count). */
  setCommentCount(id: number, count: number): boolean {
    return this.db.prepare('UPDATE articles SET comment_count = ? WHERE id = ? AND comment_count IS NOT ?').run(count, id, count).changes > 0;
  }

  existingIds(ids: number[]): Set<number> {
    const stmt = this.db.prepare('SELECT 1 FROM articles WHERE id = ?');
    return new Set(ids.filter((id) => stmt.get(id)));
  }

  // ---------------------------------------------------------------- discussions found elsewhere (store/discussion-state.ts)

  lookup(key: string) {
    return discussionState.lookup(this.db, key);
  }

  saveLookup(key: string, data: string, fetchedAt: number): void {
    discussionState.saveLookup(this.db, key, data, fetchedAt);
  }

  /** The comments of the threads a lookup found for an article; true when it changed. */
  setLookupCount(id: number, count: number): boolean {
    return discussionState.setLookupCount(this.db, id, count);
  }

  discussionChoice(articleId: number): string | undefined {
    return discussionState.discussionChoice(this.db, articleId);
  }

  /** The discussion (its cache key) the reader shows for an article, as last chosen with ] and [. */
  setDiscussionChoice(articleId: number, key: string): void {
    discussionState.setDiscussionChoice(this.db, articleId, key);
  }

  discussionSeenAt(key: string): number | null {
    return discussionState.discussionSeenAt(this.db, key);
  }

  markDiscussionSeen(key: string, at: number): void {
    discussionState.markDiscussionSeen(this.db, key, at);
  }

  /** The request ledger the services' rate limits are kept by (discussions/manners.ts). */
  ledger() {
    const db = this.db;
    return {
      requestsSince: (service: string, since: number) => discussionState.requestsSince(db, service, since),
      recordRequest: (service: string, at: number) => discussionState.recordRequest(db, service, at),
      pausedUntil: (service: string) => discussionState.pausedUntil(db, service),
      pause: (service: string, until: number) => discussionState.pause(db, service, until),
    };
  }

  /** What the retention pass (../retention.ts) reads and removes, one feed and one batch at a time (store/retention.ts). */
  retention() {
    const db = this.db;
    return {
      feedIds: (urls: readonly string[]) => retention.feedIds(db, urls),
      beginPass: () => retention.beginPass(db),
      queueRemovable: (feedId: number, rule: retention.KeepRule, now: number) => retention.queueRemovable(db, feedId, rule, now),
      nextQueued: (limit: number) => retention.nextQueued(db, limit),
      remove: (articles: readonly retention.RemovableArticle[], refs: readonly retention.CachedRefs[], now: number) =>
        retention.removeArticles(db, articles, refs, now),
      dropOldTombstones: (feedId: number, now: number) => retention.dropOldTombstones(db, feedId, now),
      vacuumStep: (pages: number) => retention.vacuumStep(db, pages),
      autoVacuumMode: () => retention.autoVacuumMode(db),
      rewrite: () => retention.rewrite(db),
      databaseBytes: () => retention.databaseBytes(db),
      freeShare: () => retention.freeShare(db),
    };
  }

  // ---------------------------------------------------------------- discussions

  discussion(key: string): { source: string; fetchedAt: number; data: string } | undefined {
    // biome-ignore lint/suspicious/noExplicitAny: better-sqlite3 rows are untyped; each is read field by field
    return this.db.prepare('SELECT source, fetched_at AS fetchedAt, data FROM discussions WHERE key = ?').get(key) as any;
  }

  saveDiscussion(key: string, source: string, data: string, fetchedAt = Date.now()): void {
    this.db
      .prepare(
        `INSERT INTO discussions (key, source, fetched_at, data) VALUES (?, ?, ?, ?)
         ON CONFLICT(key) DO UPDATE SET source = excluded.source, fetched_at = excluded.fetched_at, data = excluded.data`,
      )
      .run(key, source, fetchedAt, data);
  }

  // ---------------------------------------------------------------- sync with a server (store/sync-state.ts)

  /** What core/sync.ts keeps here: server ids, the server's last state, the outbox, the cursor. */
  syncState() {
    const db = this.db;
    return {
      switchAccount: (account: string) => syncState.switchAccount(db, account),
      value: (key: string) => syncState.syncValue(db, key),
      setValue: (key: string, value: string) => syncState.setSyncValue(db, key, value),
      pendingMarks: () => syncState.pendingMarks(db),
      acknowledgeMarks: (marks: readonly syncState.PendingMark[]) => syncState.acknowledgeMarks(db, marks),
      saveRemoteFeeds: (feeds: readonly syncState.RemoteFeed[]) => syncState.saveRemoteFeeds(db, feeds),
      syncedFeeds: () => syncState.syncedFeeds(db),
      remoteFeedIdOf: (url: string) => syncState.remoteFeedIdOf(db, url),
      saveRemoteArticles: (articles: readonly syncState.RemoteArticle[]) => syncState.saveRemoteArticles(db, articles),
      localUnreadByFeed: () => syncState.localUnreadByFeed(db),
      applyRemoteStates: (report: syncState.StateReport) => syncState.applyRemoteStates(db, report),
    };
  }

  // ---------------------------------------------------------------- web pages (store/pages.ts)

  /** A fetched page and its extracted article, under the URL that was asked for. */
  savePage(record: PageRecord & { html: Uint8Array }): void {
    savePage(this.db, record);
  }

  /** The page of `url` as the reader shows it (its article), or undefined when never fetched. */
  page(url: string): StoredPage | undefined {
    return storedPage(this.db, url);
  }

  /** The fetched page's own HTML, with its final URL and validators (for comment-system links). */
  pageSource(url: string): PageSource | undefined {
    return pageSource(this.db, url);
  }

  pageFailed(url: string, reason: string, now = Date.now()): void {
    pageFailed(this.db, url, reason, now);
  }

  pageNotModified(url: string, etag: string | null, lastModified: string | null, now = Date.now()): void {
    pageNotModified(this.db, url, now, etag, lastModified);
  }

  /** Links among a feed's `newest` articles with no page yet (or a failed fetch before `retryBefore`). */
  pagesWanted(feedUrl: string, newest: number, retryBefore: number): string[] {
    return pagesWanted(this.db, feedUrl, newest, retryBefore);
  }
}
