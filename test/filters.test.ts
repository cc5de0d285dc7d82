/**
 * The settings' filters: how a bad one is reported, what each matches and does, that no expression
 * can hang a refresh, and how the cache keeps what they decide (hidden articles out of every list and
 * count, tagged ones in the tag's view) without losing the list indexes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyFilters, budgetMs, compileFilters, type FilterFeed } from '../source/core/filters.js';
import { filtersProblem, type FilterSpec } from '../source/core/filter-specs.js';
import { loadSettings, resolveHome, SettingsError, type Home } from '../source/core/settings.js';
import { Store } from '../source/core/store.js';
import { inlinePool } from '../source/core/workers.js';
import { refreshSummaryLine } from '../source/core/refresh-summary.js';
import type { RefreshSummary } from '../source/core/refresh.js';
import type { Article } from '../source/core/types.js';

let dir: string;
let home: Home;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-filters-'));
  home = resolveHome(dir);
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const article = (n: number, extra: Partial<Article> = {}): Article => ({
  id: `guid-${n}`,
  title: `Article ${n}`,
  link: `https://example.org/${n}`,
  author: 'A. Writer',
  published: new Date(Date.UTC(2026, 10, 1 + (n % 28), n % 24)).toISOString(),
  html: `<p>Body ${n}</p>`,
  commentsUrl: '',
  commentFeedUrl: '',
  commentCount: null,
  ...extra,
});
const FEED: FilterFeed = { names: ['https://a.example/feed', 'Alpha News'], tags: ['tech', 'daily'] };
const verdicts = (specs: FilterSpec[], articles: Article[], feed = FEED) => {
  const { decisions, warnings } = applyFilters(compileFilters(specs), feed, articles);
  return { marks: articles.map((a) => decisions.get(a)), warnings };
};

describe('filters in the settings file', () => {
  const load = (filters: unknown) => {
    fs.writeFileSync(home.configPath, JSON.stringify({ feeds: [], filters }));
    try {
      loadSettings(home);
    } catch (error) {
      return error as Error;
    }
    return null;
  };

  it('loads good filters as written', () => {
    const filters = [{ match: { title: 'sponsored', feed: 'alpha' }, action: 'hide' }];
    fs.writeFileSync(home.configPath, JSON.stringify({ filters }));
    expect(loadSettings(home).settings.filters).toEqual(filters);
    fs.writeFileSync(home.configPath, '{}');
    expect(loadSettings(home).settings.filters).toEqual([]);
  });

  it('names the file, the filter and the key of an expression that does not compile', () => {
    const error = load([
      { match: { title: 'ok' }, action: 'read' },
      { match: { author: 'fine' }, action: 'star' },
      { match: { feed: 'x', title: '(unclosed' }, action: 'hide' },
    ]);
    expect(error).toBeInstanceOf(SettingsError);
    expect(error!.message).toBe(`${home.configPath}: filters[2].match.title: invalid regular expression: /(unclosed/i: Unterminated group`);
  });

  it('refuses an unknown action, an empty match and an unknown match key', () => {
    expect(load([{ match: { title: 'a' }, action: 'delete' }])!.message).toBe(
      `${home.configPath}: filters[0].action: must be "hide", "read", "star" or "tag:NAME" (got "delete")`,
    );
    expect(load([{ match: { title: 'a' }, action: 'tag:' }])!.message).toMatch(/filters\[0\]\.action: must be/);
    expect(load([{ match: {}, action: 'hide' }])!.message).toBe(`${home.configPath}: filters[0].match: needs at least one of feed, tag, title, author, text`);
    const unknown = load([{ match: { link: 'a' }, action: 'hide' }])!;
    expect(unknown).toBeInstanceOf(SettingsError);
    expect(unknown.message).toBe(`${home.configPath}: filters.0.match has an unknown key ("link")`);
    expect(load([{ match: { title: 3 }, action: 'hide' }])!.message).toMatch(/filters\.0\.match\.title must be string/);
  });

  it('checks every filter, not only the first', () => {
    expect(filtersProblem([{ match: { title: 'a' }, action: 'hide' }])).toBeNull();
    expect(
      filtersProblem([
        { match: { title: 'a' }, action: 'hide' },
        { match: { text: '[z-a]' }, action: 'hide' },
      ]),
    ).toMatch(/^filters\[1\]\.match\.text: invalid regular expression: .*out of order/);
  });
});

describe('applyFilters', () => {
  it('searches each field ignoring case, anywhere in it', () => {
    const articles = [article(1, { title: 'A SPONSORED post' }), article(2, { title: 'Sponsor' }), article(3, { title: 'Regular' })];
    const { marks } = verdicts([{ match: { title: 'sponsored' }, action: 'read' }], articles);
    expect(marks.map((m) => m?.read ?? false)).toEqual([true, false, false]);
  });

  it('does what each action says: hide (and read), read, star, tag:NAME', () => {
    const a = article(1, { title: 'hide me' });
    const b = article(2, { title: 'read me' });
    const c = article(3, { title: 'star me' });
    const d = article(4, { title: 'tag me' });
    const specs: FilterSpec[] = [
      { match: { title: '^hide' }, action: 'hide' },
      { match: { title: '^read' }, action: 'read' },
      { match: { title: '^star' }, action: 'star' },
      { match: { title: '^tag' }, action: 'tag:later' },
      { match: { title: 'me$' }, action: 'tag:all' },
    ];
    const { marks } = verdicts(specs, [a, b, c, d]);
    expect(marks).toEqual([
      { hidden: true, read: true, starred: false, tags: ['all'] },
      { hidden: false, read: true, starred: false, tags: ['all'] },
      { hidden: false, read: false, starred: true, tags: ['all'] },
      { hidden: false, read: false, starred: false, tags: ['later', 'all'] },
    ]);
  });

  it('needs every key given to match (AND)', () => {
    const articles = [
      article(1, { title: 'Release notes', author: 'Bot' }),
      article(2, { title: 'Release notes', author: 'Ann' }),
      article(3, { title: 'Essay', author: 'Bot' }),
    ];
    const { marks } = verdicts([{ match: { title: 'release', author: '^bot$' }, action: 'hide' }], articles);
    expect(marks.map((m) => m?.hidden ?? false)).toEqual([true, false, false]);
  });

  it('matches `feed` against the feed URL or its title, and `tag` against the feed tags', () => {
    const one = [article(1)];
    const hit = (match: FilterSpec['match'], feed = FEED) => verdicts([{ match, action: 'star' }], one, feed).marks[0]?.starred ?? false;
    expect(hit({ feed: 'a\\.example' })).toBe(true);
    expect(hit({ feed: 'alpha news' })).toBe(true);
    expect(hit({ feed: 'beta' })).toBe(false);
    expect(hit({ tag: '^TECH$' })).toBe(true);
    expect(hit({ tag: '^tec$' })).toBe(false);
    expect(hit({ tag: 'tech' }, { names: ['https://b.example/'], tags: [] })).toBe(false);
    expect(hit({ feed: 'alpha', tag: 'daily', title: 'article 1' })).toBe(true);
    expect(hit({ feed: 'alpha', tag: 'weekly', title: 'article 1' })).toBe(false);
  });

  it('matches `text` against the article text with the HTML stripped', () => {
    const articles = [article(1, { html: '<p>Buy <b>now</b> &amp; save</p>' }), article(2, { html: '<p class="buy-now">Nothing to sell</p>' })];
    const { marks } = verdicts([{ match: { text: 'buy now & save' }, action: 'hide' }], articles);
    expect(marks.map((m) => m?.hidden ?? false)).toEqual([true, false]);
    // The markup itself is not text: an attribute does not match.
    expect(verdicts([{ match: { text: 'buy-now' }, action: 'hide' }], articles).marks).toEqual([undefined, undefined]);
  });
});

describe('an expression that backtracks without end', () => {
  // 50 KB subjects on which these take minutes without the timeout: (a+)+$ against a's ending in b,
  // (x+x+)+y against x's with no y. The bound of 10 s is no speed check: unprotected, they never end.
  const longTitle = `${'a'.repeat(50_000)}b`;
  const longText = `<p>${'x'.repeat(50_000)}</p>`;

  it('is stopped within its budget and skipped for that feed, with one warning naming it; the other filters still apply', () => {
    const articles = [article(1, { title: longTitle, html: longText }), article(2, { title: 'sponsored' })];
    const specs: FilterSpec[] = [
      { match: { title: 'sponsored' }, action: 'star' },
      { match: { title: '(a+)+$' }, action: 'hide' },
      { match: { text: '(x+x+)+y' }, action: 'hide' },
      { match: { title: 'a{3}' }, action: 'tag:long' },
    ];
    const started = performance.now();
    const { marks, warnings } = verdicts(specs, articles);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(10_000);
    expect(warnings).toEqual([
      `filters[1] took too long (over ${budgetMs(longTitle.length + 'sponsored'.length)} ms) and was skipped for this feed`,
      expect.stringMatching(/^filters\[2\] took too long \(over 20\d ms\) and was skipped for this feed$/),
    ]);
    expect(marks).toEqual([
      { hidden: false, read: false, starred: false, tags: ['long'] },
      { hidden: false, read: false, starred: true, tags: [] },
    ]);
  }, 30_000);

  it('does not hang the save path of a refresh either', async () => {
    const store = Store.open(path.join(dir, 'cache.db'));
    try {
      const url = 'https://a.example/feed';
      store.syncFeeds([{ url }]);
      const rss = `<?xml version="1.0"?><rss version="2.0"><channel><title>A</title><link>https://a.example/</link>
        <item><title>${longTitle}</title><guid>long</guid><link>https://a.example/1</link></item>
        <item><title>ok</title><guid>ok</guid><link>https://a.example/2</link></item></channel></rss>`;
      const started = performance.now();
      const saved = await inlinePool(store).parseAndSave(new TextEncoder().encode(rss), 'application/rss+xml', url, {
        feedUrl: url,
        etag: null,
        lastModified: null,
        now: Date.now(),
        filters: [{ match: { title: '(a+)+$' }, action: 'hide' }],
      });
      expect(performance.now() - started).toBeLessThan(10_000);
      expect(saved).toMatchObject({ added: 2, filterWarnings: [expect.stringMatching(/^filters\[0\] took too long/)] });
      expect(store.count({})).toBe(2);
    } finally {
      store.close();
    }
  }, 30_000);
});

describe('a skipped filter in the refresh summary', () => {
  const summary = (filterWarnings?: string[]): RefreshSummary => ({
    total: 2,
    updated: 2,
    recovered: 0,
    notModified: 0,
    skipped: 0,
    failed: [],
    added: 3,
    removed: 0,
    bytes: 0,
    parseMs: 0,
    elapsedMs: 0,
    ...(filterWarnings ? { filterWarnings } : {}),
  });
  it("is named on the reader's status line, which has no stderr beside it", () => {
    const one = ['https://a.example/feed: filters[1] took too long (over 200 ms) and was skipped for this feed'];
    expect(refreshSummaryLine(summary(one), { firstFailure: true })).toBe(
      '2 feeds: 2 updated, 0 unchanged, 0 failed; 3 new articles; https://a.example/feed: filters[1] took too long (over 200 ms) and was skipped for this feed',
    );
    expect(refreshSummaryLine(summary([...one, 'https://b.example/feed: filters[1] …']), { firstFailure: true })).toMatch(/skipped for this feed; …$/);
    // `refresh` prints each on stderr as it happens: its summary line stays as it was.
    expect(refreshSummaryLine(summary(one))).toBe('2 feeds: 2 updated, 0 unchanged, 0 failed; 3 new articles');
  });
});

describe('what the cache keeps of the filters', () => {
  const URL_A = 'https://a.example/feed';
  const URL_B = 'https://b.example/feed';
  let store: Store;
  beforeEach(() => {
    store = Store.open(path.join(dir, 'cache.db'));
    store.syncFeeds([
      { url: URL_A, tags: ['tech'] },
      { url: URL_B, title: 'Beta' },
    ]);
  });
  afterEach(() => store.close());

  const rss = (items: { guid: string; title: string }[]) =>
    new TextEncoder().encode(`<?xml version="1.0"?><rss version="2.0"><channel><title>Feed</title><link>https://x.example/</link>
      ${items.map((i, n) => `<item><title>${i.title}</title><guid>${i.guid}</guid><link>https://x.example/${i.guid}</link><pubDate>${new Date(Date.UTC(2026, 0, 1 + n)).toUTCString()}</pubDate></item>`).join('')}
      </channel></rss>`);
  const FILTERS: FilterSpec[] = [
    { match: { title: 'spam' }, action: 'hide' },
    { match: { title: 'digest' }, action: 'read' },
    { match: { title: 'must read' }, action: 'star' },
    { match: { title: 'rust', feed: 'beta' }, action: 'tag:rust' },
  ];
  const refresh = (url: string, items: { guid: string; title: string }[], filters = FILTERS) =>
    inlinePool(store).parseAndSave(rss(items), 'application/rss+xml', url, { feedUrl: url, etag: null, lastModified: null, now: Date.now(), filters });
  const titles = (scope: Parameters<Store['articles']>[0]) =>
    store
      .articles(scope, { limit: 100 })
      .map((r) => r.title)
      .sort();

  it('stores hidden articles out of every list and count, and never as new again', async () => {
    const items = [
      { guid: '1', title: 'spam offer' },
      { guid: '2', title: 'weekly digest' },
      { guid: '3', title: 'must read' },
      { guid: '4', title: 'plain' },
    ];
    const first = await refresh(URL_A, items);
    expect(first).toMatchObject({ added: 3, updated: 0, hidden: 1 });
    expect(titles({})).toEqual(['must read', 'plain', 'weekly digest']);
    expect(titles({ unreadOnly: true })).toEqual(['must read', 'plain']);
    expect(titles({ starredOnly: true })).toEqual(['must read']);
    expect(titles({ feedId: store.feed(URL_A)!.id })).toEqual(['must read', 'plain', 'weekly digest']);
    expect(titles({ tag: 'tech' })).toEqual(['must read', 'plain', 'weekly digest']);
    expect(titles({ search: 'spam' })).toEqual([]);
    expect(store.count({})).toBe(3);
    expect(store.feed(URL_A)).toMatchObject({ unread: 2, total: 3 });
    expect(store.tags()).toEqual([{ tag: 'tech', unread: 2 }]);

    // The next refresh finds the hidden one stored: not new, not shown, still hidden.
    const again = await refresh(URL_A, [...items, { guid: '5', title: 'more spam' }]);
    expect(again).toMatchObject({ added: 0, updated: 0, hidden: 1 });
    expect(store.count({})).toBe(3);
    // Even without the filter now: what was hidden stays hidden, and an edited item is not new.
    const edited = await refresh(URL_A, [{ guid: '1', title: 'spam offer, edited' }], []);
    expect(edited).toEqual({ added: 0, updated: 1, items: 1, broken: false, parseMs: expect.any(Number) });
    expect(titles({})).toEqual(['must read', 'plain', 'weekly digest']);
  });

  it('applies only to new articles: marks the user made are never touched', async () => {
    await refresh(URL_A, [{ guid: '1', title: 'plain' }], []);
    const [row] = store.articles({}, { limit: 1 });
    store.setStarred([row!.id], true);
    await refresh(URL_A, [{ guid: '1', title: 'now spam' }]);
    expect(store.article(row!.id)).toMatchObject({ title: 'now spam', read: false, starred: true });
    expect(store.count({})).toBe(1);
  });

  it('keeps a hidden article read, so the unread indexes never hold one', async () => {
    await refresh(URL_A, [{ guid: '1', title: 'spam' }]);
    const id = (store.db.prepare('SELECT id FROM articles WHERE hidden = 1').get() as { id: number }).id;
    expect(store.setRead([id], false)).toBe(0);
    expect(store.db.prepare('SELECT read FROM articles WHERE id = ?').get(id)).toEqual({ read: 1 });
  });

  it("gives articles tags that the sidebar lists and the tag's view finds", async () => {
    await refresh(URL_B, [
      { guid: '1', title: 'Rust 2.0' },
      { guid: '2', title: 'Go 2.0' },
    ]);
    await refresh(URL_A, [{ guid: '1', title: 'rust on feed A' }]);
    // Only Beta's matched (`feed` is "beta": its settings title).
    expect(titles({ tag: 'rust' })).toEqual(['Rust 2.0']);
    expect(store.tags()).toEqual([
      { tag: 'rust', unread: 1 },
      { tag: 'tech', unread: 1 },
    ]);
    store.setRead(
      store.articles({ tag: 'rust' }, { limit: 10 }).map((r) => r.id),
      true,
    );
    expect(store.tags()).toEqual([
      { tag: 'rust', unread: 0 },
      { tag: 'tech', unread: 1 },
    ]);
  });

  it('keeps every list query on its index (the queries lists.ts really sends)', async () => {
    await refresh(
      URL_A,
      Array.from({ length: 300 }, (_, i) => ({ guid: `a${i}`, title: i % 10 === 0 ? `spam ${i}` : `item ${i}` })),
    );
    await refresh(
      URL_B,
      Array.from({ length: 100 }, (_, i) => ({ guid: `b${i}`, title: `rust ${i}` })),
    );
    store.db.exec('ANALYZE');
    const sent: string[] = [];
    const prepare = store.db.prepare.bind(store.db);
    store.db.prepare = ((sql: string) => {
      sent.push(sql);
      return prepare(sql);
    }) as typeof store.db.prepare;
    // The page query reads its rows' columns from the table; the rows OFFSET skips are judged from the
    // index alone when the same query asking only for ids is answered from it ("COVERING").
    const plan = (scope: Parameters<Store['articles']>[0], params: unknown[]) => {
      sent.length = 0;
      store.articles(scope, { offset: 50, limit: 20 });
      const sql = sent.find((s) => s.includes('ORDER BY'))!;
      const explain = (text: string) => (prepare(`EXPLAIN QUERY PLAN ${text}`).all(...params, 20, 50) as { detail: string }[]).map((r) => r.detail).join(' | ');
      return `${explain(sql)} || ${explain(sql.replace(/^SELECT [\s\S]*? FROM articles a/, 'SELECT a.id FROM articles a'))}`;
    };
    const all = plan({}, []);
    expect(all).toMatch(/COVERING INDEX articles_by_time/);
    expect(all).not.toMatch(/TEMP B-TREE/);
    expect(plan({ unreadOnly: true }, [])).toMatch(/COVERING INDEX articles_unread_by_time/);
    const feedId = store.feed(URL_A)!.id;
    const byFeed = plan({ feedId }, [feedId]);
    expect(byFeed).toMatch(/articles_by_feed_time/);
    expect(byFeed).not.toMatch(/TEMP B-TREE/);
    const byTag = plan({ tag: 'rust' }, ['rust', 'rust']);
    expect(byTag).toMatch(/COVERING INDEX articles_by_time/);
    expect(byTag).not.toMatch(/TEMP B-TREE/);
    expect(store.count({})).toBe(370);
  });
});
