/**
 * The platform threads in the reader (tmux 120x40), each from a loopback server shaped like its API:
 * a 500-reply Mastodon thread (status + context), a 300-comment Lemmy post (post + comment list) and a
 * 1,000-post Discourse topic (the topic + 49 chunks of 20). For each, on a fresh copy of a seeded cache
 * whose newest article's <comments> is that thread:
 *  1. last response -> first frame: from the server finishing the LAST response of the thread's
 *     requests to the first `frame` line after it (BROADSHEET_TRACE), checked on screen ("N comments
 *     on Mastodon"); also c key -> that frame. --fedi-runs runs each.
 *  2. key -> frame in the pane: `j`, `k`, Space (Space, Space, j) in the last run's reader.
 * Usage: node source/bench/run.mjs --only fedi [--fedi-runs N (3)] [--fedi-keys N (100)] [--keep]
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import {
  BENCH_DIR,
  Tmux,
  alignSent,
  eachOption,
  finish,
  keyRows,
  loadAverage,
  mainThreadSched,
  median,
  nodePidUnder,
  readTrace,
  round,
  seedCache,
  sendPaced,
  sleep,
  snapshotBuild,
  startReader,
  verdict,
  waitComplete,
  which,
  runAsScript,
} from './lib.mjs';
import { prng } from './prng.mjs';

export const description =
  'Mastodon (500 replies), Lemmy (300 comments), Discourse (1,000 posts) threads in the reader: last response -> first frame, j/k/Space';
export const usage = '--fedi-runs N (3)  --fedi-keys N (100)  --keep';

const TARGETS = { firstFrameMs: 300, keyP95Ms: 16 };
const PHRASES = [
  'the interesting part is how this interacts with caching',
  'we ran into exactly this in production',
  'the numbers in the post do not match what I see',
  'a classic trade-off between latency and throughput',
  'has anyone tried it with a larger data set',
  'the documentation mentions this but it is easy to miss',
];

function parseOptions(argv) {
  const o = { runs: 3, keys: 100, keep: false };
  eachOption(argv, (key, { int }) => {
    if (key === '--fedi-runs') o.runs = int();
    else if (key === '--fedi-keys') o.keys = int();
    else if (key === '--keep') o.keep = true;
  });
  return o;
}

/** A random tree of `count` nodes, at most `depth` deep: [{n, parent (index or -1), level}]. */
function tree(rand, count, depth) {
  const nodes = [];
  for (let n = 0; n < count; n++) {
    const recent = nodes.slice(-40).filter((x) => x.level < depth - 1);
    const parent = n === 0 || rand() < 0.12 || recent.length === 0 ? null : recent[Math.floor(rand() * recent.length)];
    nodes.push({ n, parent: parent ? parent.n : -1, level: parent ? parent.level + 1 : 0 });
  }
  return nodes;
}

const sentence = (rand) => PHRASES[Math.floor(rand() * PHRASES.length)];
const base = Date.UTC(2025, 0, 1);

function mastodon(rand) {
  const nodes = tree(rand, 500, 15);
  const kids = new Map();
  for (const x of nodes) kids.set(x.parent, (kids.get(x.parent) ?? 0) + 1);
  const id = (n) => String(200000 + n);
  const status = (n, parent) => ({
    id: n < 0 ? '100000' : id(n),
    in_reply_to_id: parent,
    account: { acct: `user${n % 97}@social.example`, display_name: `User ${n}`, url: 'https://social.example/@u' },
    created_at: new Date(base + n * 60_000).toISOString(),
    content: `<p>${sentence(rand)}, and <a href="https://example.org/n/${n}">${sentence(rand)}</a>.</p><p>${sentence(rand)}.</p>`,
    spoiler_text: rand() < 0.05 ? 'long thread' : '',
    sensitive: false,
    favourites_count: Math.floor(rand() * 40),
    reblogs_count: 0,
    replies_count: kids.get(n) ?? 0,
    url: `https://social.example/@u/${n}`,
  });
  const root = { ...status(-1, null), replies_count: kids.get(-1) ?? 0 };
  const descendants = nodes.map((x) => status(x.n, x.parent < 0 ? '100000' : id(x.parent)));
  return {
    name: 'Mastodon',
    count: 500,
    path: '/@alice/100000',
    label: /\d+ comments on Mastodon/,
    routes: { '/api/v1/statuses/100000': JSON.stringify(root), '/api/v1/statuses/100000/context': JSON.stringify({ ancestors: [], descendants }) },
  };
}

function lemmy(rand) {
  const nodes = tree(rand, 300, 8);
  const paths = [];
  for (const x of nodes) paths[x.n] = x.parent < 0 ? `0.${x.n + 1}` : `${paths[x.parent]}.${x.n + 1}`;
  const desc = new Map();
  for (const x of nodes) for (let p = x.parent; p >= 0; p = nodes[p].parent) desc.set(p, (desc.get(p) ?? 0) + 1);
  const comments = nodes.map((x) => ({
    comment: {
      id: x.n + 1,
      post_id: 9,
      content: `${sentence(rand)}, **and** [${sentence(rand)}](https://example.org/l/${x.n}).\n\n> ${sentence(rand)}`,
      removed: false,
      deleted: false,
      published: new Date(base + x.n * 60_000).toISOString(),
      path: paths[x.n],
    },
    creator: { name: `c${x.n % 89}`, actor_id: `https://lemmy.example/u/c${x.n % 89}` },
    counts: { score: Math.floor(rand() * 50), child_count: desc.get(x.n) ?? 0 },
  }));
  return {
    name: 'Lemmy',
    count: 300,
    path: '/post/9',
    label: /300 comments on Lemmy/,
    routes: {
      '/api/v3/post': JSON.stringify({
        post_view: { post: { id: 9, name: 'A 300-comment post' }, creator: { name: 'op', actor_id: 'https://lemmy.example/u/op' }, counts: { comments: 300 } },
      }),
      '/api/v3/comment/list': JSON.stringify({ comments }),
    },
  };
}

function discourse(rand) {
  const posts = Array.from({ length: 1000 }, (_, i) => {
    const n = i + 1;
    return {
      id: 9000 + n,
      post_number: n,
      username: `u${n % 131}`,
      name: 'N',
      created_at: new Date(base + n * 60_000).toISOString(),
      post_type: 1,
      cooked: `<p>${sentence(rand)}, and <a href="https://example.org/d/${n}">${sentence(rand)}</a>.</p><p>${sentence(rand)}.</p>`,
      reply_to_post_number: n > 2 && rand() < 0.5 ? 2 + Math.floor(rand() * (n - 2)) : null,
      like_count: Math.floor(rand() * 30),
      hidden: false,
      deleted_at: null,
      user_deleted: false,
    };
  });
  const byId = new Map(posts.map((p) => [p.id, p]));
  const topic = JSON.stringify({
    id: 77,
    title: 'A 1,000-post topic',
    slug: 'big',
    posts_count: 1000,
    post_stream: { posts: posts.slice(0, 20), stream: posts.map((p) => p.id) },
  });
  return {
    name: 'Discourse',
    count: 1000,
    path: '/t/big/77',
    label: /999 comments on Discourse/,
    routes: {
      '/t/77.json': topic,
      '/t/77/posts.json': (url) =>
        JSON.stringify({
          post_stream: {
            posts: new URL(url, 'http://x').searchParams
              .getAll('post_ids[]')
              .map((id) => byId.get(Number(id)))
              .filter(Boolean),
          },
        }),
    },
  };
}

/** One loopback server for all three; logs when each request arrived and when its response was sent. */
async function startServer(threads) {
  const routes = Object.assign({}, ...threads.map((t) => t.routes));
  const log = [];
  const server = http.createServer((req, res) => {
    const entry = { url: req.url, at: performance.timeOrigin + performance.now(), done: null };
    log.push(entry);
    const route = routes[req.url.split('?')[0]];
    if (!route) return void res.writeHead(404).end();
    const body = Buffer.from(typeof route === 'function' ? route(req.url) : route);
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
    res.end(body, () => (entry.done = performance.timeOrigin + performance.now()));
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

async function firstFrameRun(ctx, thread, pristine, keep) {
  const home = path.join(ctx.tmp, `home-${thread.name}-${Date.now()}-${Math.floor(Math.random() * 1e6)}`);
  fs.cpSync(pristine, home, { recursive: true });
  const run = startReader(ctx, { home, label: thread.name });
  try {
    await waitComplete(ctx, run);
    await ctx.tmux.send(run.session, 'Enter');
    await ctx.tmux.waitFor(run.session, (s) => /[│┃]/.test(s), { timeoutMs: 5000 }); // the article beside the list
    await sleep(300);
    const from = ctx.server.log.length;
    const cAt = Date.now();
    await ctx.tmux.send(run.session, 'c');
    const shown = await ctx.tmux.waitFor(run.session, (s) => thread.label.test(s), { timeoutMs: 20_000, everyMs: 10 });
    await sleep(200);
    const trace = readTrace(run.files.trace);
    const requests = ctx.server.log.slice(from);
    const last = Math.max(...requests.map((r) => r.done ?? Infinity));
    const cKey = trace.find((e) => e.ev === 'key' && e.t >= cAt - 5);
    const frame = Number.isFinite(last) ? trace.find((e) => e.ev === 'frame' && e.t > last) : null;
    return {
      shown: Boolean(shown),
      requests: requests.length,
      responseToFrame: frame ? frame.t - last : null,
      keyToFrame: frame && cKey ? frame.t - cKey.t : null,
      run,
    };
  } finally {
    if (!keep) await finish(ctx, run);
  }
}

async function keyRun(ctx, run, n) {
  const script = [
    { label: `${n} j, 40 ms apart`, keys: Array(n).fill('j'), spacingMs: 40 },
    { label: `${n} k, 40 ms apart`, keys: Array(n).fill('k'), spacingMs: 40 },
    { label: `${n} Space (+${n / 2} j), 60 ms apart`, keys: Array.from({ length: Math.ceil(n / 2) }, () => ['Space', 'Space', 'j']).flat(), spacingMs: 60 },
  ];
  const pid = nodePidUnder(ctx.tmux.panePid(run.session));
  const steps = [];
  for (const step of script) {
    // The reader's CPU time and its wait for a CPU per key: how much of the wall time was the machine's other load.
    const before = mainThreadSched(pid);
    const sent = await sendPaced(ctx.tmux, run.session, step.keys, step.spacingMs);
    await sleep(300);
    const after = mainThreadSched(pid);
    steps.push({ label: step.label, sent, sched: before && after ? { cpuMs: after.cpuMs - before.cpuMs, waitMs: after.waitMs - before.waitMs } : null });
  }
  const trace = readTrace(run.files.trace);
  return steps.map((s) => ({ ...s, aligned: alignSent(s.sent, trace) }));
}

export async function run({ log = (t) => process.stderr.write(t + '\n'), argv = [], root = path.resolve(BENCH_DIR, '../..') } = {}) {
  const o = parseOptions(argv);
  if (!which('tmux')) throw new Error('tmux is not installed');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'broadsheet-fedi-bench-'));
  const ctx = { tmp, root, log, cli: snapshotBuild(root, tmp), tmux: new Tmux('fedi'), server: null };
  const rows = [{ table: 'notes', key: 'load average at start', value: loadAverage() }];
  try {
    const rand = prng(11);
    const threads = [mastodon(rand), lemmy(rand), discourse(rand)];
    ctx.server = await startServer(threads);
    const origin = `http://127.0.0.1:${ctx.server.port}`;
    for (const thread of threads) {
      const pristine = path.join(tmp, `pristine-${thread.name}`);
      seedCache(root, ['--articles', '1000', '--feeds', '10', '--out', pristine, '--comments-url', `${origin}${thread.path}`], log);
      const firsts = [];
      for (let i = 0; i < o.runs; i++) {
        const r = await firstFrameRun(ctx, thread, pristine, i === o.runs - 1);
        if (!r.shown) log(`${thread.name} run ${i + 1}: the thread never appeared on screen`);
        log(
          `${thread.name} run ${i + 1}/${o.runs}: last response -> frame ${round(r.responseToFrame)} ms (c -> frame ${round(r.keyToFrame)} ms, ${r.requests} requests)`,
        );
        firsts.push(r);
      }
      const ok = firsts.filter((r) => r.responseToFrame !== null);
      const med = median(ok.map((r) => r.responseToFrame));
      rows.push({
        table: '1. last response -> first frame of the pane (ms), 120x40',
        thread: `${thread.name} (${thread.count})`,
        runs: ok.length,
        requests: firsts[0]?.requests ?? null,
        median: round(med),
        max: round(Math.max(...ok.map((r) => r.responseToFrame))),
        'c key->frame median': round(median(ok.map((r) => r.keyToFrame))),
        target: `< ${TARGETS.firstFrameMs}`,
        result: verdict(med !== null && ok.every((r) => r.responseToFrame < TARGETS.firstFrameMs)),
      });
      const lastRun = firsts.at(-1)?.run;
      if (lastRun) {
        try {
          const steps = await keyRun(ctx, lastRun, o.keys);
          rows.push(...keyRows(`2. key -> frame (ms), ${thread.name} (${thread.count})`, steps, { targetMs: TARGETS.keyP95Ms }).rows);
        } finally {
          await finish(ctx, lastRun);
        }
      }
    }
    rows.push({ table: 'notes', key: 'load average at end', value: loadAverage() });
    return rows;
  } finally {
    ctx.tmux.killServer();
    await ctx.server?.close();
    if (!o.keep) fs.rmSync(tmp, { recursive: true, force: true });
  }
}

await runAsScript(import.meta.url, run);
