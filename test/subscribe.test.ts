/** core/subscribe.ts: the one subscribe use case of `add` and the reader, on feeds from a loopback server. */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { closeAgents } from '../source/core/http.js';
import { loadSettings, resolveHome, type LoadedSettings } from '../source/core/settings.js';
import { Store } from '../source/core/store.js';
import { subscribe, unsubscribe } from '../source/core/subscribe.js';

const RSS = `<?xml version="1.0"?><rss version="2.0"><channel><title>Good</title><link>https://example.org/</link>
<item><title>One</title><link>https://example.org/1</link><guid>g1</guid></item>
<item><title>Two</title><link>https://example.org/2</link><guid>g2</guid></item></channel></rss>`;

let server: http.Server;
let base = '';
let dir = '';
let loaded: LoadedSettings;
let store: Store | undefined;
const openStore = () => (store ??= Store.open(path.join(dir, 'cache.db')));
const config = () => JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/feed.xml') res.writeHead(200, { 'content-type': 'application/rss+xml', etag: '"e1"' }).end(RSS);
    else if (req.url === '/page')
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(`<!doctype html><html><head><link rel="alternate" type="application/rss+xml" href="${base}/feed.xml"></head></html>`);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => {
  closeAgents();
  server?.close();
});
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-subscribe-'));
  loaded = loadSettings(resolveHome(dir));
});
afterEach(() => {
  store?.close();
  store = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('subscribe', () => {
  it('adds the feed to the settings and its fetched articles to the cache; the demo gives way, and says so', async () => {
    expect(loaded.demo).toBe(true);
    const result = await subscribe(loaded, openStore, { input: `${base}/feed.xml`, tag: 'news', discover: true });
    expect(result).toEqual({ kind: 'added', title: 'Good', url: `${base}/feed.xml`, articles: 2, replacedDemo: true });
    expect(config()).toEqual({ feeds: [{ url: `${base}/feed.xml`, tags: ['news'] }] });
    expect(loaded.demo).toBe(false);
    expect(loaded.settings.feeds).toEqual([{ url: `${base}/feed.xml`, tags: ['news'] }]);
    expect(
      openStore()
        .articles({}, { offset: 0, limit: 10 })
        .map((a) => a.title),
    ).toEqual(expect.arrayContaining(['One', 'Two']));
    // Its validators are kept: the next refresh may get a 304.
    expect(openStore().feed(`${base}/feed.xml`)).toMatchObject({ title: 'Good', etag: '"e1"' });
    expect(await subscribe(loaded, openStore, { input: `${base}/feed.xml`, discover: true })).toEqual({ kind: 'already', url: `${base}/feed.xml` });
  });

  it('names the feed an HTML page links to, or fails on the page when not discovering; writes nothing', async () => {
    expect(await subscribe(loaded, openStore, { input: `${base}/page`, discover: true })).toEqual({
      kind: 'found-feed',
      pageUrl: `${base}/page`,
      feedUrl: `${base}/feed.xml`,
    });
    const page = await subscribe(loaded, openStore, { input: `${base}/page`, discover: false });
    expect(page).toMatchObject({ kind: 'failed', url: `${base}/page`, message: expect.stringMatching(/^not a feed: an HTML page; it links to the feed /) });
    expect(fs.existsSync(path.join(dir, 'config.json'))).toBe(false);
    expect(store).toBeUndefined();
  });

  it('fails with one line naming nothing but the reason: HTTP errors, missing files, commands', async () => {
    expect(await subscribe(loaded, openStore, { input: `${base}/gone.xml`, discover: true })).toMatchObject({
      kind: 'failed',
      url: `${base}/gone.xml`,
      message: expect.stringMatching(/404/),
    });
    expect(await subscribe(loaded, openStore, { input: path.join(dir, 'none.xml'), discover: true })).toMatchObject({
      kind: 'failed',
      message: 'no such file',
    });
    expect(await subscribe(loaded, openStore, { input: 'exec:rm -rf ~', discover: true })).toEqual({
      kind: 'failed',
      url: 'exec:rm -rf ~',
      message: 'only http(s) URLs and local files can be feeds',
    });
    expect(fs.existsSync(path.join(dir, 'config.json'))).toBe(false);
  });

  it('still subscribes when the cache cannot take the articles, and says why', async () => {
    const result = await subscribe(
      loaded,
      () => {
        throw new Error('cache.db: not a database');
      },
      { input: `${base}/feed.xml`, discover: true },
    );
    expect(result).toMatchObject({ kind: 'added', cacheError: 'cache.db: not a database' });
    expect(config().feeds).toHaveLength(1);
  });
});

describe('unsubscribe', () => {
  it('takes the feed out of the settings file and out of the lists; its articles and the other feeds stay', async () => {
    await subscribe(loaded, openStore, { input: `${base}/feed.xml`, discover: true });
    const other = { url: 'https://other.example/feed', title: 'Other' };
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ feeds: [...config().feeds, other] }));
    loaded = loadSettings(resolveHome(dir));
    const cache = openStore();
    cache.syncFeeds(loaded.settings.feeds);
    expect(cache.count({})).toBe(2);
    expect(unsubscribe(loaded, `${base}/feed.xml`, cache)).toEqual({ kind: 'removed', url: `${base}/feed.xml` });
    expect(config()).toEqual({ feeds: [other] });
    expect(loaded.settings.feeds.map((f) => f.url)).toEqual([other.url]);
    // Out of every list at once, yet kept: subscribing again brings back the articles and their marks.
    expect(cache.count({})).toBe(0);
    expect(cache.db.prepare('SELECT count(*) FROM articles').pluck().get()).toBe(2);
    expect(unsubscribe(loaded, `${base}/feed.xml`, cache)).toEqual({ kind: 'not-subscribed', url: `${base}/feed.xml` });
  });

  it('names a feed whose URL carries a user and password without them, and removes it either way', async () => {
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ feeds: [{ url: 'https://me:secret@host.example/feed' }] }));
    loaded = loadSettings(resolveHome(dir));
    expect(unsubscribe(loaded, 'https://me:secret@host.example/feed')).toEqual({ kind: 'removed', url: 'https://host.example/feed' });
    expect(config()).toEqual({ feeds: [] });
  });

  it('removes nothing from the demo feeds: there is no settings file to change', () => {
    expect(loaded.demo).toBe(true);
    expect(unsubscribe(loaded, loaded.settings.feeds[0]!.url)).toMatchObject({ kind: 'not-subscribed' });
    expect(fs.existsSync(path.join(dir, 'config.json'))).toBe(false);
  });
});
