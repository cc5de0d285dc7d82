/** The retention pass (core/retention.ts): what goes, what stays, what never comes back, and the file shrinking. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keepRuleFor, runRetention } from '../source/core/retention.js';
import { Store } from '../source/core/store.js';
import { guidHash } from '../source/core/store/retention.js';
import type { Article, ParsedFeed } from '../source/core/types.js';

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.UTC(2026, 11, 1);
const FEED_A = 'https://a.example/feed';
const FEED_B = 'https://b.example/feed';

let dir: string;
let file: string;
let store: Store;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-retention-'));
  file = path.join(dir, 'cache.db');
  store = Store.open(file);
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Article n of a feed, published n days before NOW (so 1 is the newest). */
const article = (n: number, extra: Partial<Article> = {}): Article => ({
  id: `guid-${n}`,
  title: `Article ${n}`,
  link: `https://example.org/${n}`,
  author: '',
  published: new Date(NOW - n * DAY).toISOString(),
  html: `<p>Body ${n}</p>`,
  commentsUrl: '',
  commentFeedUrl: '',
  commentCount: null,
  ...extra,
});
const feed = (articles: Article[]): ParsedFeed => ({ title: 'Example', link: 'https://example.org/', articles });
const save = (url: string, articles: Article[], now: number) => store.saveFeed(url, feed(articles), { etag: null, lastModified: null, now });
/** A feed refreshed daily: article n first seen an hour after it was published, n days before NOW. */
const saveDaily = (url: string, articles: Article[]) => {
  const sorted = [...articles].sort((a, b) => Date.parse(a.published!) - Date.parse(b.published!));
  sorted.forEach((a, i) => save(url, sorted.slice(0, i + 1), Date.parse(a.published!) + 60 * 60 * 1000));
};
const idOf = (url: string, guid: string) =>
  (store.db.prepare('SELECT a.id FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE f.url = ? AND a.guid = ?').get(url, guid) as { id: number } | undefined)
    ?.id;
const guids = (url: string) =>
  (
    store.db.prepare('SELECT a.guid FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE f.url = ? ORDER BY a.sort_key DESC').all(url) as { guid: string }[]
  ).map((r) => r.guid);
const mark = (url: string, ns: number[], how: 'read' | 'starred') => {
  const ids = ns.map((n) => idOf(url, `guid-${n}`)!);
  if (how === 'read') store.setRead(ids, true);
  else store.setStarred(ids, true);
};

describe('the retention pass', () => {
  it('removes read, unstarred articles older than `days` or beyond `perFeed`; keeps unread and starred ones', async () => {
    store.syncFeeds([{ url: FEED_A }]);
    saveDaily(
      FEED_A,
      Array.from({ length: 10 }, (_, i) => article(i + 1)),
    );
    // 1-3 are the newest three (perFeed), 1-5 are younger than 6 days (days).
    mark(FEED_A, [1, 2, 4, 5, 6, 7, 8, 10], 'read');
    mark(FEED_A, [7], 'starred');
    const result = await runRetention(store, [FEED_A], { keep: { days: 6, perFeed: 3 }, feeds: [], now: NOW });
    // Gone: 4, 5 (read, beyond the newest 3), 6, 8, 10 (read, older than 6 days). Kept: 1, 2 (read, newest
    // and young), 3 and 9 (unread), 7 (starred).
    expect(guids(FEED_A)).toEqual(['guid-1', 'guid-2', 'guid-3', 'guid-7', 'guid-9']);
    expect(result.removed).toBe(5);
    expect(store.db.prepare('SELECT count(*) AS n FROM bodies').get()).toEqual({ n: 5 });
  });

  it('counts age from first sight when that is later: an old archive read today stays', async () => {
    store.syncFeeds([{ url: FEED_A }]);
    save(FEED_A, [article(50), article(60)], NOW - DAY);
    mark(FEED_A, [50, 60], 'read');
    await runRetention(store, [FEED_A], { keep: { days: 7, perFeed: 100 }, feeds: [], now: NOW });
    expect(guids(FEED_A)).toEqual(['guid-50', 'guid-60']);
    await runRetention(store, [FEED_A], { keep: { days: 7, perFeed: 100 }, feeds: [], now: NOW + 7 * DAY });
    expect(guids(FEED_A)).toEqual([]);
  });

  it('never brings back as new an article removed while its feed still lists it', async () => {
    store.syncFeeds([{ url: FEED_A }]);
    const items = Array.from({ length: 6 }, (_, i) => article(i + 1));
    saveDaily(FEED_A, items);
    mark(FEED_A, [1, 2, 3, 4, 5, 6], 'read');
    expect((await runRetention(store, [FEED_A], { keep: { days: 365, perFeed: 2 }, feeds: [], now: NOW })).removed).toBe(4);
    // The feed still lists all six, and a seventh.
    expect(save(FEED_A, [article(0), ...items], NOW + DAY)).toEqual({ added: 1, updated: 0 });
    expect(guids(FEED_A)).toEqual(['guid-0', 'guid-1', 'guid-2']);
    // Large feeds land in steps through the same writer.
    const result = await store.saveFeedInSteps(FEED_A, feed([article(0), ...items]), { etag: null, lastModified: null, now: NOW + 2 * DAY });
    expect(result).toEqual({ added: 0, updated: 0 });
    expect(store.count({})).toBe(3);
  });

  it('drops a tombstone once its guid has been gone from the feed for a month, not while the feed only answers 304', async () => {
    store.syncFeeds([{ url: FEED_A }]);
    saveDaily(FEED_A, [article(1), article(2)]);
    mark(FEED_A, [2], 'read');
    await runRetention(store, [FEED_A], { keep: { days: 365, perFeed: 1 }, feeds: [], now: NOW });
    const tombstones = () => store.db.prepare('SELECT guid_hash AS hash FROM removed_articles').safeIntegers().all();
    expect(tombstones()).toEqual([{ hash: guidHash('guid-2') }]);
    // Forty days of 304s: the feed was never saved since, so the guid may still be in it.
    store.markNotModified([{ url: FEED_A, etag: null, lastModified: null, now: NOW + 40 * DAY }]);
    await runRetention(store, [FEED_A], { keep: { days: 365, perFeed: 1 }, feeds: [], now: NOW + 40 * DAY });
    expect(tombstones()).toEqual([{ hash: guidHash('guid-2') }]);
    // Still listed at day 41: the sighting is renewed, so the tombstone stays another month.
    save(FEED_A, [article(1), article(2)], NOW + 41 * DAY);
    await runRetention(store, [FEED_A], { keep: { days: 365, perFeed: 1 }, feeds: [], now: NOW + 60 * DAY });
    expect(tombstones()).toEqual([{ hash: guidHash('guid-2') }]);
    // Gone from the feed from day 42 on; a month later the tombstone goes.
    save(FEED_A, [article(1)], NOW + 42 * DAY);
    save(FEED_A, [article(1)], NOW + 72 * DAY);
    const pass = await runRetention(store, [FEED_A], { keep: { days: 365, perFeed: 1 }, feeds: [], now: NOW + 73 * DAY });
    expect(pass.tombstonesDropped).toBe(1);
    expect(tombstones()).toEqual([]);
  });

  it("removes a removed article's page, lookups, discussions and choice, but not what another article with the same link still uses", async () => {
    store.syncFeeds([{ url: FEED_A }, { url: FEED_B }]);
    const hn = 'https://news.ycombinator.com/item?id=4242';
    // Hosts that can have been submitted somewhere: lookups are asked (and cached) for these only.
    const link2 = 'https://blog.acme.dev/2';
    const shared = 'https://shared.acme.dev/story';
    saveDaily(FEED_A, [article(1), article(2, { link: link2, commentsUrl: hn }), article(3, { link: shared })]);
    saveDaily(FEED_B, [article(9, { link: shared })]);
    const page = (url: string) =>
      store.savePage({
        url,
        finalUrl: url,
        fetchedAt: NOW - DAY,
        etag: null,
        lastModified: null,
        contentType: 'text/html',
        html: new Uint8Array([1, 2, 3]),
        title: '',
        byline: '',
        published: null,
        siteName: '',
        content: '<p>x</p>',
        failure: null,
        extractMs: 1,
      });
    page(link2);
    page(shared);
    const found = {
      v: 1,
      refs: [{ source: 'reddit', url: 'https://www.reddit.com/r/x/comments/abc12/', title: '', where: '', comments: 3, score: 1, published: null }],
    };
    store.saveLookup('hackernews:blog.acme.dev/2', JSON.stringify({ v: 1, refs: [] }), NOW - DAY);
    store.saveLookup('reddit:blog.acme.dev/2', JSON.stringify(found), NOW - DAY);
    store.saveLookup('reddit:shared.acme.dev/story', JSON.stringify({ v: 1, refs: [] }), NOW - DAY);
    store.saveDiscussion('hackernews:4242', 'hackernews', '{}', NOW - DAY);
    store.saveDiscussion('reddit:abc12', 'reddit', '{}', NOW - DAY);
    store.saveDiscussion('mastodon:https://social.example/1', 'mastodon', '{}', NOW - DAY);
    store.saveDiscussion('hackernews:1', 'hackernews', '{}', NOW - DAY);
    store.setDiscussionChoice(idOf(FEED_A, 'guid-2')!, 'mastodon:https://social.example/1');
    store.markDiscussionSeen('hackernews:4242', NOW - DAY);
    mark(FEED_A, [2, 3], 'read');

    const result = await runRetention(store, [FEED_A, FEED_B], { keep: { days: 1, perFeed: 100 }, feeds: [], now: NOW });
    expect(result.removed).toBe(2);
    expect(guids(FEED_A)).toEqual(['guid-1']);
    expect(store.page(link2)).toBeUndefined();
    expect(store.lookup('hackernews:blog.acme.dev/2')).toBeUndefined();
    expect(store.lookup('reddit:blog.acme.dev/2')).toBeUndefined();
    expect(store.discussion('hackernews:4242')).toBeUndefined();
    expect(store.discussionSeenAt('hackernews:4242')).toBeNull();
    expect(store.discussion('reddit:abc12')).toBeUndefined();
    expect(store.discussion('mastodon:https://social.example/1')).toBeUndefined();
    expect(store.db.prepare('SELECT count(*) AS n FROM discussion_choices').get()).toEqual({ n: 0 });
    // Feed B's article has the same link as the removed 3: its page and lookup stay.
    expect(store.page(shared)).toBeDefined();
    expect(store.lookup('reddit:shared.acme.dev/story')).toBeDefined();
    // Another article's discussion is not touched.
    expect(store.discussion('hackernews:1')).toBeDefined();
  });

  it("takes a feed's own keep over the top-level one", async () => {
    store.syncFeeds([{ url: FEED_A }, { url: FEED_B }]);
    const items = [article(1), article(2), article(3)];
    saveDaily(FEED_A, items);
    saveDaily(FEED_B, items);
    mark(FEED_A, [1, 2, 3], 'read');
    mark(FEED_B, [1, 2, 3], 'read');
    const options = { keep: { days: 365, perFeed: 3 }, feeds: [{ url: FEED_B, keep: { perFeed: 1 } }] };
    expect(keepRuleFor(FEED_B, options)).toEqual({ days: 365, perFeed: 1 });
    await runRetention(store, [FEED_A, FEED_B], { ...options, now: NOW });
    expect(guids(FEED_A)).toEqual(['guid-1', 'guid-2', 'guid-3']);
    expect(guids(FEED_B)).toEqual(['guid-1']);
  });

  it('only touches the feeds it is given', async () => {
    store.syncFeeds([{ url: FEED_A }, { url: FEED_B }]);
    save(FEED_A, [article(10)], NOW - 30 * DAY);
    save(FEED_B, [article(10)], NOW - 30 * DAY);
    mark(FEED_A, [10], 'read');
    mark(FEED_B, [10], 'read');
    await runRetention(store, [FEED_B], { keep: { days: 1, perFeed: 10 }, feeds: [], now: NOW });
    expect(guids(FEED_A)).toEqual(['guid-10']);
    expect(guids(FEED_B)).toEqual([]);
  });
});

describe('the file shrinking', () => {
  /** A feed of `n` articles with ~20 KB bodies, first seen a year ago; every `readEvery`th read. */
  const fill = (n: number, readEvery = 1) => {
    store.syncFeeds([{ url: FEED_A }]);
    const filler = 'x'.repeat(20_000);
    save(
      FEED_A,
      Array.from({ length: n }, (_, i) => article(400 + i, { html: `<p>${i} ${filler}</p>` })),
      NOW - 365 * DAY,
    );
    store.db.prepare('UPDATE articles SET read = 1 WHERE id % ? = 0').run(readEvery);
  };
  const fileBytes = () => fs.statSync(file).size;

  it('is created in incremental-vacuum mode and gives the space back after a pass', async () => {
    expect(store.retention().autoVacuumMode()).toBe('incremental');
    fill(300);
    store.close();
    const before = fileBytes();
    store = Store.open(file);
    const result = await runRetention(store, [FEED_A], { keep: { days: 30, perFeed: 10 }, feeds: [], now: NOW, vacuum: 'steps' });
    expect(result.removed).toBe(300);
    expect(result.freedBytes).toBeGreaterThan(5_000_000);
    store.close();
    const after = fileBytes();
    store = Store.open(file);
    expect(before).toBeGreaterThan(6_000_000);
    expect(after).toBeLessThan(before / 5);
  });

  it('leaves a little free space for the next refresh to fill rather than moving pages for it', async () => {
    fill(300, 30);
    const pages = () => store.db.pragma('page_count', { simple: true }) as number;
    const before = pages();
    const result = await runRetention(store, [FEED_A], { keep: { days: 30, perFeed: 10 }, feeds: [], now: NOW, vacuum: 'steps' });
    expect(result.removed).toBe(10);
    expect(store.db.pragma('freelist_count', { simple: true })).toBeGreaterThan(40);
    expect(pages()).toBe(before);
    expect(result.freedBytes).toBe(0);
  });

  it('converts a cache made without incremental vacuum once, and only when asked to ("convert": the headless refresh)', async () => {
    store.close();
    fs.rmSync(file);
    // A cache created before this version: auto_vacuum off, then the schema.
    const old = new Database(file);
    old.pragma('journal_mode = WAL');
    old.close();
    store = Store.open(file);
    expect(store.retention().autoVacuumMode()).toBe('none');
    fill(100, 10);
    const steps = await runRetention(store, [FEED_A], { keep: { days: 30, perFeed: 10 }, feeds: [], now: NOW, vacuum: 'steps' });
    expect(steps).toMatchObject({ removed: 10, converted: false });
    expect(store.retention().autoVacuumMode()).toBe('none');
    store.db.exec('UPDATE articles SET read = 1');
    const convert = await runRetention(store, [FEED_A], { keep: { days: 30, perFeed: 10 }, feeds: [], now: NOW, vacuum: 'convert' });
    expect(convert).toMatchObject({ removed: 90, converted: true });
    expect(convert.freedBytes).toBeGreaterThan(1_500_000);
    expect(store.retention().autoVacuumMode()).toBe('incremental');
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
  });
});
