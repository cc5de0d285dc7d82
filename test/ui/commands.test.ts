/**
 * The command table and everything generated from it: the footer hints, the messages that name keys,
 * the dispatcher's layers and the behaviours issue 16 asked for (c, q, the link count prefix, the list
 * taking the width until an article opens). Driven through the controller, without Ink.
 */
import { afterEach, describe, expect, it } from 'vitest';
import stringWidth from 'string-width';
import { COMMANDS, PANE_ACTIONS, PANE_HINTS } from '../../source/core/reader-actions.js';
import { buildKeymap } from '../../source/ui/keys.js';
import { hintLine, statusLines } from '../../source/ui/hints.js';
import { layout } from '../../source/ui/state/reader.js';
import { article, fixture, FEED_A, FEED_B } from './helpers.js';
import { DEFAULTS } from '../../source/core/settings.js';
import { fit } from '../../source/ui/format.js';
import { stripVTControlCharacters as stripAnsi } from 'node:util';
import { Chalk } from 'chalk';
import { commentLines } from '../../source/ui/views/comment-lines.js';
import { buildTheme } from '../../source/ui/theme.js';
import type { Comment } from '../../source/core/comments/types.js';

let f: ReturnType<typeof fixture> | undefined;
afterEach(() => f?.close());

const PANES = ['list', 'article', 'comments', 'sidebar'] as const;

describe('the command table', () => {
  it('names every action once, with keys, a description and panes', () => {
    const names = COMMANDS.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    for (const c of COMMANDS) {
      expect(c.keys.length, c.name).toBeGreaterThan(0);
      expect(c.description, c.name).not.toBe('');
      expect(c.panes.length, c.name).toBeGreaterThan(0);
    }
    // Every hinted action applies in the pane that hints it.
    for (const pane of PANES) for (const a of PANE_HINTS[pane]) expect(PANE_ACTIONS[pane], `${pane} ${a}`).toContain(a);
  });

  it("resolves a key shared by two actions to the pane's own one (Space folds a comment, pages an article)", () => {
    expect(PANE_ACTIONS.comments.indexOf('toggle-collapse')).toBeLessThan(PANE_ACTIONS.comments.indexOf('page-down'));
    expect(PANE_ACTIONS.list).not.toContain('toggle-collapse');
  });
});

describe('the footer', () => {
  const { keymap } = buildKeymap({});
  it('fits every width, ends with the ? hint and drops hints from the end first', () => {
    for (const pane of PANES) {
      for (const width of [40, 60, 80, 100, 120, 200]) {
        const line = hintLine(pane, keymap, width);
        expect(stringWidth(line), `${pane} ${width}`).toBeLessThanOrEqual(width);
        expect(line.trimEnd(), `${pane} ${width}`).toMatch(/\? keys$/);
      }
    }
    const at80 = hintLine('list', keymap, 80);
    expect(at80).toMatch(/^ j\/k move {2}Enter open {2}q quit/);
    expect(hintLine('list', keymap, 200)).toContain('Tab pane');
    expect(hintLine('article', keymap, 120)).toContain('1-9 o link');
  });

  it('wraps a long message onto a second line between words, never inside one', () => {
    const text = 'Refreshed 3 feeds: 18 new articles. These are demo feeds: a adds your own, ? shows the keys.';
    const lines = statusLines(text, 80);
    expect(lines).toHaveLength(2);
    const words = new Set(text.split(' '));
    for (const line of lines) for (const word of line.trim().split(' ')) expect(words, word).toContain(word);
    const long = statusLines('word '.repeat(60), 40);
    expect(long).toHaveLength(2);
    expect(long[1]!.trimEnd()).toMatch(/word…$/);
  });
});

describe('keys as bound, everywhere they are named (issue 9)', () => {
  it('rebinding c to x and u to U changes every hint and message', () => {
    const { keymap } = buildKeymap({ 'toggle-comments': ['x'], undo: ['U'] });
    f = fixture(10, { columns: 200, rows: 40 }, { keymap });
    for (const pane of PANES) expect(hintLine(pane, keymap, 200), pane).not.toMatch(/(^| )c comments/);
    expect(hintLine('list', keymap, 200)).toContain('x comments');
    f.press('A', 'y');
    expect(f.controller.state.status).toBe('Marked 10 articles read. U undoes.');
    f.press('U');
    expect(f.controller.state.status).toMatch(/^Undone/);
    f.press('j', 'j', 'enter'); // Story number 3: its feed counts 3 comments and names no thread
    expect(f.controller.openArticle()!.lines.join('\n')).toContain("3 comments on the article's page — o opens it");
    f.store.saveFeed(
      FEED_A,
      { title: 'Alpha', link: 'https://a.example/', articles: [article(3, { commentsUrl: 'https://news.ycombinator.com/item?id=3' })] },
      { etag: null, lastModified: null },
    );
    f.controller.reloadList();
    f.press('h', 'enter');
    expect(f.controller.openArticle()!.lines.join('\n')).toContain('3 comments — press x');
    f.press('x');
    expect(f.controller.state.commentsOpen).toBe(true);
  });
});

describe('the dispatcher', () => {
  it('tells the view once per key press, however many changes the key makes', () => {
    f = fixture(10);
    let told = 0;
    f.controller.subscribe(() => void told++);
    f.press('A');
    expect(told).toBe(1);
    f.press('y'); // closes the prompt, marks, reloads the list, sets a status
    expect(told).toBe(2);
  });

  it('says at once that a link number is not in the article, and o then opens nothing', () => {
    f = fixture(3);
    f.press('enter', '9');
    expect(f.controller.state.status).toBe('No link 9. This article has one link.');
    f.press('o');
    expect(f.opened).toEqual([]);
    f.press('1', 'o');
    expect(f.opened).toEqual(['https://a.example/ref/1']);
  });
});

describe('keys that match what is on screen (issue 16)', () => {
  it('c shows the comments, c again moves into them, and only from inside them hides them', () => {
    f = fixture(3, { columns: 200, rows: 40 });
    f.store.saveFeed(
      FEED_A,
      { title: 'Alpha', link: 'https://a.example/', articles: [article(1, { commentsUrl: 'https://news.ycombinator.com/item?id=1' })] },
      { etag: null, lastModified: null },
    );
    f.controller.dataChanged();
    f.press('c');
    expect(f.controller.state).toMatchObject({ commentsOpen: true, focus: 'comments' });
    f.controller.dispatch({ type: 'focus', pane: 'article' });
    f.press('c');
    expect(f.controller.state).toMatchObject({ commentsOpen: true, focus: 'comments' });
    f.press('c');
    expect(f.controller.state.commentsOpen).toBe(false);
  });

  it('q in a feed or tag view goes back to All articles; q there quits', () => {
    f = fixture(6);
    f.press('f', 'G', 'enter'); // the last sidebar item: a feed
    expect(f.controller.state.scope.kind).toBe('feed');
    f.press('q');
    expect(f.controller.state.scope.kind).toBe('all');
    expect(f.exited()).toBe(0);
    f.press('q');
    expect(f.exited()).toBe(1);
  });

  it('the list takes the width until an article opens; then the pane follows the cursor, unread', () => {
    f = fixture(6, { columns: 130, rows: 30 });
    expect(layout(f.controller.state)).toMatchObject({ listWidth: 130, articleWidth: 0 });
    f.press('enter');
    expect(layout(f.controller.state).articleWidth).toBeGreaterThan(0);
    f.press('h', 'j');
    const second = f.controller.rowAtCursor()!;
    expect(f.controller.openArticle()!.row.id).toBe(second.id);
    expect(f.controller.openArticle()!.lines[0]).toContain('Story number 2');
    expect(f.store.article(second.id)!.read).toBe(false);
    f.press('escape');
    expect(layout(f.controller.state)).toMatchObject({ listWidth: 130, articleWidth: 0 });
  });
});

describe('comment counts that agree (issue 16)', () => {
  it('a feed that counts comments but names no thread sends the reader to the page, and o opens it', () => {
    f = fixture(3);
    f.press('j', 'j', 'c'); // Story number 3: slash:comments 3, no comment feed, no aggregator link
    expect(f.controller.comments.lines(80, 20).join('\n')).toContain("Its 3 comments are on the article's page: o opens it.");
    f.press('o');
    expect(f.opened).toEqual(['https://a.example/story/3']);
  });
});

describe('errors that say what failed (issue 16)', () => {
  it('an unreachable discussion is one line naming the host, and r says it is retrying', async () => {
    const settings = { ...structuredClone(DEFAULTS), feeds: [{ url: FEED_A }, { url: FEED_B }] };
    settings.sources.hackernews.api = 'http://127.0.0.1:9/api/v1';
    f = fixture(2, { columns: 200, rows: 40 }, { settings });
    f.store.saveFeed(
      FEED_A,
      { title: 'Alpha', link: 'https://a.example/', articles: [article(1, { commentsUrl: 'https://news.ycombinator.com/item?id=1' })] },
      { etag: null, lastModified: null },
    );
    f.controller.dataChanged();
    f.press('c');
    for (let i = 0; i < 100 && !f.controller.comments.error; i++) await new Promise((r) => setTimeout(r, 20));
    expect(f.controller.comments.error).toBe('127.0.0.1:9: connection refused · r retries');
    f.press('r');
    expect(f.controller.comments.lines(80, 20)[0]).toBe(fit('Retrying 127.0.0.1:9…', 80));
  });
});

describe('small ones (issue 16)', () => {
  it("a collapsed comment's header shows its replies hidden in full, on a second line if need be", () => {
    const comment = (id: string, children: Comment[] = []): Comment => ({
      id,
      parentId: null,
      author: 'A very long author name indeed, the longest in the thread',
      published: '2026-11-20T10:00:00Z',
      html: '<p>x</p>',
      score: 12,
      deleted: false,
      permalink: '',
      orphan: true,
      children,
    });
    const row = { comment: comment('a', [comment('b'), comment('c'), comment('d'), comment('e')]), depth: 0, parent: -1, hidden: 4 };
    const lines = commentLines(row, 60, { paint: buildTheme({}, false).paint, chalk: new Chalk({ level: 0 }), color: false, now: Date.UTC(2026, 10, 25) }).map(
      stripAnsi,
    );
    expect(lines.join('\n')).toContain('[+] 4 replies hidden');
    for (const line of lines) expect(stringWidth(line)).toBeLessThanOrEqual(60);
  });

  it('Space pages the article keeping one line of overlap', () => {
    f = fixture(2, { columns: 80, rows: 12 });
    const long = Array.from({ length: 60 }, (_, i) => `<p>Paragraph ${i + 1}.</p>`).join('');
    f.store.saveFeed(FEED_A, { title: 'Alpha', link: 'https://a.example/', articles: [article(1, { html: long })] }, { etag: null, lastModified: null });
    f.controller.dataChanged();
    f.press('enter');
    const height = layout(f.controller.state).bodyHeight;
    const shown = () => f!.controller.openArticle()!.lines.slice(f!.controller.state.articleScroll, f!.controller.state.articleScroll + height);
    const before = shown();
    f.press('space');
    expect(shown()[0]).toBe(before[before.length - 1]);
  });
});

describe('f does what the screen suggests on the first press (issue 16)', () => {
  it('narrow: after the sidebar lost the focus (and so went off screen), f shows it again at once', () => {
    f = fixture(4, { columns: 80, rows: 24 });
    f.press('f');
    expect(layout(f.controller.state).sidebarWidth).toBe(80);
    f.press('h'); // back to the list: the sidebar is off screen, though still "on"
    expect(layout(f.controller.state).sidebarWidth).toBe(0);
    f.press('f');
    expect(f.controller.state.focus).toBe('sidebar');
    expect(layout(f.controller.state).sidebarWidth).toBe(80);
    f.press('f');
    expect(layout(f.controller.state).sidebarWidth).toBe(0);
  });

  it('wide: f on a list beside the sidebar moves into it; f inside it hides it', () => {
    f = fixture(4, { columns: 160, rows: 30 });
    f.press('f', 'tab');
    expect(f.controller.state.focus).toBe('list');
    f.press('f');
    expect(f.controller.state).toMatchObject({ focus: 'sidebar', sidebar: true });
    f.press('f');
    expect(f.controller.state.sidebar).toBe(false);
  });
});

describe('small ones, with tests that failed before (issue 16)', () => {
  it('the article text keeps a column of padding from the divider at 200 columns', () => {
    f = fixture(3, { columns: 200, rows: 40 });
    f.press('enter', 'c', 'tab', 'tab'); // comments beside: article between two rules
    const l = layout(f.controller.state);
    expect(l.commentsWidth).toBeGreaterThan(0);
    expect(f.controller.articleTextWidth()).toBe(l.articleWidth - 3);
  });
});

describe('y copies a link (OSC 52)', () => {
  const written: string[] = [];
  const copied = () => written.flatMap((bytes) => [...bytes.matchAll(/\]52;c;([A-Za-z0-9+/=]*)\x07/g)].map((m) => Buffer.from(m[1]!, 'base64').toString()));
  afterEach(() => void written.splice(0));

  it('copies the link of the row under the cursor, or of the open article, and says so', () => {
    f = fixture(4, { columns: 120, rows: 40 }, { writeToTerminal: (bytes) => void written.push(bytes) });
    f.press('j', 'y');
    const second = f.controller.rowAtCursor()!.link;
    expect(copied()).toEqual([second]);
    expect(f.controller.state.status).toBe(`Copied to the clipboard: ${second}`);
    f.press('enter', 'j', 'y');
    // The article pane scrolls on j; the open article is still the one copied.
    expect(copied()).toEqual([second, second]);
  });

  it('copies nothing, and says why, for an article without a web link', () => {
    f = fixture(0, { columns: 120, rows: 40 }, { writeToTerminal: (bytes) => void written.push(bytes) });
    f.store.saveFeed(FEED_A, { title: 'Alpha', link: '', articles: [article(1, { link: 'javascript:alert(1)' })] }, { etag: null, lastModified: null });
    f.controller.reloadList();
    f.press('y');
    expect(written).toEqual([]);
    expect(f.controller.state.status).toBe('Nothing copied: no web link to copy.');
  });

  it('sends the tmux passthrough copy too when inside tmux', () => {
    f = fixture(2, { columns: 120, rows: 40 }, { writeToTerminal: (bytes) => void written.push(bytes), inTmux: true });
    f.press('y');
    expect(written).toHaveLength(1);
    expect(written[0]).toContain('\x1bPtmux;\x1b\x1b]52;c;');
    expect(new Set(copied())).toEqual(new Set([f.controller.rowAtCursor()!.link]));
  });
});

describe('enclosures in the article pane', () => {
  it('are listed under the text and opened by their number', () => {
    f = fixture(0);
    const episode = { url: 'https://cdn.a.example/ep1.mp3', type: 'audio/mpeg', length: 24_300_000 };
    f.store.saveFeed(FEED_A, { title: 'Alpha', link: '', articles: [article(1, { enclosures: [episode] })] }, { etag: null, lastModified: null });
    f.controller.reloadList();
    f.press('enter');
    const lines = f.controller.openArticle()!.lines;
    expect(lines).toContain('[2] audio/mpeg, 24.3 MB: https://cdn.a.example/ep1.mp3');
    f.press('3');
    expect(f.controller.state.status).toBe('No link 3. This article has 2 links.');
    f.press('escape', 'enter', '2', 'o');
    expect(f.opened).toEqual(['https://cdn.a.example/ep1.mp3']);
  });
});
