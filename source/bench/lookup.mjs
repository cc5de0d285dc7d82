/**
 * Lookups in the reader (tmux 120x40): Hacker News, Reddit and Lobsters stand-ins on loopback, each
 * answer held back --lookup-latency ms (150), the article's HN thread 3,000 comments deep in replies.
 *  1. `c` on the newest article (opens it and the pane) -> the frame that first listed the three
 *     services' threads (the last frame before the capture that showed them, after each service's
 *     first answer was sent: an upper bound), and -> the frame with nothing left to ask (after the
 *     last answer). The three are asked at once; Reddit's four URL variants go two at a time (its
 *     manners), and its threads show as each variant finds them.
 *  2. the thread with the most comments (HN) loads by itself: its answer sent -> the frame that
 *     first showed "3000 comments on Hacker News" (the same upper bound; with the first frame after
 *     the answer as a lower bound, and how many frames lie between); also its request -> that frame.
 *  3. key -> frame: `j`/`k` in the comments pane once the thread is in; and `j` in the article pane
 *     right after opening each of 6 more articles, while their lookups are in flight.
 *  4. event-loop delay (eld-probe.mjs): from `c` until the thread is on screen and 300 ms after, and
 *     during the key steps.
 * --lookup-runs runs, each on a fresh copy of a seeded 1,000-article cache.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import {
  BENCH_DIR,
  STALL_MIN_MS,
  Tmux,
  alignSent,
  eldCells,
  eldMerge,
  finish,
  keyRows,
  loadAverage,
  mainProfile,
  mainThreadSched,
  markEldPhaseWait,
  median,
  nodePidUnder,
  readEld,
  readStalls,
  readTrace,
  round,
  seedCache,
  sendPaced,
  sleep,
  snapshotBuild,
  stallRows,
  startReader,
  verdict,
  waitComplete,
  which,
  eachOption,
  runAsScript,
} from './lib.mjs';
import Database from 'better-sqlite3';
import { makeDiscussion } from './comments.mjs';

export const description = 'lookups: 3 services at 150 ms on loopback: c -> pane lists the discussions, thread first frame, j/k and event-loop delay meanwhile';
export const usage = `--lookup-runs N (5)  --lookup-latency MS (150)  --lookup-keys N (100)  --no-profile  --keep`;

const TARGETS = { listedMs: 400, threadFrameMs: 300, keyP95Ms: 16, eldMaxMs: 50 };
const STORY_ID = 41000000;
// The newest seeded article's link, set here: seed-cache's example.org is never looked up (a reserved name).
const ARTICLE = 'https://news.inkandpaper.net/story/0';

function parseOptions(argv) {
  const o = { runs: 5, latency: 150, keys: 100, keep: false, profile: true };
  eachOption(argv, (key, { int }) => {
    if (key === '--lookup-runs') o.runs = int();
    else if (key === '--lookup-latency') o.latency = int();
    else if (key === '--lookup-keys') o.keys = int();
    else if (key === '--keep') o.keep = true;
    else if (key === '--no-profile') o.profile = false;
    else if (key === '--lookup-profile-runs') o.profileRuns = int();
  });
  return o;
}

const T = Math.floor(Date.now() / 1000);
const isArticle = (u) => /^https?:\/\/news\.inkandpaper\.net\/story\/0\/?$/.test(u ?? '');

/** The three services and the thread, each answer after `latency` ms; every request logged with its times. */
async function startServices(latency, threadJson) {
  const thread = Buffer.from(threadJson);
  const log = [];
  const answer = (url) => {
    const q = url.searchParams;
    switch (url.pathname) {
      case '/hn/api/v1/search':
        return q.get('query') === 'news.inkandpaper.net/story/0'
          ? {
              hits: [
                { objectID: String(STORY_ID), title: 'A 3,000-comment discussion', url: ARTICLE, points: 900, num_comments: 3000, created_at_i: T - 7200 },
                { objectID: '41000999', title: 'near miss', url: 'https://news.inkandpaper.net/story/01', points: 5, num_comments: 40, created_at_i: T - 7200 },
              ],
            }
          : { hits: [] };
      case '/reddit/api/info.json':
        return {
          kind: 'Listing',
          data: {
            children:
              isArticle(q.get('url')) && q.get('url').startsWith('https')
                ? [
                    {
                      kind: 't3',
                      data: {
                        id: 'bench1',
                        name: 't3_bench1',
                        title: 'On Reddit',
                        score: 120,
                        num_comments: 85,
                        created_utc: T - 3600,
                        permalink: '/r/programming/comments/bench1/on_reddit/',
                        subreddit_name_prefixed: 'r/programming',
                        url: ARTICLE,
                      },
                    },
                  ]
                : [],
          },
        };
      case '/lobsters/stories/url/all.json':
        return isArticle(q.get('url'))
          ? [
              {
                short_id: 'bench1',
                title: 'On Lobsters',
                url: ARTICLE,
                score: 30,
                comment_count: 12,
                created_at: new Date((T - 5000) * 1000).toISOString(),
                comments_url: 'https://lobste.rs/s/bench1/on_lobsters',
                submitter_user: 'x',
              },
            ]
          : [];
      default:
        return null;
    }
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const entry = { path: url.pathname, url: req.url, at: performance.timeOrigin + performance.now(), done: null };
    log.push(entry);
    setTimeout(() => {
      const body =
        url.pathname === `/hn/api/v1/items/${STORY_ID}`
          ? thread
          : (() => {
              const a = answer(url);
              return a === null ? null : Buffer.from(JSON.stringify(a));
            })();
      if (body === null) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
      res.end(body, () => (entry.done = performance.timeOrigin + performance.now()));
    }, latency);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: server.address().port,
    log,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const listed = (s) => /3 discussions/.test(s) && /Lobsters · 12 comments/.test(s) && /Reddit r\/programming · 85 comments/.test(s);
const allIn = (s) => listed(s) && !/Asking /.test(s);
const threadShown = (s) => /3000 comments on Hacker News/.test(s);
const isSearch = (e) => ['/hn/api/v1/search', '/reddit/api/info.json', '/lobsters/stories/url/all.json'].includes(e.path);
/**
 * The frame that first showed something: the last frame written before the first capture that showed
 * it (an upper bound, as in tui.mjs), and after `after` (the answer it needed).
 */
const frameShowing = (trace, after, shown) => (shown ? (trace.filter((e) => e.ev === 'frame' && e.t > after && e.t <= shown.end).at(-1) ?? null) : null);

async function oneRun(ctx, o, pristine, { keys, label, profile = false }) {
  const home = path.join(ctx.tmp, `home-${label}`);
  fs.cpSync(pristine, home, { recursive: true });
  const run = startReader(ctx, { home, label, eld: true, profile, stalls: profile || Boolean(process.env.LOOKUP_DEBUG) });
  run.eld = true;
  try {
    await waitComplete(ctx, run);
    await sleep(300);
    const from = ctx.server.log.length;
    await markEldPhaseWait(run, 'before-c');
    const pid = nodePidUnder(ctx.tmux.panePid(run.session));
    const schedBefore = mainThreadSched(pid);
    const cAt = Date.now();
    await ctx.tmux.send(run.session, 'c');
    const shownList = await ctx.tmux.waitFor(run.session, listed, { timeoutMs: 10_000, everyMs: 10 });
    const shownAll = await ctx.tmux.waitFor(run.session, allIn, { timeoutMs: 10_000, everyMs: 10 });
    const shownThread = await ctx.tmux.waitFor(run.session, threadShown, { timeoutMs: 20_000, everyMs: 10 });
    const schedAfter = mainThreadSched(pid);
    await markEldPhaseWait(run, 'c -> thread on screen');
    await sleep(300);
    await markEldPhaseWait(run, 'the 300 ms after');
    const trace = readTrace(run.files.trace);
    const requests = ctx.server.log.slice(from);
    const searches = requests.filter(isSearch);
    const cKey = trace.find((e) => e.ev === 'key' && e.t >= cAt - 5);
    const lastSearch = searches.length && searches.every((e) => e.done) ? Math.max(...searches.map((e) => e.done)) : null;
    // Listed: after the first answer of each service; all in: after the last answer of all.
    const firstOf = (p) => Math.min(...searches.filter((e) => e.path.startsWith(p) && e.done).map((e) => e.done));
    const firstAnswers = Math.max(firstOf('/hn/'), firstOf('/reddit/'), firstOf('/lobsters/'));
    const listFrame = Number.isFinite(firstAnswers) ? frameShowing(trace, firstAnswers, shownList) : null;
    const allFrame = lastSearch ? frameShowing(trace, lastSearch, shownAll) : null;
    const item = requests.find((e) => e.path === `/hn/api/v1/items/${STORY_ID}`);
    const threadFrame = item?.done ? frameShowing(trace, item.done, shownThread) : null;
    // Frames from the answer to the capture that showed the thread: 1 means the bound is exact.
    const framesAfter = item?.done && shownThread ? trace.filter((e) => e.ev === 'frame' && e.t > item.done && e.t <= shownThread.end).length : null;
    const firstAfter = item?.done ? (trace.find((e) => e.ev === 'frame' && e.t > item.done) ?? null) : null;
    if (process.env.LOOKUP_DEBUG) {
      const frames = trace
        .filter((e) => e.ev === 'frame' && e.t >= cKey.t)
        .slice(0, 12)
        .map((e) => round(e.t - cKey.t));
      ctx.log(
        `debug: stalls ${readStalls(run.files.stalls)
          .filter((k) => k.to > cKey.t)
          .map((k) => `${round(k.from - cKey.t)}+${round(k.ms)}`)
          .join(
            ' ',
          )}; frames after c ${frames.join(' ')}; requests ${requests.map((e) => `${e.path.split('/')[1]}@${round(e.at - cKey.t)}/${round(e.done - cKey.t)}`).join(' ')}`,
      );
    }
    const result = {
      ok: Boolean(shownList && shownThread),
      listedMs: cKey && listFrame ? listFrame.t - cKey.t : null,
      allInMs: cKey && allFrame ? allFrame.t - cKey.t : null,
      searches: searches.length,
      lastSearchSent: cKey && lastSearch ? lastSearch - cKey.t : null,
      threadMs: item?.done && threadFrame ? threadFrame.t - item.done : null,
      threadLowMs: item?.done && firstAfter ? firstAfter.t - item.done : null,
      framesAfter,
      threadRequestMs: item && threadFrame ? threadFrame.t - item.at : null,
      keyToThreadRequest: item && cKey ? item.at - cKey.t : null,
      // The reader's main thread from c until the thread showed: on a CPU, and runnable but waiting for one.
      cpuMs: schedBefore && schedAfter ? schedAfter.cpuMs - schedBefore.cpuMs : null,
      waitMs: schedBefore && schedAfter ? schedAfter.waitMs - schedBefore.waitMs : null,
      run,
      steps: [],
    };
    if (keys) result.steps = await keySteps(ctx, o, run);
    return result;
  } finally {
    await finish(ctx, run);
  }
}

async function keySteps(ctx, o, run) {
  const steps = [];
  const step = async (label, keys, spacingMs) => {
    const sent = await sendPaced(ctx.tmux, run.session, keys, spacingMs);
    await sleep(300);
    await markEldPhaseWait(run, label);
    steps.push({ label, sent });
  };
  await markEldPhaseWait(run, 'idle before keys');
  await step(`${o.keys} j in the comments pane, 40 ms apart`, Array(o.keys).fill('j'), 40);
  await step(`${o.keys} k in the comments pane, 40 ms apart`, Array(o.keys).fill('k'), 40);
  // Back to the list, then open six more articles, scrolling each while its lookup is in flight.
  await ctx.tmux.send(run.session, 'h');
  await sleep(100);
  await ctx.tmux.send(run.session, 'h');
  await sleep(300);
  await markEldPhaseWait(run, 'back in the list');
  const during = [];
  for (let i = 0; i < 6; i++) during.push('j', 'Enter', ...Array(8).fill('j'), 'h');
  await step('6 articles opened, 8 j each while their lookups run, 40 ms apart', during, 40);
  const trace = readTrace(run.files.trace);
  for (const s of steps) s.aligned = alignSent(s.sent, trace).filter((a) => a.key === 'j' || a.key === 'k');
  if (process.env.LOOKUP_DEBUG) {
    const all = alignSent(steps.at(-1).sent, trace);
    ctx.log(all.map((a, i) => `${i % 11}:${a.key}=${a.frameT === null ? '-' : round(a.frameT - a.keyT)}`).join(' '));
  }
  return steps;
}

export async function run({ log = (t) => process.stderr.write(t + '\n'), argv = [], root = path.resolve(BENCH_DIR, '../..') } = {}) {
  const o = parseOptions(argv);
  if (!which('tmux')) throw new Error('tmux is not installed');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'broadsheet-lookup-bench-'));
  const ctx = { tmp, root, log, cli: snapshotBuild(root, tmp), tmux: new Tmux('lookup'), server: null };
  const rows = [];
  const note = (key, value) => rows.push({ table: 'notes', key, value: String(value) });
  note('load average at start', loadAverage());
  try {
    const d = makeDiscussion({ count: 3000, depth: 12 });
    ctx.server = await startServices(o.latency, JSON.stringify(d.story));
    const base = `http://127.0.0.1:${ctx.server.port}`;
    const pristine = path.join(tmp, 'home-pristine');
    seedCache(root, ['--articles', '1000', '--feeds', '10', '--out', pristine], log);
    const config = JSON.parse(fs.readFileSync(path.join(pristine, 'config.json'), 'utf8'));
    config.sources = { hackernews: { api: `${base}/hn/api/v1` }, reddit: { base: `${base}/reddit` }, lobsters: { base: `${base}/lobsters` } };
    fs.writeFileSync(path.join(pristine, 'config.json'), JSON.stringify(config, null, 1));
    const db = new Database(path.join(pristine, 'cache.db'));
    db.prepare("UPDATE articles SET link = ? WHERE guid = 'seed-0'").run(ARTICLE);
    // The other articles opened in part 3 get looked up too (nothing found): give them real-looking hosts.
    db.prepare("UPDATE articles SET link = replace(link, 'https://example.org/', 'https://news.inkandpaper.net/') WHERE guid != 'seed-0'").run();
    // Long enough that each of part 3's eight j scrolls its article: a j that changes nothing draws no
    // frame, and the first frame after it (a lookup's answer) would be counted as its own.
    const long = Array.from(
      { length: 40 },
      (_, i) => `<p>Paragraph ${i + 1} of a long article, long enough to wrap over two lines at any width the bench draws it, so that every j scrolls.</p>`,
    ).join('');
    db.prepare('UPDATE bodies SET html = ? WHERE article_id IN (SELECT id FROM articles ORDER BY sort_key DESC, id DESC LIMIT 20)').run(long);
    db.close();

    await oneRun(ctx, o, pristine, { keys: false, label: 'warmup' });
    const runs = [];
    for (let i = 0; i < o.runs; i++) {
      const r = await oneRun(ctx, o, pristine, { keys: i === o.runs - 1, label: `run-${i}` });
      if (!r.ok) log(`run ${i + 1}: the list or the thread never appeared on screen`);
      runs.push(r);
      log(`run ${i + 1}/${o.runs}: c -> listed ${round(r.listedMs)} ms, thread answer -> frame ${round(r.threadMs)} ms`);
    }
    const ok = runs.filter((r) => r.listedMs !== null);
    const med = median(ok.map((r) => r.listedMs));
    rows.push({
      table: `1. c -> the pane lists the article's discussions (ms), 3 services at ${o.latency} ms`,
      runs: ok.length,
      median: round(med),
      min: round(Math.min(...ok.map((r) => r.listedMs))),
      max: round(Math.max(...ok.map((r) => r.listedMs))),
      'every answer in (median)': round(median(ok.map((r) => r.allInMs))),
      'last answer sent (median)': round(median(ok.map((r) => r.lastSearchSent))),
      'search requests': ok[0]?.searches ?? null,
      'reader CPU c->thread': round(median(ok.map((r) => r.cpuMs))),
      'waiting for a CPU': round(median(ok.map((r) => r.waitMs))),
      target: `median < ${TARGETS.listedMs}`,
      result: verdict(med !== null && med < TARGETS.listedMs),
    });
    const th = runs.filter((r) => r.threadMs !== null);
    const thMed = median(th.map((r) => r.threadMs));
    rows.push({
      table: `2. the ${d.count}-comment HN thread: its answer sent -> first frame (ms)`,
      runs: th.length,
      median: round(thMed),
      max: round(Math.max(...th.map((r) => r.threadMs))),
      'first frame after the answer (median; a lower bound)': round(median(th.map((r) => r.threadLowMs))),
      'frames until shown (max)': Math.max(...th.map((r) => r.framesAfter ?? 0)),
      'request -> frame (median)': round(median(th.map((r) => r.threadRequestMs))),
      'c -> thread request (median)': round(median(th.map((r) => r.keyToThreadRequest))),
      target: `median < ${TARGETS.threadFrameMs}`,
      result: verdict(thMed !== null && thMed < TARGETS.threadFrameMs),
    });
    const last = runs.at(-1);
    rows.push(...keyRows('3. key -> frame (ms)', last?.steps ?? [], { targetMs: TARGETS.keyP95Ms }).rows);
    const table = '4. event-loop delay (ms; probe resolution 10 ms, idle reads ~10)';
    const phases = runs.map((r) => readEld(r.run.files.eld));
    const phase = (e, why) => e.phases.find((p) => p.why === why) ?? null;
    for (const why of ['c -> thread on screen', 'the 300 ms after']) {
      const merged = eldMerge(phases.map((e) => phase(e, why)));
      rows.push({
        table,
        phase: `${why}, ${runs.length} runs`,
        'max per run': phases.map((e) => round(phase(e, why)?.max, 0)).join(' '),
        ...eldCells(merged),
        target: `max < ${TARGETS.eldMaxMs}`,
        result: verdict(merged ? merged.max < TARGETS.eldMaxMs : null),
      });
    }
    for (const s of last?.steps ?? []) {
      const p = phase(phases.at(-1), s.label);
      rows.push({
        table,
        phase: `${s.label} (and 300 ms after)`,
        'max per run': '',
        ...eldCells(p),
        target: `max < ${TARGETS.eldMaxMs}`,
        result: verdict(p ? p.max < TARGETS.eldMaxMs : null),
      });
    }
    // Over target: once more under --cpu-prof, and where the main thread was in each stall.
    const over = (why) => phases.some((e) => (phase(e, why)?.max ?? 0) >= TARGETS.eldMaxMs);
    for (let n = 0; o.profile && n < (o.profileRuns ?? (over('c -> thread on screen') || over('the 300 ms after') ? 1 : 0)); n++) {
      const p = await oneRun(ctx, o, pristine, { keys: false, label: `profiled-${n}`, profile: true });
      await sleep(300);
      const file = mainProfile(p.run.files.prof);
      const eld = readEld(p.run.files.eld);
      const c = phase(eld, 'c -> thread on screen');
      if (file && eld.anchor && c) {
        const stalls = readStalls(p.run.files.stalls).filter((k) => k.to > c.from && k.from < (phase(eld, 'the 300 ms after')?.to ?? c.to));
        rows.push(
          ...stallRows(
            `profile: event-loop stalls >= ${STALL_MIN_MS} ms from c until 300 ms after the thread is on screen, under --cpu-prof ("at" = ms after c)`,
            file,
            stalls,
            { anchor: eld.anchor, t0: c.from },
          ),
        );
      }
    }
    note(
      'services',
      `Algolia-, Reddit- and Lobsters-shaped stand-ins on 127.0.0.1, every answer after ${o.latency} ms; Reddit asked for 4 URL variants, 2 at a time`,
    );
    note('during the last key step', "each opened article is looked up too (empty answers); Reddit's 10-a-minute budget runs out there, as it would");
    note('load average at end', loadAverage());
    return rows;
  } finally {
    ctx.tmux.killServer();
    await ctx.server?.close();
    if (!o.keep) fs.rmSync(tmp, { recursive: true, force: true });
  }
}

await runAsScript(import.meta.url, run);
