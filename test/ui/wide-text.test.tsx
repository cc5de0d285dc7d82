/**
 * The reader's real views (App and its line builders, through Ink) rendered at every kind of terminal
 * size with titles, feed names, authors, bodies and comments in CJK, emoji (ZWJ sequences, flags),
 * combining marks and right-to-left scripts. Every frame must: draw every row that should be visible,
 * draw no line wider than the terminal, and never split a wide character.
 * Issue 13: one Chinese title in a 120-column split emptied the list below it.
 */
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { render as inkRender, type Instance } from 'ink';
import stringWidth from 'string-width';
import { App } from '../../source/ui/App.js';
import { buildTheme } from '../../source/ui/theme.js';
import { buildKeymap } from '../../source/ui/keys.js';
import { layout } from '../../source/ui/state/reader.js';
import { resolveTarget } from '../../source/core/comments.js';
import { serializeDiscussion } from '../../source/core/comments/cache.js';
import type { Comment } from '../../source/core/comments/types.js';
import { clip, cut, fit } from '../../source/ui/format.js';
import { article, fixture, FEED_A, FEED_B } from './helpers.js';
import { prng } from '../../source/bench/prng.mjs';

const SCRIPTS = [
  '中文标题：终端里的宽字符对齐测试，看看会不会错位',
  '日本語のタイトル：端末での全角文字の表示テストです',
  '한국어 제목: 터미널에서 넓은 문자를 시험합니다',
  'Family 👨‍👩‍👧‍👦 and flags 🇯🇵🇰🇷🇺🇦 in one title 🎉🎉',
  'Combining: Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇ and é against é',
  'عنوان عربي: اختبار النص من اليمين إلى اليسار',
  'כותרת בעברית: בדיקת כיוון טקסט ארוכה מאוד',
  'A plain ASCII title that is long enough to be cut in a narrow list pane',
];
const BODY = `<p>${'宽字符段落没有空格所以必须在字符之间换行'.repeat(6)}</p><p>👩‍💻 ${'emoji 🇺🇦 '.repeat(12)}</p><p>${SCRIPTS.join(' ')}</p>`;

function script(n: number) {
  return SCRIPTS[n % SCRIPTS.length]!;
}

/** A cache of wide-text articles in two wide-named feeds; article 1 has a cached HN discussion in wide text. */
function wideFixture(columns: number, rows: number) {
  const f = fixture(0, { columns, rows });
  const articles = (odd: boolean) =>
    Array.from({ length: 30 }, (_, i) => i + 1)
      .filter((n) => (n % 2 === 1) === odd)
      .map((n) =>
        article(n, {
          title: `#${String(n).padStart(2, '0')} ${script(n)}`,
          author: script(n + 3).slice(0, 12),
          html: BODY,
          commentsUrl: n === 1 ? 'https://news.ycombinator.com/item?id=4242' : '',
          commentCount: n % 4 === 0 ? 12 : null,
        }),
      );
  f.store.saveFeed(FEED_A, { title: '宽字符新闻 Wide News 📰', link: 'https://a.example/', articles: articles(true) }, { etag: null, lastModified: null });
  f.store.saveFeed(FEED_B, { title: 'עברית 🇮🇱 وعربي', link: 'https://b.example/', articles: articles(false) }, { etag: null, lastModified: null });
  const key = resolveTarget('https://news.ycombinator.com/item?id=4242', undefined)!.key;
  f.store.saveDiscussion(key, 'hackernews', serializeDiscussion(discussion(), null, null), Date.now());
  f.controller.reloadList();
  return f;
}

function comment(id: string, depth: number, n: number): Comment {
  const children = depth < 5 ? [comment(`${id}.1`, depth + 1, n + 1), ...(depth < 2 ? [comment(`${id}.2`, depth + 1, n + 2)] : [])] : [];
  return {
    id,
    parentId: null,
    author: script(n + 1).slice(0, 10),
    published: '2026-11-25T10:00:00Z',
    html: `<p>${script(n)} ${script(n + 5)}</p>`,
    score: 3,
    deleted: false,
    permalink: '',
    orphan: false,
    children,
  };
}

function discussion() {
  const comments = [comment('a', 0, 0), comment('b', 0, 3), comment('c', 0, 6)];
  return { source: 'hackernews' as const, url: 'https://news.ycombinator.com/item?id=4242', title: script(0), total: 40, comments, fetchedAt: Date.now() };
}

class Screen extends EventEmitter {
  last = '';
  constructor(
    public columns: number,
    public rows: number,
  ) {
    super();
  }
  isTTY = true;
  write = (frame: string) => {
    this.last = frame;
    return true;
  };
}

class Keyboard extends EventEmitter {
  isTTY = true;
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
  read = () => null;
}

let instance: Instance | undefined;
let f: ReturnType<typeof wideFixture> | undefined;
afterEach(() => {
  instance?.unmount();
  instance = undefined;
  f?.close();
  f = undefined;
});

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

/** Let React and Ink settle, then return the frame. */
async function frameOf(screen: Screen): Promise<string[]> {
  await tick();
  await tick();
  return screen.last.split('\n');
}

function check(lines: string[], columns: number, rows: number, what: string) {
  expect(lines.length, `${what}: frame height`).toBeLessThanOrEqual(rows - 1);
  for (const [i, line] of lines.entries()) {
    const width = stringWidth(line);
    if (width > columns) throw new Error(`${what}: line ${i} is ${width} columns wide:\n${line}`);
    // A split surrogate pair or a replacement character is a wide character cut in half.
    if (/\uFFFD|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(line))
      throw new Error(`${what}: line ${i} splits a character:\n${line}`);
  }
}

/** Every article row the list window holds is on screen, by its "#NN" tag. */
function checkListRows(lines: string[], what: string) {
  const c = f!.controller;
  if (!layout(c.state).listWidth || c.state.help) return;
  const frame = lines.join('\n');
  for (const row of c.visibleRows()) {
    const tag = row.title.slice(0, 3);
    if (!frame.includes(tag)) throw new Error(`${what}: the row ${tag} is missing:\n${frame}`);
  }
}

/**
 * The panes' own lines already fit (the Pane's last-resort clip would otherwise hide text): the
 * article's wrapped lines and the comments' lines are measured before they reach Ink.
 */
function checkWrapped(what: string) {
  const c = f!.controller;
  const l = layout(c.state);
  const article = c.openArticle();
  if (article && l.articleWidth) {
    for (const line of article.lines) if (stringWidth(line) > c.articleTextWidth()) throw new Error(`${what}: article line too wide: ${line}`);
  }
  if (l.commentsWidth) {
    for (const line of c.comments.lines(l.commentsWidth - 2, l.bodyHeight)) {
      if (stringWidth(line) > l.commentsWidth - 2) throw new Error(`${what}: comment line too wide: ${line}`);
    }
  }
}

type View = { name: string; keys: string[] };
const VIEWS: View[] = [
  { name: 'list', keys: [] },
  { name: 'list + article', keys: ['enter'] },
  { name: 'article scrolled', keys: ['enter', 'space', 'j'] },
  { name: 'list + article + comments', keys: ['c'] },
  { name: 'comments focused', keys: ['c', 'tab', 'tab', 'j', 'j', 'C'] },
  { name: 'sidebar', keys: ['f'] },
  { name: 'sidebar focused', keys: ['f', 'tab', 'tab', 'tab', 'tab'] },
  { name: 'help', keys: ['?'] },
  { name: 'search prompt', keys: ['/', '宽', '字', '👨‍👩‍👧‍👦'] },
  { name: 'add prompt', keys: ['a', 'h', 't', 't', 'p'] },
  { name: 'confirm', keys: ['A'] },
  { name: 'a status message', keys: ['j', '9', 'o'] },
];

async function renderAt(columns: number, rows: number, view: View) {
  f?.close();
  instance?.unmount();
  f = wideFixture(columns, rows);
  const screen = new Screen(columns, rows);
  const { paint } = buildTheme({}, false);
  instance = inkRender(<App controller={f.controller} paint={paint} keymap={buildKeymap({}).keymap} now={() => Date.UTC(2026, 10, 25, 12)} />, {
    stdout: screen as unknown as NodeJS.WriteStream,
    stdin: new Keyboard() as unknown as NodeJS.ReadStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  for (const key of view.keys) f.controller.handleKeyName(key);
  return screen;
}

describe('fitting text to columns', () => {
  const title = SCRIPTS[0]!;
  it('never overflows or splits a wide character, padding the half column', () => {
    for (let w = 1; w <= 60; w++) {
      for (const text of SCRIPTS) {
        expect(stringWidth(fit(text, w)), `fit ${w}`).toBe(w);
        expect(stringWidth(cut(text, w)), `cut ${w}`).toBeLessThanOrEqual(w);
        expect(stringWidth(clip(text, w)), `clip ${w}`).toBeLessThanOrEqual(w);
      }
    }
    expect(fit(title, 12)).toBe('中文标题：… ');
    expect(fit(title, 13)).toBe('中文标题：终…');
  });

  it('keeps ZWJ sequences, flags and combining marks whole', () => {
    expect(cut('ab👨‍👩‍👧‍👦cd', 4)).toBe('ab…');
    expect(cut('ab👨‍👩‍👧‍👦cd', 5)).toBe('ab👨‍👩‍👧‍👦…');
    expect(cut('🇯🇵🇰🇷', 3)).toBe('🇯🇵…');
    expect(cut('e\u0301e\u0301e\u0301x', 3)).toBe('e\u0301e\u0301…');
  });

  it('keeps colour codes and resets after a cut', () => {
    const red = '\x1b[31m中文标题\x1b[39m';
    expect(clip(red, 5)).toBe('\x1b[31m中文\x1b[0m');
    expect(clip(red, 8)).toBe(red);
  });
});

describe('the reader at every size, in every script', () => {
  it('the exact case of issue 13: 120×40, one Chinese title among plain ones', async () => {
    const screen = await renderAt(120, 40, VIEWS[0]!);
    const lines = await frameOf(screen);
    check(lines, 120, 40, '120x40 list');
    checkListRows(lines, '120x40 list');
  });

  it('draws every row, within the width, at widths 40-240 and heights 10-60 (seeded sample)', async () => {
    const random = prng(13);
    const sizes: [number, number][] = [
      [40, 10],
      [80, 24],
      [119, 40],
      [120, 40],
      [121, 30],
      [159, 50],
      [160, 40],
      [166, 20],
      [167, 45],
      [200, 50],
      [240, 60],
    ];
    for (let i = 0; i < 9; i++) sizes.push([40 + Math.floor(random() * 201), 10 + Math.floor(random() * 51)]);
    for (const [columns, rows] of sizes) {
      for (const view of VIEWS) {
        const what = `${columns}x${rows} ${view.name}`;
        const screen = await renderAt(columns, rows, view);
        const lines = await frameOf(screen);
        check(lines, columns, rows, what);
        checkListRows(lines, what);
        checkWrapped(what);
      }
    }
  }, 120_000);

  it('stays within the width after a resize', async () => {
    const screen = await renderAt(200, 50, VIEWS[3]!);
    for (const [columns, rows] of [
      [120, 40],
      [61, 17],
      [163, 33],
      [40, 10],
    ] as const) {
      screen.columns = columns;
      screen.rows = rows;
      screen.emit('resize');
      const lines = await frameOf(screen);
      check(lines, columns, rows, `resized to ${columns}x${rows}`);
      checkListRows(lines, `resized to ${columns}x${rows}`);
    }
  });
});
