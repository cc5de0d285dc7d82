/**
 * The thread an article's page names (issue 12): the feed carries only a summary with no link to its
 * discussion; the page, fetched when the pane opens (through the full-text loader, which keeps it in the
 * cache), links its Mastodon thread as "Comments". The pane finds that thread and shows its replies.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../source/core/store.js';
import { DEFAULTS, type Settings } from '../../source/core/settings.js';
import { pageLoader } from '../../source/core/page.js';
import { inlinePool } from '../../source/core/workers.js';
import { closeAgents } from '../../source/core/http.js';
import { DiscussionsModel } from '../../source/ui/discussions-model.js';
import { CommentsModel } from '../../source/ui/comments-model.js';
import { mastodonRoutes } from '../comments/platform-fixtures.js';
import { startServer, type TestServer } from '../comments/server.js';
import { article, until } from './helpers.js';

let server: TestServer;
let dir: string;
let store: Store;
let pageRequests = 0;

const page = (base: string) => `<!doctype html><html><head><title>Feeds are back</title></head><body>
  <nav><a href="/">Home</a></nav>
  <article><h1>Feeds are back</h1>${'<p>Feeds are back, and this time they carry the conversation with them. '.repeat(8)}</p>
  <p>As <a href="${base}/@someone/999">someone said on Mastodon</a>, it is about time.</p></article>
  <section id="comments"><h2>Comments</h2><p><a href="${base}/@alice/100">Reply on Mastodon</a> to join in.</p></section>
</body></html>`;

beforeAll(async () => {
  server = await startServer({
    ...mastodonRoutes(),
    '/blog/feeds-are-back': () => {
      pageRequests++;
      return { type: 'text/html; charset=utf-8', body: page(server.base) };
    },
  });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-thread-page-'));
  store = Store.open(path.join(dir, 'cache.db'));
});
afterAll(async () => {
  store.close();
  closeAgents();
  fs.rmSync(dir, { recursive: true, force: true });
  await server.close();
});

describe('a thread named by the article page', () => {
  it('fetches the page once when the pane opens, finds the "Comments" thread (not the cited post) and shows it', async () => {
    const feed = 'https://blog.example/feed';
    const settings: Settings = { ...structuredClone(DEFAULTS), feeds: [{ url: feed }] };
    settings.discussions.lookup = [];
    store.syncFeeds(settings.feeds);
    const link = `${server.base}/blog/feeds-are-back`;
    store.saveFeed(
      feed,
      { title: 'Blog', link: 'https://blog.example/', articles: [article(1, { link, html: '<p>Feeds are back. Continue reading…</p>' })] },
      { etag: null, lastModified: null },
    );
    const row = store.article(store.articles({}, { limit: 1 })[0]!.id)!;
    const deps = { store, settings, openUrl: () => {}, loadPage: pageLoader(store, () => inlinePool(store), settings.fetch) };
    let model: CommentsModel | undefined;
    const discussions = new DiscussionsModel(deps, (id) => model?.listingChanged(id));
    model = new CommentsModel(deps, discussions, () => {});
    model.articleChanged(row);
    await until(() => model!.discussion !== undefined && !model!.loading, 'the Mastodon thread from the page');
    expect(model.discussion!.source).toBe('mastodon');
    expect(model.discussion!.url).toContain('/@alice/100');
    expect(model.lines(80, 40).join('\n')).toMatch(/comments on Mastodon/);
    expect(pageRequests).toBe(1);
    // Opened again: the page comes from the cache, not from the site.
    model.articleChanged(undefined);
    model.articleChanged(row);
    await until(() => model!.discussion !== undefined && !model!.loading, 'the thread again');
    expect(pageRequests).toBe(1);
  });
});
