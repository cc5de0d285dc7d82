/** loadDiscussion: cache, staleness, hostile input, and the headless output helpers. */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DiscussionError,
  cachedDiscussion,
  commentsJsonText,
  commentsPlain,
  loadDiscussion,
  toCommentsJson,
  type Discussion,
} from '../../source/core/comments.js';
import { buildThread } from '../../source/core/comments/thread.js';
import { cachedSummary, writeCache } from '../../source/core/comments/cache.js';
import type { FlatComment } from '../../source/core/comments/types.js';
import { Store } from '../../source/core/store.js';
import { fixture, settingsFor, startServer, type TestServer } from './server.js';

const HN = 'https://news.ycombinator.com/item?id=9000';
// Controls anywhere a string can hide them: raw ESC/BEL/C1 in JSON strings, and entities that decode to them.
const HOSTILE_AUTHOR = '\u001b]0;pwned\u0007mal\u009blory\u202e';
const HOSTILE_TEXT = '<p>hi\u001b[2J there\u001b]52;c;Zm9v\u0007 &#27;]0;title&#7; done</p>';

let server: TestServer;
let store: Store;
beforeAll(async () => {
  server = await startServer({
    '/hn/api/v1/items/9000': { body: fixture('hn-algolia-9000.json') },
    '/hn/api/v1/items/666': {
      body: JSON.stringify({
        id: 666,
        type: 'story',
        author: HOSTILE_AUTHOR,
        title: 'Title\u001b[31m red\u001b]8;;https://evil.example\u0007link',
        children: [{ id: 667, author: HOSTILE_AUTHOR, text: HOSTILE_TEXT, created_at_i: 1, children: [] }],
      }),
    },
    '/reddit/comments/evil1.json': {
      body: JSON.stringify([
        { kind: 'Listing', data: { children: [{ kind: 't3', data: { title: 't', author: 'op', num_comments: 1, permalink: '/r/x/comments/evil1/t/' } }] } },
        {
          kind: 'Listing',
          data: {
            children: [
              {
                kind: 't1',
                data: {
                  id: 'e1',
                  parent_id: 't3_evil1',
                  author: 'x\u001b[8m',
                  body: 'b',
                  // escaped once, as Reddit sends it: &amp;#27; decodes to the text "&#27;", &#27; to a real ESC
                  body_html: '&lt;div class="md"&gt;&lt;p&gt;a&#27;]0;t&#7;b &amp;#27;c&lt;/p&gt;&lt;/div&gt;',
                  permalink: 'javascript:alert(1)',
                  created_utc: 1e300,
                  score: 5,
                  replies: '',
                },
              },
            ],
          },
        },
      ]),
    },
    '/hn/api/v1/items/500': { status: 200, type: 'text/html', body: '<!DOCTYPE html>\n<html><body>\u001b]0;x\u0007Too many requests</body></html>' },
    '/hn/api/v1/items/501': { body: '{"id": 501, "children": [' },
    '/reddit/comments/wrong.json': { body: '{"error": 404, "message": "Not Found"}' },
    '/hn/api/v1/items/429': { status: 429, type: 'text/plain', body: 'slow down', headers: { 'retry-after': '60' } },
  });
});
afterAll(() => server.close());
beforeEach(() => {
  store = Store.open(':memory:');
  server.requests.length = 0;
});
afterEach(() => store.close());

const settings = () => settingsFor(server.base);

describe('cache', () => {
  it('summarizes a cached copy (title, size, age) without reading its comments, whatever the title holds', async () => {
    const d = await loadDiscussion(HN, { store, settings: settings() });
    expect(cachedSummary(store, 'hackernews:9000')).toEqual({ title: d.title, total: d.total, fetchedAt: d.fetchedAt });
    const tricky = { ...d, title: 'a ,"comments":[ b', fetchedAt: 5 };
    writeCache(store, 'hackernews:9000', tricky, null, null);
    expect(cachedSummary(store, 'hackernews:9000')).toEqual({ title: 'a ,"comments":[ b', total: d.total, fetchedAt: 5 });
    expect(cachedSummary(store, 'hackernews:nope')).toBeUndefined();
  });

  it('a second load within maxAge does not hit the server', async () => {
    let now = 1_000_000;
    const opts = { store, settings: settings(), now: () => now, maxAgeMs: 60_000 };
    const first = await loadDiscussion(HN, opts);
    expect(first.fromCache).toBeUndefined();
    expect(first.fetchedAt).toBe(1_000_000);
    now += 30_000;
    const second = await loadDiscussion(HN, opts);
    expect(server.requests).toHaveLength(1);
    expect(second.fromCache).toBe(true);
    expect(second.fetchedAt).toBe(1_000_000);
    // The cached tree is the same tree (stored flat, rebuilt).
    expect(second.comments).toEqual(first.comments);
    expect({ ...second, fromCache: undefined }).toEqual({ ...first, fromCache: undefined });
    now += 60_000;
    const third = await loadDiscussion(HN, opts);
    expect(server.requests).toHaveLength(2);
    expect(third.fetchedAt).toBe(now);
    // maxAgeMs 0 always fetches.
    await loadDiscussion(HN, { ...opts, maxAgeMs: 0 });
    expect(server.requests).toHaveLength(3);
  });

  it('stores under hackernews:<id> and cachedDiscussion returns it with its age', async () => {
    await loadDiscussion(HN, { store, settings: settings(), now: () => 5000 });
    expect(store.discussion('hackernews:9000')).toMatchObject({ source: 'hackernews', fetchedAt: 5000 });
    const cached = cachedDiscussion('https://news.ycombinator.com/item?id=9000', store);
    expect(cached?.fetchedAt).toBe(5000);
    expect(cached?.title).toBe('Ask HN: Deep threads and deleted comments');
    expect(cachedDiscussion('https://news.ycombinator.com/item?id=1', store)).toBeUndefined();
  });

  it('a 304 renews the cached copy', async () => {
    let hits = 0;
    server.routes.set('/hn/api/v1/items/304', (_url, req) => {
      hits++;
      if (req.headers['if-none-match'] === '"v1"') return { status: 304, body: '' };
      return { body: fixture('hn-algolia-9000.json'), headers: { etag: '"v1"' } };
    });
    let now = 0;
    const opts = { store, settings: settings(), now: () => now, maxAgeMs: 1000 };
    const url = 'https://news.ycombinator.com/item?id=304';
    await loadDiscussion(url, opts);
    now = 5000;
    const again = await loadDiscussion(url, opts);
    expect(hits).toBe(2);
    expect(again).toMatchObject({ fromCache: true, fetchedAt: 5000, total: 6 });
    expect(again.stale).toBeUndefined();
  });

  it('when the server is down the stale copy comes back with the error', async () => {
    const down = await startServer({ '/hn/api/v1/items/9000': { body: fixture('hn-algolia-9000.json') } });
    const opts = { store, settings: settingsFor(down.base), maxAgeMs: 0 };
    const fresh = await loadDiscussion(HN, { ...opts, now: () => 42 });
    await down.close();
    const stale = await loadDiscussion(HN, { ...opts, now: () => 99_000 });
    expect(stale).toMatchObject({ stale: true, fromCache: true, fetchedAt: 42, total: fresh.total });
    expect(stale.error).toMatch(new RegExp(`^${down.base}/hn/api/v1/items/9000: `));
    expect(stale.error).not.toContain('\n');
    // Without a cached copy the same failure is a DiscussionError.
    const error = await loadDiscussion('https://news.ycombinator.com/item?id=1', opts).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiscussionError);
    expect((error as DiscussionError).kind).toBe('fetch');
  });

  it('a failed refresh (HTTP 429) keeps the stale copy; without one it is a one-line error', async () => {
    const error = (await loadDiscussion('https://news.ycombinator.com/item?id=429', { store, settings: settings() }).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(DiscussionError);
    expect(error.message).toMatch(/429/);
    expect(error.message.split('\n')).toHaveLength(1);
  });

  it('a bare URL of a cached article resolves as that article', async () => {
    const feedUrl = `${server.base}/digest.rss`;
    store.saveFeed(
      feedUrl,
      {
        title: 'Digest',
        link: '',
        articles: [
          {
            id: 'g1',
            title: 'Story',
            link: 'https://example.org/story',
            author: '',
            published: null,
            html: '',
            commentsUrl: HN,
            commentFeedUrl: '',
            commentCount: null,
          },
        ],
      },
      { etag: null, lastModified: null },
    );
    const d = await loadDiscussion('https://example.org/story', { store, settings: settings() });
    expect(d.source).toBe('hackernews');
    expect(cachedDiscussion('https://example.org/story', store)?.source).toBe('hackernews');
  });

  it('a cache row that is not ours is ignored, not thrown', async () => {
    store.saveDiscussion('hackernews:9000', 'hackernews', '{not json', 1);
    expect(cachedDiscussion(HN, store)).toBeUndefined();
    const d = await loadDiscussion(HN, { store, settings: settings() });
    expect(d.total).toBe(6);
  });

  it("a caller's abort rejects with its reason, even with a cached copy", async () => {
    await loadDiscussion(HN, { store, settings: settings() });
    const controller = new AbortController();
    controller.abort(new Error('user pressed q'));
    await expect(loadDiscussion(HN, { store, settings: settings(), maxAgeMs: 0, signal: controller.signal })).rejects.toThrow('user pressed q');
  });
});

describe('hostile input', () => {
  const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

  it('escape sequences in authors, titles and bodies never survive', async () => {
    const d = await loadDiscussion('https://news.ycombinator.com/item?id=666', { settings: settings() });
    const [c] = d.comments;
    expect(d.title).toBe('Title redlink'); // the OSC 8 hyperlink is removed whole
    expect(d.opAuthor).toBe('mallory');
    expect(c!.author).toBe('mallory');
    expect(c!.isOp).toBe(true);
    expect(c!.html).not.toMatch(CONTROLS);
    const json = toCommentsJson(d);
    expect(json.comments[0]!.text).toBe('hi there done');
    const plain = commentsPlain(d, 60).join('\n');
    expect(plain).not.toMatch(CONTROLS);
    expect(plain).toContain('hi there');
  });

  it('Reddit body_html is decoded once and cleaned after decoding; bad URLs and dates are dropped', async () => {
    const d = await loadDiscussion('https://www.reddit.com/comments/evil1/', { settings: settings() });
    const [c] = d.comments;
    expect(c!.author).toBe('x');
    // The real ESC (from &#27;) started an OSC title sequence: removed whole. "&amp;#27;" stays an entity.
    expect(c!.html).toBe('<div class="md"><p>ab &#27;c</p></div>');
    expect(c!.permalink).toBe('https://www.reddit.com/r/x/comments/evil1/t/e1/');
    expect(c!.published).toBeNull();
    // ...which the HTML renderer decodes to ESC and then cleans ("ESC c" is a terminal reset).
    expect(toCommentsJson(d).comments[0]!.text).not.toMatch(/[\u001b\u0007]/);
  });

  it.each([
    ['500', 'got HTML or XML, not JSON'],
    ['501', 'not valid JSON'],
  ])('a non-JSON body (%s) is a clean one-line DiscussionError', async (id, why) => {
    const error = (await loadDiscussion(`https://news.ycombinator.com/item?id=${id}`, { settings: settings() }).catch((e: unknown) => e)) as DiscussionError;
    expect(error).toBeInstanceOf(DiscussionError);
    expect(error.kind).toBe('parse');
    expect(error.message).toBe(`${server.base}/hn/api/v1/items/${id}: ${why}`);
  });

  it('JSON of the wrong shape is a clean DiscussionError', async () => {
    const error = (await loadDiscussion('https://redd.it/wrong', { settings: settings() }).catch((e: unknown) => e)) as DiscussionError;
    expect(error.message).toBe(`${server.base}/reddit/comments/wrong.json: not a Reddit comments listing`);
  });

  it('the fetch size cap applies', async () => {
    const error = (await loadDiscussion('https://redd.it/2np694', { settings: settingsFor(server.base, 4096) }).catch((e: unknown) => e)) as DiscussionError;
    expect(error).toBeInstanceOf(DiscussionError);
    expect(error.kind).toBe('fetch');
  });

  it('an article without any discussion is a "none" error', async () => {
    const error = (await loadDiscussion({ link: 'https://blog.example/p' }, { settings: settings() }).catch((e: unknown) => e)) as DiscussionError;
    expect(error.kind).toBe('none');
    expect(error.message).toBe('https://blog.example/p: no discussion found for this article');
  });
});

describe('output helpers', () => {
  const flat = (id: string, parentId: string | null, extra: Partial<FlatComment> = {}): FlatComment => ({
    id,
    parentId,
    author: id,
    published: '2024-01-01T00:00:00.000Z',
    html: `<p>text of ${id}</p>`,
    score: 1,
    deleted: false,
    permalink: '',
    ...extra,
  });
  const discussion = (comments: FlatComment[]): Discussion => ({
    source: 'reddit',
    url: 'https://www.reddit.com/comments/x/',
    title: 'T',
    total: 9,
    comments: buildThread(comments),
    fetchedAt: 0,
  });

  it('toCommentsJson has the documented comments --json shape', () => {
    const d = discussion([
      flat('a', null),
      flat('b', 'a', { deleted: true }),
      flat('c', 'b'),
      flat('m', 'a', { more: 3, html: '', author: '' }),
      flat('o', 'gone'),
    ]);
    expect(toCommentsJson(d)).toEqual({
      source: 'reddit',
      title: 'T',
      url: 'https://www.reddit.com/comments/x/',
      total: 9,
      comments: [
        {
          id: 'a',
          author: 'a',
          published: '2024-01-01T00:00:00.000Z',
          text: 'text of a',
          score: 1,
          deleted: false,
          children: [
            {
              id: 'b',
              author: '',
              published: '2024-01-01T00:00:00.000Z',
              text: '',
              score: null,
              deleted: true,
              children: [{ id: 'c', author: 'c', published: '2024-01-01T00:00:00.000Z', text: 'text of c', score: 1, deleted: false, children: [] }],
            },
            { id: 'm', author: '', published: '2024-01-01T00:00:00.000Z', text: '', score: 1, deleted: false, children: [], more: 3 },
          ],
        },
        { id: 'o', author: 'o', published: '2024-01-01T00:00:00.000Z', text: 'text of o', score: 1, deleted: false, children: [], orphan: true },
      ],
    });
    expect(JSON.parse(commentsJsonText(d))).toEqual(toCommentsJson(d));
  });

  it('commentsJsonText writes a 10,000-deep thread (JSON.stringify cannot)', () => {
    const n = 10_000;
    const d = discussion(Array.from({ length: n }, (_, i) => flat(`n${i}`, i ? `n${i - 1}` : null)));
    expect(() => JSON.stringify(toCommentsJson(d))).toThrow(RangeError);
    const parsed = JSON.parse(commentsJsonText(d));
    let depth = 0;
    for (let node = parsed.comments[0]; node.children.length; node = node.children[0]) depth++;
    expect(depth).toBe(n - 1);
  });

  it('commentsPlain: headers, indentation capped, stubs, deleted, orphans, width', () => {
    const d = discussion([
      flat('alice', null, { isOp: true, html: '<p>A long comment body that needs to wrap across more than one line at this width.</p>' }),
      flat('bob', 'alice', { score: null }),
      flat('gone', 'alice', { deleted: true }),
      flat('carol', 'gone'),
      flat('stub', 'bob', { more: 5, author: '' }),
      flat('cont', 'bob', { more: 0, author: '' }),
      flat('late', 'missing'),
    ]);
    const lines = commentsPlain(d, 40, { now: Date.parse('2024-01-03T00:00:00Z') });
    expect(lines).toEqual([
      'alice (OP) · 2d · 1 point',
      'A long comment body that needs to wrap',
      'across more than one line at this width.',
      '',
      '  bob · 2d',
      '  text of bob',
      '',
      '    [5 more replies]',
      '',
      '    [continue this thread]',
      '',
      '  [deleted] · 2d',
      '',
      '    carol · 2d · 1 point',
      '    text of carol',
      '',
      'late · 2d · 1 point · reply to an',
      'earlier comment',
      'text of late',
    ]);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(40);
    const deep = discussion(Array.from({ length: 50 }, (_, i) => flat(`n${i}`, i ? `n${i - 1}` : null)));
    const deepLines = commentsPlain(deep, 40);
    expect(Math.max(...deepLines.map((l) => l.length - l.trimStart().length))).toBe(12);
  });
});
