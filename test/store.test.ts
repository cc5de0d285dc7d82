import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../source/core/store.js';
import type { Article, ParsedFeed } from '../source/core/types.js';

let dir: string;
let store: Store;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-store-'));
  store = Store.open(path.join(dir, 'cache.db'));
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const article = (n: number, extra: Partial<Article> = {}): Article => ({
  id: `guid-${n}`,
  title: `Article ${n}`,
  link: `https://example.org/${n}`,
  author: 'A. Writer',
  published: new Date(Date.UTC(2026, 10, n)).toISOString(),
  html: `<p>Body ${n}</p>`,
  commentsUrl: '',
  commentFeedUrl: '',
  commentCount: null,
  ...extra,
});
const feed = (articles: Article[], title = 'Example'): ParsedFeed => ({ title, link: 'https://example.org/', articles });
const URL_A = 'https://a.example/feed';
const URL_B = 'https://b.example/feed';

describe('Store', () => {
  it('migrates to the current schema with WAL', () => {
    expect(store.db.pragma('user_version', { simple: true })).toBe(12);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('upserts articles by (feed, id) and keeps read and starred state', () => {
    store.syncFeeds([{ url: URL_A }]);
    expect(store.saveFeed(URL_A, feed([article(1), article(2)]), { etag: '"v1"', lastModified: null })).toEqual({ added: 2, updated: 0 });
    const [second] = store.articles({}, { limit: 1 });
    store.setRead([second!.id], true);
    store.setStarred([second!.id], true);
    const result = store.saveFeed(URL_A, feed([article(1), article(2, { title: 'Article 2, corrected' }), article(3)]), { etag: '"v2"', lastModified: null });
    expect(result).toEqual({ added: 1, updated: 1 });
    const again = store.article(second!.id)!;
    expect(again.title).toBe('Article 2, corrected');
    expect(again.read).toBe(true);
    expect(again.starred).toBe(true);
    expect(store.count({})).toBe(3);
    expect(store.validators(URL_A).etag).toBe('"v2"');
  });

  it('keeps the same id in different feeds apart', () => {
    store.syncFeeds([{ url: URL_A }, { url: URL_B }]);
    store.saveFeed(URL_A, feed([article(1)]), { etag: null, lastModified: null });
    store.saveFeed(URL_B, feed([article(1)]), { etag: null, lastModified: null });
    expect(store.count({})).toBe(2);
  });

  it('lists newest first, in pages, by scope', () => {
    store.syncFeeds([{ url: URL_A, tags: ['tech'] }, { url: URL_B }]);
    store.saveFeed(URL_A, feed([article(1), article(3), article(5)], 'A'), { etag: null, lastModified: null });
    store.saveFeed(URL_B, feed([article(2), article(4)], 'B'), { etag: null, lastModified: null });
    expect(store.articles({}, { limit: 10 }).map((a) => a.title)).toEqual(['Article 5', 'Article 4', 'Article 3', 'Article 2', 'Article 1']);
    expect(store.articles({}, { offset: 2, limit: 2 }).map((a) => a.title)).toEqual(['Article 3', 'Article 2']);
    expect(store.articles({ tag: 'tech' }, { limit: 10 }).map((a) => a.feed)).toEqual(['A', 'A', 'A']);
    const feedB = store.feeds().find((f) => f.url === URL_B)!;
    expect(store.count({ feedId: feedB.id })).toBe(2);
    // New articles enter the search index when the refresh that stored them is done.
    expect(store.articles({ search: 'art 4' }, { limit: 10 })).toEqual([]);
    store.indexForSearch();
    expect(store.articles({ search: 'art 4' }, { limit: 10 }).map((a) => a.title)).toEqual(['Article 4']);
    expect(store.articles({ search: '%' }, { limit: 10 })).toEqual([]);
  });

  it('hides unsubscribed feeds but keeps their articles and state', () => {
    store.syncFeeds([{ url: URL_A }]);
    store.saveFeed(URL_A, feed([article(1)]), { etag: null, lastModified: null });
    const [row] = store.articles({}, { limit: 1 });
    store.setRead([row!.id], true);
    store.syncFeeds([]);
    expect(store.count({})).toBe(0);
    store.syncFeeds([{ url: URL_A }]);
    expect(store.article(row!.id)!.read).toBe(true);
  });

  it('counts unread, marks a scope read and reports what it changed', () => {
    store.syncFeeds([{ url: URL_A }]);
    store.saveFeed(URL_A, feed([article(1), article(2), article(3)]), { etag: null, lastModified: null });
    expect(store.count({ unreadOnly: true })).toBe(3);
    const ids = store.markScopeRead({});
    expect(ids).toHaveLength(3);
    expect(store.count({ unreadOnly: true })).toBe(0);
    store.setRead(ids, false);
    expect(store.count({ unreadOnly: true })).toBe(3);
  });

  it('clamps future dates and orders undated articles by when they were first seen', () => {
    store.syncFeeds([{ url: URL_A }]);
    store.saveFeed(URL_A, feed([article(1, { published: '2999-01-01T00:00:00.000Z', title: 'future' }), article(2, { published: null, title: 'undated' })]), {
      etag: null,
      lastModified: null,
      now: Date.UTC(2026, 10, 25),
    });
    const rows = store.articles({}, { limit: 10 });
    expect(rows.every((r) => r.sortKey <= Date.UTC(2026, 10, 25))).toBe(true);
    expect(rows.find((r) => r.title === 'future')!.published).toBe('2999-01-01T00:00:00.000Z');
  });

  it('records failures and Retry-After, and clears them on success', () => {
    store.markFailed(URL_A, 'HTTP 503', 12345);
    expect(store.validators(URL_A).retryAfter).toBe(12345);
    store.saveFeed(URL_A, feed([]), { etag: null, lastModified: null });
    expect(store.validators(URL_A).retryAfter).toBeNull();
  });

  it("keeps each feed's own reload interval from its last full fetch, for the background reloads", () => {
    store.syncFeeds([{ url: URL_A }, { url: URL_B }]);
    store.saveFeed(URL_A, { ...feed([article(1)]), minReloadMinutes: 60 }, { etag: '"a"', lastModified: null, now: 1000 });
    store.markNotModified([{ url: URL_A, etag: null, lastModified: null, now: 5000 }]);
    store.markFailed(URL_B, 'HTTP 503', 9000, 2000);
    const states = () => Object.fromEntries(store.reloadStates().map((s) => [s.url, s]));
    expect(states()).toEqual({
      [URL_A]: { url: URL_A, lastChecked: 5000, retryAfter: null, minReloadMinutes: 60 },
      [URL_B]: { url: URL_B, lastChecked: 2000, retryAfter: 9000, minReloadMinutes: null },
    });
    // A fetch whose document no longer states an interval clears it; unsubscribed feeds are not listed.
    store.saveFeed(URL_A, feed([article(1)]), { etag: null, lastModified: null, now: 6000 });
    store.syncFeeds([{ url: URL_A }]);
    expect(store.reloadStates()).toEqual([{ url: URL_A, lastChecked: 6000, retryAfter: null, minReloadMinutes: null }]);
  });

  it('caches discussions with their fetch time', () => {
    store.saveDiscussion('hn:1', 'hackernews', '{"a":1}', 1000);
    expect(store.discussion('hn:1')).toEqual({ source: 'hackernews', fetchedAt: 1000, data: '{"a":1}' });
  });

  it('uses an index for every list query', () => {
    const plan = (sql: string, ...params: unknown[]) =>
      (store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ');
    // The shape of store/lists.ts's page query, with statistics present (refresh runs PRAGMA optimize).
    store.syncFeeds([{ url: URL_A }, { url: URL_B }]);
    store.saveFeed(URL_A, feed(Array.from({ length: 200 }, (_, i) => article(i))), { etag: null, lastModified: null });
    store.db.exec('ANALYZE');
    const list = (where: string) =>
      `SELECT a.id FROM articles a CROSS JOIN feeds f ON f.id = a.feed_id WHERE ${where} ORDER BY a.sort_key DESC, a.id DESC LIMIT 50 OFFSET 100`;
    // Lists leave out hidden articles as lists.ts does: `a.hidden = 0`, except the unread list of all.
    expect(plan(list('f.active = 1 AND a.hidden = 0'))).toMatch(/COVERING INDEX articles_by_time/);
    expect(plan(list('f.active = 1 AND a.hidden = 0'))).not.toMatch(/TEMP B-TREE/);
    expect(plan(list('f.active = 1 AND a.read = 0'))).toMatch(/COVERING INDEX articles_unread_by_time/);
    expect(plan(list('f.active = 1 AND a.hidden = 0 AND a.feed_id = ?'), 1)).toMatch(/articles_by_feed_time/);
    expect(plan(list('f.active = 1 AND a.hidden = 0 AND a.feed_id = ?'), 1)).not.toMatch(/TEMP B-TREE/);
  });

  const listIndexes = (s: Store) =>
    (s.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'articles_%time' ORDER BY name`).all() as { name: string }[]).map(
      (r) => r.name,
    );

  it('fills an empty cache with the time-ordered indexes built after the load', () => {
    expect(listIndexes(store)).toEqual(['articles_by_feed_time', 'articles_by_time', 'articles_unread_by_time']);
    expect(store.beginBulkLoad()).toBe(true);
    expect(listIndexes(store)).toEqual(['articles_by_feed_time']);
    store.saveFeed(URL_A, feed(Array.from({ length: 20 }, (_, i) => article(i + 1))), { etag: null, lastModified: null });
    store.endBulkLoad();
    expect(listIndexes(store)).toEqual(['articles_by_feed_time', 'articles_by_time', 'articles_unread_by_time']);
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(store.articles({ unreadOnly: true }, { limit: 3 }).map((a) => a.guid)).toEqual(['guid-20', 'guid-19', 'guid-18']);
  });

  it('keeps the indexes of a cache that holds articles', () => {
    store.saveFeed(URL_A, feed([article(1)]), { etag: null, lastModified: null });
    expect(store.beginBulkLoad()).toBe(false);
    expect(listIndexes(store)).toHaveLength(3);
  });

  it('builds the indexes a killed bulk load left dropped when the cache is next opened', () => {
    expect(store.beginBulkLoad()).toBe(true);
    store.saveFeed(URL_A, feed([article(1), article(2)]), { etag: null, lastModified: null });
    store.db.close(); // as a kill would leave it: no endBulkLoad
    // A parse worker's connection leaves them as they are (the load is still running)...
    const writer = Store.openWriter(path.join(dir, 'cache.db'), (write) => write());
    expect(listIndexes(writer)).toEqual(['articles_by_feed_time']);
    writer.close();
    // ...anything else puts them back.
    store = Store.open(path.join(dir, 'cache.db'));
    expect(listIndexes(store)).toEqual(['articles_by_feed_time', 'articles_by_time', 'articles_unread_by_time']);
    expect(store.count({})).toBe(2);
  });
});

describe('Store positions', () => {
  it("finds an article's index and its unread neighbours in a scope", () => {
    store.syncFeeds([{ url: URL_A }]);
    store.saveFeed(URL_A, feed([1, 2, 3, 4, 5].map((n) => article(n))), { etag: null, lastModified: null });
    const rows = store.articles({}, { limit: 10 }); // 5, 4, 3, 2, 1
    expect(rows.map((r) => store.position({}, r.id))).toEqual([0, 1, 2, 3, 4]);
    store.setRead([rows[1]!.id, rows[2]!.id], true);
    expect(store.neighbourUnread({}, rows[0]!.id, 1)).toBe(rows[3]!.id);
    expect(store.neighbourUnread({}, rows[3]!.id, -1)).toBe(rows[0]!.id);
    expect(store.neighbourUnread({}, rows[4]!.id, 1)).toBeUndefined();
    expect(store.position({ unreadOnly: true }, rows[1]!.id)).toBe(-1);
  });
});

describe('Store pages', () => {
  it('gives the same page counted from either end', () => {
    store.syncFeeds([{ url: URL_A }, { url: URL_B }]);
    store.saveFeed(URL_A, feed(Array.from({ length: 50 }, (_, i) => article(i))), { etag: null, lastModified: null });
    store.saveFeed(URL_B, feed(Array.from({ length: 50 }, (_, i) => article(i))), { etag: null, lastModified: null });
    const total = store.count({});
    for (const offset of [0, 30, 49, 60, 95, 99]) {
      const ids = (p: { total?: number }) => store.articles({}, { offset, limit: 10, ...p }).map((r) => r.id);
      expect(ids({ total })).toEqual(ids({}));
    }
  });
});

describe('Store large feeds', () => {
  it('saves a large feed in steps, with its validators stored last', async () => {
    store.syncFeeds([{ url: URL_A }]);
    const many = feed(Array.from({ length: 450 }, (_, i) => article(i + 1, { id: `g${i}`, published: null })));
    const result = await store.saveFeedInSteps(URL_A, many, { etag: '"big"', lastModified: null });
    expect(result).toEqual({ added: 450, updated: 0 });
    expect(store.count({})).toBe(450);
    expect(store.validators(URL_A).etag).toBe('"big"');
    const again = await store.saveFeedInSteps(URL_A, many, { etag: '"big"', lastModified: null });
    expect(again).toEqual({ added: 0, updated: 0 });
  });

  it('brings a schema-3 cache up to date: its articles kept, the pages table added', () => {
    store.saveFeed(URL_A, feed([article(1)]), { etag: null, lastModified: null });
    // What migrations 4 (pages), 5 (discussions found elsewhere), 6 (enclosures), 7 (filters), 8 (the search index), 9 (sync), 10 (retention), 11 (feeds' own reload intervals) and 12 (the search index's progress) add, taken away again.
    store.db.exec(`DROP TABLE search_progress; ALTER TABLE feeds DROP COLUMN min_reload_minutes;
      DROP TABLE removed_articles; DROP INDEX articles_by_link;
      DROP TRIGGER articles_leave_search; DROP TABLE article_search;
      DROP TABLE article_tags; DROP INDEX articles_by_time; DROP INDEX articles_by_feed_time;
      ALTER TABLE articles DROP COLUMN hidden;
      CREATE INDEX articles_by_time ON articles (sort_key DESC, id DESC, feed_id);
      CREATE INDEX articles_by_feed_time ON articles (feed_id, sort_key DESC, id DESC);
      DROP TABLE pages; ALTER TABLE bodies DROP COLUMN enclosures;
      ALTER TABLE articles DROP COLUMN orig_link; ALTER TABLE articles DROP COLUMN lookup_count;
      DROP TABLE lookups; DROP TABLE discussion_choices; DROP TABLE discussion_visits; DROP TABLE service_requests; DROP TABLE service_pauses;
      DROP TABLE sync_outbox; DROP TABLE sync_articles; DROP TABLE sync_feeds; DROP TABLE sync_state;`);
    store.db.pragma('user_version = 3');
    store.close();
    store = Store.open(path.join(dir, 'cache.db'));
    expect(store.db.pragma('user_version', { simple: true })).toBe(12);
    expect(store.count({})).toBe(1);
    expect(store.page('https://example.org/1')).toBeUndefined();
    expect(store.pagesWanted(URL_A, 30, 0)).toEqual(['https://example.org/1']);
    // The list indexes come back partial, leaving hidden articles out (migration 7).
    const indexSql = (name: string) => (store.db.prepare('SELECT sql FROM sqlite_master WHERE name = ?').get(name) as { sql: string }).sql;
    expect(indexSql('articles_by_time')).toMatch(/WHERE hidden = 0$/);
    expect(indexSql('articles_by_feed_time')).toMatch(/WHERE hidden = 0$/);
  });
});

describe('Store discussions found elsewhere', () => {
  it("keeps the original link, the found threads' count, the choice, the visits and the request ledger", () => {
    store.syncFeeds([{ url: URL_A }]);
    store.saveFeed(URL_A, feed([article(1, { origLink: 'https://blog.example.org/1/' })]), { etag: null, lastModified: null });
    const [row] = store.articles({}, { limit: 1 });
    expect(row!.origLink).toBe('https://blog.example.org/1/');
    expect(row!.lookupCount).toBeNull();
    expect(store.articleByUrl('https://blog.example.org/1/')?.id).toBe(row!.id);
    expect(store.setLookupCount(row!.id, 42)).toBe(true);
    expect(store.setLookupCount(row!.id, 42)).toBe(false);
    // A refresh leaves the count alone.
    store.saveFeed(URL_A, feed([article(1, { title: 'Renamed' })]), { etag: null, lastModified: null });
    expect(store.article(row!.id)!.lookupCount).toBe(42);
    expect(store.article(row!.id)!.origLink).toBe('');

    store.saveLookup('hackernews:x', '{"v":1,"refs":[]}', 5);
    expect(store.lookup('hackernews:x')).toEqual({ fetchedAt: 5, data: '{"v":1,"refs":[]}' });
    store.setDiscussionChoice(row!.id, 'hackernews:1');
    expect(store.discussionChoice(row!.id)).toBe('hackernews:1');
    expect(store.discussionSeenAt('hackernews:1')).toBeNull();
    store.markDiscussionSeen('hackernews:1', 1000);
    expect(store.discussionSeenAt('hackernews:1')).toBe(1000);

    const ledger = store.ledger();
    ledger.recordRequest('lobsters', 1_000);
    ledger.recordRequest('lobsters', 2_000);
    // Rows older than an hour are pruned as new ones are recorded.
    ledger.recordRequest('lobsters', 3_602_000);
    expect(ledger.requestsSince('lobsters', 0)).toEqual([2_000, 3_602_000]);
    expect(ledger.pausedUntil('lobsters')).toBeNull();
    ledger.pause('lobsters', 9_000);
    ledger.pause('lobsters', 8_000);
    expect(ledger.pausedUntil('lobsters')).toBe(9_000);
  });
});
