/**
 * The mouse: SGR reports read, mapped onto the layout (pure), and carried out by the controller:
 * the wheel scrolls the pane under the pointer, a click selects the row under it; `"mouse": false`
 * turns it off, and a report is never read as keys.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { initialState, layout, reduce, type ReaderState } from '../../source/ui/state/reader.js';
import { mouseIntent, paneAt, parseMouse, WHEEL_LINES } from '../../source/ui/state/mouse.js';
import { fixture } from './helpers.js';
import type { Key } from 'ink';

let f: ReturnType<typeof fixture> | undefined;
afterEach(() => {
  f?.close();
  f = undefined;
});

/** What Ink's useInput hands the app for a mouse report: the sequence without its ESC, no key flags. */
const noKey = {} as Key;
const report = (button: number, column: number, row: number, final = 'M') => `[<${button};${column};${row}${final}`;

/** 120 columns, an article open: the list (left, 50 columns) and the article beside it. */
function split(): ReaderState {
  let s = initialState(120, 40);
  s = reduce(s, { type: 'list-count', count: 100 });
  return reduce(s, { type: 'open', id: 1 });
}

describe('reading SGR mouse reports', () => {
  it('reads button, cell and press or release, without the modifier bits', () => {
    expect(parseMouse('[<0;10;5M')).toEqual({ button: 0, column: 10, row: 5, release: false, motion: false });
    expect(parseMouse('\x1b[<0;10;5m')).toEqual({ button: 0, column: 10, row: 5, release: true, motion: false });
    // Ctrl (16) + wheel down (65).
    expect(parseMouse('[<81;200;60M')).toEqual({ button: 65, column: 200, row: 60, release: false, motion: false });
    expect(parseMouse('[<32;3;3M')).toMatchObject({ button: 0, motion: true });
  });

  it('is not fooled by keys or other sequences', () => {
    for (const input of ['j', '[', '[<', '[<0;1M', '[<0;1;2', '[A', '[<0;1;2X', '[<a;1;2M', `[<0;1;${'9'.repeat(20)}M`])
      expect(parseMouse(input), input).toBeUndefined();
  });
});

describe('what a report means on the layout', () => {
  it('finds the pane and the body line under the pointer', () => {
    const s = split();
    const l = layout(s);
    expect(l.listWidth).toBeGreaterThan(0);
    expect(l.articleWidth).toBeGreaterThan(0);
    // Row 1 is the header; body line 0 is row 2.
    expect(paneAt(s, 1, 1)).toBeUndefined();
    expect(paneAt(s, 1, 2)).toEqual({ pane: 'list', line: 0 });
    expect(paneAt(s, l.listWidth, 7)).toEqual({ pane: 'list', line: 5 });
    expect(paneAt(s, l.listWidth + 1, 7)).toEqual({ pane: 'article', line: 5 });
    expect(paneAt(s, 120, 2 + l.bodyHeight - 1)).toEqual({ pane: 'article', line: l.bodyHeight - 1 });
    // The status line is below the panes.
    expect(paneAt(s, 5, 2 + l.bodyHeight)).toBeUndefined();
    expect(paneAt(s, 121, 5)).toBeUndefined();
  });

  it('the sidebar comes first when it is shown', () => {
    let s = reduce(split(), { type: 'toggle-sidebar' });
    const l = layout(s);
    expect(paneAt(s, l.sidebarWidth, 3)).toEqual({ pane: 'sidebar', line: 1 });
    expect(paneAt(s, l.sidebarWidth + 1, 3)).toEqual({ pane: 'list', line: 1 });
    s = reduce(s, { type: 'toggle-comments' });
    s = reduce(s, { type: 'focus', pane: 'comments' });
    const w = layout(s);
    expect(paneAt(s, w.sidebarWidth + w.listWidth + 1, 3)).toEqual({ pane: 'comments', line: 1 });
  });

  it('wheel up and down scroll, a left press selects; releases, motion, other buttons and covered panes mean nothing', () => {
    const s = split();
    const at = (input: string, state = s) => mouseIntent(state, parseMouse(input)!);
    expect(at(report(64, 3, 4))).toEqual({ kind: 'scroll', pane: 'list', by: -WHEEL_LINES });
    expect(at(report(65, 100, 4))).toEqual({ kind: 'scroll', pane: 'article', by: WHEEL_LINES });
    expect(at(report(0, 3, 4))).toEqual({ kind: 'select', pane: 'list', line: 2 });
    expect(at(report(0, 3, 4, 'm'))).toBeUndefined();
    expect(at(report(2, 3, 4))).toBeUndefined();
    expect(at(report(32, 3, 4))).toBeUndefined();
    expect(at(report(0, 3, 1))).toBeUndefined();
    expect(at(report(65, 3, 4), reduce(s, { type: 'help', show: true }))).toBeUndefined();
    expect(at(report(65, 3, 4), reduce(s, { type: 'prompt', prompt: { kind: 'search', value: '' } }))).toBeUndefined();
  });
});

describe('the mouse in the reader', () => {
  it('a click on a list row selects it (and shows it beside the open article)', () => {
    f = fixture(30);
    f.controller.handleInput(report(0, 3, 2 + 4), noKey);
    expect(f.controller.state.list.cursor).toBe(4);
    expect(f.controller.state.focus).toBe('list');
    f.press('enter');
    const opened = f.controller.state.openId;
    f.controller.handleInput(report(0, 3, 2 + 7), noKey);
    expect(f.controller.state).toMatchObject({ focus: 'list', list: { cursor: 7 } });
    expect(f.controller.state.openId).not.toBe(opened);
    expect(f.controller.state.openId).toBe(f.controller.rowAtCursor()!.id);
    // Below the last row: nothing.
    const few = fixture(3);
    few.controller.handleInput(report(0, 3, 2 + 10), noKey);
    expect(few.controller.state.list.cursor).toBe(0);
    few.close();
  });

  it('the wheel scrolls the list under the pointer, and the article under it, without moving the focus', () => {
    f = fixture(100);
    const height = f.controller.state.list.height;
    f.controller.handleInput(report(65, 3, 5), noKey);
    expect(f.controller.state.list).toMatchObject({ offset: WHEEL_LINES, cursor: WHEEL_LINES });
    f.controller.handleInput(report(64, 3, 5), noKey);
    expect(f.controller.state.list).toMatchObject({ offset: 0, cursor: 0 });
    expect(height).toBeGreaterThan(10);
    // A long article beside the list: the wheel over it scrolls it while the list keeps the focus.
    f.store.saveFeed(
      'https://a.example/feed',
      {
        title: 'Alpha',
        link: '',
        articles: [
          {
            id: 'long',
            title: 'Long',
            link: 'https://a.example/long',
            author: '',
            published: new Date(Date.UTC(2027, 0, 1)).toISOString(),
            html: Array.from({ length: 80 }, (_, i) => `<p>Paragraph ${i}.</p>`).join(''),
            commentsUrl: '',
            commentFeedUrl: '',
            commentCount: null,
          },
        ],
      },
      { etag: null, lastModified: null },
    );
    f.controller.reloadList();
    f.press('g', 'enter', 'tab');
    expect(f.controller.state.focus).toBe('list');
    const articleColumn = layout(f.controller.state).listWidth + 5;
    f.controller.handleInput(report(65, articleColumn, 5), noKey);
    f.controller.handleInput(report(65, articleColumn, 5), noKey);
    expect(f.controller.state.articleScroll).toBe(2 * WHEEL_LINES);
    expect(f.controller.state.focus).toBe('list');
    // A click on the article moves the focus into it.
    f.controller.handleInput(report(0, articleColumn, 5), noKey);
    expect(f.controller.state.focus).toBe('article');
  });

  it('a click in the sidebar selects the item under the pointer', () => {
    f = fixture(10);
    f.press('f');
    expect(f.controller.state.focus).toBe('sidebar');
    const items = f.controller.sidebarItems();
    const alpha = items.findIndex((i) => i.label === 'Alpha');
    f.press('tab');
    f.controller.handleInput(report(0, 3, 2 + alpha), noKey);
    expect(f.controller.state.focus).toBe('sidebar');
    expect(f.controller.state.sidebarCursor).toBe(alpha);
  });

  it('is never read as keys: in the list, or typing a search', () => {
    f = fixture(30);
    // Read as keys, `[<2;3;9M` would be `[`, digits 2, 3, 9 (a link count) and `M`.
    f.controller.handleInput(report(2, 3, 9), noKey);
    expect(f.controller.state).toMatchObject({ digits: '', status: null, list: { cursor: 0 } });
    f.press('/');
    f.controller.handleInput(report(0, 3, 9), noKey);
    expect(f.controller.state.prompt).toEqual({ kind: 'search', value: '' });
  });

  it('does nothing with "mouse": false', () => {
    f = fixture(30);
    f.deps.settings.mouse = false;
    f.controller.handleInput(report(0, 3, 2 + 4), noKey);
    f.controller.handleInput(report(65, 3, 5), noKey);
    expect(f.controller.state.list).toMatchObject({ cursor: 0, offset: 0 });
  });
});

describe('the mouse in the comments pane (a Mastodon thread from a local server)', () => {
  it("a click selects the comment drawn there, the wheel scrolls, and y then copies that comment's permalink", async () => {
    const { startServer } = await import('../comments/server.js');
    const { mastodonRoutes } = await import('../comments/platform-fixtures.js');
    const { article, FEED_A } = await import('./helpers.js');
    const server = await startServer(mastodonRoutes());
    const written: string[] = [];
    try {
      f = fixture(0, { columns: 120, rows: 40 }, { writeToTerminal: (bytes) => void written.push(bytes) });
      const html = `<p>Feeds are back.</p><p><a href="${server.base}/@alice/100">Comments</a></p>`;
      f.store.saveFeed(
        FEED_A,
        { title: 'Alpha', link: '', articles: [article(1, { link: 'https://blog.example/feeds-are-back', html })] },
        { etag: null, lastModified: null },
      );
      f.controller.reloadList();
      f.press('enter', 'c');
      const comments = f.controller.comments;
      for (let i = 0; i < 300 && (comments.loading || !comments.tree); i++) await new Promise((r) => setTimeout(r, 10));
      expect(comments.tree).toBeDefined();
      const l = layout(f.controller.state);
      expect(l.commentsWidth).toBeGreaterThan(0);
      const left = l.sidebarWidth + l.listWidth + l.articleWidth + 1;
      // As the pane draws it: a space, then the lines of its header and comments.
      const lines = comments.lines(l.commentsWidth - 2, l.bodyHeight);
      const carolLine = lines.findIndex((line) => line.includes('carol'));
      expect(carolLine).toBeGreaterThan(0);
      f.controller.handleInput(report(0, left + 3, 2 + carolLine), noKey);
      const row = comments.tree!.rows[comments.tree!.cursor]!;
      expect(row.comment.author).toContain('carol');
      expect(f.controller.state.focus).toBe('comments');
      f.press('y');
      const copied = written.flatMap((b) => [...b.matchAll(/\]52;c;([A-Za-z0-9+/=]*)\x07/g)].map((m) => Buffer.from(m[1]!, 'base64').toString()));
      expect(copied).toEqual([`${server.base}/@carol/102`]);
      expect(row.comment.permalink).toBe(`${server.base}/@carol/102`);
      const before = { top: comments.tree!.top, topLine: comments.tree!.topLine, cursor: comments.tree!.cursor };
      f.controller.handleInput(report(65, left + 3, 10), noKey);
      const after = comments.tree!;
      expect(after.cursor).toBe(before.cursor);
      expect(after.top * 1000 + after.topLine).toBeGreaterThan(before.top * 1000 + before.topLine);
    } finally {
      await server.close();
    }
  });
});
