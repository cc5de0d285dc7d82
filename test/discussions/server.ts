/**
 * Loopback stand-ins for the three search APIs a lookup asks (Algolia's HN search, Reddit's
 * api/info, Lobsters' stories/url), and for the thread APIs behind them, on 127.0.0.1 (port 0).
 * Answers are set per path and may be slow, broken or rate limited; the server records every request,
 * its headers, and how many were in flight at once per service.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeAgents } from '../../source/core/http.js';

export interface Answer {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Milliseconds before the answer is sent. */
  delayMs?: number;
  /** Send `body` as is (a string), not as JSON. */
  raw?: boolean;
}

export type Handler = (url: URL, req: http.IncomingMessage) => Answer | undefined;

export interface SearchServer {
  base: string;
  requests: string[];
  headers: http.IncomingHttpHeaders[];
  /** The most requests in flight at once, by service (the first path segment). */
  peak: Record<string, number>;
  handle(handler: Handler): void;
  close(): Promise<void>;
}

export const ARTICLE = 'https://blog.inkandpaper.net/2026/01/a-post/';

export async function startSearchServer(initial?: Handler): Promise<SearchServer> {
  let handler: Handler = initial ?? (() => undefined);
  const requests: string[] = [];
  const headers: http.IncomingHttpHeaders[] = [];
  const peak: Record<string, number> = {};
  const open: Record<string, number> = {};
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push(req.url ?? '/');
    headers.push(req.headers);
    const service = url.pathname.split('/')[1] ?? '';
    open[service] = (open[service] ?? 0) + 1;
    peak[service] = Math.max(peak[service] ?? 0, open[service]!);
    const answer = handler(url, req) ?? { status: 404, body: { error: 404 } };
    const send = () => {
      open[service]!--;
      if (res.destroyed) return;
      const body = answer.raw ? String(answer.body) : JSON.stringify(answer.body);
      res.writeHead(answer.status ?? 200, { 'content-type': answer.raw ? 'text/html' : 'application/json; charset=utf-8', ...answer.headers });
      res.end(body);
    };
    if (answer.delayMs) setTimeout(send, answer.delayMs);
    else send();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    requests,
    headers,
    peak,
    handle(h) {
      handler = h;
    },
    close: () =>
      new Promise<void>((resolve) => {
        closeAgents();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The settings' `sources` and `fetch` for a lookup against `base`. */
export function lookupSettings(base: string, timeoutSeconds = 5) {
  return {
    sources: {
      hackernews: { api: `${base}/hn/api/v1` },
      reddit: { base: `${base}/reddit` },
      lobsters: { base: `${base}/lobsters` },
      // Never asked by these tests; loopback all the same, so nothing can reach the real AppView.
      bluesky: { api: `${base}/bluesky`, web: `${base}/bsky` },
    },
    fetch: { timeoutSeconds, maxBytes: 8 * 1024 * 1024 },
  };
}

// ------------------------------------------------------------------ answers shaped like the services'

const T0 = Date.UTC(2026, 0, 10, 12) / 1000;

export function algoliaHit(id: number, url: string, comments: number, points = 10, ageHours = 20) {
  return {
    objectID: String(id),
    title: `Story ${id}`,
    url,
    points,
    num_comments: comments,
    created_at_i: T0 - ageHours * 3600,
    author: 'someone',
    _tags: ['story'],
  };
}

export function redditLink(id: string, url: string, comments: number, extra: Record<string, unknown> = {}) {
  const sub = (extra.subreddit as string | undefined) ?? 'programming';
  return {
    kind: 't3',
    data: {
      id,
      name: `t3_${id}`,
      title: `Post ${id}`,
      score: 50,
      num_comments: comments,
      created_utc: T0 - 3600,
      permalink: `/r/${sub}/comments/${id}/post_${id}/`,
      subreddit_name_prefixed: `r/${sub}`,
      url,
      over_18: false,
      ...extra,
    },
  };
}

export const redditListing = (children: unknown[]) => ({ kind: 'Listing', data: { children, after: null, before: null } });

export function lobstersStory(id: string, url: string, comments: number, old = false) {
  return {
    short_id: id,
    short_id_url: `https://lobste.rs/s/${id}`,
    title: `Story ${id}`,
    url,
    score: 30,
    comment_count: comments,
    created_at: new Date((T0 - 7200) * 1000).toISOString(),
    comments_url: `https://lobste.rs/s/${id}/story_${id}`,
    submitter_user: old ? { username: 'writer' } : 'writer',
    tags: ['web'],
  };
}

/**
 * The standard answers for ARTICLE: HN with near misses, Reddit with an ad and the same thread under
 * two URL variants, Lobsters with a near miss. Found: HN 1001 (340), Reddit abc (85), Lobsters lob123
 * (12), HN 1002 (12), Reddit ghi (7), Reddit def (3), HN 1006 (0).
 */
export const standardAnswers: Handler = (url) => {
  const path = url.pathname;
  if (path === '/hn/api/v1/search') {
    return {
      body: {
        hits: [
          algoliaHit(1001, 'https://blog.inkandpaper.net/2026/01/a-post/', 340, 512),
          algoliaHit(1002, 'http://blog.inkandpaper.net/2026/01/a-post', 12),
          algoliaHit(1003, 'https://blog.inkandpaper.net/2026/01/a-posts/', 900), // near miss
          algoliaHit(1004, 'https://blog.inkandpaper.net/2026/01/', 50), // another page of the site
          algoliaHit(1005, 'https://www.blog.inkandpaper.net/2026/01/a-post/', 70), // www. is another host
          algoliaHit(1006, 'https://blog.inkandpaper.net/2026/01/a-post/?utm_source=hn', 0),
        ],
        nbHits: 6,
      },
    };
  }
  if (path === '/reddit/api/info.json') {
    const asked = url.searchParams.get('url');
    const variants: Record<string, unknown[]> = {
      'https://blog.inkandpaper.net/2026/01/a-post/': [
        redditLink('abc', 'https://blog.inkandpaper.net/2026/01/a-post/', 85),
        redditLink('ad1', 'https://blog.inkandpaper.net/2026/01/a-post/', 999, {
          promoted: true,
          permalink: '/comments/ad1/buy/',
          subreddit_name_prefixed: null,
        }),
      ],
      'https://blog.inkandpaper.net/2026/01/a-post': [
        redditLink('abc', 'https://blog.inkandpaper.net/2026/01/a-post/', 85),
        redditLink('def', 'https://blog.inkandpaper.net/2026/01/a-post', 3, { subreddit: 'webdev' }),
      ],
      'http://blog.inkandpaper.net/2026/01/a-post/': [
        redditLink('ghi', 'http://blog.inkandpaper.net/2026/01/a-post/?utm_medium=social', 7),
        redditLink('jkl', 'http://blog.inkandpaper.net/2026/01/a-post/page2', 40),
      ],
      'http://blog.inkandpaper.net/2026/01/a-post': [],
    };
    return { body: redditListing(variants[asked ?? ''] ?? []) };
  }
  if (path === '/lobsters/stories/url/all.json') {
    return {
      body: [
        lobstersStory('lob123', 'https://blog.inkandpaper.net/2026/01/a-post/', 12, true),
        lobstersStory('near1', 'https://blog.inkandpaper.net/2026/01/a-post-2/', 60),
      ],
    };
  }
  return undefined;
};
