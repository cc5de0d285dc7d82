/**
 * The reader's controller with lookups, against loopback HN, Reddit and Lobsters: the lookup after
 * an article opens, the pane's list, ]/[, the list's count, a failing service, Reddit's more replies,
 * and what is new since the last visit. No Ink: the pane's lines are read from the model.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS, type Settings } from '../../source/core/settings.js';
import { Manners } from '../../source/core/discussions.js';
import { ReaderController } from '../../source/ui/controller.js';
import { ARTICLE, lookupSettings, redditListing, standardAnswers, startSearchServer, type SearchServer } from '../discussions/server.js';
import { article, fixture, FEED_A, FEED_B } from './helpers.js';

const BLOG = 'https://blog.inkandpaper.net/feed/';
const NOW = Date.UTC(2026, 10, 25, 12);
let server: SearchServer;
let hnChildren: unknown[] = [];
const twoComments = () => [
  {
    id: 1,
    author: 'a',
    text: 'first',
    created_at_i: NOW / 1000 - 7200,
    children: [{ id: 2, author: 'b', text: 'reply', created_at_i: NOW / 1000 - 7000, children: [] }],
  },
];

const hnItem = () => ({ id: 1001, type: 'story', title: 'Story 1001', author: 'op', children: hnChildren });
const redditThread = [
  redditListing([{ kind: 't3', data: { id: 'abc', title: 'Post abc', author: 'op', num_comments: 4, permalink: '/r/programming/comments/abc/post_abc/' } }]),
  redditListing([
    {
      kind: 't1',
      data: {
        id: 'r1',
        parent_id: 't3_abc',
        author: 'ann',
        body: 'x',
        body_html: '&lt;p&gt;first&lt;/p&gt;',
        created_utc: NOW / 1000 - 600,
        score: 3,
        replies: '',
      },
    },
    { kind: 'more', data: { id: 'r2', name: 't1_r2', parent_id: 't3_abc', count: 2, depth: 0, children: ['r2', 'r3'] } },
  ]),
];

beforeAll(async () => {
  server = await startSearchServer();
});
afterAll(() => server.close());

function answers(over: (url: URL) => ReturnType<typeof standardAnswers> | undefined = () => undefined) {
  hnChildren = twoComments();
  server.requests.length = 0;
  server.handle((url, req) => {
    const custom = over(url);
    if (custom) return custom;
    if (url.pathname === '/hn/api/v1/items/1001') return { body: hnItem() };
    if (url.pathname === '/reddit/comments/abc.json') return { body: redditThread };
    if (url.pathname === '/reddit/api/morechildren.json') {
      const ids = url.searchParams.get('children')!.split(',');
      return {
        body: {
          json: {
            errors: [],
            data: {
              things: ids.map((id) => ({
                kind: 't1',
                data: {
                  id,
                  parent_id: 't3_abc',
                  author: `u_${id}`,
                  body: 'x',
                  body_html: `<p>loaded ${id}</p>`,
                  created_utc: NOW / 1000 - 60,
                  score: 1,
                  replies: '',
                },
              })),
            },
          },
        },
      };
    }
    return standardAnswers(url, req);
  });
}

let f: ReturnType<typeof fixture> | undefined;
afterEach(() => f?.close());

function readerWithBlog(now = () => NOW) {
  const settings: Settings = {
    ...structuredClone(DEFAULTS),
    feeds: [{ url: FEED_A }, { url: FEED_B }, { url: BLOG }],
    sources: lookupSettings(server.base).sources,
    fetch: { ...DEFAULTS.fetch, timeoutSeconds: 3 },
  };
  const made = fixture(4, { columns: 160, rows: 40 }, { settings, manners: new Manners(), now });
  made.store.syncFeeds(settings.feeds);
  // The blog's newest article: no comment feed, so its only discussions are elsewhere.
  made.store.saveFeed(
    BLOG,
    {
      title: 'Blog',
      link: 'https://blog.inkandpaper.net/',
      articles: [article(0, { id: 'post', title: 'A post', link: ARTICLE, published: new Date(NOW - 1800_000).toISOString(), commentCount: null })],
    },
    { etag: null, lastModified: null },
  );
  made.controller.dataChanged();
  return made;
}

/** The pane's lines, without the dates at their ends (the stand-ins' threads are from January). */
const pane = (c: ReaderController) => c.comments.lines(76, 38).map((l) => l.trimEnd().replace(/ · (?:[A-Z][a-z]{2} \d+|\d+[mhdw]|now)$/, ''));
async function until(what: string, probe: () => boolean, ms = 4000, show?: () => string[]) {
  const end = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${show ? `\n${show().join('\n')}` : ''}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('lookups in the reader', () => {
  it('asks after the article opens, lists every discussion, shows the one with most comments, ] switches', async () => {
    answers();
    f = readerWithBlog();
    expect(f.controller.rowAtCursor()!.title).toBe('A post');
    f.press('enter');
    // Not in the key's own task: the article's first frame comes first.
    expect(server.requests).toEqual([]);
    f.press('c');
    expect(pane(f.controller).join('\n')).toContain('Asking Hacker News, Reddit and Lobsters where this was submitted…');
    // Every answer in, and the thread loaded (its own count then stands for the search's).
    await until(
      'the HN thread',
      () =>
        pane(f!.controller).some((l) => l.startsWith('2 comments on Hacker News')) &&
        pane(f!.controller).includes('▸ Hacker News · 2 comments') &&
        pane(f!.controller).includes('  Reddit r/webdev · 3 comments'),
    );
    const lines = pane(f.controller);
    expect(lines.slice(0, 7)).toEqual([
      '7 discussions — ] next, [ previous',
      // Loaded, the thread's own count stands in for the search's (the stand-in thread holds two).
      '▸ Hacker News · 2 comments',
      '  Reddit r/programming · 85 comments',
      '  Lobsters · 12 comments',
      '  Hacker News · 12 comments',
      '  Reddit r/programming · 7 comments',
      '  Reddit r/webdev · 3 comments',
    ]);
    // The article's row counts the comments of every thread found.
    await until('the list count', () => f!.store.article(f!.controller.state.openId!)!.lookupCount === 2 + 85 + 12 + 12 + 7 + 3);
    f.press(']');
    await until(
      'the Reddit thread',
      () => pane(f!.controller).some((l) => l.startsWith('4 comments on Reddit')) && pane(f!.controller).includes('▸ Reddit r/programming · 4 comments'),
    );
    // The choice is remembered for the article.
    expect(f.store.discussionChoice(f.controller.state.openId!)).toBe('reddit:abc');
  });

  it('Enter on "N more replies" loads them in place, and they are cached with the thread', async () => {
    answers();
    f = readerWithBlog();
    f.press('enter', 'c');
    await until('the HN thread', () => pane(f!.controller).some((l) => l.startsWith('2 comments on Hacker News')));
    f.press(']');
    await until('the Reddit thread', () => pane(f!.controller).some((l) => l.startsWith('4 comments on Reddit')));
    expect(pane(f.controller).some((l) => l.includes('[2 more replies] — Enter loads them'))).toBe(true);
    expect(f.controller.state.focus).toBe('comments');
    f.press('G', 'enter');
    await until('the loaded replies', () => pane(f!.controller).some((l) => l.includes('loaded r3')));
    expect(pane(f.controller).some((l) => l.includes('more replies'))).toBe(false);
    expect(server.requests.some((r) => r.startsWith('/reddit/api/morechildren.json?api_type=json&link_id=t3_abc&children=r2,r3&raw_json=1'))).toBe(true);
    const cached = f.store.discussion('reddit:abc')!.data;
    expect(cached).toContain('loaded r3');
  });

  it('a failing service is one line in the pane; the others still show', async () => {
    answers((url) => (url.pathname.startsWith('/lobsters/') ? { status: 503, body: 'down', raw: true } : undefined));
    f = readerWithBlog();
    f.press('enter', 'c');
    await until(
      'the answers',
      () =>
        pane(f!.controller).some((l) => l.startsWith('2 comments on Hacker News')) &&
        !pane(f!.controller).some((l) => l.startsWith('Asking')) &&
        pane(f!.controller).includes('Lobsters: HTTP 503 Service Unavailable'),
    );
    const lines = pane(f.controller);
    expect(lines).toContain('Lobsters: HTTP 503 Service Unavailable');
    expect(lines[0]).toBe('6 discussions — ] next, [ previous');
  });

  it('marks the comments published since the last visit, says how many, and u jumps to them', async () => {
    answers();
    hnChildren = [
      {
        id: 1,
        author: 'a',
        text: 'old one',
        created_at_i: NOW / 1000 - 7200,
        children: [{ id: 2, author: 'b', text: 'old reply', created_at_i: NOW / 1000 - 7000, children: [] }],
      },
    ];
    f = readerWithBlog();
    f.press('enter', 'c');
    await until('the HN thread', () => pane(f!.controller).some((l) => l.startsWith('2 comments on Hacker News')));
    expect(pane(f.controller).join('\n')).not.toContain(' new');
    // Later, a new session: two replies came in since.
    hnChildren = [
      {
        id: 1,
        author: 'a',
        text: 'old one',
        created_at_i: NOW / 1000 - 7200,
        children: [
          { id: 2, author: 'b', text: 'old reply', created_at_i: NOW / 1000 - 7000, children: [] },
          { id: 3, author: 'c', text: 'new reply', created_at_i: NOW / 1000 + 600, children: [] },
        ],
      },
      { id: 4, author: 'd', text: 'new top', created_at_i: NOW / 1000 + 900, children: [] },
    ];
    const openId = f.controller.state.openId!;
    f.controller.dispose();
    const later = () => NOW + 3600_000;
    const again = new ReaderController({ ...f.deps, now: later, manners: new Manners() }, 160, 40);
    try {
      again.open(openId);
      again.perform('toggle-comments');
      await until(
        'the new comments',
        () => pane(again).some((l) => /^4 comments on Hacker News · 2 new/.test(l)),
        4000,
        () => pane(again),
      );
      const lines = pane(again);
      expect(lines.filter((l) => / · new(?: ·|$)/.test(l)).map((l) => l.replace(/^[│ ]+/, '').split(' · ')[0])).toEqual(['c', 'd']);
      again.dispatch({ type: 'focus', pane: 'comments' });
      again.handleKeyName('u');
      expect(again.comments.tree!.rows[again.comments.tree!.cursor]!.comment.id).toBe('3');
      again.handleKeyName('u');
      expect(again.comments.tree!.rows[again.comments.tree!.cursor]!.comment.id).toBe('4');
    } finally {
      again.dispose();
    }
  });
});
