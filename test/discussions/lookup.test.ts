/** Asking HN, Reddit and Lobsters where an article was submitted, against loopback stand-ins. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cachedLookup, lookupDiscussions, type LookupOptions } from '../../source/core/discussions/lookup.js';
import { isDue, RECHECK } from '../../source/core/discussions/cache.js';
import { Manners, REDDIT_USER_AGENT } from '../../source/core/discussions/manners.js';
import { redditVariants } from '../../source/core/discussions/services/reddit.js';
import { lookupUrls } from '../../source/core/discussions/url-identity.js';
import { Store } from '../../source/core/store.js';
import { ARTICLE, lookupSettings, standardAnswers, startSearchServer, type SearchServer } from './server.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/discussions');
const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 0, 10, 12);

let server: SearchServer;
let store: Store;
let now: number;
beforeAll(async () => {
  server = await startSearchServer(standardAnswers);
});
afterAll(() => server.close());
beforeEach(() => {
  store = Store.open(':memory:');
  server.requests.length = 0;
  server.headers.length = 0;
  server.handle(standardAnswers);
  now = NOW;
});
afterEach(() => store.close());

const options = (over: Partial<LookupOptions> = {}): LookupOptions => ({
  services: ['hackernews', 'reddit', 'lobsters'],
  settings: lookupSettings(server.base),
  store,
  manners: new Manners({ ledger: store.ledger(), now: () => now }),
  now: () => now,
  published: new Date(NOW - 6 * HOUR).toISOString(),
  ...over,
});

describe('lookupDiscussions', () => {
  it('finds the article on all three, checks every hit against the URL identity, drops ads, merges variants', async () => {
    const result = await lookupDiscussions(lookupUrls({ link: ARTICLE }), options());
    expect(result.discussions.map((d) => `${d.source} ${d.url} ${d.comments}`)).toEqual([
      'hackernews https://news.ycombinator.com/item?id=1001 340',
      'reddit https://www.reddit.com/r/programming/comments/abc/post_abc/ 85',
      // A tie on comments goes to points: Lobsters' 30 before HN's 10.
      'lobsters https://lobste.rs/s/lob123/story_lob123 12',
      'hackernews https://news.ycombinator.com/item?id=1002 12',
      'reddit https://www.reddit.com/r/programming/comments/ghi/post_ghi/ 7',
      'reddit https://www.reddit.com/r/webdev/comments/def/post_def/ 3',
      'hackernews https://news.ycombinator.com/item?id=1006 0',
    ]);
    const reddit = result.discussions.find((d) => d.source === 'reddit')!;
    expect(reddit).toMatchObject({ where: 'r/programming', title: 'Post abc', score: 50 });
    expect(reddit.published).toMatch(/^2026-01-10T11:00:00/);
    expect(result.services.every((s) => !s.error && !s.fromCache)).toBe(true);
  });

  it('asks each service as its API wants: Algolia by url attribute, Reddit per variant with raw_json and its User-Agent', async () => {
    await lookupDiscussions(lookupUrls({ link: `${ARTICLE}?utm_source=rss#comments` }), options());
    const hn = server.requests.filter((r) => r.startsWith('/hn/'));
    expect(hn).toEqual([
      `/hn/api/v1/search?query=${encodeURIComponent('blog.inkandpaper.net/2026/01/a-post/')}&restrictSearchableAttributes=url&tags=story&hitsPerPage=20`,
    ]);
    const reddit = server.requests.filter((r) => r.startsWith('/reddit/')).map((r) => new URL(r, 'http://x').searchParams);
    expect(reddit.map((p) => p.get('url')).sort()).toEqual(redditVariants(ARTICLE).sort());
    expect(reddit.every((p) => p.get('raw_json') === '1')).toBe(true);
    const redditAgents = server.requests.map((r, i) => [r, server.headers[i]!['user-agent']]).filter(([r]) => r!.startsWith('/reddit/'));
    expect(redditAgents.every(([, ua]) => ua === REDDIT_USER_AGENT)).toBe(true);
    expect(REDDIT_USER_AGENT).toMatch(/^[a-z]+:broadsheet:\d+\.\d+\.\d+ \(by \/u\/\w+\)$/);
    expect(server.requests.filter((r) => r.startsWith('/lobsters/'))).toEqual([`/lobsters/stories/url/all.json?url=${encodeURIComponent(ARTICLE)}`]);
  });

  it('asks about the original link too and merges what both find', async () => {
    const urls = lookupUrls({ link: 'https://feeds.inkandpaper-proxy.net/~r/blog/~3/xyz/', origLink: ARTICLE });
    expect(urls).toHaveLength(2);
    const result = await lookupDiscussions(urls, options({ services: ['hackernews'] }));
    expect(server.requests.filter((r) => r.startsWith('/hn/'))).toHaveLength(2);
    // Both queries get the same hits: each thread once.
    expect(result.discussions.map((d) => d.url)).toEqual([1001, 1002, 1006].map((id) => `https://news.ycombinator.com/item?id=${id}`));
  });

  it('reads a real Reddit answer: promoted ads dropped, www. and case variants of the host judged by identity', async () => {
    const capture = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'reddit-api-info-url-youtube.json'), 'utf8'));
    server.handle((url) => (url.pathname === '/reddit/api/info.json' ? { body: capture } : undefined));
    const result = await lookupDiscussions(lookupUrls({ link: 'http://youtube.com' }), options({ services: ['reddit'] }));
    const ids = result.discussions.map((d) => /comments\/(\w+)/.exec(d.url)![1]);
    // 25 links: 5 ads, 11 on www.youtube.com (another host by identity), 2 on YouTube.com (the same).
    expect(ids.sort()).toEqual(['5yvd9f', '62lx7k', '62lzng', '62tj28', '6411f0', '65pieg', '663l0m']);
    expect(ids).not.toContain('6eabl0'); // promoted, and on youtube.com
    expect(result.discussions.find((d) => d.url.includes('62tj28'))).toMatchObject({ where: 'r/todayilearned', comments: 5, score: 0 });
  });

  it('a failing, slow or broken service is one line; the others still answer', async () => {
    server.handle((url, req) => {
      if (url.pathname.startsWith('/reddit/')) return { status: 503, body: 'down', raw: true };
      if (url.pathname.startsWith('/lobsters/')) return { body: [], delayMs: 2500 };
      return standardAnswers(url, req);
    });
    const result = await lookupDiscussions(lookupUrls({ link: ARTICLE }), options({ settings: lookupSettings(server.base, 1) }));
    const by = Object.fromEntries(result.services.map((s) => [s.service, s]));
    expect(by.reddit!.error).toBe('HTTP 503 Service Unavailable');
    expect(by.lobsters!.error).toBe('timed out after 1 s');
    expect(by.hackernews!.error).toBeUndefined();
    expect(result.discussions.map((d) => d.source)).toEqual(['hackernews', 'hackernews', 'hackernews']);

    server.handle((url) => (url.pathname.startsWith('/hn/') ? { body: '<html>captcha</html>', raw: true } : { body: '{"data": {"chil', raw: true }));
    const broken = await lookupDiscussions(lookupUrls({ link: ARTICLE }), options({ force: true }));
    const lines = Object.fromEntries(broken.services.map((s) => [s.service, s.error]));
    expect(lines).toEqual({ hackernews: 'got HTML or XML, not JSON', reddit: 'not valid JSON', lobsters: 'not valid JSON' });
    // What HN said before stays known (from the cache) beside the failure.
    expect(broken.services.find((s) => s.service === 'hackernews')!.refs).toHaveLength(3);
  });

  it('sanitizes every string an answer brings: titles, subreddits; URLs only http(s)', async () => {
    const evil = 'Title\u001b]0;pwned\u0007 \u001b[2Jred\u202e';
    server.handle((url) => {
      if (url.pathname.startsWith('/hn/'))
        return {
          body: {
            hits: [
              { objectID: '7', title: evil, url: ARTICLE, num_comments: 1, points: 1, created_at_i: 1 },
              { objectID: 'javascript:alert(1)', title: 'x', url: ARTICLE },
            ],
          },
        };
      if (url.pathname.startsWith('/reddit/'))
        return {
          body: {
            data: {
              children: [
                {
                  kind: 't3',
                  data: { id: 'ev1', title: evil, url: ARTICLE, permalink: 'javascript:alert(1)', subreddit_name_prefixed: 'r/\u001b[31mx', num_comments: 2 },
                },
              ],
            },
          },
        };
      return { body: [{ short_id: 'ev2', title: evil, url: ARTICLE, comment_count: 3, comments_url: 'file:///etc/passwd' }] };
    });
    const { discussions } = await lookupDiscussions(lookupUrls({ link: ARTICLE }), options());
    expect(discussions).toHaveLength(3);
    for (const d of discussions) {
      expect(d.title).toBe('Title red');
      expect(d.url).toMatch(/^https:\/\/(news\.ycombinator\.com|www\.reddit\.com|lobste\.rs)\//);
      expect(d.where).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    }
    expect(discussions.find((d) => d.source === 'reddit')!.url).toBe('https://www.reddit.com/comments/ev1/');
    expect(discussions.find((d) => d.source === 'lobsters')!.url).toBe('https://lobste.rs/s/ev2');
  });

  it('never caches a failure as "none found"', async () => {
    server.handle(() => ({ status: 500, body: 'x', raw: true }));
    const first = await lookupDiscussions(lookupUrls({ link: ARTICLE }), options());
    expect(first.services.every((s) => s.error === 'HTTP 500 Internal Server Error')).toBe(true);
    expect(cachedLookup(lookupUrls({ link: ARTICLE }), options()).due).toEqual(['hackernews', 'reddit', 'lobsters']);
    server.handle(standardAnswers);
    const again = await lookupDiscussions(lookupUrls({ link: ARTICLE }), options());
    expect(again.discussions).toHaveLength(7);
  });

  it('a 429 with RateLimit-Reset pauses that service until then, for every process sharing the cache', async () => {
    // RateLimit-Reset is a wall-clock time: this test runs on the real clock.
    now = Date.now();
    const start = now;
    const reset = Math.floor(now / 1000) + 120;
    server.handle((url, req) =>
      url.pathname.startsWith('/lobsters/')
        ? { status: 429, body: 'slow down', raw: true, headers: { 'ratelimit-reset': String(reset) } }
        : standardAnswers(url, req),
    );
    const urls = lookupUrls({ link: ARTICLE });
    const first = await lookupDiscussions(urls, options({ services: ['lobsters'] }));
    expect(first.services[0]!.error).toMatch(/^HTTP 429 Too Many Requests, retry after (11\d s|2 min)$/);
    const asked = server.requests.length;
    // Another Manners (another process) over the same cache: no request until the reset time.
    const second = await lookupDiscussions(
      urls,
      options({ services: ['lobsters'], manners: new Manners({ ledger: store.ledger(), now: () => now }), force: true }),
    );
    expect(server.requests.length).toBe(asked);
    expect(second.services[0]).toMatchObject({ rateLimited: true });
    expect(second.services[0]!.error).toMatch(/^rate limited until \d\d:\d\d$/);
    now = start + 122_000;
    server.handle(standardAnswers);
    const third = await lookupDiscussions(urls, options({ services: ['lobsters'], force: true }));
    expect(third.services[0]!.error).toBeUndefined();
    expect(third.discussions).toHaveLength(1);
  });

  it('a 429 with Retry-After pauses Reddit', async () => {
    server.handle((url, req) =>
      url.pathname.startsWith('/reddit/') ? { status: 429, body: '', raw: true, headers: { 'retry-after': '30' } } : standardAnswers(url, req),
    );
    const manners = new Manners({ ledger: store.ledger(), now: () => now });
    await lookupDiscussions(lookupUrls({ link: ARTICLE }), options({ manners }));
    expect(manners.pausedUntil('reddit')).toBe(NOW + 30_000);
    expect(manners.pausedUntil('hackernews')).toBeNull();
  });
});

describe('the lookup cache', () => {
  const young = new Date(NOW - 6 * HOUR).toISOString();
  const old = new Date(NOW - 5 * 24 * HOUR).toISOString();
  const found = (fetchedAt: number) => ({
    fetchedAt,
    refs: [{ source: 'hackernews' as const, url: 'https://news.ycombinator.com/item?id=1', title: 't', where: '', comments: 3, score: 1, published: young }],
  });

  it('re-asks a found list after an hour while the article is under two days old, after a day later on', () => {
    expect(isDue(undefined, NOW, young)).toBe(true);
    expect(isDue(found(NOW - 59 * 60_000), NOW, young)).toBe(false);
    expect(isDue(found(NOW - RECHECK.youngMs), NOW, young)).toBe(true);
    expect(isDue(found(NOW - 23 * HOUR), NOW, old)).toBe(false);
    expect(isDue(found(NOW - 24 * HOUR), NOW, old)).toBe(true);
    // No article date: the oldest thread found stands in for it.
    expect(isDue(found(NOW - 2 * HOUR), NOW, null)).toBe(true);
  });

  it('re-asks "none found" after 30 minutes, whatever the article\'s age', () => {
    expect(isDue({ fetchedAt: NOW - 29 * 60_000, refs: [] }, NOW, old)).toBe(false);
    expect(isDue({ fetchedAt: NOW - 30 * 60_000, refs: [] }, NOW, old)).toBe(true);
  });

  it('serves fresh answers from the cache and asks again by those rules (injected clock)', async () => {
    const urls = lookupUrls({ link: ARTICLE });
    server.handle((url, req) => (url.pathname.startsWith('/lobsters/') ? { body: [] } : standardAnswers(url, req)));
    await lookupDiscussions(urls, options());
    const asked = () => server.requests.length;
    const first = asked();
    now += 20 * 60_000;
    const cached = await lookupDiscussions(urls, options());
    expect(asked()).toBe(first);
    expect(cached.services.every((s) => s.fromCache)).toBe(true);
    expect(cached.discussions).toHaveLength(6);
    now += 11 * 60_000; // 31 min: Lobsters' "none found" is due, the found lists are not.
    expect(cachedLookup(urls, options()).due).toEqual(['lobsters']);
    await lookupDiscussions(urls, options());
    expect(server.requests.slice(first).map((r) => r.split('/')[1])).toEqual(['lobsters']);
    now += 29 * 60_000; // 60 min: the found lists of a young article are due; Lobsters' new "none" is not.
    expect(cachedLookup(urls, options()).due).toEqual(['hackernews', 'reddit']);
    // An old article's found lists wait a day.
    expect(cachedLookup(urls, options({ published: old })).due).toEqual([]);
  });
});
