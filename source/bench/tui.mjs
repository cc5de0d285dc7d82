/**
 * The reader in a real terminal (a private tmux server, 120x40 panes), timed from its trace
 * (BROADSHEET_TRACE: `key`/`frame` lines with epoch ms) and from the screen (capture-pane).
 *
 *  a. spawn -> first complete frame, 30k and 300k seeded articles (and the 30k articles of a
 *     1000x30 feed farm refreshed by Broadsheet), --tui-runs runs each, median and p90; newsboat 2.x
 *     on the same farm's articles (cache filled by `newsboat -x reload`, then ANALYZE) to its first
 *     screen, polled every 10 ms, --tui-newsboat-runs runs.
 *  b. key -> frame in a 100k-article list: 300 `j` 40 ms apart, then G/g, Ctrl-d, Enter/h.
 *  c. event-loop delay (eld-probe.mjs inside the reader) while a 1000-feed refresh runs in the
 *     background, and key -> frame for a `j` every 100 ms during it.
 *  d. peak RSS (VmHWM) with 300k articles after start + 100 keys + opening an article.
 *  e. one 20 MB feed (the farm's --emit, served with an ETag from a loopback server in this process)
 *     refreshed on start over a seeded cache of 30k articles of that feed: event-loop delay during
 *     the refresh (first frame -> the header no longer says "refreshing"), key -> frame for a `j`
 *     every 100 ms during it, and the refresh time.
 *  For every figure over its target the scenario runs once more under --cpu-prof and the samples
 *  inside the slow windows are summarised (self and inclusive time per function).
 *
 * Spawn time: a launcher script writes `date +%s%N` and execs node, so the figure starts at the
 * real exec, not at tmux's start. The first complete frame is the last `frame` line written before
 * the first capture that shows the header, a full list and the status bar (an upper bound; the
 * "frames" column says how many frames that was: 1 means exact).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import {
  KEY_NAMES,
  PANE_SIZE,
  alignSent,
  finish,
  keyRows,
  mainProfile,
  markEldPhase,
  nextRunNo,
  readEld,
  startReader,
  waitComplete,
  BENCH_DIR,
  Tmux,
  eldCells,
  eldMerge,
  readStalls,
  stallRows,
  STALL_MIN_MS,
  aptInstall,
  loadAverage,
  mainThreadSched,
  median,
  memoryOf,
  nodePidUnder,
  profileRows,
  profileSelfTime,
  quantile,
  readT0,
  readTrace,
  resolveFarm,
  emitBigFeed,
  round,
  seedCache,
  sendPaced,
  sleep,
  snapshotBuild,
  startFarm,
  verdict,
  which,
  writeLauncher,
  eachOption,
  runAsScript,
} from './lib.mjs';

export const description =
  'reader in tmux: spawn-to-first-frame (30k/300k, vs newsboat), key-to-frame (100k), event-loop delay during a 1000-feed refresh and a 20 MB feed, peak RSS (300k)';
export const usage = `--tui-parts a,b,c,d,e   which parts (default all)
--tui-runs N (10)  --tui-newsboat-runs N (5)  --tui-keys N (300 j presses in part b)  --tui-rss-runs N (3)
--tui-big-mb N (20: the size of part e's feed)  --tui-big-runs N (3: part e's runs)
--no-newsboat  --no-profile (no --cpu-prof rerun for figures over target)  --keep (keep the temp folder)
--farm PATH (test/support/farm/cli.ts)`;

const TARGETS = { firstFrameMs: 400, sizeSpread: 0.2, keyP95Ms: 16, eldMaxMs: 50, rssMb: 200 };
const SIZE = PANE_SIZE;

function parseOptions(argv) {
  const o = {
    parts: ['a', 'b', 'c', 'd', 'e'],
    runs: 10,
    nbRuns: 5,
    keys: 300,
    rssRuns: 3,
    bigMb: 20,
    bigRuns: 3,
    newsboat: true,
    profile: true,
    keep: false,
    farm: null,
  };
  eachOption(argv, (key, { value, int }) => {
    switch (key) {
      case '--tui-parts':
        o.parts = value()
          .split(',')
          .map((s) => s.trim().toLowerCase())
          .filter(Boolean);
        break;
      case '--tui-runs':
        o.runs = int();
        break;
      case '--tui-newsboat-runs':
        o.nbRuns = int();
        break;
      case '--tui-keys':
        o.keys = int();
        break;
      case '--tui-rss-runs':
        o.rssRuns = int();
        break;
      case '--tui-big-mb':
        o.bigMb = int();
        break;
      case '--tui-big-runs':
        o.bigRuns = int();
        break;
      case '--no-newsboat':
        o.newsboat = false;
        break;
      case '--no-profile':
        o.profile = false;
        break;
      case '--keep':
        o.keep = true;
        break;
      case '--farm':
        o.farm = value();
        break;
      default:
        break; // another module's option
    }
  });
  return o;
}

// ------------------------------------------------------------------------------------ running the reader

// ------------------------------------------------------------------------------------ part a: first frame

async function firstFrameRun(ctx, home, label) {
  const run = startReader(ctx, { home, label });
  try {
    const done = await waitComplete(ctx, run);
    const sched = mainThreadSched(nodePidUnder(ctx.tmux.panePid(run.session)));
    await sleep(300); // let any later frame land, to count them
    const t0 = readT0(run.files.t0);
    const frames = readTrace(run.files.trace).filter((e) => e.ev === 'frame');
    const before = frames.filter((f) => f.t <= done.end);
    const chosen = before[before.length - 1];
    return {
      ms: chosen ? chosen.t - t0 : null,
      firstFrameMs: frames[0] ? frames[0].t - t0 : null,
      pollMs: done.at - t0,
      framesToComplete: before.length,
      framesAfter: frames.length - before.length,
      cpuMs: sched?.cpuMs ?? null,
      waitMs: sched?.waitMs ?? null,
    };
  } finally {
    await finish(ctx, run);
  }
}

async function newsboatRun(ctx, nb) {
  const n = nextRunNo();
  const dir = path.join(ctx.tmp, 'runs', `${String(n).padStart(3, '0')}-newsboat`);
  fs.mkdirSync(dir, { recursive: true });
  const t0File = path.join(dir, 't0');
  const script = writeLauncher(path.join(dir, 'launch.sh'), {
    t0File,
    env: nb.env,
    argv: [nb.bin, '-u', nb.urls, '-c', nb.db, '-C', nb.conf],
  });
  const session = `nb${n}`;
  ctx.tmux.start(session, script, SIZE);
  try {
    // The feed list: its title bar and a screenful of feeds.
    const done = await ctx.tmux.waitFor(session, (s) => /Your feeds/.test(s) && s.split('\n').filter((l) => /^\s+\d+\s/.test(l)).length >= 20, {
      timeoutMs: 120_000,
      everyMs: 10,
    });
    if (!done) throw new Error(`newsboat showed no feed list within 120 s: ${(ctx.tmux.capture(session) ?? '').split('\n').slice(0, 4).join(' / ')}`);
    return { pollMs: done.at - readT0(t0File) };
  } finally {
    await ctx.tmux.quit(session, ['q'], 20_000);
    fs.rmSync(nb.db + '.lock', { force: true });
  }
}

async function partA(ctx, o, rows) {
  const { log } = ctx;
  const homes = [
    { label: '30k seeded', home: ctx.homes.h30k, articles: 30000 },
    { label: '300k seeded', home: ctx.homes.h300k, articles: 300000 },
  ];
  if (ctx.farmHome) homes.push({ label: `${ctx.farmHome.articles} from the farm`, home: ctx.farmHome.home, articles: ctx.farmHome.articles });
  const results = new Map(homes.map((h) => [h.label, []]));
  // Warm the page cache and the build once per home (not timed).
  for (const h of homes) await firstFrameRun(ctx, h.home, 'warmup');
  for (let i = 0; i < o.runs; i++) {
    for (const h of homes) {
      const r = await firstFrameRun(ctx, h.home, `a-${h.articles}`);
      results.get(h.label).push(r);
    }
    log(`a: run ${i + 1}/${o.runs}: ${homes.map((h) => `${h.label} ${round(results.get(h.label).at(-1).ms)} ms`).join(', ')}`);
  }

  // Baseline: node -e 0, spawn to exit.
  const nodeMs = [];
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    spawnSync(process.execPath, ['-e', '0'], { env: { PATH: process.env.PATH } });
    nodeMs.push(performance.now() - t);
  }

  let newsboat = null;
  if (o.newsboat && ctx.nb) {
    const polls = [];
    await newsboatRun(ctx, ctx.nb); // warm-up
    for (let i = 0; i < o.nbRuns; i++) {
      const r = await newsboatRun(ctx, ctx.nb);
      polls.push(r.pollMs);
      log(`a: newsboat run ${i + 1}/${o.nbRuns}: ${round(r.pollMs)} ms`);
    }
    newsboat = { polls };
  }

  const medians = {};
  for (const h of homes) {
    const rs = results.get(h.label);
    const ms = rs.map((r) => r.ms);
    medians[h.label] = { trace: median(ms), poll: median(rs.map((r) => r.pollMs)) };
    rows.push({
      table: 'a. spawn -> first complete frame (ms), 120x40 tmux pane',
      cache: `Broadsheet, ${h.label}`,
      runs: rs.length,
      median: round(median(ms)),
      p90: round(quantile(ms, 0.9)),
      min: round(Math.min(...ms.filter((v) => v !== null))),
      'median by polling the pane': round(median(rs.map((r) => r.pollMs))),
      'frames to complete (max)': Math.max(...rs.map((r) => r.framesToComplete)),
      'main-thread CPU ms (median)': round(median(rs.map((r) => r.cpuMs))),
      'waiting for a CPU ms (median)': round(median(rs.map((r) => r.waitMs))),
      target: `< ${TARGETS.firstFrameMs}`,
      result: verdict(median(ms) < TARGETS.firstFrameMs),
    });
  }
  if (newsboat) {
    rows.push({
      table: 'a. spawn -> first complete frame (ms), 120x40 tmux pane',
      cache: `newsboat ${ctx.nb.version}, ${ctx.nb.items} items, after ANALYZE`,
      runs: newsboat.polls.length,
      median: null,
      p90: round(quantile(newsboat.polls, 0.9)),
      min: round(Math.min(...newsboat.polls)),
      'median by polling the pane': round(median(newsboat.polls)),
      'frames to complete (max)': null,
      target: '',
      result: '',
    });
  }
  rows.push({
    table: 'a. spawn -> first complete frame (ms), 120x40 tmux pane',
    cache: 'node -e 0 (spawn to exit, baseline)',
    runs: nodeMs.length,
    median: round(median(nodeMs)),
    p90: round(quantile(nodeMs, 0.9)),
    min: round(Math.min(...nodeMs)),
  });
  const m30 = medians['30k seeded'].trace;
  const m300 = medians['300k seeded'].trace;
  const spread = m300 / m30 - 1;
  rows.push({
    table: 'a. targets',
    check: '300k median vs 30k median',
    value: `${round(100 * spread)} %`,
    target: `within ${100 * TARGETS.sizeSpread} %`,
    result: verdict(Math.abs(spread) <= TARGETS.sizeSpread),
  });
  if (newsboat) {
    const farmLabel = homes[2]?.label;
    const bsPoll = farmLabel ? medians[farmLabel].poll : medians['30k seeded'].poll;
    rows.push({
      table: 'a. targets',
      check: `newsboat / Broadsheet (same ${farmLabel ? 'farm articles' : '30k count'}, both by polling)`,
      value: `${round(median(newsboat.polls) / bsPoll, 2)}x (${round(median(newsboat.polls))} vs ${round(bsPoll)} ms)`,
      target: '> 1 (Broadsheet wins)',
      result: verdict(median(newsboat.polls) > bsPoll),
    });
  }
  return { m30, m300, spread, over: m30 >= TARGETS.firstFrameMs || m300 >= TARGETS.firstFrameMs || Math.abs(spread) > TARGETS.sizeSpread };
}

async function profileStartup(ctx, home, label, rows) {
  const run = startReader(ctx, { home, eld: true, profile: true, label: `prof-start-${label}` });
  let window;
  try {
    await waitComplete(ctx, run);
    const t0 = readT0(run.files.t0);
    const frame = readTrace(run.files.trace).find((e) => e.ev === 'frame');
    window = [t0, frame?.t ?? t0 + 5000];
  } finally {
    await finish(ctx, run);
  }
  await sleep(300);
  const file = mainProfile(run.files.prof);
  const { anchor } = readEld(run.files.eld);
  if (!file || !anchor) return ctx.log(`profile of ${label}: no profile or anchor in ${run.files.dir}`);
  const prof = profileSelfTime(file, { windows: [window], anchor });
  rows.push(...profileRows('profile: spawn -> first frame', prof, { label: `${label} (${round(prof.totalMs)} ms sampled)` }));
  rows.push(...sqlRows(ctx, home, label));
  ctx.log(`profile ${file}`);
}

/** EXPLAIN QUERY PLAN and timings of the start-up queries, straight from SQLite (sqlite3 CLI). */
function sqlRows(ctx, home, label) {
  if (!which('sqlite3')) return [];
  const db = path.join(home, 'cache.db');
  const queries = {
    'count(all)': 'SELECT count(*) FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE f.active = 1;',
    'count(unread)': 'SELECT count(*) FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE f.active = 1 AND a.read = 0;',
    'first page': 'SELECT a.id FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE f.active = 1 ORDER BY a.sort_key DESC, a.id DESC LIMIT 37 OFFSET 0;',
  };
  const out = [];
  for (const [name, sql] of Object.entries(queries)) {
    const r = spawnSync('sqlite3', ['-readonly', db], { input: `.timer on\nEXPLAIN QUERY PLAN ${sql}\n${sql}\n${sql}\n`, encoding: 'utf8', timeout: 60_000 });
    const times = [...(r.stdout ?? '').matchAll(/Run Time: real ([\d.]+)/g)].map((m) => Number(m[1]) * 1000);
    const plan = (r.stdout ?? '')
      .split('\n')
      .filter((l) => /SCAN|SEARCH|USE TEMP|COVERING/.test(l))
      .map((l) => l.replace(/^[|`\- ]+/, '').trim())
      .join('; ');
    out.push({ table: 'profile: start-up queries in sqlite3', cache: label, query: name, 'ms (warm)': round(times.at(-1)), plan });
  }
  return out;
}

// ------------------------------------------------------------------------------------ part b: keys

function keyScript(o) {
  return [
    { label: `${o.keys} j, 40 ms apart`, keys: Array(o.keys).fill('j'), spacingMs: 40 },
    { label: 'G and g, 400 ms apart', keys: ['G', 'g', 'G', 'g', 'G', 'g', 'G', 'g'], spacingMs: 400 },
    { label: '20 Ctrl-d, 100 ms apart', keys: Array(20).fill('C-d'), spacingMs: 100 },
    { label: '20 k, 40 ms apart', keys: Array(20).fill('k'), spacingMs: 40 },
    // Open, back, move on: the article pane renders the body; marking it read recounts the list.
    { label: 'Enter, h, j x8, 300 ms apart', keys: Array.from({ length: 8 }, () => ['Enter', 'h', 'j']).flat(), spacingMs: 300 },
  ];
}

async function runKeys(ctx, o, home, { profile = false, label = 'keys' } = {}) {
  const run = startReader(ctx, { home, eld: profile, profile, label });
  const steps = [];
  try {
    await waitComplete(ctx, run);
    const pid = nodePidUnder(ctx.tmux.panePid(run.session));
    await sleep(300);
    for (const step of keyScript(o)) {
      const before = mainThreadSched(pid);
      const sent = await sendPaced(ctx.tmux, run.session, step.keys, step.spacingMs);
      await sleep(Math.max(200, step.spacingMs));
      const after = mainThreadSched(pid);
      steps.push({ label: step.label, sent, sched: before && after ? { cpuMs: after.cpuMs - before.cpuMs, waitMs: after.waitMs - before.waitMs } : null });
    }
    await sleep(300);
    const trace = readTrace(run.files.trace);
    for (const step of steps) step.aligned = alignSent(step.sent, trace);
  } finally {
    await finish(ctx, run);
  }
  return { run, steps };
}

async function partB(ctx, o, rows) {
  ctx.log(`b: ${o.keys} j presses 40 ms apart, then G/g, Ctrl-d, k, Enter/h in a 100k list`);
  const { steps } = await runKeys(ctx, o, ctx.homes.h100k, { label: 'b-keys' });
  const { rows: r, slow } = keyRows('b. key -> frame (ms) in a 100,000-article list, 120x40', steps, { targetMs: TARGETS.keyP95Ms });
  rows.push(...r);
  return { slow };
}

async function profileKeys(ctx, o, slowNames, rows) {
  ctx.log(`profiling keys: ${slowNames.join(', ')}`);
  const { run, steps } = await runKeys(ctx, o, ctx.homes.h100k, { profile: true, label: 'prof-keys' });
  await sleep(300);
  const file = mainProfile(run.files.prof);
  const { anchor } = readEld(run.files.eld);
  if (!file || !anchor) return ctx.log(`profile: no profile or anchor in ${run.files.dir}`);
  const aligned = steps.flatMap((s) => s.aligned);
  for (const name of slowNames) {
    const windows = aligned
      .filter((a) => (KEY_NAMES[a.key] ?? a.key) === name && a.keyT !== null && a.frameT !== null)
      .map((a) => [a.keyT - 0.5, a.frameT + 0.5]);
    if (!windows.length) continue;
    const prof = profileSelfTime(file, { windows, anchor });
    const per = round(prof.totalMs / windows.length, 2);
    rows.push(...profileRows('profile: key -> frame windows', prof, { label: `${name} x${windows.length} (${per} ms sampled per key, under --cpu-prof)` }));
  }
  ctx.log(`profile ${file}`);
}

// ------------------------------------------------------------------------------------ part c: refresh

/**
 * Start the reader on `home` (refreshOnStart: the refresh begins right after the first frame), send a
 * `j` every 100 ms while the header says "refreshing", then quit. ELD phases: "start-up" (spawn ->
 * first frame), "refresh" (first frame -> the header no longer says "refreshing"), "after-refresh"
 * (the next second: work the refresh leaves behind, with no keys sent).
 */
async function refreshRun(ctx, home, { profile = false, label, what = 'c', hardStopMs = 10 * 60_000 }) {
  const run = startReader(ctx, { home, eld: true, profile, stalls: profile, label });
  const out = {};
  const sent = [];
  try {
    // Phase 0 ends at the first frame (marked within 20 ms of it); the refresh starts on the next tick.
    const deadline = Date.now() + 30_000;
    let frame;
    while (!(frame = readTrace(run.files.trace).find((e) => e.ev === 'frame')) && Date.now() < deadline) await sleep(2);
    const pid = nodePidUnder(ctx.tmux.panePid(run.session));
    if (!frame || !pid) throw new Error('the reader did not draw its first frame');
    markEldPhase(run, 'start-up');
    const refreshFrom = Date.now();
    out.refreshFrom = refreshFrom;
    const schedFrom = mainThreadSched(pid);
    const started = await ctx.tmux.waitFor(run.session, (s) => /refreshing \d+\/\d+/.test(s.split('\n')[0] ?? ''), { timeoutMs: 10_000, everyMs: 5 });
    if (!started) ctx.log(`${what}: never saw "refreshing" in the header (refresh finished at once?)`);
    // A `j` every 100 ms while the header says "refreshing"; check the header every 200 ms.
    const hardStop = Date.now() + hardStopMs;
    let lastCheck = 0;
    let n = 0;
    const start = Date.now();
    let ended = null;
    let endScreen = '';
    while (Date.now() < hardStop) {
      const due = start + n * 100;
      if (Date.now() < due) await sleep(due - Date.now());
      sent.push({ key: 'j', at: Date.now() });
      await ctx.tmux.send(run.session, 'j');
      n++;
      if (Date.now() - lastCheck > 200) {
        lastCheck = Date.now();
        const screen = ctx.tmux.capture(run.session) ?? '';
        if (!/refreshing \d+\/\d+/.test(screen.split('\n')[0] ?? '')) {
          ended = Date.now();
          endScreen = screen;
          break;
        }
      }
    }
    markEldPhase(run, 'refresh');
    const schedTo = mainThreadSched(pid);
    out.sched = schedFrom && schedTo ? { cpuMs: schedTo.cpuMs - schedFrom.cpuMs, waitMs: schedTo.waitMs - schedFrom.waitMs } : null;
    out.refreshMs = (ended ?? Date.now()) - refreshFrom;
    out.timedOut = ended === null;
    await sleep(1000);
    markEldPhase(run, 'after-refresh');
    const screen = endScreen || (ctx.tmux.capture(run.session) ?? '');
    out.status = screen.replace(/\n+$/, '').split('\n').pop()?.trim() ?? '';
    out.header = screen.split('\n')[0]?.trim() ?? '';
    out.pid = pid;
    out.mem = memoryOf(pid);
  } finally {
    await finish(ctx, run);
  }
  await sleep(300);
  out.eld = readEld(run.files.eld);
  out.aligned = alignSent(sent, readTrace(run.files.trace));
  out.run = run;
  return out;
}

async function partC(ctx, o, rows, { profile = false } = {}) {
  const home = path.join(ctx.tmp, profile ? 'home-refresh-prof' : 'home-refresh');
  seedCache(ctx.root, ['--articles', '30000', '--feed-urls', ctx.farm.urlsFile, '--refresh-on-start', '--out', home], ctx.log);
  const out = await refreshRun(ctx, home, { profile, label: profile ? 'prof-refresh' : 'c-refresh', what: 'c' });
  if (profile) return out;
  const { eld, aligned } = out;

  const refresh = eld.phases.find((p) => p.why === 'refresh');
  const startup = eld.phases.find((p) => p.why === 'start-up');
  const table = 'c. event-loop delay (ms, monitorEventLoopDelay resolution 10 ms: idle reads ~10)';
  for (const [name, p] of [
    ['start-up (spawn -> first frame)', startup],
    ['during the 1000-feed refresh', refresh],
  ]) {
    if (!p) continue;
    rows.push({
      table,
      phase: name,
      'duration s': round((p.to - p.from) / 1000, 1),
      samples: p.count,
      p50: round(p.p50),
      p99: round(p.p99),
      max: round(p.max),
      'max - 10': round(p.max - 10),
      target: name.startsWith('during') ? `max < ${TARGETS.eldMaxMs}` : '',
      result: name.startsWith('during') ? verdict(p.max < TARGETS.eldMaxMs) : '',
    });
  }
  // The probe's one-second windows restart at each phase mark: those inside the refresh.
  const during = eld.windows.filter((w) => refresh && w.from >= refresh.from - 1 && w.to <= refresh.to + 1 && w.count > 0);
  const over = during.filter((w) => w.max >= TARGETS.eldMaxMs);
  rows.push({
    table: 'c. refresh',
    'refresh s': round(out.refreshMs / 1000, 1),
    'timed out': out.timedOut ? 'yes' : 'no',
    'seconds with max >= 50 ms': `${over.length} of ${during.length}`,
    'worst seconds (max ms)': during
      .map((w) => round(w.max, 0))
      .sort((a, b) => b - a)
      .slice(0, 8)
      .join(' '),
    'main-thread CPU s': round(out.sched?.cpuMs / 1000, 1),
    'waiting for a CPU s': round(out.sched?.waitMs / 1000, 1),
    'RSS MB (end of refresh)': round(out.mem?.rssMb, 0),
    'VmHWM MB': round(out.mem?.hwmMb, 0),
  });
  // The header's unread count after the refresh shows what landed (the status message is cleared by the j presses).
  rows.push({ table: 'c. refresh', 'refresh s': null, 'header after': out.header.slice(0, 80) });
  const { rows: kr } = keyRows('c. key -> frame (ms) during the refresh, a `j` every 100 ms', [{ label: 'j during the refresh', aligned, sched: null }], {
    targetMs: TARGETS.keyP95Ms,
  });
  rows.push(...kr);
  return { ...out, refreshPhase: refresh, over: (refresh?.max ?? 0) >= TARGETS.eldMaxMs || kr.some((r) => r.result === 'FAIL') };
}

/** Profile rows for a refresh run made under --cpu-prof: the whole refresh, then the seconds with a stall. */
function refreshProfileRows(ctx, out, rows, what) {
  const file = mainProfile(out.run.files.prof);
  const refresh = out.eld.phases.find((p) => p.why === 'refresh');
  if (!file || !out.eld.anchor || !refresh) return ctx.log(`profile: no profile, anchor or refresh phase in ${out.run.files.dir}`);
  const all = profileSelfTime(file, { windows: [[refresh.from, refresh.to]], anchor: out.eld.anchor });
  rows.push(
    ...profileRows(`profile: main thread during ${what}`, all, {
      label: `whole refresh (${round(all.totalMs)} ms sampled over ${round((refresh.to - refresh.from) / 1000, 1)} s)`,
    }),
  );
  // The stalls themselves (the stall probe's gaps): all of those the ELD probe would read as >= 50 ms
  // together, then the 15 longest of any length, in order.
  const stalls = readStalls(out.run.files.stalls).filter((k) => k.to > refresh.from && k.from < refresh.to);
  const over = stalls.filter((k) => k.ms >= TARGETS.eldMaxMs - 10);
  if (over.length) {
    const prof = profileSelfTime(file, { windows: over.map((k) => [k.from, k.to]), anchor: out.eld.anchor });
    rows.push(
      ...profileRows(`profile: main thread during ${what}, stalls >= ${TARGETS.eldMaxMs - 10} ms`, prof, {
        label: `${over.length} stalls (${round(prof.totalMs)} ms sampled)`,
      }),
    );
  }
  const longest = [...stalls]
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 15)
    .sort((a, b) => a.from - b.from);
  rows.push(
    ...stallRows(`profile: ${what}, event-loop stalls >= ${STALL_MIN_MS} ms under --cpu-prof ("at" = ms after the first frame)`, file, longest, {
      anchor: out.eld.anchor,
      t0: refresh.from,
    }),
  );
  rows.push({
    table: `profile: ${what}, under --cpu-prof`,
    'eld max': round(refresh.max),
    'eld p99': round(refresh.p99),
    'refresh s': round(out.refreshMs / 1000, 1),
  });
  ctx.log(`profile ${file}`);
}

async function profileRefresh(ctx, o, rows) {
  ctx.log('profiling the refresh');
  const out = await partC(ctx, o, rows, { profile: true });
  refreshProfileRows(ctx, out, rows, 'the refresh');
}

// ------------------------------------------------------------------------------------ part d: memory

async function rssRun(ctx) {
  const run = startReader(ctx, { home: ctx.homes.h300k, label: 'd-rss', eld: true });
  const r = {};
  try {
    await waitComplete(ctx, run);
    const pid = nodePidUnder(ctx.tmux.panePid(run.session));
    r.atStart = memoryOf(pid);
    const keys = [...Array(60).fill('j'), ...Array(20).fill('C-d'), ...Array(10).fill('k'), 'G', 'g', 'G', 'g', ...Array(6).fill('j')];
    await sendPaced(ctx.tmux, run.session, keys.slice(0, 90), 30);
    await sendPaced(ctx.tmux, run.session, keys.slice(90), 300);
    await sleep(300);
    await ctx.tmux.send(run.session, 'Enter');
    // The article opens beside the list (which took the whole width until now).
    await ctx.tmux.waitFor(run.session, (s) => /[│┃]/.test(s), { timeoutMs: 5000 });
    await sleep(500);
    r.keys = readTrace(run.files.trace).filter((e) => e.ev === 'key').length;
    r.sent = keys.length + 1;
    r.atEnd = memoryOf(pid);
    markEldPhase(run, 'end');
    await sleep(100);
  } finally {
    await finish(ctx, run);
  }
  r.v8 = readEld(run.files.eld).phases.find((p) => p.why === 'end')?.memory ?? null;
  return r;
}

async function partD(ctx, o, rows) {
  const runs = [];
  for (let i = 0; i < o.rssRuns; i++) runs.push(await rssRun(ctx));
  const table = 'd. memory with 300,000 cached articles (MB)';
  runs.forEach((r, i) =>
    rows.push({
      table,
      run: String(i + 1),
      'RSS after start': round(r.atStart?.rssMb, 0),
      'keys sent': r.sent,
      'key events (chunks)': r.keys,
      'RSS after 100 keys + open': round(r.atEnd?.rssMb, 0),
      'VmHWM (peak)': round(r.atEnd?.hwmMb, 0),
      'V8 heap used/total': r.v8 ? `${round(r.v8.heapUsed, 0)}/${round(r.v8.heapTotal, 0)}` : '',
      'external + buffers': r.v8 ? round(r.v8.external + r.v8.arrayBuffers, 0) : null,
    }),
  );
  const worst = Math.max(...runs.map((r) => r.atEnd?.hwmMb ?? Infinity));
  rows.push({ table, run: 'worst', 'VmHWM (peak)': round(worst, 0), target: `< ${TARGETS.rssMb}`, result: verdict(worst < TARGETS.rssMb) });
  return runs;
}

// ------------------------------------------------------------------------------------ part e: a 20 MB feed

/**
 * One big feed on a loopback server: 200 with an ETag (304 when If-None-Match matches), no gzip.
 * Records when each request arrived and when its response was handed to the kernel.
 */
async function startBigFeedServer(file) {
  const body = fs.readFileSync(file);
  const etag = `"${createHash('sha1').update(body).digest('hex').slice(0, 20)}"`;
  const log = [];
  const server = http.createServer((req, res) => {
    const entry = { url: req.url, at: performance.timeOrigin + performance.now(), done: null, status: 0 };
    log.push(entry);
    const finished = () => (entry.done = performance.timeOrigin + performance.now());
    if (req.url !== '/big.xml') return void res.writeHead((entry.status = 404)).end(finished);
    const inm = req.headers['if-none-match'];
    if (inm?.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) {
      return void res.writeHead((entry.status = 304), { etag }).end(finished);
    }
    res.writeHead((entry.status = 200), { 'content-type': 'application/rss+xml; charset=utf-8', 'content-length': body.length, etag });
    res.end(body, finished);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const url = `http://127.0.0.1:${server.address().port}/big.xml`;
  return {
    url,
    etag,
    log,
    bytes: body.length,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Write the 20 MB feed (the farm's --emit), start its server and seed a 30k-article cache of that one feed. */
async function prepareBigFeed(ctx, o) {
  const file = path.join(ctx.tmp, 'big.xml');
  const started = performance.now();
  emitBigFeed(resolveFarm(ctx.root, o.farm), file, o.bigMb);
  const items = (fs.readFileSync(file, 'latin1').match(/<item[\s>]/g) ?? []).length;
  ctx.log(
    `e: farm --emit ${o.bigMb} MB: ${(fs.statSync(file).size / 1e6).toFixed(1)} MB, ${items} items, in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  ctx.bigServer = await startBigFeedServer(file);
  const urls = path.join(ctx.tmp, 'big-urls');
  fs.writeFileSync(urls, `${ctx.bigServer.url}\n`);
  // The seeded 30k articles belong to the big feed itself (config.json lists only it, and the list
  // shows active feeds only); refreshOnStart fetches it right after the first frame.
  const pristine = path.join(ctx.tmp, 'home-big-pristine');
  seedCache(ctx.root, ['--articles', '30000', '--feed-urls', urls, '--refresh-on-start', '--out', pristine], ctx.log);
  return { pristine, items, bytes: ctx.bigServer.bytes };
}

/** A fresh copy of the seeded cache (the refresh fills it, and its ETag would make the next fetch a 304). */
function bigFeedHome(ctx, label) {
  const home = path.join(ctx.tmp, `home-big-${label}`);
  fs.rmSync(home, { recursive: true, force: true });
  fs.cpSync(ctx.big.pristine, home, { recursive: true });
  // Write the copy (and the last run's cache) out now: the reader's WAL checkpoints fsync, and on
  // ext4 an fsync can wait for other dirty data, which the bench itself just wrote.
  spawnSync('sync', [], { timeout: 60_000 });
  return home;
}

async function bigFeedRun(ctx, { profile = false, label }) {
  const requestsBefore = ctx.bigServer.log.length;
  const out = await refreshRun(ctx, bigFeedHome(ctx, label), { profile, label, what: 'e', hardStopMs: 3 * 60_000 });
  out.request = ctx.bigServer.log.slice(requestsBefore).find((e) => e.url === '/big.xml') ?? null;
  out.refreshPhase = out.eld.phases.find((p) => p.why === 'refresh') ?? null;
  out.startupPhase = out.eld.phases.find((p) => p.why === 'start-up') ?? null;
  out.afterPhase = out.eld.phases.find((p) => p.why === 'after-refresh') ?? null;
  return out;
}

async function partE(ctx, o, rows) {
  const runs = [];
  for (let i = 0; i < o.bigRuns; i++) {
    const r = await bigFeedRun(ctx, { label: `e-big-${i + 1}` });
    runs.push(r);
    ctx.log(`e: run ${i + 1}/${o.bigRuns}: refresh ${round(r.refreshMs / 1000, 2)} s, event-loop delay max ${round(r.refreshPhase?.max)} ms`);
  }
  const mb = round(ctx.big.bytes / 1e6, 1);
  const table = `e. event-loop delay (ms) during the refresh of one ${mb} MB feed (${ctx.big.items} items) over 30k cached articles`;
  const eldTarget = (p) => ({ target: `max < ${TARGETS.eldMaxMs}`, result: verdict(p ? p.max < TARGETS.eldMaxMs : null) });
  runs.forEach((r, i) => {
    const p = r.refreshPhase;
    rows.push({
      table,
      run: String(i + 1),
      phase: 'refresh (first frame -> no "refreshing")',
      'duration s': p ? round((p.to - p.from) / 1000, 2) : null,
      ...eldCells(p),
      ...eldTarget(p),
    });
  });
  const all = eldMerge(runs.map((r) => r.refreshPhase));
  rows.push({ table, run: 'all', phase: 'refresh: p50 median of runs, p99 and max worst', 'duration s': null, ...eldCells(all), ...eldTarget(all) });
  const after = eldMerge(runs.map((r) => r.afterPhase));
  rows.push({ table, run: 'all', phase: 'the second after "refreshing" cleared (no keys)', 'duration s': null, ...eldCells(after), ...eldTarget(after) });
  const startup = eldMerge(runs.map((r) => r.startupPhase));
  rows.push({ table, run: 'all', phase: 'start-up (spawn -> first frame), for reference', 'duration s': null, ...eldCells(startup), target: '', result: '' });

  const rtable = `e. the ${mb} MB refresh, per run`;
  runs.forEach((r, i) => {
    const req = r.request;
    const during = r.eld.windows.filter((w) => r.refreshPhase && w.from >= r.refreshPhase.from - 1 && w.to <= r.refreshPhase.to + 1 && w.count > 0);
    rows.push({
      table: rtable,
      run: String(i + 1),
      'refresh s': round(r.refreshMs / 1000, 2),
      'timed out': r.timedOut ? 'yes' : 'no',
      'HTTP status': req?.status ?? 'no request',
      'first frame -> request ms': req ? round(req.at - r.refreshFrom, 0) : null,
      'request -> body sent ms': req?.done ? round(req.done - req.at, 0) : null,
      'body sent -> done s': req?.done ? round((r.refreshFrom + r.refreshMs - req.done) / 1000, 2) : null,
      'seconds with max >= 50': `${during.filter((w) => w.max >= TARGETS.eldMaxMs).length} of ${during.length}`,
      'main-thread CPU s': round(r.sched?.cpuMs / 1000, 2),
      'waiting for a CPU s': round(r.sched?.waitMs / 1000, 2),
      'VmHWM MB': round(r.mem?.hwmMb, 0),
      'header after': r.header.replace(/^Broadsheet — /, '').slice(0, 40),
    });
  });
  const refreshMs = runs.map((r) => r.refreshMs);
  rows.push({ table: rtable, run: 'median', 'refresh s': round(median(refreshMs) / 1000, 2), 'timed out': runs.some((r) => r.timedOut) ? 'yes' : 'no' });

  // Key -> frame: every run's presses in one group.
  const aligned = runs.flatMap((r) => r.aligned);
  const { rows: kr } = keyRows(
    `e. key -> frame (ms) during the ${mb} MB refresh, a \`j\` every 100 ms`,
    [{ label: `j during the refresh (${runs.length} runs)`, aligned, sched: null }],
    { targetMs: TARGETS.keyP95Ms },
  );
  rows.push(...kr);
  const eldOver = !all || all.max >= TARGETS.eldMaxMs;
  return { runs, over: eldOver || kr.some((r) => r.result === 'FAIL') };
}

async function profileBigFeed(ctx, o, rows) {
  ctx.log('profiling the 20 MB refresh');
  const out = await bigFeedRun(ctx, { profile: true, label: 'prof-big' });
  refreshProfileRows(ctx, out, rows, `the ${round(ctx.big.bytes / 1e6, 1)} MB refresh`);
}

// ------------------------------------------------------------------------------------ set-up

async function prepareNewsboat(ctx, o) {
  aptInstall(
    [
      ['newsboat', 'newsboat'],
      ['sqlite3', 'sqlite3'],
    ],
    ctx.log,
  );
  const bin = which('newsboat');
  if (!bin) return null;
  const version = (spawnSync(bin, ['-v'], { encoding: 'utf8' }).stdout || '')
    .split('\n')[0]
    .replace(/ - https.*/, '')
    .replace(/^newsboat /, '')
    .trim();
  const dir = path.join(ctx.tmp, 'newsboat');
  const home = path.join(dir, 'home');
  fs.mkdirSync(home, { recursive: true });
  const conf = path.join(dir, 'config');
  fs.writeFileSync(conf, 'reload-threads 8\n'); // no reload-on-startup: the first screen comes from the cache
  const db = path.join(dir, 'cache.db');
  const env = { HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), XDG_DATA_HOME: path.join(home, '.local/share'), LANG: 'C.UTF-8' };
  ctx.log('newsboat -x reload to fill its cache from the farm...');
  const started = performance.now();
  const r = spawnSync(bin, ['-u', ctx.farm.urlsFile, '-c', db, '-C', conf, '-x', 'reload'], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 15 * 60_000,
  });
  ctx.log(`newsboat reload: exit ${r.status} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  if (which('sqlite3')) spawnSync('sqlite3', [db, 'ANALYZE'], { timeout: 300_000 });
  const items = which('sqlite3') ? Number(spawnSync('sqlite3', [db, 'SELECT count(*) FROM rss_item'], { encoding: 'utf8' }).stdout.trim()) : null;
  return { bin, version, db, conf, env, urls: ctx.farm.urlsFile, items };
}

function prepareFarmHome(ctx) {
  const home = path.join(ctx.tmp, 'home-farm');
  fs.mkdirSync(home, { recursive: true });
  const feeds = fs
    .readFileSync(ctx.farm.urlsFile, 'utf8')
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0])
    .filter((u) => /^https?:/.test(u ?? ''))
    .map((url) => ({ url }));
  fs.writeFileSync(path.join(home, 'config.json'), JSON.stringify({ feeds, refreshOnStart: false }, null, 1));
  const env = { ...process.env, BROADSHEET_HOME: home };
  delete env.NODE_OPTIONS;
  const started = performance.now();
  const r = spawnSync(process.execPath, [ctx.cli, 'refresh'], { env, encoding: 'utf8', timeout: 10 * 60_000 });
  ctx.log(`broadsheet refresh from the farm: exit ${r.status} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const articles = which('sqlite3')
    ? Number(spawnSync('sqlite3', [path.join(home, 'cache.db'), 'SELECT count(*) FROM articles'], { encoding: 'utf8' }).stdout.trim())
    : 30000;
  return { home, articles };
}

export async function run({ log = (t) => process.stderr.write(t + '\n'), argv = [], root = path.resolve(BENCH_DIR, '../..') } = {}) {
  const o = parseOptions(argv);
  if (!which('tmux')) throw new Error('tmux is not installed');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'broadsheet-tui-bench-'));
  const ctx = {
    tmp,
    root,
    log,
    cli: snapshotBuild(root, tmp),
    tmux: new Tmux('tui'),
    homes: {},
    farm: null,
    nb: null,
    farmHome: null,
    bigServer: null,
    big: null,
  };
  const rows = [];
  const notes = (key, value) => rows.push({ table: 'notes', key, value: String(value) });
  const cleanup = async () => {
    ctx.tmux.killServer();
    await ctx.farm?.stop();
    await ctx.bigServer?.close();
    if (!o.keep) fs.rmSync(tmp, { recursive: true, force: true });
  };
  const onSignal = () => {
    ctx.tmux.killServer();
    ctx.farm?.kill();
    if (!o.keep) fs.rmSync(tmp, { recursive: true, force: true });
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  notes('load average at start', loadAverage());
  try {
    const want = (p) => o.parts.includes(p);
    if (want('a') || want('d')) {
      ctx.homes.h30k = path.join(tmp, 'home-30k');
      ctx.homes.h300k = path.join(tmp, 'home-300k');
      if (want('a')) seedCache(root, ['--articles', '30000', '--feeds', '100', '--out', ctx.homes.h30k], log);
      seedCache(root, ['--articles', '300000', '--feeds', '1000', '--out', ctx.homes.h300k], log);
    }
    if (want('b')) {
      ctx.homes.h100k = path.join(tmp, 'home-100k');
      seedCache(root, ['--articles', '100000', '--feeds', '300', '--out', ctx.homes.h100k], log);
    }
    if (want('a') || want('c')) {
      ctx.farm = await startFarm(resolveFarm(root, o.farm), { feeds: 1000, items: 30, ttl: 3600, out: path.join(tmp, 'farm'), log });
      if (want('a')) {
        ctx.farmHome = prepareFarmHome(ctx);
        if (o.newsboat) ctx.nb = await prepareNewsboat(ctx, o);
      }
    }

    if (want('e')) ctx.big = await prepareBigFeed(ctx, o);

    const over = {};
    if (want('a')) over.a = await partA(ctx, o, rows);
    if (want('b')) over.b = await partB(ctx, o, rows);
    if (want('c')) over.c = await partC(ctx, o, rows);
    if (want('d')) over.d = await partD(ctx, o, rows);
    if (want('e')) over.e = await partE(ctx, o, rows);

    if (o.profile) {
      const guarded = async (what, fn) => {
        try {
          await fn();
        } catch (error) {
          log(`profile of ${what} failed: ${error?.stack ?? error}`);
          notes(`profile of ${what}`, `failed: ${error?.message ?? error}`);
        }
      };
      if (over.a?.over) {
        await guarded('start-up 300k', () => profileStartup(ctx, ctx.homes.h300k, '300k', rows));
        await guarded('start-up 30k', () => profileStartup(ctx, ctx.homes.h30k, '30k', rows));
      }
      if (over.b?.slow?.length) await guarded('keys', () => profileKeys(ctx, o, over.b.slow, rows));
      if (over.c?.over) await guarded('refresh', () => profileRefresh(ctx, o, rows));
      if (over.e?.over) await guarded('20 MB refresh', () => profileBigFeed(ctx, o, rows));
    }
    if (ctx.big)
      notes(
        'part e feed',
        `${ctx.bigServer.url}: ${round(ctx.big.bytes / 1e6, 1)} MB, ${ctx.big.items} items, ETag ${ctx.bigServer.etag}, no gzip; 30,000 seeded articles of the same feed`,
      );
    notes('load average at end', loadAverage());
    notes('temp folder', o.keep ? tmp : `${tmp} (removed; --keep keeps it)`);
    return rows;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanup();
  }
}

await runAsScript(import.meta.url, run);
