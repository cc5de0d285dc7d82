/** `broadsheet discussions URL` and the Reddit part of `broadsheet comments URL`, run in-process on a temp home. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { discussionsCommand } from '../../source/commands/discussions.js';
import { commentsCommand } from '../../source/commands/comments.js';
import { createContext, type Output } from '../../source/commands/context.js';
import { Store } from '../../source/core/store.js';
import type { Article } from '../../source/core/types.js';
import { ARTICLE, algoliaHit, lookupSettings, redditLink, redditListing, standardAnswers, startSearchServer, type SearchServer } from './server.js';

const FEED = 'https://blog.inkandpaper.net/feed/';
let server: SearchServer;
let home: string;

beforeAll(async () => {
  server = await startSearchServer(standardAnswers);
});
afterAll(() => server.close());
beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-discussions-'));
  server.handle(standardAnswers);
  server.requests.length = 0;
  config();
});

function config(extra: Record<string, unknown> = {}, feed: Record<string, unknown> = {}) {
  const { sources } = lookupSettings(server.base);
  fs.writeFileSync(path.join(home, 'config.json'), JSON.stringify({ feeds: [{ url: FEED, ...feed }], sources, fetch: { timeoutSeconds: 3 }, ...extra }));
}

/** The blog's article in the cache, with its own comment feed (5 comments) unless `over` says otherwise. */
function cacheArticle(over: Partial<Article> = {}) {
  const store = Store.open(path.join(home, 'cache.db'));
  store.syncFeeds([{ url: FEED }]);
  store.saveFeed(
    FEED,
    {
      title: 'Blog',
      link: 'https://blog.inkandpaper.net/',
      articles: [
        {
          id: 'post-1',
          title: 'A post',
          link: ARTICLE,
          author: 'Me',
          published: new Date(Date.now() - 3_600_000).toISOString(),
          html: '<p>Hi</p>',
          commentsUrl: `${ARTICLE}#comments`,
          commentFeedUrl: `${ARTICLE}feed/`,
          commentCount: 5,
          ...over,
        },
      ],
    },
    { etag: null, lastModified: null },
  );
  store.close();
}

function capture(): Output & { text: () => string } {
  let text = '';
  return { write: (t) => void (text += t), raw: (t) => void (text += t), isTTY: false, columns: 100, text: () => text };
}

async function run(command: typeof discussionsCommand, positional: string[], flags: Record<string, boolean> = {}) {
  const out = capture();
  const err = capture();
  const ctx = createContext(home, out, err);
  try {
    const code = await command(ctx, { positional, flags } as never);
    return { code, stdout: out.text(), stderr: err.text() };
  } finally {
    ctx.close();
  }
}

describe('broadsheet discussions', () => {
  it('prints every discussion found, most comments first, as the documented JSON', async () => {
    const r = await run(discussionsCommand, [ARTICLE], { json: true });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const list = JSON.parse(r.stdout);
    expect(list).toHaveLength(7);
    expect(Object.keys(list[0])).toEqual(['source', 'url', 'title', 'where', 'comments', 'score', 'published']);
    expect(list[0]).toMatchObject({ source: 'hackernews', url: 'https://news.ycombinator.com/item?id=1001', comments: 340, score: 512, where: '' });
    expect(list[1]).toMatchObject({ source: 'reddit', where: 'r/programming', comments: 85 });
    expect(list.map((d: { comments: number }) => d.comments)).toEqual([340, 85, 12, 12, 7, 3, 0]);
  });

  it("includes a cached article's own comments, and records the found threads' count for the list", async () => {
    cacheArticle();
    const r = await run(discussionsCommand, [ARTICLE], { json: true });
    const list = JSON.parse(r.stdout);
    const site = list.find((d: { source: string }) => d.source === 'site');
    expect(site).toMatchObject({ url: `${ARTICLE}#comments`, title: 'A post', comments: 5 });
    expect(list.indexOf(site)).toBe(5); // by comments: 340, 85, 12, 12, 7, then 5
    const store = Store.open(path.join(home, 'cache.db'));
    expect(store.articles({}, { limit: 1 })[0]!.lookupCount).toBe(340 + 85 + 12 + 12 + 7 + 3);
    store.close();
  });

  it("asks about the address the article's cached page gives itself too", async () => {
    const tagged = `${ARTICLE}?wt_mc=rss.blog`;
    cacheArticle({ link: tagged, commentsUrl: '', commentFeedUrl: '', commentCount: null });
    const store = Store.open(path.join(home, 'cache.db'));
    const html = `<html><head><link rel="canonical" href="${ARTICLE}"></head><body></body></html>`;
    store.savePage({
      ...{ url: tagged, finalUrl: tagged, fetchedAt: Date.now(), etag: null, lastModified: null, contentType: 'text/html' },
      ...{ html: zlib.gzipSync(html), title: 'A post', byline: '', published: null, siteName: '', content: null, failure: null, extractMs: 1 },
    });
    store.close();
    const r = await run(discussionsCommand, [tagged], { json: true });
    expect(r.code).toBe(0);
    // The stories submitted at the clean address: found through the page's canonical link.
    expect(JSON.parse(r.stdout)[0]).toMatchObject({ source: 'hackernews', url: 'https://news.ycombinator.com/item?id=1001', comments: 340 });
    const asked = server.requests.filter((q) => q.startsWith('/hn/')).map((q) => new URL(q, 'http://x').searchParams.get('query'));
    expect(asked).toEqual([tagged.replace('https://', ''), ARTICLE.replace('https://', '')]);
  });

  it('plain text: one discussion a line, its URL under it', async () => {
    const r = await run(discussionsCommand, [ARTICLE]);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^340 comments · Hacker News · 512 points · .* — Story 1001$/);
    expect(lines[1]).toBe('  https://news.ycombinator.com/item?id=1001');
    expect(lines[2]).toMatch(/^85 comments · Reddit r\/programming · 50 points/);
  });

  it('a failed service is one line on stderr naming it; exit 1 only when every service failed', async () => {
    server.handle((url, req) => (url.pathname.startsWith('/reddit/') ? { status: 503, body: 'x', raw: true } : standardAnswers(url, req)));
    const some = await run(discussionsCommand, [ARTICLE], { json: true });
    expect(some.code).toBe(0);
    expect(some.stderr).toBe('broadsheet: Reddit: HTTP 503 Service Unavailable\n');
    expect(JSON.parse(some.stdout).map((d: { source: string }) => d.source)).not.toContain('reddit');

    server.handle(() => ({ status: 500, body: 'x', raw: true }));
    const all = await run(discussionsCommand, ['https://blog.inkandpaper.net/another-post'], { json: true });
    expect(all.code).toBe(1);
    expect(all.stderr.trimEnd().split('\n')).toEqual(['Hacker News', 'Reddit', 'Lobsters'].map((s) => `broadsheet: ${s}: HTTP 500 Internal Server Error`));
    expect(all.stdout).toBe('[]\n');
  });

  it('exit 0 with [] when nothing is found; none with lookups turned off, or for a feed that opts out', async () => {
    server.handle((url) =>
      url.pathname.startsWith('/hn/')
        ? { body: { hits: [algoliaHit(1, 'https://elsewhere.inkandpaper.net/', 4)] } }
        : url.pathname.startsWith('/reddit/')
          ? { body: redditListing([redditLink('zz', 'https://elsewhere.inkandpaper.net/', 4)]) }
          : { body: [] },
    );
    const none = await run(discussionsCommand, [ARTICLE], { json: true });
    expect(none).toMatchObject({ code: 0, stdout: '[]\n', stderr: '' });

    server.requests.length = 0;
    config({ discussions: { lookup: [] } });
    expect(await run(discussionsCommand, [ARTICLE], { json: true })).toMatchObject({ code: 0, stdout: '[]\n' });
    config({}, { lookup: false });
    cacheArticle();
    const optedOut = await run(discussionsCommand, [ARTICLE], { json: true });
    expect(JSON.parse(optedOut.stdout).map((d: { source: string }) => d.source)).toEqual(['site']);
    expect(server.requests).toEqual([]);
  });

  it('never sends a local address anywhere, and says so', async () => {
    const r = await run(discussionsCommand, ['http://192.168.1.5/intranet/page'], { json: true });
    expect(r).toMatchObject({
      code: 0,
      stdout: '[]\n',
      stderr: 'broadsheet: http://192.168.1.5/intranet/page: a local or reserved address; no service was asked\n',
    });
    expect(server.requests).toEqual([]);
  });

  it('rejects what is not an http(s) URL', async () => {
    await expect(run(discussionsCommand, ['file:///etc/passwd'])).rejects.toThrow(/not an http\(s\) URL/);
  });

  it('prints a URL `broadsheet comments` accepts', async () => {
    server.handle((url, req) =>
      url.pathname === '/hn/api/v1/items/1001'
        ? {
            body: {
              id: 1001,
              type: 'story',
              title: 'Story 1001',
              author: 'op',
              children: [{ id: 1, author: 'a', text: 'hello there', created_at_i: 1, children: [] }],
            },
          }
        : standardAnswers(url, req),
    );
    const list = JSON.parse((await run(discussionsCommand, [ARTICLE], { json: true })).stdout);
    const shown = await run(commentsCommand, [list[0].url], { json: true });
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ source: 'hackernews', total: 1, comments: [{ author: 'a', text: 'hello there' }] });
  });
});
