/**
 * The settings' filters (core/filters.ts), in process, from the sources bundled with esbuild:
 *  1. matching: a refresh's worth of feeds with new articles, each feed judged in one vm call under
 *     the time limit, against the same expressions tested in a plain loop (what the vm costs);
 *  2. a backtracking expression: how far past its budget the vm's timeout stops it;
 *  3. lists with hidden articles: a cache of N articles, a tenth hidden by a filter, and the list
 *     queries the reader sends (a page deep in each list, counts, tags) through the real Store.
 * Usage: node source/bench/run.mjs --only filters [--filters-feeds 1000] [--filters-items 20] [--filters-articles 100000]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BENCH_DIR, bundleCore, eachOption, median, round, runAsScript } from './lib.mjs';

export const description = "the settings' filters: matching under the vm time limit, a backtracking expression, lists with hidden articles";
export const usage = '[--filters-feeds N (1000)] [--filters-items N (20)] [--filters-articles N (100000)]';

const root = path.resolve(BENCH_DIR, '../..');

async function bundle(tmp) {
  const outfile = path.join(tmp, 'filters.mjs');
  await bundleCore(root, outfile, [
    "export { applyFilters, compileFilters } from './source/core/filters.ts';",
    "export { Store } from './source/core/store.ts';",
  ]);
  // better-sqlite3 resolves from the bundle's folder: give it the repository's node_modules.
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(tmp, 'node_modules'));
  return import(pathToFileURL(outfile).href);
}

const article = (f, i) => ({
  id: `f${f}-${i}`,
  title: `Feed ${f} story ${i}: ${i % 7 === 0 ? 'Sponsored' : 'News'} about ${['rust', 'go', 'terminals', 'feeds'][i % 4]}`,
  link: `https://f${f}.example/${i}`,
  author: i % 5 === 0 ? 'Digest Bot' : 'A. Writer',
  published: new Date(Date.UTC(2026, 0, 1 + (i % 28), f % 24, i % 60)).toISOString(),
  html: `<p>Paragraph one of story ${i}, with <b>some</b> markup.</p><p>${'Words of the article. '.repeat(40)}</p>`,
  commentsUrl: '',
  commentFeedUrl: '',
  commentCount: null,
});

const SPECS = [
  { match: { title: '^feed \\d+ story \\d+: sponsored' }, action: 'hide' },
  { match: { author: 'bot' }, action: 'read' },
  { match: { title: 'terminals', feed: 'f1\\d\\.example' }, action: 'star' },
  { match: { tag: '^tech$', title: '\\brust\\b' }, action: 'tag:rust' },
];
const WITH_TEXT = [...SPECS, { match: { text: 'words of the article\\. words' }, action: 'tag:long' }];

/** The same expressions, tested in a plain loop: what matching costs without the vm. */
function plainMatch(filters, feed, articles) {
  let hits = 0;
  for (const f of filters) {
    if (f.match.feed && !feed.names.some((n) => f.match.feed.test(n))) continue;
    if (f.match.tag && !feed.tags.some((t) => f.match.tag.test(t))) continue;
    for (const a of articles) if ((!f.match.title || f.match.title.test(a.title)) && (!f.match.author || f.match.author.test(a.author))) hits++;
  }
  return hits;
}

export async function run({ log = () => {}, argv = [] } = {}) {
  const opts = { feeds: 1000, items: 20, articles: 100_000 };
  eachOption(argv, (key, { int }) => {
    if (key === '--filters-feeds') opts.feeds = int();
    else if (key === '--filters-items') opts.items = int();
    else if (key === '--filters-articles') opts.articles = int();
  });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'broadsheet-bench-filters-'));
  const rows = [];
  try {
    const lib = await bundle(tmp);
    const feeds = Array.from({ length: opts.feeds }, (_, f) => ({
      feed: { names: [`https://f${f}.example/feed`, `Feed ${f}`], tags: f % 2 ? ['tech'] : [] },
      articles: Array.from({ length: opts.items }, (_, i) => article(f, i)),
    }));
    log(`filters: matching ${opts.feeds} feeds x ${opts.items} new articles`);
    for (const [label, specs] of [
      [`${SPECS.length} filters (title, author, feed, tag)`, SPECS],
      [`${WITH_TEXT.length} filters, one on the text`, WITH_TEXT],
    ]) {
      const filters = lib.compileFilters(specs);
      const times = { vm: [], plain: [] };
      for (let round_ = 0; round_ < 3; round_++) {
        let started = performance.now();
        let marked = 0;
        for (const { feed, articles } of feeds) marked += lib.applyFilters(filters, feed, articles).decisions.size;
        times.vm.push(performance.now() - started);
        started = performance.now();
        for (const { feed, articles } of feeds) plainMatch(filters, feed, articles);
        times.plain.push(performance.now() - started);
        if (round_ === 0) log(`  ${label}: ${marked} articles marked`);
      }
      rows.push({
        table: 'matching (all feeds, median of 3)',
        filters: label,
        feeds: opts.feeds,
        'articles/feed': opts.items,
        'vm ms': round(median(times.vm)),
        'vm ms/feed': round(median(times.vm) / opts.feeds, 3),
        'plain loop ms (title/author only)': round(median(times.plain)),
      });
    }

    log('filters: a backtracking expression');
    for (const [pattern, subject] of [
      ['(a+)+$', { title: `${'a'.repeat(50_000)}b` }],
      ['(x+x+)+y', { title: 'x'.repeat(50_000) }],
    ]) {
      const filters = lib.compileFilters([{ match: { title: pattern }, action: 'hide' }]);
      const overshoot = [];
      let warning = '';
      for (let i = 0; i < 3; i++) {
        const started = performance.now();
        const result = lib.applyFilters(filters, { names: [], tags: [] }, [{ ...article(0, 0), ...subject }]);
        overshoot.push(performance.now() - started);
        warning = result.warnings[0] ?? '(none)';
      }
      rows.push({
        table: 'backtracking expression, 50 KB title (3 runs)',
        pattern,
        'elapsed ms (median)': round(median(overshoot)),
        'max ms': round(Math.max(...overshoot)),
        warning,
      });
    }

    log(`filters: a cache of ${opts.articles} articles, a tenth hidden`);
    const store = lib.Store.open(path.join(tmp, 'cache.db'));
    const feedCount = 100;
    const perFeed = Math.ceil(opts.articles / feedCount);
    store.syncFeeds(Array.from({ length: feedCount }, (_, f) => ({ url: `https://f${f}.example/feed`, tags: f % 2 ? ['tech'] : [] })));
    const now = Date.UTC(2026, 5, 1);
    for (let f = 0; f < feedCount; f++) {
      const articles = Array.from({ length: perFeed }, (_, i) => ({ ...article(f, i), html: '<p>x</p>' }));
      const marks = new Map(articles.filter((_, i) => i % 10 === 3).map((a) => [a, { hidden: true, read: true, starred: false, tags: [] }]));
      for (const [i, a] of articles.entries()) if (i % 10 === 5) marks.set(a, { hidden: false, read: false, starred: false, tags: ['later'] });
      await store.saveFeedInSteps(`https://f${f}.example/feed`, { title: `Feed ${f}`, link: '', articles }, { etag: null, lastModified: null, now, marks });
    }
    store.optimize();
    const time = (fn) => {
      const times = [];
      for (let i = 0; i < 15; i++) {
        const started = performance.now();
        fn();
        times.push(performance.now() - started);
      }
      return round(median(times), 2);
    };
    const feedId = store.feeds()[0].id;
    for (const [label, scope] of [
      ['all', {}],
      ['unread', { unreadOnly: true }],
      ['one feed', { feedId }],
      ['tag of feeds (tech)', { tag: 'tech' }],
      ['tag of articles (later)', { tag: 'later' }],
    ]) {
      const total = store.count(scope);
      rows.push({
        table: `lists with hidden articles (${opts.articles} stored, median of 15)`,
        list: label,
        rows: total,
        'count ms': time(() => store.count(scope)),
        'first page ms': time(() => store.articles(scope, { offset: 0, limit: 37, total })),
        'middle page ms': time(() => store.articles(scope, { offset: Math.floor(total / 2) - 40, limit: 37, total })),
      });
    }
    rows.push({ table: `lists with hidden articles (${opts.articles} stored, median of 15)`, list: 'sidebar tags()', 'count ms': time(() => store.tags()) });
    store.close();
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return rows;
}

await runAsScript(import.meta.url, run);
