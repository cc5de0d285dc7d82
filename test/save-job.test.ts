/**
 * A refresh's feeds are parsed and stored by the parse workers through connections of their own
 * (save-job.ts, workers/worker.ts), taking turns through a lock in shared memory (store/write-lock.ts).
 * These check that what lands is what the inline path stores, that read marks made meanwhile on the
 * main connection survive, and that the lock is released whatever the write does.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createParsePool, inlinePool } from '../source/core/workers.js';
import { Store } from '../source/core/store.js';
import { releaseDeadOwner, sharedWriteLock, writeLockMemory } from '../source/core/store/write-lock.js';

const worker = path.resolve(import.meta.dirname, '../.build/parse-worker.mjs');

function rss(feed: number, items: number): Uint8Array {
  const entries = Array.from(
    { length: items },
    (_, i) => `<item><title>Feed ${feed} item ${i}</title><link>https://f${feed}.example/${i}</link>
      <guid>f${feed}-${i}</guid><pubDate>${new Date(Date.UTC(2026, 0, 1 + (i % 28), feed % 24)).toUTCString()}</pubDate>
      <description>&lt;p&gt;Body ${i} of feed ${feed}&lt;/p&gt;</description></item>`,
  );
  return new TextEncoder().encode(`<?xml version="1.0"?><rss version="2.0"><channel><title>Feed ${feed}</title>
    <link>https://f${feed}.example/</link>${entries.join('')}</channel></rss>`);
}

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-save-job-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Every article of the cache, in a form independent of row ids. */
const everything = (store: Store) =>
  store.db
    .prepare(
      `SELECT f.url, f.title AS feedTitle, a.guid, a.title, a.link, a.published, a.read, b.html
       FROM articles a JOIN feeds f ON f.id = a.feed_id JOIN bodies b ON b.article_id = a.id ORDER BY f.url, a.guid`,
    )
    .all();

describe('parseAndSave', () => {
  // 1,450 articles saved and indexed twice (inline, then from the workers): seconds on a loaded machine.
  it('stores from the workers exactly what the inline path stores, and keeps marks made meanwhile', async () => {
    if (!fs.existsSync(worker)) throw new Error('build first: node source/scripts/build.mjs (npm test does)');
    const feeds = Array.from({ length: 40 }, (_, f) => ({ url: `https://f${f}.example/feed`, items: f === 7 ? 450 : 20 + f }));

    const inlineStore = Store.open(path.join(dir, 'inline.db'));
    const inline = inlinePool(inlineStore);
    for (const f of feeds)
      await inline.parseAndSave(rss(feeds.indexOf(f), f.items), 'application/rss+xml', f.url, { feedUrl: f.url, etag: null, lastModified: null, now: 1 });

    const store = Store.open(path.join(dir, 'workers.db'));
    const pool = createParsePool({ threads: 2, script: new URL(`file://${worker}`), store });
    try {
      // First a few feeds, then a read mark on the main connection while the rest land from the workers.
      const first = await Promise.all(
        feeds
          .slice(0, 5)
          .map((f, i) => pool.parseAndSave(rss(i, f.items), 'application/rss+xml', f.url, { feedUrl: f.url, etag: `"e${i}"`, lastModified: null, now: 1 })),
      );
      expect(first.map((s) => s.added)).toEqual(feeds.slice(0, 5).map((f) => f.items));
      const marked = store.db
        .prepare('SELECT id FROM articles ORDER BY id LIMIT 3')
        .all()
        .map((r) => (r as { id: number }).id);
      const rest = feeds
        .slice(5)
        .map((f, i) => pool.parseAndSave(rss(i + 5, f.items), 'application/rss+xml', f.url, { feedUrl: f.url, etag: null, lastModified: null, now: 1 }));
      expect(store.setRead(marked, true)).toBe(3);
      const saved = await Promise.all(rest);
      expect(saved.find((s) => s.items === 450)?.added).toBe(450); // saved in steps (save-feed.ts)
      expect(store.validators(feeds[2]!.url).etag).toBe('"e2"');

      const fromWorkers = everything(store) as { read: number }[];
      expect(fromWorkers.filter((r) => r.read === 1)).toHaveLength(3);
      expect(fromWorkers.map((r) => ({ ...r, read: 0 }))).toEqual(everything(inlineStore));
      expect(fromWorkers).toHaveLength(feeds.reduce((n, f) => n + f.items, 0));
      // The reader's refresh has a worker index what the workers stored once it is done: a word of the
      // bodies finds the same articles both ways.
      expect(store.searchBehind()).toBe(true);
      expect(await pool.indexForSearch()).toBe(fromWorkers.length);
      expect(store.searchBehind()).toBe(false);
      expect(await pool.indexForSearch()).toBe(0);
      expect(await inline.indexForSearch()).toBe(fromWorkers.length);
      const found = (s: Store, query: string) =>
        s
          .articles({ search: query }, { limit: 1000 })
          .map((a) => a.guid)
          .sort();
      expect(found(store, '"body 3 of feed 7"')).toEqual(['f7-3']);
      expect(found(store, '"of feed 7"')).toHaveLength(450);
      expect(found(store, 'body 12')).toEqual(found(inlineStore, 'body 12'));
    } finally {
      await pool.close();
      store.close();
      inlineStore.close();
    }
    const reopened = Store.open(path.join(dir, 'workers.db'));
    expect(reopened.db.pragma('integrity_check', { simple: true })).toBe('ok');
    reopened.close();
  }, 30_000);

  it("applies the settings' filters in the workers, to new articles only, and no expression hangs them", async () => {
    if (!fs.existsSync(worker)) throw new Error('build first: node source/scripts/build.mjs (npm test does)');
    const store = Store.open(path.join(dir, 'filters.db'));
    const url = 'https://f3.example/feed';
    store.syncFeeds([{ url, tags: ['work'] }]);
    const pool = createParsePool({ threads: 2, script: new URL(`file://${worker}`), store });
    // 450 items: saved in steps (save-feed.ts), the filters' marks judged once for all of them. One item's
    // title is 50,000 a's and a b, on which (a+)+$ backtracks for minutes without the workers' timeout.
    const bytes = () => {
      const text = new TextDecoder().decode(rss(3, 450)).replace('<title>Feed 3 item 7</title>', `<title>${'a'.repeat(50_000)}b</title>`);
      return new TextEncoder().encode(text);
    };
    const filters = [
      { match: { title: 'item \\d*5$' }, action: 'hide' },
      { match: { title: 'item 1\\d$', feed: 'f3\\.example' }, action: 'star' },
      { match: { title: '(a+)+$' }, action: 'read' },
      { match: { text: 'body 2\\d? of', tag: '^work$' }, action: 'tag:twenties' },
    ];
    const target = { feedUrl: url, etag: null, lastModified: null, now: 1, filters };
    try {
      const started = performance.now();
      const saved = await pool.parseAndSave(bytes(), 'application/rss+xml', url, target);
      expect(performance.now() - started).toBeLessThan(10_000);
      expect(saved).toMatchObject({ added: 405, hidden: 45, items: 450, filterWarnings: [expect.stringMatching(/^filters\[2\] took too long/)] });
      const rows = (where: string) =>
        (store.db.prepare(`SELECT guid FROM articles WHERE ${where} ORDER BY id`).all() as { guid: string }[]).map((r) => Number(r.guid.slice(3)));
      expect(rows('hidden = 1')).toEqual(Array.from({ length: 45 }, (_, i) => i * 10 + 5));
      expect(rows('hidden = 1 AND read = 0')).toEqual([]);
      // A hidden article keeps the other filters' marks (15 is hidden and starred): only hiding keeps it out of view.
      expect(rows('starred = 1')).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
      expect(rows('read = 1 AND hidden = 0')).toEqual([]);
      expect(
        store
          .articles({ tag: 'twenties' }, { limit: 50 })
          .map((r) => Number(r.guid.slice(3)))
          .sort((x, y) => x - y),
      ).toEqual([2, 20, 21, 22, 23, 24, 26, 27, 28, 29]);
      expect(store.count({})).toBe(405);

      // The next refresh: nothing new, the hidden ones stay stored and hidden, nothing is judged again.
      const again = await pool.parseAndSave(bytes(), 'application/rss+xml', url, target);
      expect(again).toEqual({ added: 0, updated: 0, hidden: undefined, items: 450, broken: false, parseMs: expect.any(Number) });
      expect(store.count({})).toBe(405);
    } finally {
      await pool.close();
      store.close();
    }
  }, 30_000);

  it('parses in the workers and stores on the caller thread when the cache is in memory', async () => {
    if (!fs.existsSync(worker)) throw new Error('build first: node source/scripts/build.mjs (npm test does)');
    const store = Store.open(':memory:');
    const pool = createParsePool({ threads: 2, script: new URL(`file://${worker}`), store });
    try {
      const saved = await pool.parseAndSave(rss(1, 12), 'application/rss+xml', 'https://m.example/feed', {
        feedUrl: 'https://m.example/feed',
        etag: null,
        lastModified: null,
        now: 1,
      });
      expect(saved).toMatchObject({ added: 12, updated: 0, items: 12, broken: false });
      expect(store.count({})).toBe(12);
    } finally {
      await pool.close();
      store.close();
    }
  });

  it('names the feed error from a worker as inline, and a pool without a cache refuses to save', async () => {
    const pool = createParsePool({ threads: 1, script: new URL(`file://${worker}`), store: Store.open(path.join(dir, 'c.db')) });
    try {
      await expect(
        pool.parseAndSave(new TextEncoder().encode('{"json": true}'), null, 'https://j.example/', {
          feedUrl: 'https://j.example/',
          etag: null,
          lastModified: null,
          now: 1,
        }),
      ).rejects.toThrow('not a feed: got JSON');
    } finally {
      await pool.close();
    }
    await expect(
      inlinePool().parseAndSave(rss(1, 1), null, 'https://x.example/', { feedUrl: 'https://x.example/', etag: null, lastModified: null, now: 1 }),
    ).rejects.toThrow(/without a cache/);
  });
});

describe('sharedWriteLock', () => {
  it('runs one writer at a time and is released when a write throws', () => {
    const memory = writeLockMemory();
    const lock = sharedWriteLock(memory, 7);
    const cell = new Int32Array(memory);
    expect(lock(() => Atomics.load(cell, 0))).toBe(7); // held by its owner during the write
    expect(Atomics.load(cell, 0)).toBe(0);
    expect(() =>
      lock(() => {
        throw new Error('SQLITE_FULL');
      }),
    ).toThrow('SQLITE_FULL');
    expect(Atomics.load(cell, 0)).toBe(0);
    expect(lock(() => 'next')).toBe('next');
  });

  it('frees a lock whose owner died holding it, and only that one', () => {
    const memory = writeLockMemory();
    const cell = new Int32Array(memory);
    Atomics.store(cell, 0, 3); // thread 3 died inside a write
    releaseDeadOwner(memory, 4);
    expect(Atomics.load(cell, 0)).toBe(3);
    releaseDeadOwner(memory, 3);
    expect(Atomics.load(cell, 0)).toBe(0);
    expect(sharedWriteLock(memory, 4)(() => 'written')).toBe('written');
  });
});
