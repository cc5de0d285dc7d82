/**
 * A 3,000-comment Hacker News discussion, 12 replies deep, in the reader (tmux 120x40):
 *  1. fetch -> first frame: the reader asks a loopback server shaped like Algolia's
 *     `GET {api}/items/<id>`; the figure runs from the server receiving the request to the first
 *     `frame` line after the response was sent (BROADSHEET_TRACE), checked on screen (capture-pane
 *     shows "3000 comments on Hacker News"). Also `c` key -> that frame. --comments-runs runs, each
 *     on a fresh copy of the cache (the discussion is cached after the first fetch).
 *  2. key -> frame in the comments pane: ~200 `j`, ~200 `k`, ~200 Space (collapse/expand).
 *  3. event-loop delay (eld-probe.mjs in every timed run): from the `c` key until the discussion is
 *     on screen (fetched, threaded, first drawn), the 300 ms after, and each key step of part 2.
 * Figures over target are profiled once more under --cpu-prof (samples inside the slow windows; for
 * the event-loop delay, inside each stall the stall probe brackets).
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import {
  BENCH_DIR,
  KEY_NAMES,
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
  profileRows,
  profileSelfTime,
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
import { prng } from './prng.mjs';

export const description = '3,000-comment HN thread (depth 12) in the reader: fetch-to-first-frame, j/k/Space key-to-frame, event-loop delay';
export const usage = `--comments-runs N (5)  --comments-count N (3000)  --comments-depth N (12)  --comments-keys N (200)
--no-profile  --keep`;

const TARGETS = { firstFrameMs: 300, keyP95Ms: 16, eldMaxMs: 50 };
const STORY_ID = 41000000;

function parseOptions(argv) {
  const o = { runs: 5, count: 3000, depth: 12, keys: 200, profile: true, keep: false };
  eachOption(argv, (key, { value, int }) => {
    switch (key) {
      case '--comments-runs':
        o.runs = int();
        break;
      case '--comments-count':
        o.count = int();
        break;
      case '--comments-depth':
        o.depth = int();
        break;
      case '--comments-keys':
        o.keys = int();
        break;
      case '--no-profile':
        o.profile = false;
        break;
      case '--keep':
        o.keep = true;
        break;
      default:
        break;
    }
  });
  return o;
}

// ------------------------------------------------------------------------------------ the discussion

const PHRASES = [
  'I think the interesting part is how this interacts with caching',
  'we ran into exactly this in production last year',
  'the benchmark numbers in the post do not match what I see',
  'this is a classic trade-off between latency and throughput',
  'has anyone tried it with a larger data set',
  'the documentation mentions this but it is easy to miss',
  'I would be careful about generalising from one workload',
  'the original paper covers this in section four',
];

/** HN comment HTML (~300 characters): paragraphs separated by <p>, a link, italics, code, an entity. */
function commentHtml(rand, n) {
  const pick = () => PHRASES[Math.floor(rand() * PHRASES.length)];
  let html = `${pick()}, and ${pick()} &#x2F; <i>${pick()}</i>.`;
  html += `<p>See <a href="https:&#x2F;&#x2F;example.org&#x2F;notes&#x2F;${n}" rel="nofollow">https:&#x2F;&#x2F;example.org&#x2F;notes&#x2F;${n}</a> &mdash; ${pick()}.`;
  if (rand() < 0.3) html += `<p><pre><code>  const x = f(${n});\n  return x &gt; 0;</code></pre>`;
  return html;
}

/**
 * An Algolia-shaped item: {id, title, author, created_at_i, children: [...]}, `count` comments in
 * all, replies nested up to `depth` levels below a top-level comment (one chain reaches it).
 */
export function makeDiscussion({ count = 3000, depth = 12, seed = 7 } = {}) {
  const rand = prng(seed);
  const now = Math.floor(Date.now() / 1000);
  const story = {
    id: STORY_ID,
    created_at: new Date((now - 86400) * 1000).toISOString(),
    created_at_i: now - 86400,
    type: 'story',
    author: 'op_author',
    title: 'A 3,000-comment discussion',
    url: 'https://example.org/story',
    text: null,
    points: 1234,
    parent_id: null,
    story_id: STORY_ID,
    children: [],
    options: [],
  };
  const all = []; // {node, depth}
  let nextId = STORY_ID + 1;
  const add = (parent, level) => {
    const id = nextId++;
    const t = now - 86000 + all.length * 20;
    const node = {
      id,
      created_at: new Date(t * 1000).toISOString(),
      created_at_i: t,
      type: 'comment',
      author: rand() < 0.03 ? 'op_author' : `user${Math.floor(rand() * 900)}`,
      text: commentHtml(rand, id),
      points: null,
      parent_id: parent.id,
      story_id: STORY_ID,
      children: [],
      options: [],
    };
    parent.children.push(node);
    all.push({ node, level });
    return { node, level };
  };
  // One chain to the full depth first, then random replies biased to recent comments.
  let chain = add(story, 0);
  for (let d = 1; d <= depth; d++) chain = add(chain.node, d);
  while (all.length < count) {
    if (rand() < 0.07) {
      add(story, 0);
      continue;
    }
    const recent = all.slice(-60).filter((c) => c.level < depth);
    const parent = recent[Math.floor(rand() * recent.length)] ?? all[0];
    add(parent.node, parent.level + 1);
  }
  return { story, count: all.length, maxLevel: Math.max(...all.map((c) => c.level)), topLevel: story.children.length };
}

/** Loopback server for `/items/<id>`: records when each request arrived and when its response finished. */
async function startHnServer(json) {
  const body = Buffer.from(json);
  const log = [];
  const server = http.createServer((req, res) => {
    const entry = { url: req.url, at: performance.timeOrigin + performance.now(), done: null };
    log.push(entry);
    if (req.url === `/items/${STORY_ID}`) {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
      res.end(body, () => (entry.done = performance.timeOrigin + performance.now()));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: server.address().port,
    log,
    bytes: body.length,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

// ------------------------------------------------------------------------------------ runs

const commentsShown = (count) => (screen) => new RegExp(`${count} comments on Hacker News`).test(screen);

/** One fresh cache: open the article, press c, time the fetch to the first frame with comments. */
async function firstFrameRun(ctx, o, { pristine, keep = false, profile = false, eld = true, label = 'c-first' }) {
  const home = path.join(ctx.tmp, `home-run-${Date.now()}-${Math.floor(Math.random() * 1e6)}`);
  fs.cpSync(pristine, home, { recursive: true });
  eld = eld || profile;
  const run = startReader(ctx, { home, label, eld, profile, stalls: profile });
  run.eld = eld;
  try {
    await waitComplete(ctx, run);
    await ctx.tmux.send(run.session, 'Enter');
    await ctx.tmux.waitFor(run.session, (s) => /[│┃]/.test(s), { timeoutMs: 5000 }); // the article beside the list
    await sleep(300);
    const requestsBefore = ctx.server.log.length;
    const pid = nodePidUnder(ctx.tmux.panePid(run.session));
    // Event-loop delay phases: "before-c" ends at the c key, "fetch" when the discussion is on screen,
    // "after-first-frame" 300 ms later.
    if (eld) await markEldPhaseWait(run, 'before-c');
    const before = mainThreadSched(pid);
    const cAt = Date.now();
    await ctx.tmux.send(run.session, 'c');
    const shown = await ctx.tmux.waitFor(run.session, commentsShown(ctx.discussion.count), { timeoutMs: 20_000, everyMs: 10 });
    const after = mainThreadSched(pid);
    if (eld) await markEldPhaseWait(run, 'fetch');
    await sleep(300);
    if (eld) await markEldPhaseWait(run, 'after-first-frame');
    const trace = readTrace(run.files.trace);
    const req = ctx.server.log.slice(requestsBefore).find((e) => e.url === `/items/${STORY_ID}`);
    const cKey = trace.find((e) => e.ev === 'key' && e.t >= cAt);
    const frame = req?.done ? trace.find((e) => e.ev === 'frame' && e.t > req.done) : null;
    const framesAfter = req?.done ? trace.filter((e) => e.ev === 'frame' && e.t > req.done && (!shown || e.t <= shown.at)).length : null;
    const result = {
      shown: Boolean(shown),
      fetchToFrame: req && frame ? frame.t - req.at : null,
      keyToFrame: cKey && frame ? frame.t - cKey.t : null,
      serverMs: req?.done ? req.done - req.at : null,
      keyToRequest: req && cKey ? req.at - cKey.t : null,
      responseToFrame: req?.done && frame ? frame.t - req.done : null,
      framesAfter,
      cpuMs: before && after ? after.cpuMs - before.cpuMs : null,
      waitMs: before && after ? after.waitMs - before.waitMs : null,
      window: req && frame ? [req.at, frame.t] : null,
      run,
    };
    if (keep) return { ...result, keepRunning: true };
    return result;
  } finally {
    if (!keep) await finish(ctx, run);
  }
}

/** A run's event-loop delay phases by label (read once the run is over, or live). */
function eldPhases(run) {
  const eld = readEld(run.files.eld);
  return { eld, phase: (why) => eld.phases.find((p) => p.why === why) ?? null };
}

const KEY_SCRIPT = (n) => [
  { label: `${n} j, 40 ms apart`, keys: Array(n).fill('j'), spacingMs: 40 },
  { label: `${n} k, 40 ms apart`, keys: Array(n).fill('k'), spacingMs: 40 },
  // Collapse and expand the comment under the cursor, then move on: Space, Space, j.
  { label: `${n} Space (+${n / 2} j), 60 ms apart`, keys: Array.from({ length: Math.ceil(n / 2) }, () => ['Space', 'Space', 'j']).flat(), spacingMs: 60 },
];

async function keyRun(ctx, o, run) {
  const pid = nodePidUnder(ctx.tmux.panePid(run.session));
  const steps = [];
  // Event-loop delay phases: "idle before keys", then one per step (its keys and the 300 ms after).
  if (run.eld) await markEldPhaseWait(run, 'idle before keys');
  for (const step of KEY_SCRIPT(o.keys)) {
    const before = mainThreadSched(pid);
    const sent = await sendPaced(ctx.tmux, run.session, step.keys, step.spacingMs);
    await sleep(300);
    const after = mainThreadSched(pid);
    if (run.eld) await markEldPhaseWait(run, `keys: ${step.label}`);
    steps.push({
      label: step.label,
      eldPhase: `keys: ${step.label}`,
      sent,
      sched: before && after ? { cpuMs: after.cpuMs - before.cpuMs, waitMs: after.waitMs - before.waitMs } : null,
    });
  }
  await sleep(300);
  const trace = readTrace(run.files.trace);
  for (const step of steps) step.aligned = alignSent(step.sent, trace);
  return steps;
}

/**
 * Table 3: event-loop delay while the discussion is fetched, threaded and drawn (every timed run:
 * p50 the median of the runs, p99 and max the worst) and during each key step (the last run).
 */
function eldTable(rows, d, firsts, last, steps) {
  const table = `3. event-loop delay (ms) in the ${d.count}-comment discussion (probe resolution 10 ms: idle reads ~10; "max - 10" is the stall)`;
  const target = (p) => ({ target: `max < ${TARGETS.eldMaxMs}`, result: verdict(p ? p.max < TARGETS.eldMaxMs : null) });
  const perRun = firsts.map((r) => eldPhases(r.run));
  const fetch = eldMerge(perRun.map((e) => e.phase('fetch')));
  const afterFirst = eldMerge(perRun.map((e) => e.phase('after-first-frame')));
  const maxes = perRun.map((e) => round(e.phase('fetch')?.max, 0)).join(' ');
  rows.push({
    table,
    phase: `c -> discussion on screen (fetch, thread, first draw), ${perRun.length} runs`,
    'max per run': maxes,
    ...eldCells(fetch),
    ...target(fetch),
  });
  rows.push({
    table,
    phase: 'the 300 ms after it is on screen',
    'max per run': perRun.map((e) => round(e.phase('after-first-frame')?.max, 0)).join(' '),
    ...eldCells(afterFirst),
    ...target(afterFirst),
  });
  const lastPhases = last?.run ? eldPhases(last.run) : null;
  const keyPhases = [];
  for (const step of steps) {
    const p = lastPhases?.phase(step.eldPhase) ?? null;
    keyPhases.push(p);
    rows.push({ table, phase: `${step.label} (and 300 ms after)`, 'max per run': '', ...eldCells(p), ...target(p) });
  }
  const keys = eldMerge(keyPhases);
  if (steps.length) rows.push({ table, phase: 'all key steps (last run)', 'max per run': '', ...eldCells(keys), ...target(keys) });
  return {
    fetch: !fetch || fetch.max >= TARGETS.eldMaxMs || (afterFirst && afterFirst.max >= TARGETS.eldMaxMs),
    keys: steps.length > 0 && (!keys || keys.max >= TARGETS.eldMaxMs),
  };
}

/** The profiled run's stalls (stall probe) while fetching and during the keys, with the profile inside each. */
function stallProfileRows(rows, file, anchor, run, psteps) {
  const { phase } = eldPhases(run);
  const stalls = readStalls(run.files.stalls);
  const within = (from, to) => stalls.filter((k) => k.to > from && k.from < to);
  const longest = (list) =>
    [...list]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 15)
      .sort((a, b) => a.from - b.from);
  const c = phase('fetch');
  const settle = phase('after-first-frame');
  if (c) {
    const list = within(c.from, settle?.to ?? c.to);
    rows.push(
      ...stallRows(`profile: event-loop stalls >= ${STALL_MIN_MS} ms, c -> on screen + 300 ms, under --cpu-prof ("at" = ms after c)`, file, longest(list), {
        anchor,
        t0: c.from,
      }),
    );
  }
  const keyPhases = psteps.map((s) => phase(s.eldPhase)).filter(Boolean);
  if (keyPhases.length) {
    const from = Math.min(...keyPhases.map((p) => p.from));
    const list = within(from, Math.max(...keyPhases.map((p) => p.to)));
    const over = list.filter((k) => k.ms >= TARGETS.eldMaxMs - 10);
    if (over.length) {
      const prof = profileSelfTime(file, { windows: over.map((k) => [k.from, k.to]), anchor });
      rows.push(
        ...profileRows(`profile: main thread in key-step stalls >= ${TARGETS.eldMaxMs - 10} ms`, prof, {
          label: `${over.length} stalls (${round(prof.totalMs)} ms sampled)`,
        }),
      );
    }
    rows.push(
      ...stallRows(
        `profile: event-loop stalls >= ${STALL_MIN_MS} ms during the key steps, under --cpu-prof ("at" = ms after the first key step began)`,
        file,
        longest(list),
        { anchor, t0: from },
      ),
    );
  }
}

export async function run({ log = (t) => process.stderr.write(t + '\n'), argv = [], root = path.resolve(BENCH_DIR, '../..') } = {}) {
  const o = parseOptions(argv);
  if (!which('tmux')) throw new Error('tmux is not installed');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'broadsheet-comments-bench-'));
  const ctx = { tmp, root, log, cli: snapshotBuild(root, tmp), tmux: new Tmux('comments'), server: null, discussion: null };
  const rows = [];
  const note = (key, value) => rows.push({ table: 'notes', key, value: String(value) });
  const onSignal = () => {
    ctx.tmux.killServer();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  note('load average at start', loadAverage());
  try {
    const d = makeDiscussion({ count: o.count, depth: o.depth });
    ctx.discussion = d;
    ctx.server = await startHnServer(JSON.stringify(d.story));
    log(
      `discussion: ${d.count} comments, ${d.topLevel} top-level, deepest reply ${d.maxLevel} levels below a top-level comment, ${(ctx.server.bytes / 1e6).toFixed(2)} MB JSON on port ${ctx.server.port}`,
    );
    const pristine = path.join(tmp, 'home-pristine');
    seedCache(
      root,
      [
        '--articles',
        '1000',
        '--feeds',
        '10',
        '--out',
        pristine,
        '--comments-url',
        `https://news.ycombinator.com/item?id=${STORY_ID}`,
        '--hn-api',
        `http://127.0.0.1:${ctx.server.port}`,
      ],
      log,
    );

    // 1. fetch -> first frame, on a fresh cache each time (plus one untimed warm-up).
    await firstFrameRun(ctx, o, { pristine, eld: false, label: 'warmup' });
    const firsts = [];
    let last;
    for (let i = 0; i < o.runs; i++) {
      const keep = i === o.runs - 1;
      const r = await firstFrameRun(ctx, o, { pristine, keep, label: `c-first-${i}` });
      if (!r.shown) log(`run ${i + 1}: the comments never appeared on screen`);
      firsts.push(r);
      if (keep) last = r;
      log(`fetch -> first frame run ${i + 1}/${o.runs}: ${round(r.fetchToFrame)} ms (c -> frame ${round(r.keyToFrame)} ms)`);
    }
    const ok = firsts.filter((r) => r.fetchToFrame !== null);
    const med = median(ok.map((r) => r.fetchToFrame));
    rows.push({
      table: `1. ${d.count}-comment discussion: fetch -> first frame (ms), 120x40`,
      runs: ok.length,
      'fetch->frame median': round(med),
      'fetch->frame max': round(Math.max(...ok.map((r) => r.fetchToFrame))),
      'c key->frame median': round(median(ok.map((r) => r.keyToFrame))),
      'c key->request': round(median(ok.map((r) => r.keyToRequest))),
      'server (request->sent)': round(median(ok.map((r) => r.serverMs))),
      'response->frame': round(median(ok.map((r) => r.responseToFrame))),
      'frames until shown (max)': Math.max(...ok.map((r) => r.framesAfter ?? 0)),
      'reader CPU c->shown': round(median(ok.map((r) => r.cpuMs))),
      'waiting for a CPU': round(median(ok.map((r) => r.waitMs))),
      target: `< ${TARGETS.firstFrameMs}`,
      result: verdict(med !== null && med < TARGETS.firstFrameMs),
    });

    // 2. keys in the comments pane, in the last run's reader (comments loaded, focus on them).
    let steps = [];
    if (last?.run) {
      try {
        steps = await keyRun(ctx, o, last.run);
      } finally {
        await finish(ctx, last.run);
      }
    }
    const { rows: kr, slow } = keyRows(`2. key -> frame (ms) in the ${d.count}-comment pane`, steps, { targetMs: TARGETS.keyP95Ms });
    rows.push(...kr);

    // 3. Event-loop delay: the fetch phases of every timed run, the key phases of the last one.
    const eldOver = eldTable(rows, d, firsts, last, steps);

    // Profiles for what is over target.
    if (o.profile && (med >= TARGETS.firstFrameMs || slow.length || eldOver.fetch || eldOver.keys)) {
      try {
        const keepForKeys = slow.length > 0 || eldOver.keys;
        const p = await firstFrameRun(ctx, o, { pristine, keep: keepForKeys, profile: true, label: 'prof' });
        let psteps = [];
        if (keepForKeys) {
          try {
            psteps = await keyRun(ctx, o, p.run);
          } finally {
            await finish(ctx, p.run);
          }
        }
        await sleep(300);
        const file = mainProfile(p.run.files.prof);
        const { anchor } = readEld(p.run.files.eld);
        if (file && anchor) {
          if (med >= TARGETS.firstFrameMs && p.window) {
            const prof = profileSelfTime(file, { windows: [p.window], anchor });
            rows.push(
              ...profileRows('profile: request received -> first frame', prof, {
                label: `${round(prof.totalMs)} ms sampled (${round(p.fetchToFrame)} ms under --cpu-prof)`,
              }),
            );
          }
          const aligned = psteps.flatMap((s) => s.aligned);
          for (const name of slow) {
            const windows = aligned
              .filter((a) => (KEY_NAMES[a.key] ?? a.key) === name && a.keyT !== null && a.frameT !== null)
              .map((a) => [a.keyT - 0.5, a.frameT + 0.5]);
            if (!windows.length) continue;
            const prof = profileSelfTime(file, { windows, anchor });
            rows.push(
              ...profileRows('profile: comments key -> frame windows', prof, {
                label: `${name} x${windows.length} (${round(prof.totalMs / windows.length, 2)} ms sampled per key)`,
              }),
            );
          }
          if (eldOver.fetch || eldOver.keys) stallProfileRows(rows, file, anchor, p.run, psteps);
          log(`profile ${file}`);
        }
      } catch (error) {
        log(`profile failed: ${error?.stack ?? error}`);
        note('profile', `failed: ${error?.message ?? error}`);
      }
    }
    note(
      'discussion',
      `${d.count} comments, ${d.topLevel} top-level, ${d.maxLevel} levels of replies below the top level, ${(ctx.server.bytes / 1e6).toFixed(2)} MB`,
    );
    note('load average at end', loadAverage());
    note('temp folder', o.keep ? tmp : `${tmp} (removed; --keep keeps it)`);
    return rows;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    ctx.tmux.killServer();
    await ctx.server?.close();
    if (!o.keep) fs.rmSync(tmp, { recursive: true, force: true });
  }
}

await runAsScript(import.meta.url, run);
