/**
 * Crashes (README, Design: "The cache"): `refresh` killed with SIGKILL at random moments, over and over,
 * leaves a cache that passes PRAGMA integrity_check with every acknowledged read/starred mark intact;
 * and two `refresh` processes on one cache both end cleanly.
 *
 * The farm (test/support/farm/) serves 200 feeds with latency and jitter (a refresh takes 2-3 s, so a kill lands in the
 * middle of fetching, parsing and writing) and churn (feeds change every second, so later refreshes
 * write). Marks are made with `mark` between rounds, and in some rounds while the refresh runs; a mark
 * counts as acknowledged only when `mark` exited 0, and every acknowledged mark must survive every
 * later kill. The schedule comes from a seeded PRNG: RELIABILITY_SEED=N replays one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { startFarm, type Farm } from '../support/farm/index.js';
import { STACK_TRACE, lines, prng, runCli, seedFrom, sleep, snapshotBundle, startCli, tempDir, writeConfig, type RunResult } from './helpers.js';

const ROUNDS = 22;
const SEED = seedFrom(20251125);

let tmp = '';
let cli = '';
let farm: Farm | undefined;
let home = '';
let cachePath = '';

/** What the cache must say for each article we marked (and whose mark was acknowledged). */
const expected = new Map<number, { read: boolean; starred: boolean }>();

interface CacheCheck {
  integrity: string;
  wrong: string[];
  articles: number;
  /** Feeds whose refresh transaction committed at or after `since` (ms). */
  feedsSince: number;
}

/** Open the cache read-only (no checkpoint on close, so the next run meets the killed run's WAL). */
function checkCache(since = Date.now()): CacheCheck {
  const db = new Database(cachePath, { readonly: true, fileMustExist: true });
  try {
    const integrity = (db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((r) => r.integrity_check).join('; ');
    const get = db.prepare('SELECT read, starred FROM articles WHERE id = ?');
    const wrong: string[] = [];
    for (const [id, want] of expected) {
      const row = get.get(id) as { read: number; starred: number } | undefined;
      if (!row) wrong.push(`${id}: missing`);
      else if (row.read !== (want.read ? 1 : 0) || row.starred !== (want.starred ? 1 : 0)) {
        wrong.push(`${id}: read=${row.read} starred=${row.starred}, expected read=${want.read} starred=${want.starred}`);
      }
    }
    const articles = (db.prepare('SELECT count(*) AS n FROM articles').get() as { n: number }).n;
    const feedsSince = (db.prepare('SELECT count(*) AS n FROM feeds WHERE last_checked >= ?').get(since) as { n: number }).n;
    return { integrity, wrong, articles, feedsSince };
  } finally {
    db.close();
  }
}

type MarkAction = 'read' | 'unread' | 'star' | 'unstar';

/** Run `mark ACTION ids...`; on exit 0 (acknowledged), record the new state as expected. */
async function mark(action: MarkAction, ids: number[], record = true): Promise<RunResult> {
  const run = await runCli(cli, ['mark', action, ...ids.map(String)], { home, timeoutMs: 30_000 });
  if (run.code === 0 && record) apply(action, ids);
  return run;
}

function apply(action: MarkAction, ids: number[]) {
  for (const id of ids) {
    const state = expected.get(id) ?? { read: false, starred: false };
    if (action === 'read') state.read = true;
    if (action === 'unread') state.read = false;
    if (action === 'star') state.starred = true;
    if (action === 'unstar') state.starred = false;
    expected.set(id, state);
  }
}

describe('crash safety of the cache', () => {
  let ids: number[] = [];
  let nextFresh = 0;
  /** Article ids never marked yet, in a seeded order. */
  const fresh = (n: number) => {
    const out = ids.slice(nextFresh, nextFresh + n);
    nextFresh += out.length;
    return out;
  };

  beforeAll(async () => {
    tmp = tempDir('crash');
    cli = snapshotBundle(tmp);
    // Latency keeps a refresh longer than the longest kill delay (1.5 s): with 5-25 ms a refresh of
    // these 200 feeds got fast enough to finish before some kills.
    farm = await startFarm({ feeds: 200, items: 30, latencyMs: 20, jitterMs: 40, churnSeconds: 1, seed: 3 });
    home = path.join(tmp, 'home');
    cachePath = path.join(home, 'cache.db');
    writeConfig(home, { feeds: farm.urls.map((url) => ({ url })) });
    const first = await runCli(cli, ['refresh'], { home, timeoutMs: 90_000 });
    expect(first.code, first.stderr).toBe(0);
    const listed = JSON.parse((await runCli(cli, ['articles', '--json'], { home })).stdout.toString('utf8')) as Array<{ id: number }>;
    expect(listed.length).toBeGreaterThan(1000);
    // A seeded shuffle of the ids, so marks spread over every feed.
    const rng = prng(SEED ^ 0x5eed);
    ids = listed.map((a) => a.id);
    for (let i = ids.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [ids[i], ids[j]] = [ids[j]!, ids[i]!];
    }
  }, 120_000);

  afterAll(async () => {
    await farm?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it(`${ROUNDS} refreshes killed with SIGKILL at random moments: integrity ok, every acknowledged mark intact`, async () => {
    const rng = prng(SEED);
    // The first marks, before any kill.
    for (const [action, n] of [
      ['read', 40],
      ['star', 20],
    ] as const) {
      const run = await mark(action, fresh(n));
      expect(run.code, run.stderr).toBe(0);
    }
    const both = [...expected.keys()].slice(0, 10);
    expect((await mark('star', both)).code).toBe(0);

    let kills = 0;
    let finishedFirst = 0;
    let marksChecked = 0;
    let concurrentMarks = 0;
    let concurrentAcked = 0;
    let committedFeeds = 0;
    let killedMidWrite = 0;
    const delays: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const delay = Math.round(50 + rng() * 1450);
      delays.push(delay);
      const roundStart = Date.now();
      const refresh = startCli(cli, ['refresh'], { home, timeoutMs: 60_000 });
      // In about half the rounds a mark runs while the refresh does (it may wait for the write lock).
      let during: Promise<{ run: RunResult; action: MarkAction; ids: number[] }> | undefined;
      if (rng() < 0.5) {
        const action: MarkAction = rng() < 0.5 ? 'read' : 'star';
        const batch = fresh(3);
        concurrentMarks++;
        during = sleep(Math.round(delay * rng())).then(async () => ({ run: await mark(action, batch, false), action, ids: batch }));
      }
      await sleep(delay);
      if (refresh.child.exitCode === null && refresh.child.signalCode === null) refresh.child.kill('SIGKILL');
      const ended = await refresh.done;
      if (ended.signal === 'SIGKILL') kills++;
      else {
        finishedFirst++;
        expect(ended.code, `round ${round}: a refresh that finished: ${ended.stderr}`).toBe(0);
      }
      if (during) {
        const { run, action, ids: batch } = await during;
        // Acknowledged (exit 0) means committed; anything else must still be one clean line.
        if (run.code === 0) {
          apply(action, batch);
          concurrentAcked++;
        } else {
          expect(run.stderr, `round ${round}: mark during a refresh`).not.toMatch(STACK_TRACE);
        }
      }

      const check = checkCache(roundStart);
      committedFeeds += check.feedsSince;
      if (check.feedsSince > 0 && ended.signal === 'SIGKILL') killedMidWrite++;
      expect(check.integrity, `round ${round} (killed after ${delay} ms): integrity_check`).toBe('ok');
      expect(check.wrong, `round ${round} (killed after ${delay} ms): marks`).toEqual([]);
      marksChecked += expected.size;

      // Between rounds: new marks, and some undone, each acknowledged before the next kill.
      const known = [...expected.keys()];
      const pick = (n: number) => Array.from({ length: n }, () => known[Math.floor(rng() * known.length)]!).filter((v, i, a) => a.indexOf(v) === i);
      const steps: Array<[MarkAction, number[]]> = [
        ['read', fresh(4)],
        ['star', [...fresh(2), ...pick(1)]],
        round % 2 ? ['unread', pick(1)] : ['unstar', pick(1)],
      ];
      for (const [action, batch] of steps) {
        if (batch.length === 0) continue;
        const run = await mark(action, batch);
        expect(run.code, `round ${round}: mark ${action} ${batch.join(' ')}: ${run.stderr}`).toBe(0);
        expect(run.stderr).toMatch(/marked/);
      }
    }

    // (The next test runs refreshes to the end on this same cache and checks the marks again.)
    const after = checkCache();

    console.log(
      `[reliability] crash: seed ${SEED}; ${ROUNDS} rounds, ${kills} refreshes killed with SIGKILL ` +
        `(${finishedFirst} finished before their kill), kill delays ${Math.min(...delays)}–${Math.max(...delays)} ms; ` +
        `${expected.size} marked articles tracked, ${marksChecked} mark checks, ${concurrentAcked}/${concurrentMarks} marks made during a refresh acknowledged; ` +
        `${killedMidWrite} kills came after the refresh had committed feeds (${committedFeeds} feed transactions committed by killed runs); ` +
        `integrity ok every round; ${after.articles} articles in the cache`,
    );
    expect(kills).toBeGreaterThanOrEqual(20);
    // The kills landed while refreshes were writing, not only before they started.
    expect(killedMidWrite).toBeGreaterThanOrEqual(ROUNDS / 4);
  }, 150_000);

  it('two refreshes of one cache at once both end cleanly (0, or 1 with a one-line "busy" message); marks intact after', async () => {
    expect(expected.size, 'the kill test above made marks').toBeGreaterThan(0);
    const pairs = 2;
    const outcomes: string[] = [];
    for (let i = 0; i < pairs; i++) {
      const a = startCli(cli, ['refresh'], { home, timeoutMs: 90_000 });
      const b = startCli(cli, ['refresh'], { home, timeoutMs: 90_000 });
      for (const run of await Promise.all([a.done, b.done])) {
        outcomes.push(`${run.code}${run.signal ? ' ' + run.signal : ''} in ${run.ms} ms`);
        expect(run.signal, run.stderr).toBeNull();
        expect([0, 1], run.stderr).toContain(run.code);
        expect(run.stderr).not.toMatch(STACK_TRACE);
        const errors = lines(run.stderr).filter((l) => l.startsWith('broadsheet:') && !/: recovered .* from a broken feed/.test(l));
        if (run.code === 1) {
          // The only acceptable failure is the other process holding the cache, said in one line.
          expect(errors.length, run.stderr).toBeGreaterThan(0);
          for (const line of errors) expect(line, run.stderr).toMatch(/busy|locked/i);
        } else {
          expect(errors, run.stderr).toEqual([]);
        }
      }
      const check = checkCache();
      expect(check.integrity).toBe('ok');
      expect(check.wrong).toEqual([]);
    }
    console.log(`[reliability] concurrent refreshes: ${outcomes.join(', ')}`);
  }, 120_000);
});
