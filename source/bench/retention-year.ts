#!/usr/bin/env -S npx tsx
/**
 * A year of daily use in one cache, then the retention pass over it (retention.mjs runs this).
 *
 * The cache: --feeds feeds (1,000), each publishing --per-day articles a day (10) for --days days (365),
 * first seen an hour after publication (a daily refresh), with ~--body-bytes of HTML (2,000, the feed
 * farm's size). Everything older than two days is read but --unread-frac (5%); --star-frac (0.5%) is
 * starred. As a reader leaves it: 3% of the read articles have their three lookups cached and 1% a
 * discussion (~20 KB); the --full-text-feeds feeds (10) have every article's page cached (~20 KB).
 * Written through the Store's schema (a new cache: incremental vacuum), rows inserted day by day.
 *
 * Then, with the default `keep` unless --keep-days/--keep-per-feed: (1) the first pass over the whole
 * year (a cache from before retention, or `keep` just lowered), (2) the next day's pass (one more day
 * of articles, the previous day's read): time, the event loop's longest delay meanwhile, the file
 * before and after (after a checkpoint, as closing does), articles and tombstones.
 *
 * Usage: npx tsx source/bench/retention-year.ts --out DIR [options]; prints one JSON line.
 */
import fs from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { runRetention, type RetentionSummary } from '../core/retention.js';
import { DEFAULTS } from '../core/settings.js';
import { Store } from '../core/store.js';
import { prng } from './prng.mjs';

const DAY = 24 * 60 * 60 * 1000;
const HOUR = 60 * 60 * 1000;

interface Options {
  out: string;
  feeds: number;
  perDay: number;
  days: number;
  bodyBytes: number;
  unreadFrac: number;
  starFrac: number;
  fullTextFeeds: number;
  keepDays: number;
  keepPerFeed: number;
  seed: number;
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    out: '',
    feeds: 1000,
    perDay: 10,
    days: 365,
    bodyBytes: 2000,
    unreadFrac: 0.05,
    starFrac: 0.005,
    fullTextFeeds: 10,
    keepDays: DEFAULTS.keep.days,
    keepPerFeed: DEFAULTS.keep.perFeed,
    seed: 1,
  };
  const numeric: Record<string, keyof Options> = {
    '--feeds': 'feeds',
    '--per-day': 'perDay',
    '--days': 'days',
    '--body-bytes': 'bodyBytes',
    '--unread-frac': 'unreadFrac',
    '--star-frac': 'starFrac',
    '--full-text-feeds': 'fullTextFeeds',
    '--keep-days': 'keepDays',
    '--keep-per-feed': 'keepPerFeed',
    '--seed': 'seed',
  };
  for (let i = 0; i < argv.length; i++) {
    const [key, inline] = argv[i]!.includes('=') ? argv[i]!.split('=', 2) : [argv[i]!, undefined];
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`${key} needs a value`);
    if (key === '--out') o.out = value;
    else if (key && numeric[key]) {
      const n = Number(value);
      if (!Number.isFinite(n) || n < 0) throw new Error(`${key} needs a non-negative number`);
      (o as unknown as Record<string, number>)[numeric[key]] = n;
    } else throw new Error(`unknown option ${key}`);
  }
  if (!o.out) throw new Error('--out DIR is required');
  return o;
}

const SENTENCES = [
  'The committee met on Tuesday to discuss the proposal, which has been debated for several months.',
  'Early benchmarks suggest the new approach is roughly twice as fast on typical workloads.',
  'Critics argue that the change was rushed and that the consultation period was far too short.',
  'Residents said they had not been told about the plans until the notices went up last week.',
  'According to the report, the figures for the last quarter were revised upward by two percent.',
  'The maintainers thanked the dozens of contributors who tested the release candidates.',
  'Officials declined to comment on the timeline, citing ongoing negotiations with suppliers.',
  'Researchers published the data set alongside the paper so that others can reproduce the results.',
];

function body(rand: () => number, bytes: number, link: string): string {
  const parts: string[] = [`<p>Read <a href="${link}">the full story</a>.</p>`];
  let size = parts[0]!.length;
  while (size < bytes) {
    const s: string[] = [];
    for (let i = 0; i < 3; i++) s.push(SENTENCES[Math.floor(rand() * SENTENCES.length)]!);
    const p = `<p>${s.join(' ')}</p>`;
    parts.push(p);
    size += p.length + 1;
  }
  return parts.join('\n');
}

const fileBytes = (file: string) => fs.statSync(file).size + (fs.existsSync(`${file}-wal`) ? fs.statSync(`${file}-wal`).size : 0);
const mb = (bytes: number) => Math.round(bytes / 1e5) / 10;
const count = (store: Store, table: string) => (store.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

/** The cache after `days` days: every table a reader fills, written day by day. */
function build(store: Store, o: Options, start: number, rand: () => number, fromDay: number, toDay: number, urls: string[]): void {
  const db = store.db;
  const feedIds = urls.map((url) => (db.prepare('SELECT id FROM feeds WHERE url = ?').get(url) as { id: number }).id);
  const insertArticle = db.prepare(
    `INSERT INTO articles (feed_id, guid, title, link, author, published, sort_key, first_seen, comments_url, comment_feed_url, comment_count, orig_link)
     VALUES (?, ?, ?, ?, '', ?, ?, ?, ?, '', NULL, '') RETURNING id`,
  );
  const insertBody = db.prepare('INSERT INTO bodies (article_id, html) VALUES (?, ?)');
  const insertLookup = db.prepare('INSERT OR REPLACE INTO lookups (key, fetched_at, data) VALUES (?, ?, ?)');
  const insertDiscussion = db.prepare('INSERT OR REPLACE INTO discussions (key, source, fetched_at, data) VALUES (?, ?, ?, ?)');
  const insertPage = db.prepare(
    `INSERT OR REPLACE INTO pages (url, final_url, fetched_at, content_type, html, title, content) VALUES (?, ?, ?, 'text/html', ?, '', ?)`,
  );
  const pageHtml = new Uint8Array(15_000).map(() => Math.floor(rand() * 256));
  const pageContent = body(rand, 5000, 'https://example.org/');
  const discussionData = JSON.stringify({ v: 1, comments: body(rand, 20_000, 'https://example.org/') });
  for (let day = fromDay; day < toDay; day++) {
    db.transaction(() => {
      for (let f = 0; f < urls.length; f++) {
        for (let k = 0; k < o.perDay; k++) {
          const published = start + day * DAY + Math.floor(((k + rand()) / o.perDay) * DAY);
          const n = `${day}-${k}`;
          const link = `https://news${f}.bench-feeds.dev/${day}/${k}/a-story-about-something-${n}`;
          const commentsUrl = rand() < 0.2 ? `https://news.ycombinator.com/item?id=${f * 10_000_000 + day * 100 + k}` : '';
          const { id } = insertArticle.get(
            feedIds[f],
            `tag:news${f}.bench-feeds.dev,2026:post-${n}`,
            `A headline of ordinary length about story ${n} in feed ${f}`,
            link,
            new Date(published).toISOString(),
            published,
            published + HOUR,
            commentsUrl,
          ) as { id: number };
          insertBody.run(id, body(rand, o.bodyBytes, link));
          const r = rand();
          const identity = link.replace(/^https:\/\//, '');
          if (r < 0.03)
            for (const service of ['hackernews', 'reddit', 'lobsters']) insertLookup.run(`${service}:${identity}`, published + DAY, '{"v":1,"refs":[]}');
          if (r < 0.01 && commentsUrl) insertDiscussion.run(`hackernews:${commentsUrl.split('=')[1]}`, 'hackernews', published + DAY, discussionData);
          if (f < o.fullTextFeeds) insertPage.run(link, link, published + HOUR, pageHtml, pageContent);
        }
      }
    })();
  }
}

/** Mark what a reader has read by `now`: all but unreadFrac of what is older than two days; starFrac starred. */
function markRead(store: Store, o: Options, now: number, since: number): void {
  const unread = Math.floor(o.unreadFrac * 10_000);
  const starred = Math.floor(o.starFrac * 10_000);
  store.db.prepare('UPDATE articles SET read = 1 WHERE first_seen >= ? AND first_seen < ? AND (id * 7919) % 10000 >= ?').run(since, now - 2 * DAY, unread);
  store.db.prepare('UPDATE articles SET starred = 1 WHERE first_seen >= ? AND first_seen < ? AND (id * 104729) % 10000 < ?').run(since, now - 2 * DAY, starred);
}

async function pass(file: string, urls: string[], o: Options, now: number, vacuum: 'steps' | 'convert') {
  const before = fileBytes(file);
  const store = Store.open(file);
  const articlesBefore = count(store, 'articles');
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const summary: RetentionSummary = await runRetention(store, urls, { keep: { days: o.keepDays, perFeed: o.keepPerFeed }, feeds: [], now, vacuum });
  delay.disable();
  const articlesAfter = count(store, 'articles');
  const tombstones = count(store, 'removed_articles');
  store.close();
  return {
    seconds: Math.round(summary.elapsedMs / 10) / 100,
    vacuumSeconds: Math.round(summary.vacuumMs / 10) / 100,
    eventLoopMaxMs: Math.round(delay.max / 1e5) / 10,
    eventLoopP99Ms: Math.round(delay.percentile(99) / 1e5) / 10,
    removed: summary.removed,
    articlesBefore,
    articlesAfter,
    tombstones,
    mbBefore: mb(before),
    mbAfter: mb(fileBytes(file)),
  };
}

export async function main(o: Options) {
  fs.mkdirSync(o.out, { recursive: true });
  const file = path.join(o.out, 'cache.db');
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
  const rand = prng(o.seed);
  const urls = Array.from({ length: o.feeds }, (_, f) => `https://news${f}.bench-feeds.dev/feed.xml`);
  const start = Date.UTC(2025, 0, 1);
  const buildStarted = performance.now();
  let store = Store.open(file);
  // A bench fixture, not user data: no fsync while building it.
  store.db.pragma('synchronous = OFF');
  store.syncFeeds(urls.map((url) => ({ url })));
  build(store, o, start, rand, 0, o.days, urls);
  const yearEnd = start + o.days * DAY;
  markRead(store, o, yearEnd, 0);
  store.db.exec('ANALYZE');
  store.close();
  const buildSeconds = Math.round((performance.now() - buildStarted) / 100) / 10;

  // The year's backlog as `broadsheet refresh` meets it (a cache from before retention): it rewrites
  // the file; the reader's pass would give the space back over its next passes instead.
  const first = await pass(file, urls, o, yearEnd, 'convert');
  // The next day: a day's articles land, the day before is read, and the pass runs again.
  store = Store.open(file);
  store.db.pragma('synchronous = OFF');
  build(store, o, start, rand, o.days, o.days + 1, urls);
  markRead(store, o, yearEnd + DAY, yearEnd - 3 * DAY);
  store.close();
  // A day's pass as the reader runs it.
  const next = await pass(file, urls, o, yearEnd + DAY, 'steps');
  return {
    feeds: o.feeds,
    perDay: o.perDay,
    days: o.days,
    bodyBytes: o.bodyBytes,
    keep: { days: o.keepDays, perFeed: o.keepPerFeed },
    buildSeconds,
    first,
    next,
  };
}

const invokedDirectly = process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname);
if (invokedDirectly) {
  try {
    process.stdout.write(JSON.stringify(await main(parseArgs(process.argv.slice(2)))) + '\n');
  } catch (error) {
    process.stderr.write(`retention-year: ${(error as Error).message}\n`);
    process.exit(2);
  }
}
