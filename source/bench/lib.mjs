/**
 * Shared helpers for the terminal benchmarks (tui.mjs, comments.mjs): a private tmux server, the
 * reader's timing trace, percentiles, a private copy of the bundle, the seeding script, the feed farm,
 * /proc figures and CPU profiles restricted to time windows.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

export const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ------------------------------------------------------------------------------------ statistics

/** Nearest-rank quantile (q in 0..1) of numbers; null for an empty list. */
export function quantile(values, q) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  const rank = Math.max(1, Math.ceil(q * v.length));
  return v[Math.min(v.length, rank) - 1];
}
export const median = (values) => quantile(values, 0.5);
export const round = (v, d = 1) => (v === null || v === undefined || !Number.isFinite(v) ? null : Math.round(v * 10 ** d) / 10 ** d);

export function summary(values) {
  return {
    n: values.length,
    p50: round(quantile(values, 0.5)),
    p90: round(quantile(values, 0.9)),
    p95: round(quantile(values, 0.95)),
    max: round(values.length ? Math.max(...values) : null),
  };
}

export const verdict = (ok) => (ok === null || ok === undefined ? 'n/a' : ok ? 'PASS' : 'FAIL');

// ------------------------------------------------------------------------------------ tools

export function which(name) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir || '.', name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return p;
    } catch {}
  }
  return null;
}

/** apt-get install the missing Debian packages (root only); never fatal. */
export function aptInstall(packages, log) {
  const missing = packages.filter(([, bin]) => !which(bin)).map(([pkg]) => pkg);
  if (!missing.length) return;
  if (process.getuid?.() !== 0 || !which('apt-get')) return log(`missing ${missing.join(', ')} and cannot apt-get install`);
  log(`apt-get install -y ${missing.join(' ')}...`);
  const opts = { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, encoding: 'utf8', timeout: 600_000 };
  spawnSync('apt-get', ['update', '-qq'], opts);
  const r = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], opts);
  if (r.status !== 0) log(`apt-get install failed: ${(r.stderr || '').trim().split('\n').pop()}`);
}

/**
 * A private copy of .build/ (other sessions rebuild the shared one, which deletes it first), with
 * node_modules linked so the external better-sqlite3 still resolves. Returns the copied cli.mjs.
 */
export function snapshotBuild(root, tmp) {
  const src = path.join(root, '.build');
  if (!fs.existsSync(path.join(src, 'cli.mjs'))) throw new Error(`${src}/cli.mjs is missing: build first (node source/scripts/build.mjs)`);
  const pkg = path.join(tmp, 'pkg');
  fs.mkdirSync(pkg, { recursive: true });
  fs.cpSync(src, path.join(pkg, '.build'), { recursive: true });
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(pkg, 'node_modules'));
  fs.copyFileSync(path.join(root, 'package.json'), path.join(pkg, 'package.json'));
  return path.join(pkg, '.build/cli.mjs');
}

/** Run seed-cache.ts through tsx; returns its JSON line. */
export function seedCache(root, args, log, { timeoutMs = 300_000 } = {}) {
  const tsx = path.join(root, 'node_modules/.bin/tsx');
  const started = performance.now();
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const r = spawnSync(fs.existsSync(tsx) ? tsx : 'npx', [...(fs.existsSync(tsx) ? [] : ['tsx']), path.join(BENCH_DIR, 'seed-cache.ts'), ...args], {
    encoding: 'utf8',
    timeout: timeoutMs,
    env,
    cwd: root,
  });
  if (r.status !== 0) throw new Error(`seed-cache ${args.join(' ')} failed: ${r.stderr || r.error?.message}`);
  const result = JSON.parse(r.stdout.trim().split('\n').pop());
  log?.(`seeded ${result.articles} articles in ${result.feeds} feeds (${result.cacheMb} MB) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

// ------------------------------------------------------------------------------------ tmux

/** One private tmux server (-L bench-<pid>-<tag>), one session per run. */
export class Tmux {
  constructor(tag) {
    this.socket = `bench-${process.pid}-${tag}`;
  }

  cmd(args, { check = true, timeout = 10_000 } = {}) {
    const r = spawnSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8', timeout });
    if (check && r.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr || r.error?.message}`);
    return r;
  }

  cmdAsync(args) {
    return new Promise((resolve) => {
      const child = spawn('tmux', ['-L', this.socket, ...args], { stdio: 'ignore' });
      child.on('close', resolve);
      child.on('error', resolve);
    });
  }

  /** Start `script` (a sh script path) in a new detached session of the given size. */
  start(session, script, { x = 120, y = 40 } = {}) {
    this.cmd(['new-session', '-d', '-s', session, '-x', String(x), '-y', String(y), `sh ${shq(script)}`]);
  }

  capture(session) {
    const r = this.cmd(['capture-pane', '-p', '-t', session], { check: false });
    return r.status === 0 ? r.stdout : null;
  }

  alive(session) {
    return this.cmd(['has-session', '-t', session], { check: false }).status === 0;
  }

  panePid(session) {
    const r = this.cmd(['display-message', '-p', '-t', session, '#{pane_pid}'], { check: false });
    return r.status === 0 ? Number(r.stdout.trim()) : null;
  }

  send(session, ...keys) {
    return this.cmdAsync(['send-keys', '-t', session, ...keys]);
  }

  kill(session) {
    this.cmd(['kill-session', '-t', session], { check: false });
  }

  killServer() {
    this.cmd(['kill-server'], { check: false });
    // tmux leaves its socket file behind when the server exits on its own (last session gone).
    const dir = path.join(process.env.TMUX_TMPDIR || '/tmp', `tmux-${process.getuid?.() ?? 0}`);
    fs.rmSync(path.join(dir, this.socket), { force: true });
  }

  /** Poll the pane every `everyMs` until `test(screen)`; returns {screen, at, end, prevAt} or null on timeout. */
  async waitFor(session, test, { timeoutMs = 15_000, everyMs = 10 } = {}) {
    const deadline = Date.now() + timeoutMs;
    let prevAt = null;
    while (Date.now() < deadline) {
      const at = Date.now();
      const screen = this.capture(session);
      // `at` is before tmux saw the request, `end` after it answered: the screen it returned
      // was drawn by output written before `end`.
      if (screen !== null && test(screen)) return { screen, at, end: Date.now(), prevAt };
      prevAt = at;
      await sleep(everyMs);
    }
    return null;
  }

  /** Ask the program to quit with `keys`, then wait for the session to end (kill it after timeoutMs). */
  async quit(session, keys = ['q'], timeoutMs = 10_000) {
    if (!this.alive(session)) return true;
    await this.send(session, ...keys);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.alive(session)) return true;
      await sleep(20);
    }
    this.kill(session);
    return false;
  }
}

export const shq = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;

/**
 * A launcher script: record the spawn time (ns since the epoch) in t0File, then exec the command
 * with the environment given (CI removed: Ink draws nothing when CI is set).
 */
export function writeLauncher(file, { t0File, env = {}, argv, cwd }) {
  const assignments = Object.entries(env)
    .map(([k, v]) => `${k}=${shq(v)}`)
    .join(' ');
  const lines = ['#!/bin/sh'];
  if (cwd) lines.push(`cd ${shq(cwd)} || exit 1`);
  lines.push(`date +%s%N > ${shq(t0File)}`);
  lines.push(`exec env -u CI -u NODE_OPTIONS ${assignments} ${argv.map(shq).join(' ')}`);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

export function readT0(file) {
  const ns = fs.readFileSync(file, 'utf8').trim();
  return Number(BigInt(ns) / 1000n) / 1000; // epoch ms with µs
}

// ------------------------------------------------------------------------------------ the reader's screen

/**
 * The reader's list screen is complete: header, a full list, the status bar. Until an article opens the
 * list takes the whole width; beside one, its rows are the text left of the rule.
 */
export function readerScreenComplete(screen, { minRows = 30 } = {}) {
  const lines = screen.split('\n');
  if (!/^ Broadsheet — .* \d+ unread/.test(lines[0] ?? '')) return false;
  const footerAt = lines.findIndex((l, i) => i > 0 && /q quit|\? keys/.test(l));
  if (footerAt < 0) return false;
  const rows = lines.slice(1, footerAt).filter((l) => /\S/.test(l.split(/[│┃]/)[0] ?? '')).length;
  return rows >= minRows;
}

// ------------------------------------------------------------------------------------ the trace

/** BROADSHEET_TRACE lines: [{ev: 'key'|'frame'|..., t: epoch ms}] in file order. */
export function readTrace(file) {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim().split(' '))
    .filter((p) => p.length === 2 && Number.isFinite(Number(p[1])))
    .map(([ev, t]) => ({ ev, t: Number(t) }));
}

/**
 * Pair each key line (at or after `since`) with the first frame after it and before the next key:
 * [{key: t, frame: t|null, ms: frame-key|null}]. A key with no frame before the next key changed
 * nothing on screen (or was merged with the next): ms is null.
 */
export function pairKeys(trace, since = -Infinity, until = Infinity) {
  const out = [];
  for (let i = 0; i < trace.length; i++) {
    const e = trace[i];
    if (e.ev !== 'key' || e.t < since || e.t > until) continue;
    let frame = null;
    for (let j = i + 1; j < trace.length; j++) {
      if (trace[j].ev === 'key') break;
      if (trace[j].ev === 'frame') {
        frame = trace[j].t;
        break;
      }
    }
    out.push({ key: e.t, frame, ms: frame === null ? null : frame - e.t });
  }
  return out;
}

/** Wait until the trace has at least `n` key lines (each key is acknowledged before the next is sent). */
export async function waitKeys(file, n, timeoutMs = 2000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (readTrace(file).filter((e) => e.ev === 'key').length >= n) return true;
    await sleep(5);
  }
  return false;
}

/**
 * Send keys one at a time, `spacingMs` apart (each its own chunk on the pty), and return the send
 * times. `keys` is a list of tmux key names, or a function i -> key name.
 */
export async function sendPaced(tmux, session, keys, spacingMs) {
  const sent = [];
  const start = Date.now();
  for (let i = 0; i < keys.length; i++) {
    const due = start + i * spacingMs;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
    sent.push({ key: keys[i], at: Date.now() });
    await tmux.send(session, keys[i]);
  }
  return sent;
}

/** Per-key-name latency rows from sent keys (in order) and the trace's key lines (in order). */
export function latencyByKey(sent, pairs) {
  const groups = new Map();
  for (let i = 0; i < sent.length; i++) {
    const name = sent[i].key;
    const p = pairs[i];
    if (!groups.has(name)) groups.set(name, { ms: [], sendMs: [], noFrame: 0 });
    const g = groups.get(name);
    if (!p || p.ms === null) g.noFrame++;
    else {
      g.ms.push(p.ms);
      g.sendMs.push(p.frame - sent[i].at);
    }
  }
  return groups;
}

// ------------------------------------------------------------------------------------ processes

/** The reader's node process: the pane's process if it is node, else its first node descendant. */
export function nodePidUnder(pid) {
  const stack = [pid];
  while (stack.length) {
    const p = stack.shift();
    try {
      const comm = fs.readFileSync(`/proc/${p}/comm`, 'utf8').trim();
      if (comm === 'node' || comm.startsWith('node')) return p;
      for (const t of fs.readdirSync(`/proc/${p}/task`)) {
        const kids = fs.readFileSync(`/proc/${p}/task/${t}/children`, 'utf8').trim();
        if (kids) stack.push(...kids.split(/\s+/).map(Number));
      }
    } catch {}
  }
  return null;
}

/** VmHWM / VmRSS in MB from /proc/PID/status. */
export function memoryOf(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? NaN);
    return { hwmMb: kb('VmHWM') / 1024, rssMb: kb('VmRSS') / 1024 };
  } catch {
    return null;
  }
}

/**
 * The main thread's scheduler figures from /proc/PID/task/PID/schedstat: time on a CPU and time
 * runnable but waiting for one (the machine's other load), both in ms.
 */
export function mainThreadSched(pid) {
  try {
    const [cpu, wait] = fs.readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').trim().split(/\s+/).map(Number);
    return { cpuMs: cpu / 1e6, waitMs: wait / 1e6 };
  } catch {
    return null;
  }
}

export function loadAverage() {
  try {
    return fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return '?';
  }
}

// ------------------------------------------------------------------------------------ the feed farm

/** The project's feed farm (test/support/farm/cli.ts), or another farm script with the same options (--farm PATH). */
export function resolveFarm(root, override) {
  const file = path.resolve(override ?? path.join(root, 'test/support/farm/cli.ts'));
  if (!fs.existsSync(file)) throw new Error(`the feed farm is not at ${file}; pass --farm PATH`);
  return file;
}

/** Node's arguments to run a farm script: a TypeScript one through tsx's loader, so it needs no build. */
export function farmArgs(farmPath, args) {
  const loader = farmPath.endsWith('.ts') ? ['--import', import.meta.resolve('tsx')] : [];
  return [...loader, farmPath, ...args];
}

/** One big feed of about `mb` MB (10^6 bytes) written to `file` by the farm; returns its {bytes, items}. */
export function emitBigFeed(farmPath, file, mb) {
  const r = spawnSync(process.execPath, farmArgs(farmPath, ['--emit', file, '--emit-mb', String(mb)]), { encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0 || !fs.existsSync(file)) throw new Error(`farm --emit failed (${r.status}): ${(r.stderr || r.error?.message || '').slice(-400)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

/**
 * Start the farm as a process of its own (it must not share a CPU thread with the program measured),
 * on 127.0.0.1 and any free port, stopping by itself after `ttl` s; resolves once it says it is ready.
 */
export async function startFarm(farmPath, { feeds, items, ttl, out, log, extra = [] }) {
  fs.mkdirSync(out, { recursive: true });
  // `extra`: more farm options (e.g. ['--churn-sec', '15']).
  const args = farmArgs(farmPath, ['--feeds', String(feeds), '--items', String(items), '--port', '0', '--out', out, '--ttl', String(ttl), ...extra]);
  log?.(`feed farm: ${feeds} feeds x ${items} items, ttl ${ttl} s`);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr = [];
  child.stderr.on('data', (b) => stderr.push(b));
  let exited = false;
  child.on('exit', () => (exited = true));
  const ready = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the feed farm gave no ready line within 300 s')), 300_000);
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        const msg = JSON.parse(line);
        if (msg.ready) {
          clearTimeout(timer);
          resolve(msg);
        }
      } catch {}
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the feed farm exited (${code}): ${Buffer.concat(stderr).toString().slice(-400)}`));
    });
  });
  const log_ = () => Buffer.concat(stderr).toString('utf8').trim();
  return {
    ready,
    urlsFile: path.join(out, 'urls'),
    /** The farm's request counters (GET /__stats). */
    stats: () => getJson(`http://127.0.0.1:${ready.port}/__stats`),
    /** Stop the farm; resolves to what it printed on stderr (its closing statistics). */
    async stop() {
      if (exited) return log_();
      child.kill('SIGTERM');
      await new Promise((r) => {
        const t = setTimeout(() => {
          if (!exited) child.kill('SIGKILL');
          r();
        }, 5000);
        child.on('exit', () => (clearTimeout(t), r()));
      });
      return log_();
    },
    kill: () => !exited && child.kill('SIGKILL'),
  };
}

/** The bench's own requests to the farm (its /__stats), told apart from the readers' by this User-Agent. */
export const BENCH_UA = 'broadsheet-bench';

function getJson(url) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { 'user-agent': BENCH_UA }, agent: false, timeout: 10000 }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch (e) {
          reject(e);
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

// ------------------------------------------------------------------------------------ CPU profiles

/**
 * Self time per function of a .cpuprofile, counting only samples whose time falls inside one of
 * `windows` ([startEpochMs, endEpochMs] pairs). `anchor` maps the profile's monotonic clock to the
 * epoch: {epochMs, monoUs} taken at the same moment in the profiled process (eld-probe writes it).
 * Without windows, every sample counts.
 */
export function profileSelfTime(file, { windows = null, anchor = null } = {}) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const toEpoch = (us) => (anchor ? anchor.epochMs + (us - anchor.monoUs) / 1000 : null);
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map();
  const inclusive = new Map();
  let t = profile.startTime;
  let total = 0;
  const ws = windows && anchor ? [...windows].sort((a, b) => a[0] - b[0]) : null;
  const inside = (epoch) => {
    if (!ws) return true;
    for (const [a, b] of ws) if (epoch >= a && epoch <= b) return true;
    return false;
  };
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    const dt = profile.timeDeltas[i + 1] ?? 0;
    if (dt <= 0 || !inside(toEpoch(t))) continue;
    const id = profile.samples[i];
    const node = nodes.get(id);
    const key = frameKey(node.callFrame);
    self.set(key, (self.get(key) ?? 0) + dt);
    total += dt;
    // Inclusive time: every distinct function on the stack once.
    const seen = new Set();
    for (let n = id; n !== undefined; n = parent.get(n)) {
      const k = frameKey(nodes.get(n).callFrame);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + dt);
    }
  }
  const sorted = (m) => [...m].map(([name, us]) => ({ name, ms: us / 1000 })).sort((a, b) => b.ms - a.ms);
  return { totalMs: total / 1000, self: sorted(self), inclusive: sorted(inclusive) };
}

function frameKey(cf) {
  const name = cf.functionName || '(anonymous)';
  if (!cf.url) return name;
  let file = cf.url.replace(/^file:\/\//, '');
  const nm = file.lastIndexOf('node_modules/');
  file = nm >= 0 ? file.slice(nm + 13) : path.basename(file);
  return `${name} ${file}:${cf.lineNumber + 1}`;
}

// Frames every sample passes through (React's commit and scheduler, Node's task queues) say nothing.
const PLUMBING =
  /^\((root|program|idle|garbage collector)\)|^\(anonymous\) |^(processTicksAndRejections|listOnTimeout|processTimers|emit|emitReadable|runInAsyncScope|runMicrotasks?|performWorkOnRoot|performSyncWorkOnRoot|flushSyncWorkAcrossRoots_impl|processRootScheduleInMicrotask|commitRoot|commitRootWhenReady|commitRootImpl|flushMutationEffects|resetAfterCommit|recursivelyTraverseMutationEffects|commitMutationEffectsOnFiber|performUnitOfWork|workLoopSync|renderRootSync|beginWork|completeWork|dispatchDiscreteEvent|batchedUpdates\$?\d?|flushSync\$?\d?|scheduleUpdateOnFiber|forceStoreRerender|handleStoreChange|debounced|invoke|debounce\.edges\.edges|Ink\.rootNode\.onRender|trailingEdge|timerExpired) /;

/**
 * One row per stall (readStalls): when it started (ms after `t0`), how long, and the profile's top
 * self and inclusive functions inside it (ms in brackets), plumbing frames left out of the inclusive list.
 */
export function stallRows(table, file, stalls, { anchor, t0 = 0, top = 4 } = {}) {
  const name = (f) => `${f.name} (${round(f.ms, 0)})`;
  return stalls.map((k) => {
    const prof = profileSelfTime(file, { windows: [[k.from, k.to]], anchor });
    return {
      table,
      'at ms': round(k.from - t0, 0),
      'stall ms': round(k.ms, 0),
      'top self (ms)': prof.self.slice(0, top).map(name).join(', '),
      'top inclusive (ms)': prof.inclusive
        .filter((f) => !PLUMBING.test(f.name + ' ') && !/^\(/.test(f.name))
        .slice(0, top)
        .map(name)
        .join(', '),
    };
  });
}

/** Table rows for a profile: top self time, then top inclusive time (minus the obvious roots). */
export function profileRows(table, prof, { top = 12, label = '' } = {}) {
  const rows = [];
  const pct = (ms) => round((100 * ms) / Math.max(1e-9, prof.totalMs), 1);
  for (const f of prof.self.slice(0, top)) rows.push({ table, what: label, kind: 'self', ms: round(f.ms, 1), '%': pct(f.ms), function: f.name });
  for (const f of prof.inclusive.filter((f) => !PLUMBING.test(f.name + ' ')).slice(0, top)) {
    rows.push({ table, what: label, kind: 'inclusive', ms: round(f.ms, 1), '%': pct(f.ms), function: f.name });
  }
  return rows;
}

export function newestFile(dir, ext) {
  if (!fs.existsSync(dir)) return null;
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(ext))
    .map((f) => path.join(dir, f));
  files.sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  return files[0] ?? null;
}

// ------------------------------------------------------------------------------------ stalls

/**
 * A second probe for profiled runs, written into the bench's temp folder and loaded after
 * eld-probe.mjs: a 5 ms interval timer that appends {"stall":{from, to, ms}} to BENCH_STALL_FILE
 * whenever two of its ticks are more than STALL_MIN_MS + 5 ms apart (ms: the gap minus the 5 ms
 * interval, i.e. how long the loop did not come back). Unlike the one-second windows of
 * eld-probe.mjs, [from, to] brackets the stall itself, so the CPU profile's samples inside it say
 * where the main thread spent it. It wakes the loop 200 times a second: only for --cpu-prof reruns.
 */
export const STALL_MIN_MS = Number(process.env.BENCH_STALL_MIN_MS ?? 25);
const STALL_PROBE = `import fs from 'node:fs';
import { isMainThread } from 'node:worker_threads';
const file = isMainThread ? process.env.BENCH_STALL_FILE : undefined;
if (file) {
  const EVERY = 5;
  const now = () => performance.timeOrigin + performance.now();
  let prev = now();
  setInterval(() => {
    const t = now();
    if (t - prev - EVERY >= ${STALL_MIN_MS}) {
      try { fs.appendFileSync(file, JSON.stringify({ stall: { from: prev, to: t, ms: t - prev - EVERY } }) + '\\n'); } catch {}
    }
    prev = t;
  }, EVERY).unref();
}
`;

export function stallProbePath(tmp) {
  const file = path.join(tmp, 'stall-probe.mjs');
  if (!fs.existsSync(file)) fs.writeFileSync(file, STALL_PROBE);
  return file;
}

/** The stalls a run's stall probe recorded, in order: [{from, to, ms}]. */
export function readStalls(file) {
  if (!file || !fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      try {
        return JSON.parse(l).stall ?? null;
      } catch {
        return null;
      }
    })
    .filter(Boolean);
}

// ------------------------------------------------------------------------------------ the reader in tmux

let runNo = 0;
export const nextRunNo = () => ++runNo;
export const PANE_SIZE = { x: 120, y: 40 };

/**
 * Start the reader in a new tmux session. Options: home, eld (load eld-probe.mjs), profile (--cpu-prof),
 * stalls (load the stall probe: see stallProbePath), gc (--expose-gc, for the probe's "gc…" marks).
 * Returns the run's files and session name.
 */
export function startReader(ctx, { home, eld = false, profile = false, stalls = false, gc = false, label = 'run', size = PANE_SIZE }) {
  const n = ++runNo;
  const dir = path.join(ctx.tmp, 'runs', `${String(n).padStart(3, '0')}-${label}`);
  fs.mkdirSync(dir, { recursive: true });
  const files = {
    dir,
    t0: path.join(dir, 't0'),
    trace: path.join(dir, 'trace'),
    eld: path.join(dir, 'eld.jsonl'),
    eldControl: path.join(dir, 'eld.control'),
    prof: path.join(dir, 'prof'),
    stalls: null,
  };
  const env = { BROADSHEET_HOME: home, BROADSHEET_TRACE: files.trace };
  const imports = [];
  if (eld) {
    env.BENCH_ELD_FILE = files.eld;
    env.BENCH_ELD_CONTROL = files.eldControl;
    imports.push(path.join(BENCH_DIR, 'eld-probe.mjs'));
  }
  if (stalls) {
    files.stalls = path.join(dir, 'stalls.jsonl');
    env.BENCH_STALL_FILE = files.stalls;
    imports.push(stallProbePath(ctx.tmp));
  }
  if (imports.length) env.NODE_OPTIONS = imports.map((f) => `--import=${f}`).join(' ');
  // gc: the eld probe may run a full collection at a "gc…" mark (what memory is really kept).
  if (gc) env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} --expose-gc`.trim();
  // Node 20 refuses --cpu-prof in NODE_OPTIONS: it goes on the command line.
  const nodeArgs = profile ? ['--cpu-prof', `--cpu-prof-dir=${files.prof}`] : [];
  const script = writeLauncher(path.join(dir, 'launch.sh'), { t0File: files.t0, env, argv: [process.execPath, ...nodeArgs, ctx.cli] });
  const session = `r${n}`;
  ctx.tmux.start(session, script, size);
  return { session, files, n };
}

export async function waitComplete(ctx, run, timeoutMs = 30_000) {
  const done = await ctx.tmux.waitFor(run.session, (s) => readerScreenComplete(s), { timeoutMs, everyMs: 10 });
  if (!done) {
    const screen = ctx.tmux.capture(run.session) ?? '(no pane)';
    throw new Error(`reader (${run.files.dir}) showed no complete screen within ${timeoutMs} ms:\n${screen.split('\n').slice(0, 6).join('\n')}`);
  }
  return done;
}

/** Mark an event-loop-delay phase boundary in a running reader (eld-probe polls the control file every 20 ms). */
export function markEldPhase(run, label) {
  fs.writeFileSync(run.files.eldControl, label + '\n');
}

/**
 * markEldPhase, then wait (up to timeoutMs) until the probe has written that phase: the probe keeps
 * only the control file's latest text, so two marks less than one poll apart would merge.
 */
export async function markEldPhaseWait(run, label, timeoutMs = 3000) {
  const before = readEld(run.files.eld).phases.length;
  const mtime = () => {
    try {
      return fs.statSync(run.files.eldControl).mtimeMs;
    } catch {
      return null;
    }
  };
  const previous = mtime();
  markEldPhase(run, label);
  // The probe watches the mtime, which the kernel keeps at a coarse tick: make sure it moved.
  for (let i = 0; i < 10 && previous !== null && mtime() === previous; i++) {
    await sleep(5);
    markEldPhase(run, label);
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (
      readEld(run.files.eld)
        .phases.slice(before)
        .some((p) => p.why === label)
    )
      return true;
    await sleep(5);
  }
  return false;
}

/**
 * Table cells for an event-loop-delay record (a phase, a window, or several merged by eldMerge). The
 * probe's resolution is 10 ms and it records the whole timer interval, so an idle loop reads ~10 and
 * "max - 10" is the longest stall itself; targets apply to the raw max, as in tui.mjs part c.
 */
export function eldCells(p) {
  if (!p) return { samples: null, p50: null, p99: null, max: null, 'max - 10': null };
  return { samples: p.count, p50: round(p.p50), p99: round(p.p99), max: round(p.max), 'max - 10': round(p.max - 10) };
}

/** Several runs' phases as one record: count summed, p50 the median, p99 and max the worst. */
export function eldMerge(phases) {
  const ps = phases.filter((p) => p && p.count > 0);
  if (!ps.length) return null;
  return {
    from: Math.min(...ps.map((p) => p.from)),
    to: Math.max(...ps.map((p) => p.to)),
    count: ps.reduce((a, p) => a + p.count, 0),
    p50: median(ps.map((p) => p.p50)),
    p99: Math.max(...ps.map((p) => p.p99)),
    max: Math.max(...ps.map((p) => p.max)),
  };
}

export function readEld(file) {
  if (!fs.existsSync(file)) return { anchor: null, phases: [], windows: [], memory: null };
  const out = { anchor: null, phases: [], windows: [], memory: null };
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const r = JSON.parse(line);
      if (r.anchor) out.anchor = r.anchor;
      if (r.phase) out.phases.push(r.phase);
      if (r.window) out.windows.push(r.window);
      if (r.memory) out.memory = r.memory;
    } catch {}
  }
  return out;
}

/** The main thread's .cpuprofile of a run (thread id 0 in the name). */
export function mainProfile(dir) {
  if (!fs.existsSync(dir)) return null;
  const files = fs.readdirSync(dir).filter((f) => /\.0\.\d+\.cpuprofile$/.test(f));
  return files.length ? path.join(dir, files.sort()[0]) : newestFile(dir, '.cpuprofile');
}

export async function finish(ctx, run) {
  // Q quits from any pane (q only from the list).
  const clean = await ctx.tmux.quit(run.session, ['Q']);
  if (!clean) ctx.log(`run ${run.files.dir}: did not quit on q; session killed`);
  return clean;
}

// ------------------------------------------------------------------------------------ keys

/** Pair sent keys with the trace's key lines by time; a send merged into another chunk gets null. */
export function alignSent(sent, trace) {
  const keys = trace.map((e, i) => ({ ...e, i })).filter((e) => e.ev === 'key');
  const out = [];
  let k = 0;
  for (let s = 0; s < sent.length; s++) {
    while (k < keys.length && keys[k].t < sent[s].at) k++;
    const line = keys[k];
    const nextAt = sent[s + 1]?.at ?? Infinity;
    if (!line || line.t >= nextAt) {
      out.push({ ...sent[s], keyT: null, frameT: null });
      continue;
    }
    let frameT = null;
    for (let j = line.i + 1; j < trace.length; j++) {
      if (trace[j].ev === 'key') break;
      if (trace[j].ev === 'frame') {
        frameT = trace[j].t;
        break;
      }
    }
    out.push({ ...sent[s], keyT: line.t, frameT });
    k++;
  }
  return out;
}

/**
 * Rows per step and key name: trace key -> frame (p50/p95/max), the bench's send -> frame p95 (adds
 * tmux's client and the input queue), and the reader's main-thread CPU time and run-queue wait per
 * key over the step (from schedstat: how much of the wall time was the machine's other load).
 */
export function keyRows(table, steps, { targetMs = 16, names = KEY_NAMES } = {}) {
  const rows = [];
  const slow = new Set();
  for (const step of steps) {
    const groups = new Map();
    for (const a of step.aligned) {
      const name = names[a.key] ?? a.key;
      if (!groups.has(name)) groups.set(name, { ms: [], send: [], noFrame: 0, merged: 0 });
      const g = groups.get(name);
      if (a.keyT === null) g.merged++;
      else if (a.frameT === null) g.noFrame++;
      else {
        g.ms.push(a.frameT - a.keyT);
        g.send.push(a.frameT - a.at);
      }
    }
    const presses = step.aligned.length;
    for (const [name, g] of groups) {
      const s = summary(g.ms);
      if (s.p95 !== null && s.p95 >= targetMs) slow.add(name);
      rows.push({
        table,
        step: step.label,
        key: name,
        presses: g.ms.length + g.noFrame + g.merged,
        p50: s.p50,
        p95: s.p95,
        max: s.max,
        'send->frame p95': round(quantile(g.send, 0.95)),
        'no frame': g.noFrame,
        merged: g.merged,
        'CPU ms/key': step.sched ? round(step.sched.cpuMs / presses, 1) : null,
        'CPU wait ms/key': step.sched ? round(step.sched.waitMs / presses, 1) : null,
        target: `p95 < ${targetMs}`,
        result: verdict(s.p95 === null ? null : s.p95 < targetMs),
      });
    }
  }
  return { rows, slow: [...slow] };
}

export const KEY_NAMES = { j: 'j', k: 'k', G: 'G', g: 'g', 'C-d': 'Ctrl-d', Enter: 'Enter (open)', h: 'h (back)', Space: 'Space' };

/**
 * Walk `--key value` / `--key=value` options, calling `on(key, {value, int})` for each; options a module
 * does not know are left to the others (run.mjs passes every option to every bench).
 */
export function eachOption(argv, on) {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const key = eq > 0 ? arg.slice(0, eq) : arg;
    const value = () => (eq > 0 ? arg.slice(eq + 1) : argv[++i]);
    const int = () => {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1) throw new Error(`${key} needs a positive integer`);
      return n;
    };
    on(key, { value, int });
  }
}

/** `node source/bench/NAME.mjs [options]`: run that one module on its own and print its tables. */
export async function runAsScript(moduleUrl, run) {
  if (!process.argv[1] || moduleUrl !== pathToFileURL(process.argv[1]).href) return;
  const { formatTables } = await import('./run.mjs');
  process.stdout.write(formatTables(await run({ argv: process.argv.slice(2) })));
}

/**
 * Bundle core modules as the reader ships them (esbuild, ESM for Node 20) into `outfile`, for the
 * benchmarks that run them in process: `exports` are lines such as
 * `export { parseFeedDetailed } from './source/core/parse.ts';`. better-sqlite3 stays outside (its
 * native binding resolves from the bundle's folder).
 */
export async function bundleCore(root, outfile, exports, { logLevel = 'warning' } = {}) {
  await build({
    absWorkingDir: root,
    stdin: { contents: exports.join('\n'), resolveDir: root, loader: 'ts' },
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['better-sqlite3'],
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    logLevel,
  });
  return outfile;
}
