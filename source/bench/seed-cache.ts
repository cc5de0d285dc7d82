#!/usr/bin/env -S npx tsx
/**
 * Seed a BROADSHEET_HOME for the benchmarks: a config.json and a cache.db holding N articles in M feeds,
 * written through the real Store (one transaction per feed, as a refresh does), so the cache has the
 * schema, indexes and statistics a user's cache would have.
 *
 * Usage: npx tsx source/bench/seed-cache.ts --articles N --feeds M --out DIR [options]
 *   --articles N          articles in total (default 30000)
 *   --feeds M             feeds (default 100); feed k is http://127.0.0.1:1/f/k unless --feed-urls is given
 *   --out DIR             the BROADSHEET_HOME to create (config.json and cache.db are replaced)
 *   --feed-urls FILE      take the feed URLs from a newsboat urls file (e.g. the feed farm's <out>/urls)
 *   --comments-url URL    the newest article's discussion URL (e.g. https://news.ycombinator.com/item?id=1)
 *   --hn-api URL          settings.sources.hackernews.api
 *   --refresh-on-start    (default false: timing runs start from the cache only)
 *   --read-frac F         fraction of articles already read (default 0.3)
 *   --no-optimize         skip PRAGMA optimize at the end (the reader runs it after big refreshes)
 *   --seed S              PRNG seed (default 1)
 * Prints one JSON line: {"articles","feeds","seconds","cacheMb","home"}.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Store } from '../core/store.js';
import type { Article } from '../core/types.js';
import { prng } from './prng.mjs';

interface Options {
  articles: number;
  feeds: number;
  out: string;
  feedUrls: string | null;
  commentsUrl: string;
  hnApi: string | null;
  refreshOnStart: boolean;
  readFrac: number;
  optimize: boolean;
  seed: number;
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    articles: 30000,
    feeds: 100,
    out: '',
    feedUrls: null,
    commentsUrl: '',
    hnApi: null,
    refreshOnStart: false,
    readFrac: 0.3,
    optimize: true,
    seed: 1,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const key = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      const v = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (v === undefined) throw new Error(`${key} needs a value`);
      return v;
    };
    const int = (): number => {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 0) throw new Error(`${key} needs a non-negative integer`);
      return n;
    };
    switch (key) {
      case '--articles':
        o.articles = int();
        break;
      case '--feeds':
        o.feeds = Math.max(1, int());
        break;
      case '--out':
        o.out = value();
        break;
      case '--feed-urls':
        o.feedUrls = value();
        break;
      case '--comments-url':
        o.commentsUrl = value();
        break;
      case '--hn-api':
        o.hnApi = value();
        break;
      case '--refresh-on-start':
        o.refreshOnStart = true;
        break;
      case '--read-frac':
        o.readFrac = Number(value());
        break;
      case '--no-optimize':
        o.optimize = false;
        break;
      case '--seed':
        o.seed = int();
        break;
      default:
        throw new Error(`unknown option ${arg}`);
    }
  }
  if (!o.out) throw new Error('--out DIR is required');
  return o;
}

const WORDS = (
  'kernel release notes compiler garden river market council library vaccine satellite election ' +
  'quantum battery rust python protocol museum harbour festival railway budget climate startup ' +
  'database terminal browser privacy court football orchestra telescope volcano bakery bicycle ' +
  'drought archive shipping semiconductor research memory planet forest opera glacier mountain'
).split(' ');

const SENTENCES = [
  'The committee met on Tuesday to discuss the proposal, which has been debated for several months.',
  'Early benchmarks suggest the new approach is roughly twice as fast on typical workloads.',
  'Critics argue that the change was rushed and that the consultation period was far too short.',
  'Residents said they had not been told about the plans until the notices went up last week.',
  'According to the report, the figures for the last quarter were revised upward by two percent.',
  'The maintainers thanked the dozens of contributors who tested the release candidates.',
  'Officials declined to comment on the timeline, citing ongoing negotiations with suppliers.',
  'Researchers published the data set alongside the paper so that others can reproduce the results.',
  'A spokesperson confirmed that the service would resume normal operation by the end of the month.',
  'The museum will open the new wing to the public after a preview for members in the spring.',
];

function title(rand: () => number, n: number): string {
  const words: string[] = [];
  const len = 5 + Math.floor(rand() * 8);
  for (let i = 0; i < len; i++) words.push(WORDS[Math.floor(rand() * WORDS.length)]!);
  const t = words.join(' ');
  return `${t[0]!.toUpperCase()}${t.slice(1)} (${n})`;
}

/** ~1–2 KB of ordinary article HTML: paragraphs, a link, sometimes a list or a quote. */
function body(rand: () => number, n: number): string {
  const parts: string[] = [];
  const paragraphs = 3 + Math.floor(rand() * 4);
  for (let p = 0; p < paragraphs; p++) {
    const s: string[] = [];
    const count = 2 + Math.floor(rand() * 2);
    for (let i = 0; i < count; i++) s.push(SENTENCES[Math.floor(rand() * SENTENCES.length)]!);
    if (p === 1) s.push(`Read <a href="https://example.org/story/${n}">the full story</a> for details.`);
    parts.push(`<p>${s.join(' ')}</p>`);
  }
  const r = rand();
  if (r < 0.25) parts.push('<ul><li>First point of note</li><li>Second point, with <em>emphasis</em></li><li>Third point</li></ul>');
  else if (r < 0.4) parts.push('<blockquote><p>We expect this to change how people work for years to come.</p></blockquote>');
  return parts.join('\n');
}

function readUrlsFile(file: string): string[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split(/\s+/)[0]!)
    .filter((u) => /^https?:\/\//.test(u));
}

export function seed(o: Options) {
  const started = performance.now();
  const rand = prng(o.seed);
  const urls = o.feedUrls ? readUrlsFile(o.feedUrls) : Array.from({ length: o.feeds }, (_, k) => `http://127.0.0.1:1/f/${k}`);
  if (urls.length === 0) throw new Error('no feed URLs');
  const feedCount = urls.length;
  fs.mkdirSync(o.out, { recursive: true });
  const cachePath = path.join(o.out, 'cache.db');
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(cachePath + suffix, { force: true });

  const config: Record<string, unknown> = { feeds: urls.map((url) => ({ url })), refreshOnStart: o.refreshOnStart };
  if (o.hnApi) config.sources = { hackernews: { api: o.hnApi } };
  fs.writeFileSync(path.join(o.out, 'config.json'), JSON.stringify(config, null, 1) + '\n');

  const store = Store.open(cachePath);
  // A bench fixture, not user data: no fsync while seeding (the final checkpoint on close still lands it).
  store.db.pragma('synchronous = OFF');
  store.db.pragma('cache_size = -262144');
  store.syncFeeds(urls.map((url) => ({ url })));
  // Articles interleave across feeds, one minute apart, newest first: article g (0 = newest) is in
  // feed g % feedCount. Every timestamp is in the past so none is clamped to "now".
  const now = Date.now();
  const newest = now - 60_000;
  const perFeed: Article[][] = urls.map(() => []);
  for (let g = 0; g < o.articles; g++) {
    const published = new Date(newest - g * 60_000).toISOString();
    perFeed[g % feedCount]!.push({
      id: `seed-${g}`,
      title: title(rand, g),
      link: `https://example.org/story/${g}`,
      author: rand() < 0.8 ? `Author ${Math.floor(rand() * 500)}` : '',
      published,
      html: body(rand, g),
      commentsUrl: g === 0 && o.commentsUrl ? o.commentsUrl : rand() < 0.3 ? `https://example.org/story/${g}#comments` : '',
      commentFeedUrl: '',
      commentCount: rand() < 0.5 ? Math.floor(rand() * 300) : null,
    });
  }
  for (let k = 0; k < feedCount; k++) {
    store.saveFeed(urls[k]!, { title: `Feed ${k}`, link: `https://example.org/feed/${k}`, articles: perFeed[k]! }, { etag: null, lastModified: null, now });
    perFeed[k] = [];
  }
  if (o.readFrac > 0 && o.articles > 0) {
    // Mark a deterministic spread of older articles read in one statement (not per id).
    const threshold = Math.floor(o.readFrac * 1000);
    store.db.prepare('UPDATE articles SET read = 1 WHERE (id * 7919) % 1000 < ? AND guid != ?').run(threshold, 'seed-0');
  }
  if (o.optimize) {
    // The reader runs PRAGMA optimize after big refreshes; on a cache that never had statistics that
    // does nothing, so run ANALYZE once, as a refresh of this many articles would have left it.
    store.db.exec('ANALYZE');
    store.optimize();
  }
  store.close();
  const seconds = (performance.now() - started) / 1000;
  return {
    articles: o.articles,
    feeds: feedCount,
    seconds: Math.round(seconds * 100) / 100,
    cacheMb: Math.round(fs.statSync(cachePath).size / 1e5) / 10,
    home: path.resolve(o.out),
  };
}

const invokedDirectly = process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname);
if (invokedDirectly) {
  try {
    const result = seed(parseArgs(process.argv.slice(2)));
    process.stdout.write(JSON.stringify(result) + '\n');
  } catch (error) {
    process.stderr.write(`seed-cache: ${(error as Error).message}\n`);
    process.exit(2);
  }
}
