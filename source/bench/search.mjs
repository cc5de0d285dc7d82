/**
 * Search in a big cache: the reader in tmux (120x40) over a seeded cache of --search-articles
 * articles (300,000), `/`, a query typed, then Enter -> the frame that shows the results (the
 * reader's trace: the key line of Enter to the next frame line), for a mix of queries (a rare word,
 * common words, prefixes, two words, a phrase, one article's number, a word in every body), each
 * --search-runs times; Esc clears between them (the first runs, before the reader remembers a list, also alone). The article view too: Enter on the first match
 * (opens it with its matches marked) and n (the next match), key -> frame.
 * Also the index's size (its FTS5 segments and per-article sizes) and its share of the cache file,
 * and what FTS5 alone takes to count each query's matches (the floor under the reader's figures).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import {
  Tmux,
  finish,
  loadAverage,
  quantile,
  readTrace,
  round,
  seedCache,
  sleep,
  snapshotBuild,
  startReader,
  waitComplete,
  verdict,
  which,
  eachOption,
  runAsScript,
} from './lib.mjs';

export const description = 'search in a 300k-article cache: Enter -> results frame (p95), n in the article, and the index size';
export const usage =
  '--search-articles N (300000)  --search-runs N (5 runs of each query)  --search-home DIR (a home seed-cache.ts made: skip seeding)  --keep';

const TARGET_MS = 50;

/** Words of seed-cache.ts: titles draw from 48 words, bodies from 10 sentences. */
const QUERIES = [
  // Each title ends in the article's number: prefixes of one number select 1, 11, 111, 1,111 and 11,111 articles.
  { query: '123456', kind: "one article's number (1 match)" },
  { query: '12345', kind: 'number prefix (11 matches)' },
  { query: '1234', kind: 'number prefix (111)' },
  { query: '123', kind: 'number prefix (1,111)' },
  { query: '12', kind: 'number prefix (11,111)' },
  { query: 'volcano', kind: 'title word (1 in 48 words)' },
  { query: 'rust python', kind: 'two title words' },
  { query: 'sat', kind: 'prefix: satellite' },
  { query: 'semi', kind: 'prefix: semiconductor' },
  { query: '"release notes"', kind: 'phrase' },
  { query: 'benchmarks twice', kind: 'body words (~1 in 3 articles)' },
  { query: 'the', kind: 'in every body' },
  { query: 'museum wing', kind: 'title + body word' },
];

function parseOptions(argv) {
  const o = { articles: 300_000, runs: 5, keep: false, home: null };
  eachOption(argv, (key, { int, value }) => {
    if (key === '--search-articles') o.articles = int();
    else if (key === '--search-runs') o.runs = int();
    else if (key === '--search-home') o.home = value();
    else if (key === '--keep') o.keep = true;
  });
  return o;
}

const statusOf = (screen) => screen.trimEnd().split('\n').at(-1) ?? '';
const headerOf = (screen) => screen.split('\n')[0] ?? '';

/** The first `frame` after the first `key` line at or after `at`: [key t, frame t] or null. */
function keyToFrame(trace, at) {
  const k = trace.findIndex((e) => e.ev === 'key' && e.t >= at);
  if (k < 0) return null;
  for (let j = k + 1; j < trace.length; j++) {
    if (trace[j].ev === 'key') return null;
    if (trace[j].ev === 'frame') return [trace[k].t, trace[j].t];
  }
  return null;
}

async function waitTrace(file, test, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (test(readTrace(file))) return true;
    await sleep(5);
  }
  return false;
}

/** One query in the reader: `/`, the text, Enter; returns Enter -> frame ms and the status line. */
async function searchOnce(ctx, run, query) {
  const { tmux } = ctx;
  await tmux.send(run.session, '/');
  if (!(await tmux.waitFor(run.session, (s) => statusOf(s).startsWith('/'), { timeoutMs: 5000 }))) throw new Error('no search prompt');
  await tmux.send(run.session, '-l', query);
  if (!(await tmux.waitFor(run.session, (s) => statusOf(s).startsWith('/' + query), { timeoutMs: 5000 }))) throw new Error(`prompt never showed ${query}`);
  await sleep(50);
  const at = Date.now();
  await tmux.send(run.session, 'Enter');
  const shown = await tmux.waitFor(run.session, (s) => headerOf(s).includes('/' + query), { timeoutMs: 10_000 });
  if (!shown) throw new Error(`no results for ${query}`);
  await waitTrace(run.files.trace, (t) => keyToFrame(t, at) !== null);
  const pair = keyToFrame(readTrace(run.files.trace), at);
  return { ms: pair ? pair[1] - pair[0] : null, status: statusOf(shown.screen).trim(), at };
}

async function keyOnce(ctx, run, key, shownTest) {
  const at = Date.now();
  await ctx.tmux.send(run.session, key);
  await ctx.tmux.waitFor(run.session, shownTest, { timeoutMs: 10_000 });
  await waitTrace(run.files.trace, (t) => keyToFrame(t, at) !== null, 3000);
  const pair = keyToFrame(readTrace(run.files.trace), at);
  return pair ? pair[1] - pair[0] : null;
}

async function clear(ctx, run) {
  await ctx.tmux.send(run.session, 'Escape');
  await ctx.tmux.waitFor(run.session, (s) => !headerOf(s).includes(' /') && !statusOf(s).startsWith('/'), { timeoutMs: 5000 });
  await sleep(100);
}

/** The index's size from its own tables (FTS5 segments, structure, per-article sizes), and the queries run directly. */
function measureCache(root, cachePath) {
  const Database = createRequire(path.join(root, 'package.json'))('better-sqlite3');
  const db = new Database(cachePath, { readonly: true });
  try {
    const bytes = (sql) => db.prepare(sql).pluck().get() ?? 0;
    const segments = bytes('SELECT sum(length(block)) FROM article_search_data');
    const docsize = bytes('SELECT sum(length(sz)) + count(*) * 8 FROM article_search_docsize');
    const idx = bytes('SELECT sum(length(segid) + length(term) + 8) FROM article_search_idx');
    return { segments, docsize, idx, db };
  } catch (error) {
    db.close();
    throw error;
  }
}

export async function run({
  log = (t) => process.stderr.write(t + '\n'),
  argv = [],
  root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..'),
} = {}) {
  const o = parseOptions(argv);
  if (!which('tmux')) throw new Error('tmux is not installed');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'broadsheet-search-bench-'));
  const ctx = { tmp, root, log, cli: snapshotBuild(root, tmp), tmux: new Tmux('search') };
  const rows = [];
  const notes = (key, value) => rows.push({ table: 'notes', key, value: String(value) });
  notes('load average at start', loadAverage());
  try {
    // Seeding 300,000 articles takes minutes (9 on a loaded 2-core machine): --search-home reuses a seeded home.
    const home = o.home ? path.resolve(o.home) : path.join(tmp, 'home');
    const seeded = o.home
      ? { articles: countArticles(root, path.join(home, 'cache.db')), seconds: null }
      : seedCache(root, ['--articles', String(o.articles), '--feeds', String(Math.max(1, Math.round(o.articles / 300))), '--out', home], log, {
          timeoutMs: 30 * 60_000,
        });
    const cachePath = path.join(home, 'cache.db');

    // ---------------------------------------------------------------- the index's size
    const size = measureCache(root, cachePath);
    const fileMb = fs.statSync(cachePath).size / 1e6;
    const indexMb = (size.segments + size.docsize + size.idx) / 1e6;
    rows.push({
      table: 'the search index',
      articles: seeded.articles,
      'cache file MB': round(fileMb),
      'index MB (segments + sizes + structure)': round(indexMb),
      'segments MB': round(size.segments / 1e6),
      'per-article sizes MB': round(size.docsize / 1e6),
      'share of the cache': `${round((indexMb / fileMb) * 100)} %`,
      'seed s (with the index)': seeded.seconds,
    });

    // ---------------------------------------------------------------- the index alone
    // What FTS5 itself takes to find and count a query's matches: the floor under the reader's figures.
    for (const { query, kind } of QUERIES) {
      const count = size.db.prepare('SELECT count(*) FROM article_search WHERE article_search MATCH ?').pluck();
      const times = [];
      let matches = 0;
      for (let i = 0; i < o.runs; i++) {
        const t = performance.now();
        matches = count.get(ftsQueryOf(query));
        times.push(performance.now() - t);
      }
      // What the reader's list asks of it now (store/search-list.ts): the newest 1,001 matches, walked from the newest end.
      const newest = size.db.prepare('SELECT rowid FROM article_search WHERE article_search MATCH ? ORDER BY rowid DESC LIMIT 1001').pluck();
      const newestTimes = [];
      for (let i = 0; i < o.runs; i++) {
        const t = performance.now();
        newest.all(ftsQueryOf(query));
        newestTimes.push(performance.now() - t);
      }
      rows.push({
        table: 'the index alone: count of the matches, and the newest 1,001, ms',
        query,
        kind,
        matches,
        'count p50': round(quantile(times, 0.5)),
        'count max': round(Math.max(...times)),
        'newest 1,001 p50': round(quantile(newestTimes, 0.5)),
        'newest 1,001 max': round(Math.max(...newestTimes)),
      });
    }
    size.db.close();

    // ---------------------------------------------------------------- the reader
    const runInfo = startReader(ctx, { home, label: 'search' });
    const all = [];
    // The first run of each query: the reader remembers a search's list until the cache changes, so a
    // repeat finds it remembered; the first run is a search never made before.
    const firsts = [];
    const perQuery = [];
    let articleRows = [];
    try {
      await waitComplete(ctx, runInfo, 60_000);
      await sleep(500);
      for (let r = 0; r < o.runs; r++) {
        for (const { query, kind } of QUERIES) {
          const { ms, status } = await searchOnce(ctx, runInfo, query);
          if (ms !== null) all.push(ms);
          if (ms !== null && r === 0) firsts.push(ms);
          let entry = perQuery.find((p) => p.query === query);
          if (!entry) perQuery.push((entry = { query, kind, ms: [], status }));
          if (ms !== null) entry.ms.push(ms);
          await clear(ctx, runInfo);
        }
      }
      // The article: open the first match of a body word (marked), then n to its next match.
      const openMs = [];
      const nMs = [];
      for (let r = 0; r < o.runs; r++) {
        await searchOnce(ctx, runInfo, 'committee');
        openMs.push(await keyOnce(ctx, runInfo, 'Enter', (s) => s.includes('┃') || s.includes('│')));
        await sleep(100);
        nMs.push(await keyOnce(ctx, runInfo, 'n', (s) => /Match \d+ of|No more matches|last matches/.test(statusOf(s))));
        await ctx.tmux.send(runInfo.session, 'h');
        await sleep(150);
        await clear(ctx, runInfo);
        await clear(ctx, runInfo);
      }
      const row = (what, values) => ({
        table: `key -> frame in the article, ms (${o.runs} runs)`,
        key: what,
        p50: round(
          quantile(
            values.filter((v) => v !== null),
            0.5,
          ),
        ),
        p95: round(
          quantile(
            values.filter((v) => v !== null),
            0.95,
          ),
        ),
        max: round(Math.max(...values.filter((v) => v !== null))),
      });
      articleRows = [row('Enter on a match (opens it, matches marked)', openMs), row('n (next match)', nMs)];
    } finally {
      await finish(ctx, runInfo);
    }
    for (const p of perQuery) {
      rows.push({
        table: `Enter -> results frame, ${seeded.articles.toLocaleString('en')} articles, 120x40, ms`,
        query: p.query,
        kind: p.kind,
        status: p.status.slice(0, 40),
        runs: p.ms.length,
        p50: round(quantile(p.ms, 0.5)),
        max: round(Math.max(...p.ms)),
      });
    }
    const p95 = quantile(all, 0.95);
    rows.push({
      table: `Enter -> results frame, ${seeded.articles.toLocaleString('en')} articles, 120x40, ms`,
      query: '(all)',
      kind: `${all.length} searches`,
      runs: all.length,
      p50: round(quantile(all, 0.5)),
      p95: round(p95),
      max: round(Math.max(...all)),
      target: `p95 < ${TARGET_MS}`,
      result: verdict(p95 < TARGET_MS),
    });
    const firstP95 = quantile(firsts, 0.95);
    rows.push({
      table: `Enter -> results frame, ${seeded.articles.toLocaleString('en')} articles, 120x40, ms`,
      query: '(first runs)',
      kind: `${firsts.length} searches, none remembered`,
      runs: firsts.length,
      p50: round(quantile(firsts, 0.5)),
      p95: round(firstP95),
      max: round(Math.max(...firsts)),
      target: `p95 < ${TARGET_MS}`,
      result: verdict(firstP95 < TARGET_MS),
    });
    rows.push(...articleRows);
    notes('load average at end', loadAverage());
    notes('temp folder', o.keep ? tmp : `${tmp} (removed; --keep keeps it)`);
    return rows;
  } finally {
    ctx.tmux.killServer();
    if (!o.keep) fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function countArticles(root, cachePath) {
  const Database = createRequire(path.join(root, 'package.json'))('better-sqlite3');
  const db = new Database(cachePath, { readonly: true });
  try {
    return db.prepare('SELECT count(*) FROM articles').pluck().get();
  } finally {
    db.close();
  }
}

/** The FTS5 query the reader sends for a query (store/search.ts's ftsQuery, for the plain ASCII queries above). */
function ftsQueryOf(query) {
  const terms = [...query.matchAll(/"([^"]*)"?|([^\s"]+)/g)].map((m) => (m[1] !== undefined ? `"${m[1]}"` : `"${m[2]}"*`));
  return terms.join(' AND ');
}

await runAsScript(import.meta.url, run);
