/**
 * Full text in the cache, on loopback: a page stored with its final URL and validators, read offline,
 * fetched again only when asked; failures recorded; the background queue's limits; a parse worker
 * extracting and storing a page itself.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAgents } from '../source/core/http.js';
import { pageLoader, PageError, PageQueue, readPage, wantedPages } from '../source/core/page.js';
import { createParsePool, inlinePool } from '../source/core/workers.js';
import { Store } from '../source/core/store.js';
import { startPageServer, type PageServer } from './support/page-server.js';
import { boilerplatePage, PARAGRAPHS } from './support/article-page.js';

const LIMITS = { timeoutSeconds: 5, pageMaxBytes: 5 * 1024 * 1024 };
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-page-cache-'));
const canary = path.join(tmp, 'a-script-ran');

let server: PageServer;
beforeAll(async () => {
  server = await startPageServer({
    '/2024/05/quiet-harbour/': { body: boilerplatePage(canary), headers: { etag: '"v1"' } },
    '/short/quiet-harbour': { status: 302, headers: { location: '/2024/05/quiet-harbour/' } },
    '/nothing-to-read': {
      body: '<html><head><title>Sign in</title></head><body><nav><a href="/">Home</a> <a href="/login">Log in</a></nav><p>Please enable JavaScript.</p></body></html>',
    },
  });
});

afterAll(async () => {
  closeAgents();
  await server.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('the cache', () => {
  it('stores the article, the page and its final URL; reads it offline; fetches again only when asked', async () => {
    const store = Store.open(':memory:');
    let now = 1_000;
    const load = pageLoader(
      store,
      () => inlinePool(store),
      LIMITS,
      () => now,
    );
    const url = `${server.base}/short/quiet-harbour`;
    const first = await load(url);
    expect(first.content).toContain(PARAGRAPHS[1]);
    expect(first.finalUrl).toBe(`${server.base}/2024/05/quiet-harbour/`);
    expect(first.etag).toBe('"v1"');
    const source = store.pageSource(url)!;
    expect(source.finalUrl).toBe(first.finalUrl);
    expect(source.html).toContain('<section id="comments"');
    expect(source.html).toContain('troll42');

    const hits = server.hits('/2024/05/quiet-harbour/');
    now = 2_000;
    expect((await load(url)).content).toBe(first.content);
    expect(server.hits('/2024/05/quiet-harbour/')).toBe(hits); // not fetched again

    // Asked: a conditional GET with the stored validators.
    server.route('/2024/05/quiet-harbour/', (req, res) => {
      if (req.headers['if-none-match'] === '"v1"') res.writeHead(304, { etag: '"v1"' }).end();
      else res.writeHead(500).end();
    });
    try {
      now = 3_000;
      const again = await load(url, { refetch: true });
      expect(again.content).toBe(first.content);
      expect(again.fetchedAt).toBe(3_000);
      // Offline: the request fails, and the copy stays.
      server.route('/short/quiet-harbour', (req) => req.socket.destroy());
      await expect(load(url, { refetch: true })).rejects.toThrow(PageError);
      expect(store.page(url)!.content).toBe(first.content);
    } finally {
      server.route('/2024/05/quiet-harbour/', { body: boilerplatePage(canary), headers: { etag: '"v1"' } });
      server.route('/short/quiet-harbour', { status: 302, headers: { location: '/2024/05/quiet-harbour/' } });
    }
    store.close();
  });

  it('records a page that could not be read, or not fetched, and what a fullText feed still wants', async () => {
    const store = Store.open(':memory:');
    const feed = 'https://feeds.example/coast';
    store.syncFeeds([{ url: feed, fullText: true }, { url: 'https://feeds.example/other' }]);
    const links = ['/nothing-to-read', '/missing', '/2024/05/quiet-harbour/'].map((p) => `${server.base}${p}`);
    store.saveFeed(
      feed,
      {
        title: 'Coast',
        link: '',
        articles: links.map((link, i) => ({
          id: `g${i}`,
          title: `A${i}`,
          link,
          author: '',
          published: new Date(Date.UTC(2024, 4, 3 - i)).toISOString(),
          html: '<p>summary</p>',
          commentsUrl: '',
          commentFeedUrl: '',
          commentCount: null,
        })),
      },
      { etag: null, lastModified: null },
    );
    const settingsFeeds = [{ url: feed, fullText: true }, { url: 'https://feeds.example/other' }];
    expect(wantedPages(store, settingsFeeds, [feed], 10_000_000)).toEqual(links);
    expect(wantedPages(store, settingsFeeds, ['https://feeds.example/other'], 10_000_000)).toEqual([]);
    const load = pageLoader(
      store,
      () => inlinePool(store),
      LIMITS,
      () => 10_000_000,
    );
    const unreadable = await load(links[0]!);
    expect(unreadable.content).toBeNull();
    expect(unreadable.failure).toMatch(/too little text/);
    await expect(load(links[1]!)).rejects.toThrow('HTTP 404 Not Found');
    expect(store.page(links[1]!)).toMatchObject({ fetched: false, failure: 'HTTP 404 Not Found' });
    await load(links[2]!);
    // A failed fetch is tried again after a while, not at the next refresh.
    expect(wantedPages(store, settingsFeeds, [feed], 10_000_000)).toEqual([]);
    expect(wantedPages(store, settingsFeeds, [feed], 10_000_000 + 7 * 3600_000)).toEqual([links[1]]);
    store.close();
  });
});

describe('the background queue', () => {
  it('keeps to the concurrency and per-host limits, and reports when it is idle', async () => {
    const inFlight = new Map<string, number>();
    let most = 0;
    let mostPerHost = 0;
    const load = async (url: string) => {
      const host = new URL(url).host;
      inFlight.set(host, (inFlight.get(host) ?? 0) + 1);
      most = Math.max(
        most,
        [...inFlight.values()].reduce((a, b) => a + b, 0),
      );
      mostPerHost = Math.max(mostPerHost, inFlight.get(host)!);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight.set(host, inFlight.get(host)! - 1);
      return !url.endsWith('/bad');
    };
    const idle = new Promise<{ done: number; failed: number }>((resolve) => {
      const queue = new PageQueue(load, { concurrency: 3, perHost: 2 }, { idle: resolve });
      const urls = ['a', 'b', 'c'].flatMap((h) => Array.from({ length: 6 }, (_, i) => `https://${h}.example/${i}`));
      expect(queue.add([...urls, urls[0]!, 'https://a.example/bad'])).toBe(19);
    });
    expect(await idle).toEqual({ done: 19, failed: 1 });
    expect(most).toBe(3);
    expect(mostPerHost).toBe(2);
  });
});

describe('in a parse worker', () => {
  const worker = path.resolve(import.meta.dirname, '../.build/parse-worker.mjs');

  it('extracts and stores the page there: the same article, and no script runs', async () => {
    if (!fs.existsSync(worker)) throw new Error('build first: node source/scripts/build.mjs (npm test does)');
    const file = path.join(tmp, 'worker-cache.db');
    const store = Store.open(file);
    const pool = createParsePool({ threads: 1, script: new URL(`file://${worker}`), store });
    try {
      const url = `${server.base}/short/quiet-harbour`;
      const stored = await pageLoader(store, () => pool, LIMITS)(url, { first: true });
      const inline = await readPage(url, LIMITS);
      expect(stored.content).toBe(inline.content);
      expect(store.pageSource(url)!.html).toContain('troll42');
      const record = await pool.page({
        bytes: new TextEncoder().encode(boilerplatePage(canary)),
        contentType: 'text/html',
        url: 'https://x.example/a',
        finalUrl: 'https://x.example/a',
        etag: null,
        lastModified: null,
        fetchedAt: 1,
        save: true,
      });
      expect(record.html).toBeNull(); // stored by the worker, not sent back
      expect(store.page('https://x.example/a')!.title).toBe('A quiet harbour');
      expect(fs.existsSync(canary)).toBe(false);
    } finally {
      await pool.close();
      store.close();
    }
  });
});
