/**
 * URLs that only look like a platform's threads: a host answering HTML, other JSON, 404, or nothing in
 * time. Each is one line naming the URL (a DiscussionError), never a crash; and a thread is cached.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscussionError, loadDiscussion } from '../../source/core/comments.js';
import { clearBackoff } from '../../source/core/comments/remote.js';
import { closeAgents } from '../../source/core/http.js';
import { HTML_PAGE, json, lemmyRoutes, mastodonRoutes } from './platform-fixtures.js';
import { settingsFor, startServer, type TestServer } from './server.js';

let html: TestServer;
let other: TestServer;
let slow: http.Server;
let slowBase: string;
beforeAll(async () => {
  // A blog: every path answers its HTML page.
  html = await startServer();
  html.routes.set('/api/v1/statuses/123', HTML_PAGE);
  html.routes.set('/api/v3/post', HTML_PAGE);
  html.routes.set('/forum/t/12.json', HTML_PAGE);
  html.routes.set('/bsky/xrpc/com.atproto.identity.resolveHandle', HTML_PAGE);
  // Some other JSON API.
  other = await startServer({
    '/api/v1/statuses/123': json({ hello: 'world' }),
    '/api/v1/statuses/123/context': json({ hello: 'world' }),
    '/api/v3/post': json([1, 2, 3]),
    '/api/v3/comment/list': json({}),
    '/t/12.json': json({ post_stream: 'nope' }),
  });
  // A host that accepts and never answers.
  slow = http.createServer(() => {});
  await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
  slowBase = `http://127.0.0.1:${(slow.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await html.close();
  await other.close();
  closeAgents();
  slow.closeAllConnections();
  await new Promise((resolve) => slow.close(resolve));
});

async function failure(url: string, base: string, timeoutSeconds = 5): Promise<DiscussionError> {
  clearBackoff();
  const error = await loadDiscussion(url, { settings: { ...settingsFor(base), fetch: { timeoutSeconds, maxBytes: 1 << 20 } } }).then(
    () => new Error('loaded'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DiscussionError);
  const e = error as DiscussionError;
  expect(e.message.split('\n')).toHaveLength(1);
  expect(e.message).not.toMatch(/\bat \w+ \(|node:internal/);
  return e;
}

describe('a host that answers HTML', () => {
  it.each([
    ['Mastodon', '/@someone/123'],
    ['Lemmy', '/post/9'],
    ['Discourse', '/forum/t/slug/12'],
  ])('%s: no discussion here, one line naming the page', async (platform, path) => {
    const e = await failure(`${html.base}${path}`, html.base);
    expect(e.kind).toBe('none');
    expect(e.message).toBe(`${html.base}${path}: no ${platform} discussion here: the server answered HTML, not its API`);
  });

  it('Bluesky: an AppView answering HTML', async () => {
    const e = await failure(`${html.base}/bsky-web/profile/alice.example/post/x1`, html.base);
    expect(e.message).toMatch(/no Bluesky discussion here: the server answered HTML, not its API$/);
  });
});

describe('a host that answers other JSON or 404', () => {
  it.each([
    ['Mastodon', '/@someone/123', 'the answer is JSON of another shape'],
    ['Lemmy', '/post/9', 'the answer is JSON of another shape'],
    ['Discourse', '/t/slug/12', 'the answer is JSON of another shape'],
    ['Mastodon', '/@someone/404', 'its API answered HTTP 404'],
  ])('%s %s: %s', async (platform, path, why) => {
    const e = await failure(`${other.base}${path}`, other.base);
    expect(e.kind).toBe('none');
    expect(e.message).toBe(`${other.base}${path}: no ${platform} discussion here: ${why}`);
  });
});

describe('a slow host', () => {
  it('times out with one line naming the page', async () => {
    const started = Date.now();
    const e = await failure(`${slowBase}/@someone/123`, slowBase, 0.5);
    expect(e.kind).toBe('fetch');
    expect(e.message).toBe(`${slowBase}/@someone/123: timed out after 0.5 s`);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

describe('the cache', () => {
  it('keeps a platform thread with its warnings, placeholders and notice; no request while it is fresh', async () => {
    const server = await startServer({ ...mastodonRoutes(), ...lemmyRoutes() });
    const rows = new Map<string, { source: string; fetchedAt: number; data: string }>();
    const store = {
      discussion: (key: string) => rows.get(key),
      saveDiscussion: (key: string, source: string, data: string, fetchedAt = Date.now()) => void rows.set(key, { source, data, fetchedAt }),
    };
    try {
      const options = { store, settings: settingsFor(server.base) };
      const first = await loadDiscussion(`${server.base}/@alice/100`, options);
      const lemmy = await loadDiscussion(`${server.base}/post/9`, options);
      expect([...rows.keys()].sort()).toEqual([`lemmy:${server.base}/9`, `mastodon:${server.base}/100`]);
      const requests = server.requests.length;
      const again = await loadDiscussion(`${server.base}/@alice/100`, options);
      const lemmyAgain = await loadDiscussion(`${server.base}/post/9`, options);
      expect(server.requests.length).toBe(requests);
      expect(again).toMatchObject({ fromCache: true, notice: first.notice, total: first.total, source: 'mastodon' });
      expect(JSON.stringify(again.comments)).toBe(JSON.stringify(first.comments));
      expect(JSON.stringify(lemmyAgain.comments)).toBe(JSON.stringify(lemmy.comments));
      expect(JSON.stringify(again.comments)).toContain('"warning":"spoilers for the film"');
      expect(JSON.stringify(lemmyAgain.comments)).toContain('"placeholder":"removed by a moderator"');
    } finally {
      await server.close();
    }
  });
});
