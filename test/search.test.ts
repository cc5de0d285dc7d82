import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SEARCH_CAP, Store } from '../source/core/store.js';
import { indexedQuery } from '../source/core/store/search.js';
import { decodeFeedBytes } from '../source/core/charset.js';
import { parseFeedSync } from '../source/core/parse.js';
import type { Article, ParsedFeed } from '../source/core/types.js';

let dir: string;
let store: Store;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-search-'));
  store = Store.open(path.join(dir, 'cache.db'));
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const CHINESE = 'https://zh.example/feed';
const RUSSIAN = 'https://ru.example/feed';
const ENGLISH = 'https://en.example/feed';

/** Real feeds of the corpus (test/fixtures/SOURCES.md): a gb2312 Chinese forum and a windows-1251 Russian news site. */
function corpusFeed(file: string): ParsedFeed {
  return parseFeedSync(decodeFeedBytes(fs.readFileSync(path.join(import.meta.dirname, 'fixtures/encoding', file)), null), 'https://x.example/');
}

const article = (n: number, title: string, html: string): Article => ({
  id: `guid-${n}`,
  title,
  link: `https://en.example/${n}`,
  author: '',
  published: new Date(Date.UTC(2026, 10, n)).toISOString(),
  html,
  commentsUrl: '',
  commentFeedUrl: '',
  commentCount: null,
});
const feed = (articles: Article[]): ParsedFeed => ({ title: 'English', link: 'https://en.example/', articles });
const save = (url: string, parsed: ParsedFeed) => {
  const saved = store.saveFeed(url, parsed, { etag: null, lastModified: null });
  // As a refresh does when it is done (core/refresh.ts).
  store.indexForSearch();
  return saved;
};
const titles = (search: string) => store.articles({ search }, { limit: 100 }).map((a) => a.title);

describe('search in Chinese and Russian', () => {
  beforeEach(() => {
    store.syncFeeds([{ url: CHINESE }, { url: RUSSIAN }]);
    save(CHINESE, corpusFeed('gb2312-kc0011.rss'));
    save(RUSSIAN, corpusFeed('windows-1251-iconv.xml'));
  });

  it('finds a Chinese word inside a run of Han characters, in the title and in the text', () => {
    // 南京 is two characters inside 出南京泰山5盒: no space marks it as a word.
    expect(titles('南京').sort()).toEqual(['出南京泰山5盒，原盒看图', '南京版泰山6桶'].sort());
    // In the text only (江浙沪包邮, "free post to Jiangsu, Zhejiang, Shanghai"), in three of the twenty.
    expect(titles('江浙沪').sort()).toEqual(['出南京泰山5盒，原盒看图', '南京版泰山6桶', '70币美品3盒'].sort());
    // The characters of a word in their order, next to each other: 京泰 once, 泰京 never.
    expect(titles('京泰')).toEqual(['出南京泰山5盒，原盒看图']);
    expect(titles('泰京')).toEqual([]);
    expect(titles('品相 江浙沪').sort()).toEqual(['出南京泰山5盒，原盒看图', '70币美品3盒'].sort());
  });

  it('finds Russian words as prefixes, whatever their case', () => {
    const oren = titles('оренбург');
    expect(oren).toContain('ЧОПовцы в Оренбурге избили молодого человека');
    expect(oren).toContain('Профилактическое мероприятие "Горка" прошло в Оренбургской области');
    expect(titles('БУЗУЛУК')).toEqual(['В Бузулуке главные стройплощадки – детсад и Ледовый дворец']);
    // In the text only, and an entity-encoded bracket beside it: "&#40;видео&#41;".
    expect(titles('Видео')).toEqual(['ЧОПовцы в Оренбурге избили молодого человека']);
  });

  it('matches quoted phrases exactly, and ANDs words', () => {
    expect(titles('"детского сада"')).toEqual(['В Бузулуке главные стройплощадки – детсад и Ледовый дворец']);
    expect(titles('"сада детского"')).toEqual([]);
    expect(titles('оренбург героин')).toEqual([]);
    expect(titles('оренбуржца героин')).toEqual(['Два оренбуржца перевозили героин в автомобиле']);
  });
});

describe('search syntax', () => {
  it('never hands the user an FTS5 syntax error', () => {
    store.syncFeeds([{ url: ENGLISH }]);
    save(ENGLISH, feed([article(1, 'AND then NEAR', '<p>title: colons and "quotes"</p>')]));
    for (const query of ['"', 'AND(', '(', ')', '*', 'NEAR(', 'title:', '-x', 'a OR', '"unclosed phrase', '^', "'", 'x AND', 'NOT']) {
      expect(() => store.articles({ search: query }, { limit: 10 }), query).not.toThrow();
      expect(() => store.count({ search: query }), query).not.toThrow();
      expect(() => store.search(query, {}, { limit: 10 }), query).not.toThrow();
    }
    // Operators are words like any other.
    expect(titles('AND(')).toEqual(['AND then NEAR']);
    expect(titles('near')).toEqual(['AND then NEAR']);
    expect(titles('"')).toEqual([]);
  });
});

describe('the search index follows the articles', () => {
  beforeEach(() => store.syncFeeds([{ url: ENGLISH }]));

  it('indexes the text, not the markup, and follows changes of title and text', () => {
    save(
      ENGLISH,
      feed([article(1, 'Volcano erupts', '<p class="lede">Lava <b>reach</b>ed the <a href="https://sea.example/">sea</a></p><script>secretword()</script>')]),
    );
    expect(titles('lava reached')).toEqual(['Volcano erupts']);
    expect(titles('lede')).toEqual([]);
    expect(titles('href')).toEqual([]);
    expect(titles('secretword')).toEqual([]);
    save(ENGLISH, feed([article(1, 'Glacier melts', '<p>Ice met the sea</p>')]));
    expect(titles('volcano')).toEqual([]);
    expect(titles('lava')).toEqual([]);
    expect(titles('glacier ice')).toEqual(['Glacier melts']);
  });

  it('leaves an unchanged article in the index untouched, and drops a deleted one', () => {
    save(ENGLISH, feed([article(1, 'Volcano erupts', '<p>Lava</p>'), article(2, 'Other', '<p>Lava too</p>')]));
    const before = store.db.prepare('SELECT count(*) AS n FROM article_search_data').get() as { n: number };
    const changes = store.db.prepare('SELECT total_changes() AS n').pluck();
    const start = changes.get() as number;
    save(ENGLISH, feed([article(1, 'Volcano erupts', '<p>Lava</p>'), article(2, 'Other', '<p>Lava too</p>')]));
    // The feed's row only: no article, body or index row was written.
    expect((changes.get() as number) - start).toBe(1);
    expect(store.db.prepare('SELECT count(*) AS n FROM article_search_data').get()).toEqual(before);
    store.db.prepare("DELETE FROM articles WHERE guid = 'guid-1'").run();
    const indexed = store.db.prepare("SELECT rowid FROM article_search WHERE article_search MATCH 'lava'").pluck().all();
    expect(indexed).toHaveLength(1);
  });

  it('counts and pages a common word and a rare one alike, without the articles of unsubscribed feeds', () => {
    const OTHER = 'https://other.example/feed';
    store.syncFeeds([{ url: ENGLISH }, { url: OTHER }]);
    // "common" in every article, "rare" in one of 400 (below one in 300: its matches drive the query).
    const many = Array.from({ length: 400 }, (_, i) => article(i + 1, `Common story ${i + 1}`, i === 123 ? '<p>a rare word</p>' : '<p>plain</p>'));
    save(ENGLISH, feed(many));
    save(OTHER, { title: 'Other', link: 'https://other.example/', articles: [article(1, 'Common other', '<p>rare too</p>')] });
    const newestFirst = (search: string, offset: number, limit: number) => store.articles({ search }, { offset, limit }).map((a) => a.title);
    expect(store.count({ search: 'common' })).toBe(401);
    expect(store.count({ search: 'rare' })).toBe(2);
    // Published a day apart, article 1 first: the newest is the highest number.
    expect(newestFirst('common', 0, 3)).toEqual(['Common story 400', 'Common story 399', 'Common story 398']);
    // From the end of the list (the second half of a known total); the same date, the later id first.
    expect(store.articles({ search: 'common' }, { offset: 398, limit: 5, total: 401 }).map((a) => a.title)).toEqual([
      'Common story 2',
      'Common other',
      'Common story 1',
    ]);
    expect(newestFirst('rare', 0, 10)).toEqual(['Common story 124', 'Common other']);
    store.syncFeeds([{ url: ENGLISH }]);
    expect(store.count({ search: 'common' })).toBe(400);
    expect(store.count({ search: 'rare' })).toBe(1);
    expect(store.count({ search: 'common', unreadOnly: true })).toBe(400);
    store.setRead([store.articles({ search: 'rare' }, { limit: 1 })[0]!.id], true);
    expect(store.count({ search: 'common', unreadOnly: true })).toBe(399);
    expect(newestFirst('common', 0, 1)).toEqual(['Common story 400']);
  });

  it('ranks the best match first for `articles --search`, the title weighted above the text', () => {
    save(
      ENGLISH,
      feed([
        article(1, 'Garden notes', '<p>Nothing about telescopes here, only a telescope mentioned once.</p>'),
        article(2, 'The telescope arrives', '<p>It came by ship.</p>'),
        article(3, 'Kitchen', '<p>Bread.</p>'),
      ]),
    );
    expect(store.search('telescope', {}, { limit: 10 }).map((a) => a.title)).toEqual(['The telescope arrives', 'Garden notes']);
    // The reader's list keeps its own order, newest first.
    expect(titles('telescope')).toEqual(['The telescope arrives', 'Garden notes']);
    expect(store.search('telescope', { unreadOnly: true }, { limit: 10, offset: 1 }).map((a) => a.title)).toEqual(['Garden notes']);
  });

  it('is built for the articles of a cache made before it, Chinese included', () => {
    store.syncFeeds([{ url: CHINESE }, { url: ENGLISH }]);
    save(CHINESE, corpusFeed('gb2312-kc0011.rss'));
    save(ENGLISH, feed([article(1, 'Volcano erupts', '<p>Lava</p>')]));
    // A cache as the schema before the index (migration 8) left it: what 8 and the later ones add, taken away.
    store.db.exec(`DROP TRIGGER articles_leave_search; DROP TABLE article_search;
      DROP TABLE sync_outbox; DROP TABLE sync_articles; DROP TABLE sync_feeds; DROP TABLE sync_state;
      DROP TABLE removed_articles; DROP INDEX articles_by_link; ALTER TABLE feeds DROP COLUMN min_reload_minutes;
      DROP TABLE search_progress;`);
    const version = store.db.pragma('user_version', { simple: true }) as number;
    store.db.pragma('user_version = 7');
    expect(() => titles('lava')).toThrow(/no such (fts5 )?table/);
    store.close();
    store = Store.open(path.join(dir, 'cache.db'));
    expect(store.db.pragma('user_version', { simple: true })).toBe(version);
    expect(titles('lava')).toEqual(['Volcano erupts']);
    expect(titles('京泰')).toEqual(['出南京泰山5盒，原盒看图']);
  });
});

describe('a common search lists its newest matches only', () => {
  const OTHER = 'https://other.example/feed';
  // SEARCH_CAP + 50 articles saying "common", one feed's items in order, so article n is the n-th first seen;
  // every 40th says "rare" too (27 of them, under the cap).
  const COUNT = SEARCH_CAP + 50;
  const titlesOf = (rows: { title: string }[]) => rows.map((r) => r.title);
  beforeEach(() => {
    store.syncFeeds([{ url: ENGLISH }, { url: OTHER }]);
    save(ENGLISH, feed(Array.from({ length: COUNT }, (_, i) => article(i + 1, `Common ${i + 1}`, (i + 1) % 40 === 0 ? '<p>rare</p>' : '<p>plain</p>'))));
  });

  it('holds the newest SEARCH_CAP matches, says it is capped, and pages to its end', () => {
    const scope = { search: 'common' };
    expect(store.count(scope)).toBe(SEARCH_CAP);
    expect(store.searchCapped(scope)).toBe(true);
    expect(titlesOf(store.articles(scope, { limit: 2 }))).toEqual([`Common ${COUNT}`, `Common ${COUNT - 1}`]);
    // G: the end of the list, counted from the end, is the oldest match it holds, not the oldest match.
    expect(titlesOf(store.articles(scope, { offset: SEARCH_CAP - 2, limit: 37, total: SEARCH_CAP }))).toEqual(['Common 52', 'Common 51']);
    expect(titlesOf(store.articles(scope, { offset: SEARCH_CAP - 2, limit: 37 }))).toEqual(['Common 52', 'Common 51']);
    const older = store.articles({}, { offset: COUNT - 1, limit: 1 })[0]!;
    expect(older.title).toBe('Common 1');
    expect(store.position(scope, older.id)).toBe(-1);
    expect(store.position(scope, store.articles(scope, { offset: 5, limit: 1 })[0]!.id)).toBe(5);
    // A rarer search stays exact.
    expect(store.count({ search: 'rare' })).toBe(Math.floor(COUNT / 40));
    expect(store.searchCapped({ search: 'rare' })).toBe(false);
    // bm25 ranks the list's matches, no others.
    expect(store.search('common', {}, { limit: 2 * COUNT })).toHaveLength(SEARCH_CAP);
    expect(titlesOf(store.search('common', {}, { limit: 2 * COUNT }))).not.toContain('Common 1');
  });

  it('caps after the rest of the scope: a feed, hidden articles, unread only', () => {
    save(OTHER, {
      title: 'Other',
      link: 'https://other.example/',
      articles: Array.from({ length: 20 }, (_, i) => article(i + 1, `Other common ${i + 1}`, '')),
    });
    const other = store.feeds().find((f) => f.url === OTHER)!.id;
    // The other feed's 20 were seen last: the newest matches of everything, and all of their own feed's.
    expect(store.count({ search: 'common', feedId: other })).toBe(20);
    expect(store.searchCapped({ search: 'common', feedId: other })).toBe(false);
    const all = store.articles({ search: 'common' }, { limit: SEARCH_CAP });
    expect(all.filter((r) => r.feedId === other)).toHaveLength(20);
    expect(Math.min(...all.filter((r) => r.feedId !== other).map((r) => Number(r.title.split(' ')[1])))).toBe(71);
    const english = store.feeds().find((f) => f.url === ENGLISH)!.id;
    expect(store.count({ search: 'common', feedId: english })).toBe(SEARCH_CAP);
    expect(store.articles({ search: 'common', feedId: english }, { offset: SEARCH_CAP - 1, limit: 1 })[0]!.title).toBe('Common 51');

    // Hidden articles (a filter's; read too) are in no list, and the cap counts the others.
    store.db.exec(`UPDATE articles SET hidden = 1, read = 1 WHERE feed_id = ${other}`);
    expect(store.count({ search: 'common' })).toBe(SEARCH_CAP);
    expect(store.articles({ search: 'common' }, { offset: SEARCH_CAP - 1, limit: 1 })[0]!.title).toBe('Common 51');
    expect(store.count({ search: 'common', feedId: other })).toBe(0);

    // Read the 100 newest: the unread list is the newest unread matches, the list's unread count those it holds.
    const newest = store.articles({ search: 'common' }, { limit: 100 }).map((r) => r.id);
    store.setRead(newest, true);
    expect(store.count({ search: 'common' }, { unread: true })).toBe(SEARCH_CAP - 100);
    expect(store.count({ search: 'common', unreadOnly: true })).toBe(SEARCH_CAP - 50);
    expect(store.searchCapped({ search: 'common', unreadOnly: true })).toBe(false);
    expect(store.articles({ search: 'common' }, { limit: 1, unread: true })[0]!.title).toBe(`Common ${COUNT - 100}`);
    // Marking the list read marks what it holds, not the older matches it does not list.
    expect(store.markScopeRead({ search: 'common' })).toHaveLength(SEARCH_CAP - 100);
    expect(store.count({ unreadOnly: true })).toBe(50);
    const last = store.articles({ search: 'common' }, { offset: SEARCH_CAP - 1, limit: 1 })[0]!;
    expect(store.neighbourUnread({ search: 'common' }, last.id, 1)).toBeUndefined();
  });
});

describe('prefixes spelled out as the words the index holds', () => {
  it('finds what the prefix finds, accents folded, and leaves a prefix of many words to FTS5', () => {
    const many = Array.from({ length: 20 }, (_, i) => article(i + 10, `Pre${i}x notes`, ''));
    save(ENGLISH, feed([article(1, 'Zeta one', ''), article(2, 'Zetas two', '<p>Café zetan</p>'), article(3, 'Other', ''), ...many]));
    expect(indexedQuery(store.db, 'zet')).toBe('("zeta" OR "zetan" OR "zetas")');
    expect(titles('zet')).toEqual(['Zetas two', 'Zeta one']);
    expect(indexedQuery(store.db, 'caf')).toBe('"cafe"');
    expect(titles('caf')).toEqual(['Zetas two']);
    // No word starts with it: nothing matches.
    expect(indexedQuery(store.db, 'zzz')).toBe('"zzz"');
    expect(titles('zzz')).toEqual([]);
    // 20 words start with "pre": more than are spelled out, so FTS5 takes the prefix as it is.
    expect(indexedQuery(store.db, 'pre notes')).toBe('"pre"* AND "notes"');
    expect(store.count({ search: 'pre notes' })).toBe(20);
    // Phrases and other scripts are never spelled out.
    expect(indexedQuery(store.db, '"zeta one" café')).toBe('"zeta one" AND "café"*');
  });
});
