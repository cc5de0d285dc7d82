/**
 * The page's own address in the reader's lookups: a heise-style feed link carries the site's tracking
 * parameter (`wt_mc`), which the URL identity keeps, while the story was submitted at the address the
 * page gives itself. Once the pane has read the page, that address is asked about too, after the
 * lookup in flight, and only it: the link's answers are not asked for again.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../source/core/store.js';
import { DEFAULTS, type Settings } from '../../source/core/settings.js';
import { closeAgents } from '../../source/core/http.js';
import { DiscussionsModel } from '../../source/ui/discussions-model.js';
import { algoliaHit, lookupSettings, redditListing, startSearchServer, type SearchServer } from '../discussions/server.js';
import { article, until } from './helpers.js';

const LINK = 'https://www.heise.de/news/Java-Anwendungsserver-3088438.html?wt_mc=rss.developer.beitrag.atom';
const CANONICAL = 'https://www.heise.de/news/Java-Anwendungsserver-3088438.html';
const FEED = 'https://www.heise.de/rss/news-atom.xml';

let server: SearchServer;
let dir: string;
let store: Store;

beforeAll(async () => {
  server = await startSearchServer((url) => {
    if (url.pathname === '/hn/api/v1/search') {
      const query = url.searchParams.get('query') ?? '';
      // Algolia answers the words it finds: the clean story for either query, as it would.
      return { body: { hits: [algoliaHit(2001, CANONICAL, 120)], nbHits: 1, query } };
    }
    if (url.pathname === '/reddit/api/info.json') return { body: redditListing([]) };
    if (url.pathname === '/lobsters/stories/url/all.json') return { body: [] };
    return undefined;
  });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-page-address-'));
  store = Store.open(path.join(dir, 'cache.db'));
});
afterAll(async () => {
  store.close();
  closeAgents();
  fs.rmSync(dir, { recursive: true, force: true });
  await server.close();
});

describe("the page's own address", () => {
  it('is asked about once the page is read, after the lookup in flight, and the story it finds is listed', async () => {
    const settings: Settings = {
      ...structuredClone(DEFAULTS),
      feeds: [{ url: FEED }],
      sources: { ...DEFAULTS.sources, ...lookupSettings(server.base).sources },
    };
    store.syncFeeds(settings.feeds);
    store.saveFeed(FEED, { title: 'heise', link: 'https://www.heise.de/', articles: [article(1, { link: LINK })] }, { etag: null, lastModified: null });
    const row = { ...store.article(store.articles({}, { limit: 1 })[0]!.id)!, feedUrl: FEED };
    let pages = 0;
    // The full-text loader's part, without the network: the page lands in the cache.
    const loadPage = async (url: string) => {
      pages++;
      const html = `<html><head><title>Java</title><link rel="canonical" href="${CANONICAL}"></head><body><p>Text</p></body></html>`;
      store.savePage({
        url,
        finalUrl: url,
        fetchedAt: Date.now(),
        etag: null,
        lastModified: null,
        contentType: 'text/html',
        html: zlib.gzipSync(html),
        title: 'Java',
        byline: '',
        published: null,
        siteName: 'heise',
        content: '<p>Text</p>',
        failure: null,
        extractMs: 1,
      });
    };
    let changes = 0;
    const model = new DiscussionsModel({ store, settings, loadPage }, () => changes++);
    model.articleOpened(row);
    model.readPage(row);
    const hn = () => server.requests.filter((r) => r.startsWith('/hn/api/v1/search'));
    await until(() => model.listing(row).entries.some((e) => e.ref.source === 'hackernews'), 'the story submitted at the canonical address');
    await until(() => model.listing(row).asking.length === 0, 'every service answered');
    expect(pages).toBe(1);
    // The link first (its wt_mc hit is a near miss for it), then the canonical address alone.
    expect(hn().map((r) => decodeURIComponent(new URL(r, 'http://x').searchParams.get('query')!))).toEqual([
      LINK.replace('https://', ''),
      CANONICAL.replace('https://', ''),
    ]);
    const reddit = server.requests.filter((r) => r.startsWith('/reddit/api/info.json')).map((r) => new URL(r, 'http://x').searchParams.get('url'));
    expect(new Set(reddit).size).toBe(reddit.length); // nothing asked twice
    expect(reddit.filter((u) => u!.includes('wt_mc'))).toHaveLength(2);
    expect(reddit.filter((u) => !u!.includes('wt_mc'))).toHaveLength(2);
    const entry = model.listing(row).entries.find((e) => e.ref.source === 'hackernews')!;
    expect(entry.ref.url).toBe('https://news.ycombinator.com/item?id=2001');
    expect(changes).toBeGreaterThan(0);
  });
});
