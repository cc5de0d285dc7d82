import { afterEach, describe, expect, it } from 'vitest';
import { article, fixture, FEED_A, FEED_B } from './helpers.js';
import type { SubscribeResult } from '../../source/core/subscribe.js';

let f: ReturnType<typeof fixture>;
afterEach(() => f?.close());

describe('ReaderController', () => {
  it('shows only the visible rows, newest first', () => {
    f = fixture(200);
    const rows = f.controller.visibleRows();
    expect(rows).toHaveLength(37);
    expect(rows[0]!.title).toBe('Story number 1');
    f.press('G');
    expect(f.controller.state.list.cursor).toBe(199);
    expect(f.controller.rowAtCursor()!.title).toBe('Story number 200');
  });

  it('opens an article, marks it read, renders it, and goes back', () => {
    f = fixture();
    const before = f.controller.unreadCount();
    f.press('j', 'enter');
    expect(f.controller.state.focus).toBe('article');
    const open = f.controller.openArticle()!;
    expect(open.row.title).toBe('Story number 2');
    expect(open.lines.join('\n')).toContain('Body of story 2.');
    expect(open.links).toEqual(['https://a.example/ref/2']);
    expect(f.controller.unreadCount()).toBe(before - 1);
    f.press('h');
    expect(f.controller.state.focus).toBe('list');
  });

  it('starts the discussion parsers when an article whose discussion is on HN opens, after its frame', async () => {
    let warmed = 0;
    f = fixture(4, undefined, { warmParsers: () => void warmed++ });
    f.press('enter'); // Story number 1: a.example, no discussion anywhere
    await new Promise((resolve) => setImmediate(resolve));
    expect(warmed).toBe(0);
    f.store.saveFeed(
      FEED_A,
      { title: 'Alpha', link: 'https://a.example/', articles: [article(1, { commentsUrl: 'https://news.ycombinator.com/item?id=123' })] },
      { etag: null, lastModified: null },
    );
    f.controller.dataChanged();
    f.press('h', 'enter');
    expect(warmed).toBe(0); // not in the key's own task
    // In a turn of the event loop after it (core/turns.ts).
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(warmed).toBe(1);
  });

  it('toggles read and star, and undoes the last mark', () => {
    f = fixture();
    const id = f.controller.rowAtCursor()!.id;
    f.press('m');
    expect(f.store.article(id)!.read).toBe(true);
    f.press('s');
    expect(f.store.article(id)!.starred).toBe(true);
    f.press('u');
    expect(f.store.article(id)!.starred).toBe(false);
    expect(f.store.article(id)!.read).toBe(true);
  });

  it('asks before marking everything read, and u undoes it', () => {
    f = fixture(10);
    f.press('A');
    expect(f.controller.state.prompt).toEqual({ kind: 'confirm-mark-all', count: 10 });
    f.press('n');
    expect(f.controller.unreadCount()).toBe(10);
    f.press('A', 'y');
    expect(f.controller.unreadCount()).toBe(0);
    f.press('u');
    expect(f.controller.unreadCount()).toBe(10);
  });

  it('D asks before unsubscribing from the feed under the sidebar cursor, or of the article under the list cursor', async () => {
    const removed: string[] = [];
    f = fixture(10, undefined, { removeFeed: async (url) => (removed.push(url), { kind: 'removed', url }) });
    f.press('f', 'G'); // the last sidebar item: the feed Beta
    f.press('D');
    expect(f.controller.state.prompt).toEqual({ kind: 'confirm-remove-feed', url: FEED_B, title: 'Beta' });
    f.press('n');
    expect(f.controller.state.status).toBe('Nothing removed.');
    f.press('D', 'y');
    await new Promise((r) => setTimeout(r, 0));
    expect(removed).toEqual([FEED_B]);
    expect(f.controller.state.status).toMatch(/^Unsubscribed from Beta; its articles stay in the cache\.$/);
    // From the list: the feed of the article under the cursor (the newest, story 1, is Alpha's).
    f.press('tab');
    expect(f.controller.state.focus).toBe('list');
    f.press('g', 'D');
    expect(f.controller.state.prompt).toMatchObject({ kind: 'confirm-remove-feed', url: FEED_A, title: 'Alpha' });
  });

  it('jumps to the next and previous unread', () => {
    f = fixture(10);
    const rows = f.controller.visibleRows();
    f.store.setRead([rows[1]!.id, rows[2]!.id], true);
    f.controller.dataChanged();
    f.press('n');
    expect(f.controller.state.list.cursor).toBe(3);
    f.press('N');
    expect(f.controller.state.list.cursor).toBe(0);
  });

  it('filters titles with search and clears it', () => {
    f = fixture(30);
    f.controller.applySearch('number 1');
    // 1, 10..19
    expect(f.controller.state.list.count).toBe(11);
    f.controller.applySearch('');
    expect(f.controller.state.list.count).toBe(30);
  });

  it('opens the article link, or link N, through the injected opener only', () => {
    f = fixture();
    f.press('o');
    expect(f.opened).toEqual(['https://a.example/story/1']);
    f.press('enter', '1', 'o');
    expect(f.opened[1]).toBe('https://a.example/ref/1');
    f.press('7', 'o');
    expect(f.opened).toHaveLength(2);
    expect(f.controller.state.status).toMatch(/No link 7/);
  });

  it('never opens a non-http link', () => {
    f = fixture(3);
    const id = f.controller.rowAtCursor()!.id;
    f.store.db.prepare('UPDATE articles SET link = ? WHERE id = ?').run('javascript:alert(1)', id);
    f.controller.dataChanged();
    f.press('o');
    expect(f.opened).toEqual([]);
  });

  it('keeps the cursor on its article when a refresh adds newer ones', () => {
    f = fixture(50);
    f.press('j', 'j', 'j', 'j', 'j');
    const id = f.controller.rowAtCursor()!.id;
    const screenLine = f.controller.state.list.cursor - f.controller.state.list.offset;
    const fresh = [1, 2, 3].map((n) => ({
      id: `new-${n}`,
      title: `Breaking ${n}`,
      link: '',
      author: '',
      published: new Date(Date.UTC(2026, 10, 26, n)).toISOString(),
      html: '',
      commentsUrl: '',
      commentFeedUrl: '',
      commentCount: null,
    }));
    f.store.saveFeed(FEED_A, { title: 'Alpha', link: '', articles: fresh }, { etag: null, lastModified: null });
    f.controller.dataChanged();
    expect(f.controller.rowAtCursor()!.id).toBe(id);
    expect(f.controller.state.list.cursor - f.controller.state.list.offset).toBe(screenLine);
    expect(f.controller.state.list.count).toBe(53);
  });

  it('picks a scope from the sidebar', () => {
    f = fixture(20);
    f.press('f');
    expect(f.controller.state.focus).toBe('sidebar');
    const items = f.controller.sidebarItems();
    const beta = items.findIndex((i) => i.label === 'Beta');
    for (let i = 0; i < beta; i++) f.press('j');
    f.press('enter');
    expect(f.controller.state.scope).toMatchObject({ kind: 'feed', title: 'Beta' });
    expect(f.controller.state.list.count).toBe(10);
  });

  it('q goes back, then quits from the top level; Q quits at once', () => {
    f = fixture();
    f.press('enter', 'q');
    expect(f.exited()).toBe(0);
    expect(f.controller.state.focus).toBe('list');
    f.press('q');
    expect(f.exited()).toBe(1);
    f.press('enter', 'Q');
    expect(f.exited()).toBe(2);
  });

  it('refreshes in the background and reports when done', async () => {
    let finish!: (s: string) => void;
    f = fixture(5, undefined, {
      refresh: (_urls, onFeed) =>
        new Promise((resolve) => {
          onFeed(1, 2, false);
          finish = resolve;
        }),
    });
    const running = f.controller.startRefresh(['x', 'y'], 'all');
    expect(f.controller.refreshing).toEqual({ done: 1, total: 2 });
    f.press('j');
    expect(f.controller.state.list.cursor).toBe(1);
    finish('Refreshed 2 feeds.');
    await running;
    expect(f.controller.refreshing).toBeNull();
    expect(f.controller.state.status).toBe('Refreshed 2 feeds.');
  });
});

describe('adding a feed from the reader', () => {
  it('offers the feed an HTML page links to, and subscribes on Enter', async () => {
    const tried: string[] = [];
    f = fixture(3, undefined, {
      addFeed: async (url) => {
        tried.push(url);
        if (url === 'https://site.example/') return { kind: 'found-feed', pageUrl: url, feedUrl: 'https://site.example/feed.xml' };
        return { kind: 'added', title: 'Site', url, articles: 3, replacedDemo: false };
      },
    });
    f.press('a', ...'https://site.example/'.split(''), 'enter');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(f.controller.state.prompt).toMatchObject({ kind: 'add-feed', value: 'https://site.example/feed.xml' });
    f.press('enter');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(tried).toEqual(['https://site.example/', 'https://site.example/feed.xml']);
    expect(f.controller.state.prompt).toBeNull();
    expect(f.controller.state.status).toBe('Added "Site" (3 articles).');
  });

  const outcomes: [string, SubscribeResult, string][] = [
    [
      'the demo replaced',
      { kind: 'added', title: '', url: 'https://x.example/f', articles: 1, replacedDemo: true },
      'Added "https://x.example/f" (1 article). Your feeds replace the demo feeds from now on.',
    ],
    ['already subscribed', { kind: 'already', url: 'https://x.example/f' }, 'Already subscribed to https://x.example/f.'],
    ['a failure', { kind: 'failed', url: 'https://x.example/f', message: 'HTTP 404' }, 'Not added: https://x.example/f: HTTP 404'],
  ];
  for (const [what, result, status] of outcomes) {
    it(`says so on the status line: ${what}`, async () => {
      f = fixture(3, undefined, { addFeed: async () => result });
      f.press('a', 'x', 'enter');
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(f.controller.state.prompt).toBeNull();
      expect(f.controller.state.status).toBe(status);
    });
  }

  it('says why when the settings cannot be written', async () => {
    f = fixture(3, undefined, { addFeed: async () => Promise.reject(new Error('/h/config.json: permission denied')) });
    f.press('a', 'x', 'enter');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(f.controller.state.status).toBe('Not added: /h/config.json: permission denied');
  });
});
