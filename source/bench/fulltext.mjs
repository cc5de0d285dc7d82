/**
 * Full text: extraction accuracy and speed on the 131 real pages of test/fixtures/article-extraction
 * (scored as the article-extraction benchmark scores: shingles.mjs), peak memory for a page at the
 * 5 MiB cap, and the reader's event-loop delay while a fullText feed's 20 largest pages are fetched
 * and extracted in the background.
 *
 * Accuracy and speed go through the code of `broadsheet page` (core/page readPage: fetch from a
 * loopback server, gzipped as crawled, decode, extract, plain text), bundled with esbuild as the CLI
 * ships it; extraction time is the job's own (decode + DOM + Readability), without the network.
 * The event loop is the real reader's, in tmux, with eld-probe.mjs loaded (its figures read ~10 ms
 * when idle, see there).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import zlib from 'node:zlib';
import {
  BENCH_DIR,
  eachOption,
  eldCells,
  loadAverage,
  bundleCore,
  mainProfile,
  markEldPhaseWait,
  median,
  profileRows,
  profileSelfTime,
  quantile,
  readEld,
  readStalls,
  round,
  snapshotBuild,
  stallRows,
  startReader,
  Tmux,
  verdict,
  which,
  runAsScript,
} from './lib.mjs';
import { corpusScore, pageF1, pageScore } from './shingles.mjs';

export const description =
  'full text: F1/precision/recall on 131 real pages, extraction ms per page, memory at the 5 MiB cap, event loop while 20 pages are read';
export const usage = `--fulltext-rounds N (2: the first warms up)  --fulltext-runs N (3 reader runs)  --fulltext-pages N (20)
--fulltext-profile (the reader runs under --cpu-prof with a stall probe: where each stall went)  --keep`;

const TARGETS = { f1: 0.94, medianMs: 60, p95Ms: 250, eldMaxMs: 50 };
const MiB = 1024 * 1024;

function parseOptions(argv) {
  const o = { rounds: 2, runs: 3, pages: 20, profile: false, keep: false };
  eachOption(argv, (key, { int }) => {
    if (key === '--fulltext-rounds') o.rounds = int();
    else if (key === '--fulltext-runs') o.runs = int();
    else if (key === '--fulltext-pages') o.pages = int();
    else if (key === '--fulltext-profile') o.profile = true;
    else if (key === '--keep') o.keep = true;
  });
  return o;
}

const version = (root, name) => JSON.parse(fs.readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')).version;

/**
 * core/page bundled as the CLI bundles it (esbuild, ESM, node20), into a folder of `tmp` that looks
 * like the package (package.json and feeds/ beside it: settings/home.ts finds its package root so).
 */
async function bundlePage(root, tmp) {
  const pkg = path.join(tmp, 'page-bundle');
  fs.mkdirSync(pkg, { recursive: true });
  fs.copyFileSync(path.join(root, 'package.json'), path.join(pkg, 'package.json'));
  fs.symlinkSync(path.join(root, 'feeds'), path.join(pkg, 'feeds'));
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(pkg, 'node_modules'));
  const outfile = path.join(pkg, 'page.mjs');
  await bundleCore(root, outfile, ["export { readPage } from './source/core/page.ts';", "export { runPageJob } from './source/core/page/job.ts';"], {
    logLevel: 'error',
  });
  return outfile;
}

function loadCorpus(root) {
  const dir = path.join(root, 'test/fixtures/article-extraction');
  const truth = JSON.parse(zlib.gunzipSync(fs.readFileSync(path.join(dir, 'ground-truth.json.gz'))).toString('utf8'));
  return Object.entries(truth).map(([name, { url, articleBody }]) => {
    const gz = fs.readFileSync(path.join(dir, 'html', `${name}.html.gz`));
    return { name, url, truth: articleBody, gz, size: zlib.gunzipSync(gz).length };
  });
}

/** Serves /page/<name> gzipped as crawled, /big the 5 MiB page, /feed.xml a fullText feed of `feedPages`. */
async function startServer(pages, big, feedPages) {
  const byName = new Map(pages.map((p) => [p.name, p]));
  let feed = '';
  const hits = new Map();
  const server = http.createServer((req, res) => {
    const url = req.url ?? '';
    hits.set(url, (hits.get(url) ?? 0) + 1);
    const page = url.startsWith('/page/') ? byName.get(url.slice(6)) : undefined;
    if (page) res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip', 'content-length': page.gz.length }).end(page.gz);
    else if (url === '/big') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': big.length }).end(big);
    else if (url === '/feed.xml') res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(feed);
    else res.writeHead(404).end();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  const items = feedPages.map(
    (p, i) =>
      `<item><title>Page ${i + 1}: ${p.name.slice(0, 8)}</title><link>${base}/page/${p.name}</link><guid>${p.name}</guid>` +
      `<pubDate>${new Date(Date.UTC(2026, 0, 20, 12) - i * 3600_000).toUTCString()}</pubDate><description>A summary only.</description></item>`,
  );
  feed = `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Corpus</title><link>${base}/</link>${items.join('')}</channel></rss>`;
  return { base, hits, close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(resolve))) };
}

/** The corpus's pages' bodies one after another, up to just under `bytes`: a page at the cap. */
function bigPage(pages, bytes) {
  const head = '<!doctype html><html><head><meta charset="utf-8"><title>A page at the cap</title></head><body>';
  const parts = [head];
  let size = Buffer.byteLength(head);
  for (let i = 0; size < bytes - 64 * 1024; i++) {
    const html = zlib.gunzipSync(pages[i % pages.length].gz).toString('utf8');
    const body = /<body[^>]*>([\s\S]*)<\/body>/i.exec(html)?.[1] ?? html;
    const piece = body.slice(0, Math.max(0, bytes - 64 * 1024 - size));
    parts.push(piece);
    size += Buffer.byteLength(piece);
  }
  parts.push('</body></html>');
  return Buffer.from(parts.join(''));
}

async function accuracyAndSpeed(bundle, pages, base, o, log) {
  const { readPage } = await import(pathToFileURL(bundle).href);
  const limits = { timeoutSeconds: 20, pageMaxBytes: 5 * MiB };
  let last = [];
  const cold = [];
  for (let pass = 1; pass <= o.rounds; pass++) {
    const results = [];
    for (const p of pages) {
      const started = performance.now();
      try {
        const page = await readPage(`${base}/page/${p.name}`, limits);
        results.push({ p, text: page.text, extractMs: page.extractMs, totalMs: performance.now() - started, error: null });
      } catch (error) {
        results.push({ p, text: '', extractMs: null, totalMs: performance.now() - started, error: String(error.message) });
      }
    }
    if (pass === 1) cold.push(...results.map((r) => r.extractMs));
    log(`round ${pass}/${o.rounds}: ${results.length} pages, median extraction ${round_(median(results.map((r) => r.extractMs)))} ms`);
    last = results;
  }
  return { results: last, cold };
}
const round_ = (v) => round(v, 1);

/** A child process, awaited (not spawnSync: the pages are served from this process's event loop). */
function node(args, options = {}) {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * MiB, ...options }, (error, stdout, stderr) => {
      resolve({ status: error ? (error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** Peak RSS of a child that reads the 5 MiB page, against one that reads a small page. */
async function memoryAtCap(bundle, base, smallName) {
  const probe = async (url) => {
    const script = `
      const { readPage } = await import(${JSON.stringify(pathToFileURL(bundle).href)});
      const started = performance.now();
      const page = await readPage(${JSON.stringify(url)}, { timeoutSeconds: 60, pageMaxBytes: ${5 * MiB} });
      const ms = performance.now() - started;
      console.log(JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS, ms, extractMs: page.extractMs, chars: page.text.length }));`;
    const r = await node(['--input-type=module', '-e', script]);
    if (r.status !== 0) throw new Error(`memory probe failed: ${r.stderr.slice(-400)}`);
    return JSON.parse(r.stdout.trim().split('\n').pop());
  };
  return { small: await probe(`${base}/page/${smallName}`), big: await probe(`${base}/big`) };
}

/**
 * The reader in tmux on a fullText feed of `feedPages`: event-loop delay from R (refresh) until the
 * pages are all read. Each run is followed by a control run on the same feed without fullText, held
 * open as long: what the refresh alone, and this machine's other load, cost the loop meanwhile.
 */
async function readerRuns(root, tmp, base, hits, feedPages, o, log) {
  const ctx = { tmp, root, log, cli: snapshotBuild(root, tmp), tmux: new Tmux('fulltext') };
  const pageHits = () => feedPages.reduce((n, p) => n + (hits.get(`/page/${p.name}`) ?? 0), 0);
  const oneRun = async (label, fullText, holdMs) => {
    const home = path.join(tmp, `home-${label}`);
    fs.mkdirSync(home, { recursive: true });
    // No start-up refresh: R starts it once the first frame is up and the probe's phase has begun.
    fs.writeFileSync(path.join(home, 'config.json'), JSON.stringify({ feeds: [{ url: `${base}/feed.xml`, fullText }], refreshOnStart: false }));
    const before = pageHits();
    const run = startReader(ctx, { home, eld: true, profile: o.profile && fullText, stalls: o.profile && fullText, label });
    const first = await ctx.tmux.waitFor(run.session, (s) => /^ Broadsheet — .* \d+ unread/.test(s) && /\? keys/.test(s), { timeoutMs: 30_000 });
    if (!first) throw new Error(`reader run ${label}: no first frame`);
    await markEldPhaseWait(run, 'start');
    const started = Date.now();
    await ctx.tmux.send(run.session, 'R');
    const finished = fullText ? /Full text: \d+ articles? saved/ : /Refreshed 1 feed/;
    const done = await ctx.tmux.waitFor(run.session, (s) => finished.test(s), { timeoutMs: 120_000, everyMs: 50 });
    if (holdMs) await new Promise((resolve) => setTimeout(resolve, Math.max(0, holdMs - (Date.now() - started))));
    const ms = Date.now() - started;
    await markEldPhaseWait(run, 'background');
    const fetched = pageHits() - before;
    const status = (fullText ? /Full text: [^\n]*/ : /Refreshed [^\n]*/).exec(done?.screen ?? '')?.[0]?.trim() ?? 'never finished';
    await ctx.tmux.quit(run.session, ['Q']);
    const eld = readEld(run.files.eld);
    const phase = eld.phases.find((p) => p.why === 'background');
    const profile = o.profile && fullText ? mainProfile(run.files.prof) : null;
    const extra = [];
    if (profile && phase) {
      extra.push(
        ...stallRows(
          `5. ${label}: main-thread stalls over 25 ms and where they went`,
          profile,
          readStalls(run.files.stalls).filter((k) => k.from >= phase.from && k.to <= phase.to),
          { anchor: eld.anchor, t0: phase.from },
        ),
      );
      extra.push(
        ...profileRows(
          `6. ${label}: the main thread from R until the pages are read`,
          profileSelfTime(profile, { windows: [[phase.from, phase.to]], anchor: eld.anchor }),
          { top: 12 },
        ),
      );
    }
    log(`reader ${label}: ${fetched} pages in ${ms} ms, event loop max ${round_(phase?.max)} ms (${status}), load ${loadAverage()}`);
    return { label, fullText, phase, ms, fetched, status, extra, load: loadAverage().split(' ')[0] };
  };
  const runs = [];
  try {
    for (let i = 1; i <= o.runs; i++) {
      const run = await oneRun(`full-text-${i}`, true, 0);
      runs.push(run, await oneRun(`control-${i}`, false, run.ms));
    }
  } finally {
    ctx.tmux.killServer();
  }
  return runs;
}

export async function run({ log = (t) => process.stderr.write(t + '\n'), argv = [], root = path.resolve(BENCH_DIR, '../..') } = {}) {
  const o = parseOptions(argv);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'broadsheet-fulltext-bench-'));
  const rows = [];
  const note = (key, value) => rows.push({ table: 'notes', key, value: String(value) });
  let server;
  try {
    const pages = loadCorpus(root);
    const largest = [...pages].sort((a, b) => b.size - a.size).slice(0, o.pages);
    const big = bigPage(pages, 5 * MiB - 1024);
    server = await startServer(pages, big, largest);
    const bundle = await bundlePage(root, tmp);
    note('load average at start', loadAverage());
    note('DOM', `linkedom ${version(root, 'linkedom')} + @mozilla/readability ${version(root, '@mozilla/readability')} (why not jsdom: core/page/extract.ts)`);
    note('pages', `${pages.length}, ${round(pages.reduce((n, p) => n + p.size, 0) / 1e6, 1)} MB as HTML, served gzipped as crawled`);

    // 1. Accuracy and extraction time, through readPage (the code of `broadsheet page`).
    const { results, cold } = await accuracyAndSpeed(bundle, pages, server.base, o, log);
    const scores = results.map((r) => pageScore(r.p.truth, r.text));
    const { f1, precision, recall } = corpusScore(scores);
    const failed = results.filter((r) => r.error);
    rows.push({
      table: '1. accuracy (131 pages, as evaluate.py scores)',
      F1: round(f1, 3),
      precision: round(precision, 3),
      recall: round(recall, 3),
      'pages not read': failed.length,
      target: `F1 >= ${TARGETS.f1}`,
      result: verdict(f1 >= TARGETS.f1),
    });
    const worst = results
      .map((r, i) => ({ r, f: pageF1(scores[i]) }))
      .sort((a, b) => a.f - b.f)
      .slice(0, 5);
    for (const { r, f } of worst)
      rows.push({ table: '1b. the five lowest F1', page: r.p.name.slice(0, 12), host: new URL(r.p.url).host, F1: round(f, 3), note: r.error ?? '' });
    const ms = results.map((r) => r.extractMs).filter((v) => v !== null);
    const med = median(ms);
    const p95 = quantile(ms, 0.95);
    rows.push({
      table: '2. extraction per page (decode + DOM + Readability), ms',
      run: `warm (round ${o.rounds})`,
      median: round_(med),
      p95: round_(p95),
      max: round_(Math.max(...ms)),
      'fetch+extract+text median': round_(median(results.map((r) => r.totalMs))),
      target: `median < ${TARGETS.medianMs}, p95 < ${TARGETS.p95Ms}`,
      result: verdict(med < TARGETS.medianMs && p95 < TARGETS.p95Ms),
    });
    rows.push({
      table: '2. extraction per page (decode + DOM + Readability), ms',
      run: 'cold (round 1)',
      median: round_(median(cold)),
      p95: round_(quantile(cold, 0.95)),
      max: round_(Math.max(...cold.filter((v) => v !== null))),
    });

    // 2. The CLI itself agrees with the bundle on a few pages.
    const cli = path.join(root, '.build/cli.mjs');
    let agree = 0;
    const sample = pages.slice(0, 3);
    for (const p of sample) {
      const r = await node([cli, 'page', `${server.base}/page/${p.name}`, '--json'], { env: { ...process.env, BROADSHEET_HOME: path.join(tmp, 'cli-home') } });
      const expected = results.find((x) => x.p === p)?.text;
      if (r.status === 0 && JSON.parse(r.stdout).text === expected) agree++;
    }
    note('broadsheet page --json gives the same text', `${agree} of ${sample.length} pages checked`);

    // 3. Memory for a page at the 5 MiB cap.
    const mem = await memoryAtCap(bundle, server.base, [...pages].sort((a, b) => a.size - b.size)[0].name);
    rows.push({
      table: '3. a page at the 5 MiB cap (a child process, fetch + extract)',
      page: `${round(big.length / MiB, 2)} MiB`,
      'peak RSS MB': round(mem.big.maxRssKb / 1024, 0),
      'same for a small page MB': round(mem.small.maxRssKb / 1024, 0),
      'extra MB': round((mem.big.maxRssKb - mem.small.maxRssKb) / 1024, 0),
      'extract ms': round(mem.big.extractMs, 0),
      'article chars': mem.big.chars,
    });

    // 4. The reader's event loop while the largest pages are read in the background.
    if (which('tmux')) {
      const runs = await readerRuns(root, tmp, server.base, server.hits, largest, o, log);
      for (const r of runs) {
        rows.push({
          table: `4. reader (120x40): event-loop delay from R (refresh) until the feed's ${o.pages} largest pages are read (ms)`,
          run: r.label,
          pages: r.fetched,
          'wall ms': r.ms,
          'load avg': r.load,
          ...eldCells(r.phase),
          target: r.fullText ? `max < ${TARGETS.eldMaxMs}` : '(control: no fullText)',
          result: r.fullText ? verdict(r.phase ? r.phase.max < TARGETS.eldMaxMs : null) : '',
        });
      }
      for (const r of runs) rows.push(...r.extra);
      note(
        'largest pages',
        `${largest.length}, ${round(largest.reduce((n, p) => n + p.size, 0) / 1e6, 1)} MB as HTML; the reader runs ${Math.max(1, os.availableParallelism() - 1)} parse worker(s)`,
      );
    } else note('reader', 'tmux is not installed: event-loop part skipped');
  } finally {
    await server?.close();
    if (!o.keep) fs.rmSync(tmp, { recursive: true, force: true });
    else log(`kept ${tmp}`);
  }
  return rows;
}

await runAsScript(import.meta.url, run);
