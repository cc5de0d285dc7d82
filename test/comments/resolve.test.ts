import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDiscussion } from '../../source/core/comments.js';
import { discussionFetchUrl, matchThreadUrl, resolveDiscussion, resolveDiscussions } from '../../source/core/comments/resolve.js';
import { DEFAULTS } from '../../source/core/settings.js';
import { FIXTURES } from './server.js';

describe('matchThreadUrl', () => {
  it.each([
    ['https://news.ycombinator.com/item?id=8863', 'hackernews', '8863'],
    ['http://news.ycombinator.com/item?id=8863&p=2', 'hackernews', '8863'],
    ['https://www.reddit.com/r/Python/comments/2xmo63/a_python_terminal/', 'reddit', '2xmo63'],
    ['https://old.reddit.com/r/AskReddit/comments/2np694/', 'reddit', '2np694'],
    ['https://reddit.com/comments/2np694', 'reddit', '2np694'],
    ['https://np.reddit.com/r/x/comments/AbC12/t/cmg1ou9/?context=3', 'reddit', 'abc12'],
    ['https://redd.it/2xmo63', 'reddit', '2xmo63'],
    ['https://lobste.rs/s/abc123/some_title', 'lobsters', 'abc123'],
    ['https://lobste.rs/s/abc123', 'lobsters', 'abc123'],
  ])('%s -> %s %s', (url, source, id) => {
    expect(matchThreadUrl(url)).toMatchObject({ source, id });
  });

  it.each([
    'https://news.ycombinator.com/user?id=pg',
    'https://news.ycombinator.com/item?id=../../etc',
    'https://www.reddit.com/r/Python/',
    'https://lobste.rs/t/rust',
    'https://example.org/comments/abc/',
    'javascript:alert(1)',
    'not a url',
  ])('%s is not a thread', (url) => {
    expect(matchThreadUrl(url)).toBeNull();
  });
});

describe('resolver policy', () => {
  const hn = 'https://news.ycombinator.com/item?id=41000001';

  it('an aggregator <comments> wins: the publisher says the discussion is there', () => {
    const r = resolveDiscussions({ link: 'https://blog.example/post', commentsUrl: hn, commentFeedUrl: 'https://blog.example/post/feed/' });
    expect(r.map((x) => x.key)).toEqual(['hackernews:41000001', 'feed:https://blog.example/post/feed/']);
  });

  it("a blog post's own comment feed beats an aggregator link", () => {
    const r = resolveDiscussions({
      link: 'https://www.reddit.com/r/x/comments/1abcde/t/',
      commentsUrl: 'https://blog.example/post/#comments',
      commentFeedUrl: 'https://blog.example/post/feed/',
      guid: 'https://blog.example/?p=1',
    });
    expect(r.map((x) => x.key)).toEqual(['feed:https://blog.example/post/feed/', 'reddit:1abcde']);
    expect(r[0]).toMatchObject({ source: 'feed', pageUrl: 'https://blog.example/post/#comments', postId: 'https://blog.example/?p=1' });
  });

  it('an item that is itself a thread (Reddit feeds) resolves by its link; nothing else -> null', () => {
    expect(resolveDiscussion({ link: 'https://www.reddit.com/r/x/comments/1abcde/t/' })?.key).toBe('reddit:1abcde');
    expect(resolveDiscussion({ link: 'https://blog.example/post', commentsUrl: 'https://blog.example/post/#comments' })).toBeNull();
    expect(resolveDiscussion({})).toBeNull();
  });

  it('bare URLs: threads, else comment feeds; paths become file URLs; other schemes refused', () => {
    expect(resolveDiscussion(hn)?.key).toBe('hackernews:41000001');
    expect(resolveDiscussion('https://blog.example/post/feed/')).toMatchObject({ source: 'feed', id: 'https://blog.example/post/feed/' });
    expect(resolveDiscussion('comments.rss')?.id).toBe(pathToFileURL(path.resolve('comments.rss')).href);
    expect(resolveDiscussion('javascript:alert(1)')).toBeNull();
    expect(resolveDiscussion('  ')).toBeNull();
  });

  it('API URLs come from the settings', () => {
    const s = DEFAULTS.sources;
    expect(discussionFetchUrl(resolveDiscussion(hn)!, s)).toBe('https://hn.algolia.com/api/v1/items/41000001');
    expect(discussionFetchUrl(resolveDiscussion('https://redd.it/1abcde')!, s)).toBe('https://www.reddit.com/comments/1abcde.json');
    expect(discussionFetchUrl(resolveDiscussion('https://lobste.rs/s/abc123/x')!, s)).toBe('https://lobste.rs/s/abc123.json');
  });

  it('a remote feed can never point us at a local file', () => {
    const evil = { commentFeedUrl: 'file:///etc/passwd', feedUrl: 'https://evil.example/feed' };
    expect(resolveDiscussion(evil)).toBeNull();
    const local = { commentFeedUrl: 'file:///etc/passwd', feedUrl: 'file:///home/u/feeds/blog.rss' };
    expect(resolveDiscussion(local)).toBeNull();
    const inside = { commentFeedUrl: 'file:///home/u/feeds/comments/a.rss', feedUrl: 'file:///home/u/feeds/blog.rss' };
    expect(resolveDiscussion(inside)?.key).toBe('feed:file:///home/u/feeds/comments/a.rss');
    const traversal = { commentFeedUrl: 'file:///home/u/feeds/../secret.rss', feedUrl: 'file:///home/u/feeds/blog.rss' };
    expect(resolveDiscussion(traversal)).toBeNull();
  });
});

describe('offline demo: local copies beside a file:// feed', () => {
  let dir: string;
  let feedUrl: string;
  // Nothing listens here: any network request fails at once.
  const offline = {
    sources: {
      hackernews: { api: 'http://127.0.0.1:9/api' },
      reddit: { base: 'http://127.0.0.1:9' },
      lobsters: { base: 'http://127.0.0.1:9' },
      bluesky: { api: 'http://127.0.0.1:9', web: 'http://127.0.0.1:9' },
    },
    fetch: { timeoutSeconds: 2, maxBytes: 8 * 1024 * 1024 },
  };

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-demo-'));
    for (const sub of ['hn', 'reddit', 'lobsters', 'comments']) fs.mkdirSync(path.join(dir, sub));
    fs.copyFileSync(path.join(FIXTURES, 'hn-algolia-9000.json'), path.join(dir, 'hn', '9000.json'));
    fs.copyFileSync(path.join(FIXTURES, 'python-2xmo63.comments.json'), path.join(dir, 'reddit', '2xmo63.json'));
    fs.copyFileSync(path.join(FIXTURES, 'lobsters-xyz789.json'), path.join(dir, 'lobsters', 'xyz789.json'));
    fs.copyFileSync(path.join(FIXTURES, 'synthetic-wordpress', 'post-comments.rss2.xml'), path.join(dir, 'comments', 'hello.rss'));
    fs.writeFileSync(path.join(dir, 'digest.rss'), '<rss/>');
    feedUrl = pathToFileURL(path.join(dir, 'digest.rss')).href;
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads hn/<id>.json, reddit/<id>.json, lobsters/<id>.json from the feed folder', async () => {
    const hn = resolveDiscussion({ commentsUrl: 'https://news.ycombinator.com/item?id=9000', feedUrl });
    expect(hn?.localUrl).toBe(pathToFileURL(path.join(dir, 'hn', '9000.json')).href);
    expect(discussionFetchUrl(hn!, offline.sources)).toBe(hn!.localUrl);

    const d = await loadDiscussion({ commentsUrl: 'https://news.ycombinator.com/item?id=9000', feedUrl }, { settings: offline });
    expect(d.title).toBe('Ask HN: Deep threads and deleted comments');
    expect(d.url).toBe('https://news.ycombinator.com/item?id=9000');
    const reddit = await loadDiscussion({ commentsUrl: 'https://www.reddit.com/r/Python/comments/2xmo63/x/', feedUrl }, { settings: offline });
    expect(reddit.total).toBe(44);
    const lobsters = await loadDiscussion({ commentsUrl: 'https://lobste.rs/s/xyz789/t', feedUrl }, { settings: offline });
    expect(lobsters.total).toBe(5);
  });

  it('reads a relative comment feed of a local feed', async () => {
    const commentFeedUrl = new URL('comments/hello.rss', feedUrl).href;
    const d = await loadDiscussion({ commentFeedUrl, feedUrl }, { settings: offline });
    expect(d.source).toBe('feed');
    expect(d.total).toBe(5);
  });

  it('no local copy: the network is tried (and fails cleanly offline); remote feeds never look locally', async () => {
    const missing = resolveDiscussion({ commentsUrl: 'https://news.ycombinator.com/item?id=1', feedUrl });
    expect(missing?.localUrl).toBeUndefined();
    await expect(loadDiscussion({ commentsUrl: 'https://news.ycombinator.com/item?id=1', feedUrl }, { settings: offline })).rejects.toThrow(
      /^http:\/\/127\.0\.0\.1:9\/api\/items\/1: /,
    );
    expect(resolveDiscussion({ commentsUrl: 'https://news.ycombinator.com/item?id=9000', feedUrl: 'https://x.example/feed' })?.localUrl).toBeUndefined();
  });

  it('an explicit localDiscussions folder serves bare URLs too; false turns local copies off', () => {
    expect(resolveDiscussion('https://news.ycombinator.com/item?id=9000', { localDiscussions: dir })?.localUrl).toBeDefined();
    expect(resolveDiscussion('https://news.ycombinator.com/item?id=9000')?.localUrl).toBeUndefined();
    expect(resolveDiscussion({ commentsUrl: 'https://news.ycombinator.com/item?id=9000', feedUrl }, { localDiscussions: false })?.localUrl).toBeUndefined();
  });
});
