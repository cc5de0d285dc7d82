/**
 * Search in the reader: `/` finds titles and article text, the article marks the matches and n/N move
 * between them while a search is in force; saved searches (settings `views`) in the sidebar. Driven
 * through the controller, without Ink; the marking itself as the pure function it is.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Chalk } from 'chalk';
import { stripVTControlCharacters as stripAnsi } from 'node:util';
import { DEFAULTS, type Settings } from '../../source/core/settings.js';
import { searchTerms } from '../../source/core/search-terms.js';
import { markMatches } from '../../source/ui/views/match-lines.js';
import { article, fixture, FEED_A, FEED_B } from './helpers.js';
import { SEARCH_CAP } from '../../source/core/store.js';
import { sidebarLines } from '../../source/ui/views/list-lines.js';
import { buildTheme } from '../../source/ui/theme.js';

let f: ReturnType<typeof fixture> | undefined;
afterEach(() => f?.close());

const MARK = (t: string) => `[${t}]`;
const marked = (line: string, query: string) => markMatches([line], searchTerms(query), MARK).lines[0];

describe('marking matches in rendered lines', () => {
  it('marks words where they start, in any case and script, as the index matches them', () => {
    expect(marked('Browsers and a browser, no abrowser', 'brow')).toBe('[Brow]sers and a [brow]ser, no abrowser');
    expect(marked('В Оренбурге и ОРЕНБУРГСКОЙ области', 'оренбург')).toBe('В [Оренбург]е и [ОРЕНБУРГ]СКОЙ области');
    expect(marked('Café au lait', 'cafe')).toBe('[Café] au lait');
    // Chinese has no word starts to keep to: a word is marked wherever it stands.
    expect(marked('出南京泰山5盒，原盒看图', '南京')).toBe('出[南京]泰山5盒，原盒看图');
    expect(marked('nothing here', '"')).toBe('nothing here');
  });

  it('marks the words of a phrase one by one, so a phrase wrapped onto two lines is marked on both', () => {
    const { lines, matchLines } = markMatches(['the borrow', 'checker said no', 'nothing'], searchTerms('"borrow checker"'), MARK);
    expect(lines).toEqual(['the [borrow]', '[checker] said no', 'nothing']);
    expect(matchLines).toEqual([0, 1]);
  });

  it('keeps the styles of a styled line around and inside the mark', () => {
    const chalk = new Chalk({ level: 1 });
    const line = `${chalk.bold('Volcanic')} ash and ${chalk.underline('volcano')}es`;
    const out = markMatches([line], searchTerms('volcan'), (t) => chalk.inverse(t)).lines[0]!;
    expect(stripAnsi(out)).toBe(stripAnsi(line));
    expect(out).toBe(`${chalk.bold(chalk.inverse('Volcan') + 'ic')} ash and ${chalk.underline(chalk.inverse('volcan') + 'o')}es`);
  });
});

const longBody = (word: string) =>
  Array.from({ length: 60 }, (_, i) => `<p>Paragraph ${i + 1}${i === 20 || i === 45 ? ` mentions the ${word}` : ''}.</p>`).join('');

function searchFixture(settings?: Partial<Settings>) {
  const full: Settings = { ...structuredClone(DEFAULTS), feeds: [{ url: FEED_A, tags: ['news'] }, { url: FEED_B }], ...settings };
  f = fixture(10, { columns: 80, rows: 20 }, { settings: full });
  f.store.saveFeed(
    FEED_A,
    { title: 'Alpha', link: 'https://a.example/', articles: [article(1, { title: 'Story number 1', html: longBody('volcano') })] },
    { etag: null, lastModified: null },
  );
  // As a refresh does when it is done (core/refresh.ts).
  f.store.indexForSearch();
  f.controller.dataChanged();
  return f;
}

describe('/ in the reader', () => {
  it('finds article text, marks it in the article, and n/N move between the matches there', () => {
    const f = searchFixture();
    f.press('/', ...'volcano', 'enter');
    expect(f.controller.state.list.count).toBe(1);
    expect(f.controller.state.status).toBe('1 match for "volcano". h clears.');
    f.press('enter');
    const open = f.controller.openArticle()!;
    expect(open.matchLines).toHaveLength(2);
    const [first, second] = open.matchLines as [number, number];
    expect(open.lines[first]).toContain('\x1b[7mvolcano\x1b[27m');
    expect(f.controller.state.articleScroll).toBe(0);
    f.press('n');
    expect(f.controller.state.articleScroll).toBe(first - 2);
    expect(f.controller.state.status).toBe('Match 1 of 2 lines.');
    f.press('n');
    expect(f.controller.state.articleScroll).toBe(second - 2);
    f.press('n');
    expect(f.controller.state.status).toBe('No more matches below.');
    f.press('N');
    expect(f.controller.state.articleScroll).toBe(first - 2);
    f.press('N');
    expect(f.controller.state.status).toBe('No more matches above.');
    expect(f.controller.openArticle()!.row.title).toBe('Story number 1');
  });

  it('keeps n and N for the next unread article when no search is in force', () => {
    const f = searchFixture();
    f.press('enter');
    const first = f.controller.state.openId;
    expect(f.controller.openArticle()!.matchLines).toEqual([]);
    f.press('n');
    expect(f.controller.state.openId).not.toBe(first);
    expect(f.controller.state.articleScroll).toBe(0);
  });

  it('lists the matches newest first, titles and text alike', () => {
    const f = searchFixture();
    // "story" is in every title and body; "reference" in every body only.
    f.press('/', ...'reference', 'enter');
    expect(f.controller.state.list.count).toBe(9);
    const titles = f.controller.visibleRows().map((r) => r.title);
    expect(titles.slice(0, 3)).toEqual(['Story number 2', 'Story number 3', 'Story number 4']);
    f.controller.applySearch('"');
    expect(f.controller.state.list.count).toBe(0);
  });

  it('keeps the sidebar as it was counted: a search changes the list read, not the cache', () => {
    const f = searchFixture();
    f.press('f');
    const counted = f.controller.sidebarItems();
    f.press('/', ...'volcano', 'enter');
    expect(f.controller.sidebarItems()).toBe(counted);
    // A change of the cache counts it again.
    f.controller.dataChanged();
    expect(f.controller.sidebarItems()).not.toBe(counted);
  });
});

describe('saved searches', () => {
  it('are listed beside Unread and Starred with their unread counts, and open as lists of their matches', () => {
    const f = searchFixture({
      views: [
        { name: 'Volcanoes', query: 'volcano' },
        { name: 'Even \x1b[2Jstories', query: 'story "number 2"' },
      ],
    });
    f.press('f');
    const items = f.controller.sidebarItems();
    expect(items.slice(0, 5).map((i) => [i.label, i.unread])).toEqual([
      ['All articles', 10],
      ['Unread', 10],
      ['Starred', 0],
      ['Volcanoes', 1],
      ['Even stories', 1],
    ]);
    f.press('j', 'j', 'j', 'enter');
    expect(f.controller.state.scope).toMatchObject({ kind: 'view', name: 'Volcanoes' });
    expect(f.controller.state.list.count).toBe(1);
    // A saved search is a search in force: its matches are marked and n moves to them.
    f.press('enter', 'n');
    expect(f.controller.state.articleScroll).toBe(f.controller.openArticle()!.matchLines[0]! - 2);
    // Read, it counts no more.
    f.press('h', 'q', 'f');
    expect(f.controller.sidebarItems()[3]).toMatchObject({ label: 'Volcanoes', unread: 0 });
  });
});

describe('a search matching more than its list holds', () => {
  // SEARCH_CAP + 5 eruptions after the fixture's story: each newer than the last to the cache, older by date.
  function cappedFixture(settings?: Partial<Settings>) {
    const f = searchFixture(settings);
    const eruptions = Array.from({ length: SEARCH_CAP + 5 }, (_, i) => article(2000 + i, { title: `Eruption ${i}`, html: '<p>A volcano.</p>' }));
    f.store.saveFeed(FEED_B, { title: 'Beta', link: 'https://b.example/', articles: eruptions }, { etag: null, lastModified: null });
    f.store.indexForSearch();
    f.controller.dataChanged();
    return f;
  }

  it('lists the newest matches and says there are more, and G goes to the end of that list', () => {
    const f = cappedFixture();
    f.press('/', ...'volcano', 'enter');
    expect(f.controller.state.list.count).toBe(SEARCH_CAP);
    expect(f.controller.searchCapped()).toBe(true);
    expect(f.controller.state.status).toBe('More than 1,000 matches for "volcano": the newest 1,000 are listed; more words narrow the search. h clears.');
    expect(f.controller.unreadCount()).toBe(SEARCH_CAP);
    expect(f.controller.visibleRows()[0]!.title).toBe('Eruption 5');
    f.press('G');
    expect(f.controller.state.list.cursor).toBe(SEARCH_CAP - 1);
    expect(f.controller.rowAtCursor()!.title).toBe('Eruption 1004');
    // A rarer search within it is exact again.
    f.controller.applySearch('volcano "eruption 7"');
    expect(f.controller.state.list.count).toBe(1);
    expect(f.controller.searchCapped()).toBe(false);
    expect(f.controller.state.status).toBe('1 match for "volcano "eruption 7"". h clears.');
  });

  it('shows a saved search\'s unread count as "N+" when its list is capped', () => {
    const f = cappedFixture({ views: [{ name: 'Volcanoes', query: 'volcano' }] });
    const item = f.controller.sidebarItems()[3]!;
    expect(item).toMatchObject({ label: 'Volcanoes', unread: SEARCH_CAP, more: true });
    const line = sidebarLines([item], 1, 1, 30, buildTheme({}, false).paint, true)[0]!;
    expect(stripAnsi(line)).toMatch(/Volcanoes +1000\+$/);
  });
});
