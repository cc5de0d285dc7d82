/**
 * Background reloads in the reader (a private tmux server, 120x40): 1,000 feed-farm feeds reloaded
 * every 5 minutes for an hour, with the hour compressed: `reloadMinutes` is --reloads-minutes (0.25,
 * i.e. every 15 s instead of every 5 minutes, 20 times faster) and the run lasts --reloads-cycles
 * reloads (12: an hour's worth of 5-minute reloads). Everything else is as a user would have it: the
 * cache filled by `broadsheet refresh` first (30,000 articles), `reloadMinutes` set per feed as well
 * (the farm's RSS feeds ask for hourly reloads), the reader started on it with its
 * start-up refresh, then the timed reloads through the reader's one background refresh path, the farm
 * answering with ETags (304s) and churning (a new item in ~10% of the feeds every --reloads-churn-sec
 * s), so each reload brings new articles too.
 *
 * Figures: event-loop delay (eld-probe.mjs in the reader, monitorEventLoopDelay at 10 ms resolution:
 * an idle loop reads ~10) per cycle and over all cycles, max and p99, target max < 50 ms; the
 * reader's RSS after the start-up refresh and after each reload (first and last printed; "memory flat"
 * means the last is not growing from cycle to cycle), heap used as the probe saw it and right after a
 * full collection (--expose-gc; the collection's pause is kept out of the delay figures); the main
 * thread's CPU time and its time runnable but waiting for a CPU (schedstat: the machine's other load)
 * per cycle, since a loaded machine's scheduling shows up as event-loop delay too.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  BENCH_UA,
  Tmux,
  eachOption,
  eldCells,
  eldMerge,
  finish,
  loadAverage,
  mainProfile,
  mainThreadSched,
  markEldPhaseWait,
  memoryOf,
  nodePidUnder,
  readEld,
  readStalls,
  resolveFarm,
  round,
  runAsScript,
  sleep,
  snapshotBuild,
  startFarm,
  startReader,
  stallRows,
  verdict,
} from './lib.mjs';

export const description =
  'reader in tmux: 1,000 feeds reloaded in the background 12 times (an hour of 5-minute reloads, time compressed): event-loop delay, RSS';
export const usage = `--reloads-minutes M (0.25: the compressed interval)  --reloads-cycles N (12)  --reloads-feeds N (1000)
--reloads-churn-sec S (15)  --reloads-profile (under --cpu-prof: where the main thread was in the 8 longest stalls)  --keep (keep the temp folder)`;

const TARGET_ELD_MS = 50;

function options(argv) {
  const o = { minutes: 0.25, cycles: 12, feeds: 1000, churnSec: 15, keep: false, profile: false };
  eachOption(argv, (key, { value, int }) => {
    if (key === '--reloads-minutes') o.minutes = Number(value());
    else if (key === '--reloads-cycles') o.cycles = int();
    else if (key === '--reloads-feeds') o.feeds = int();
    else if (key === '--reloads-churn-sec') o.churnSec = int();
    else if (key === '--keep') o.keep = true;
    else if (key === '--reloads-profile') o.profile = true;
  });
  if (!(o.minutes > 0)) throw new Error('--reloads-minutes needs a positive number');
  return o;
}

const header = (screen) => (screen ?? '').split('\n')[0] ?? '';
const footer = (screen) => (screen ?? '').replace(/\n+$/, '').split('\n').pop()?.trim() ?? '';

export async function run({ log = (t) => process.stderr.write(`[reloads] ${t}\n`), argv = [], root = path.resolve(import.meta.dirname, '../..') } = {}) {
  const o = options(argv);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-bench-reloads-'));
  const ctx = { root, tmp, log, cli: snapshotBuild(root, tmp), tmux: new Tmux('reloads') };
  const rows = [];
  const notes = (key, value) => rows.push({ table: 'notes', key, value: String(value) });
  let farm;
  try {
    notes('load average at start', loadAverage());
    farm = await startFarm(resolveFarm(root), {
      feeds: o.feeds,
      items: 30,
      ttl: 3600,
      out: path.join(tmp, 'farm'),
      log,
      extra: ['--churn-sec', String(o.churnSec), '--churn-share', '0.1'],
    });
    const urls = fs
      .readFileSync(farm.urlsFile, 'utf8')
      .split('\n')
      .map((l) => l.trim().split(/\s+/)[0])
      .filter((u) => u && /^https?:/.test(u));
    const home = path.join(tmp, 'home');
    fs.mkdirSync(home, { recursive: true });
    // Per feed too: the farm's RSS feeds say sy:updatePeriod hourly, which alone would keep them to hourly
    // reloads; a user who wants every feed every 5 minutes says so per feed, and that wins.
    const config = {
      feeds: urls.map((url) => ({ url, reloadMinutes: o.minutes })),
      refreshOnStart: true,
      reloadMinutes: o.minutes,
      discussions: { lookup: [] },
    };
    fs.writeFileSync(path.join(home, 'config.json'), JSON.stringify(config));

    // The cache as a user's would be: filled by a headless refresh.
    const started = performance.now();
    const filled = spawnSync(process.execPath, [ctx.cli, 'refresh'], { env: { ...process.env, BROADSHEET_HOME: home }, encoding: 'utf8', timeout: 600_000 });
    if (filled.status !== 0 && filled.status !== 1) throw new Error(`broadsheet refresh failed (${filled.status}): ${(filled.stderr || '').slice(-300)}`);
    log(`cache filled by \`broadsheet refresh\` in ${round((performance.now() - started) / 1000, 1)} s`);

    // The farm counts its own /__stats requests too: only the reader's count.
    // A farm too busy to answer within its 10 s (a loaded machine) is asked again on the next poll.
    let lastCount = 0;
    const requests = async () => {
      try {
        const s = await farm.stats();
        lastCount = s.requests - (s.userAgents[BENCH_UA] ?? 0);
      } catch {}
      return lastCount;
    };
    const base = await requests();
    const reader = startReader(ctx, { home, eld: true, gc: true, label: 'reloads', profile: o.profile, stalls: o.profile });
    // The start-up refresh: its requests in, the header no longer "refreshing".
    const idle = async (wanted, timeoutMs) => {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if ((await requests()) - base >= wanted && !/refreshing \d+\/\d+/.test(header(ctx.tmux.capture(reader.session)))) return true;
        await sleep(100);
      }
      return false;
    };
    if (!(await idle(urls.length, 120_000))) throw new Error('the start-up refresh did not finish within 120 s');
    const pid = nodePidUnder(ctx.tmux.panePid(reader.session));
    await markEldPhaseWait(reader, 'start-up');
    await markEldPhaseWait(reader, 'gc start-up');
    const rss = [memoryOf(pid)?.rssMb ?? null];
    let sched = mainThreadSched(pid);
    const cycles = [];
    const cycleStarted = Date.now();
    for (let k = 1; k <= o.cycles; k++) {
      const from = Date.now();
      if (!(await idle(urls.length * (k + 1), o.minutes * 60_000 * 3 + 120_000))) throw new Error(`reload ${k} did not come or did not finish`);
      await markEldPhaseWait(reader, `cycle ${k}`);
      await markEldPhaseWait(reader, `gc ${k}`);
      const screen = ctx.tmux.capture(reader.session);
      rss.push(memoryOf(pid)?.rssMb ?? null);
      const now = mainThreadSched(pid);
      const cpu = now && sched ? { cpuMs: now.cpuMs - sched.cpuMs, waitMs: now.waitMs - sched.waitMs } : null;
      sched = now;
      cycles.push({
        k,
        seconds: (Date.now() - from) / 1000,
        cpu,
        note: footer(screen).replace(/^.*?(next reload)/, '$1'),
        unread: /(\d+) unread/.exec(header(screen))?.[1],
      });
      log(`reload ${k}/${o.cycles}: ${cycles.at(-1).note}; RSS ${round(rss.at(-1), 0)} MB`);
    }
    const wall = (Date.now() - cycleStarted) / 1000;
    await finish(ctx, reader);
    await sleep(300);
    const eld = readEld(reader.files.eld);
    const phase = (why) => eld.phases.find((p) => p.why === why) ?? null;
    // Heap and RSS right after a full collection at each mark: what the reader really keeps.
    const kept = new Map(
      fs
        .readFileSync(reader.files.eld, 'utf8')
        .split('\n')
        .filter((l) => l.includes('"gcMemory"'))
        .map((l) => JSON.parse(l).gcMemory)
        .map((m) => [m.why, m]),
    );

    const table = `event-loop delay per reload cycle (ms; idle reads ~10), reloadMinutes ${o.minutes}`;
    const all = [];
    for (const c of cycles) {
      const p = phase(`cycle ${c.k}`);
      all.push(p);
      rows.push({
        table,
        cycle: c.k,
        'cycle s': round(c.seconds, 1),
        ...eldCells(p),
        'main-thread CPU s': round(c.cpu ? c.cpu.cpuMs / 1000 : null, 1),
        'waiting for a CPU s': round(c.cpu ? c.cpu.waitMs / 1000 : null, 1),
        'RSS MB after': round(rss[c.k], 0),
        'heap used MB': p?.memory?.heapUsed ?? null,
        'heap after GC MB': kept.get(`gc ${c.k}`)?.heapUsed ?? null,
        unread: c.unread ? Number(c.unread) : null,
        'status line': c.note,
      });
    }
    const merged = eldMerge(all);
    rows.push({
      table: 'summary',
      what: `${o.cycles} background reloads of ${urls.length} feeds every ${o.minutes * 60} s (an hour of 5-minute reloads, ${round(5 / o.minutes, 0)}x compressed)`,
      'wall s': round(wall, 0),
      'eld max': round(merged?.max),
      'eld p99': round(merged?.p99),
      target: `max < ${TARGET_ELD_MS}`,
      result: verdict(merged ? merged.max < TARGET_ELD_MS : null),
      'first RSS MB': round(rss[0], 0),
      'last RSS MB': round(rss.at(-1), 0),
      'RSS min-max over cycles MB': `${round(Math.min(...rss.slice(1)), 0)}-${round(Math.max(...rss.slice(1)), 0)}`,
      'heap after GC first-last MB': `${kept.get('gc start-up')?.heapUsed ?? '?'}-${kept.get(`gc ${o.cycles}`)?.heapUsed ?? '?'}`,
    });
    const startup = phase('start-up');
    if (startup)
      rows.push({
        table: 'summary',
        what: 'start-up refresh (for comparison, not a target)',
        'eld max': round(startup.max),
        'eld p99': round(startup.p99),
        'first RSS MB': round(rss[0], 0),
      });
    const first = phase('cycle 1');
    const file = o.profile ? mainProfile(reader.files.prof) : null;
    if (file && eld.anchor && first && reader.files.stalls) {
      // The longest stalls of the reload cycles (the start-up refresh left out), and where the main thread was.
      const longest = readStalls(reader.files.stalls)
        .filter((k) => k.from >= first.from)
        .sort((a, b) => b.ms - a.ms)
        .slice(0, 8)
        .sort((a, b) => a.from - b.from);
      rows.push(
        ...stallRows('profile: the 8 longest stalls of the reload cycles, under --cpu-prof ("at" = ms after cycle 1 began)', file, longest, {
          anchor: eld.anchor,
          t0: first.from,
          top: 5,
        }),
      );
    }
    const stats = await farm.stats().catch(() => null);
    if (stats) notes('farm requests (all, incl. the headless fill)', `${stats.requests}, ${stats.notModified} answered 304`);
    notes('load average at end', loadAverage());
    notes('temp folder', o.keep ? tmp : `${tmp} (removed; --keep keeps it)`);
    return rows;
  } finally {
    ctx.tmux.killServer();
    await farm?.stop();
    if (!o.keep) fs.rmSync(tmp, { recursive: true, force: true });
  }
}

await runAsScript(import.meta.url, run);
