/**
 * Settings (README "The settings file"): broken JSON, wrong types, unknown keys, a bad URL, an unreadable
 * file and a read-only home each stop `articles`, `refresh` and `add` with exit code 2 and one stderr line
 * naming the file, and the file is never rewritten (bytes and mtime unchanged, no file appears beside it).
 * `add`, `remove` and the reader's `a` write it atomically: a reader polling config.json while many
 * `add`s run at once never sees a partial file.
 *
 * Root: tests may run as root (CI does), where chmod 000 / 0555 stops nothing. Then:
 *   - "unreadable": config.json is a folder (EISDIR, works as root), and, when `setpriv` can drop to
 *     uid/gid 65534 (nobody), a chmod 000 file read as nobody (EACCES);
 *   - "read-only home": every available way is used: a read-only bind mount in a private mount namespace
 *     (`unshare -m`, EROFS), an immutable folder (`chattr +i`, EPERM), and a 0555 folder written as nobody
 *     (`setpriv`, EACCES). Not root: plain chmod. At least one must be available.
 * Everything runs on local feed files (no network): `add` checks the feed before it writes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, STACK_TRACE, haveTool, lines, removeTmuxSocket, runCli, sleep, snapshotBundle, tempDir, waitFor, type RunResult } from './helpers.js';

const IS_ROOT = process.getuid?.() === 0;
const FEED = path.join(ROOT, 'test/fixtures/corpus/atom-threading/intertwingly.atom');
const NOBODY = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];

let tmp = '';
let cli = '';
/** Folders made immutable, to be made mutable again however a test ends. */
const immutable: string[] = [];

function canDropToNobody(): boolean {
  if (!IS_ROOT || !haveTool('setpriv')) return false;
  return spawnSync(NOBODY[0]!, [...NOBODY.slice(1), 'true'], { stdio: 'ignore' }).status === 0;
}

/** Does a read-only bind mount work here (a private mount namespace, so nothing outside sees it)? */
function canBindReadOnly(dir: string): boolean {
  if (!IS_ROOT || !haveTool('unshare')) return false;
  const r = spawnSync('unshare', ['-m', 'sh', '-c', 'mount --bind -o ro "$0" "$0" && ! touch "$0/.probe" 2>/dev/null', dir], { stdio: 'ignore' });
  fs.rmSync(path.join(dir, '.probe'), { force: true });
  return r.status === 0;
}

function canChattr(dir: string): boolean {
  if (!IS_ROOT || !haveTool('chattr')) return false;
  if (spawnSync('chattr', ['+i', dir], { stdio: 'ignore' }).status !== 0) return false;
  let blocked = false;
  try {
    fs.writeFileSync(path.join(dir, '.probe'), '');
  } catch {
    blocked = true;
  }
  spawnSync('chattr', ['-i', dir], { stdio: 'ignore' });
  fs.rmSync(path.join(dir, '.probe'), { force: true });
  return blocked;
}

/** A folder's files with their bytes and mtimes, to prove nothing was written. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of fs.readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    const st = fs.statSync(p);
    out[name] = st.isDirectory() ? `dir mtime=${st.mtimeMs}` : `mtime=${st.mtimeMs} ${fs.readFileSync(p).toString('base64')}`;
  }
  return out;
}

function newHome(name: string, config: string | null): string {
  const home = path.join(tmp, name);
  fs.mkdirSync(home, { recursive: true, mode: 0o755 });
  if (config !== null) fs.writeFileSync(path.join(home, 'config.json'), config);
  // An mtime in the past, so a rewrite within the same second would still show.
  if (config !== null) fs.utimesSync(path.join(home, 'config.json'), new Date(2020, 0, 1), new Date(2020, 0, 1));
  return home;
}

/** The one-line, exit-2 contract, and nothing in the home folder changed. */
function expectSettingsError(run: RunResult, what: string, file: string, before: Record<string, string>, home: string) {
  const errLines = lines(run.stderr);
  expect(run.signal, `${what}: signal`).toBeNull();
  expect(run.code, `${what}: exit code (stderr: ${run.stderr})`).toBe(2);
  expect(errLines, `${what}: one stderr line`).toHaveLength(1);
  expect(errLines[0], `${what}: names the file`).toContain(file);
  expect(run.stderr, what).not.toMatch(STACK_TRACE);
  expect(run.stdout.length, `${what}: nothing on stdout`).toBe(0);
  expect(snapshot(home), `${what}: the home folder is untouched`).toEqual(before);
}

const COMMANDS: Array<[string, string[]]> = [
  ['articles', ['articles']],
  ['refresh', ['refresh']],
  ['add', ['add', FEED]],
];

describe('settings file reliability', () => {
  beforeAll(() => {
    tmp = tempDir('settings');
    cli = snapshotBundle(tmp);
  }, 120_000);

  afterAll(() => {
    for (const dir of immutable) spawnSync('chattr', ['-i', dir], { stdio: 'ignore' });
    if (tmp) {
      spawnSync('chmod', ['-R', 'u+rwX', tmp]);
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  const BAD: Array<[string, string]> = [
    ['broken JSON', '{"feeds": [{"url": "https://example.org/feed/"}'],
    ['broken JSON (trailing comma)', '{"feeds": [],}\n'],
    ['wrong type: feeds is a string', '{"feeds": "https://example.org/feed/"}\n'],
    ['wrong type: fetch.concurrency is a string', '{"fetch": {"concurrency": "8"}}\n'],
    ['wrong type: refreshOnStart is "yes"', '{"refreshOnStart": "yes"}\n'],
    ['wrong type: the whole file is an array', '[]\n'],
    ['unknown key (a typo)', '{"refreshOnstart": false}\n'],
    ['unknown nested key', '{"fetch": {"maxbytes": 4096}}\n'],
    ['a feed URL that is not http(s)', '{"feeds": [{"url": "javascript:alert(1)"}]}\n'],
    ['an unknown action under keys', '{"keys": {"dwn": ["j"]}}\n'],
    ['a theme colour that is not one', '{"theme": {"header": "chartreuse-ish"}}\n'],
  ];

  for (const [name, content] of BAD) {
    it(`${name}: articles, refresh and add exit 2 with one line naming the file; the file is never rewritten`, async () => {
      const home = newHome(name.replace(/\W+/g, '-'), content);
      const file = path.join(home, 'config.json');
      const before = snapshot(home);
      for (const [cmd, args] of COMMANDS) {
        const run = await runCli(cli, args, { home, timeoutMs: 30_000 });
        expectSettingsError(run, `${name} / ${cmd}`, file, before, home);
      }
    }, 60_000);
  }

  it('unreadable (config.json is a folder): exit 2, one line, nothing written', async () => {
    const home = newHome('is-a-folder', null);
    const file = path.join(home, 'config.json');
    fs.mkdirSync(file);
    const before = snapshot(home);
    for (const [cmd, args] of COMMANDS) {
      const run = await runCli(cli, args, { home, timeoutMs: 30_000 });
      expectSettingsError(run, `folder / ${cmd}`, file, before, home);
    }
  }, 60_000);

  it(`unreadable (chmod 000${IS_ROOT ? ', read as uid 65534 via setpriv' : ''}): exit 2, one line, nothing written`, async (ctx) => {
    const asNobody = IS_ROOT && canDropToNobody();
    if (IS_ROOT && !asNobody) ctx.skip('running as root and setpriv cannot drop privileges: chmod 000 cannot stop root (the folder case above covers EISDIR)');
    const home = newHome('chmod-000', '{"feeds": []}\n');
    const file = path.join(home, 'config.json');
    fs.chmodSync(file, 0o000);
    const before = snapshot(home);
    for (const [cmd, args] of COMMANDS) {
      const run = await runCli(cli, args, { home, timeoutMs: 30_000, prefix: asNobody ? NOBODY : [] });
      expectSettingsError(run, `chmod 000 / ${cmd}`, file, before, home);
      expect(lines(run.stderr)[0]).toMatch(/permission denied/);
    }
  }, 60_000);

  // ------------------------------------------------------------------ read-only home

  interface ReadOnlyWay {
    name: string;
    /** Make `home` read-only for the run; returns the prefix to run the CLI with and an undo. */
    apply(home: string): { prefix: string[]; undo(): void };
  }

  function readOnlyWays(): ReadOnlyWay[] {
    const probe = path.join(tmp, 'probe');
    fs.mkdirSync(probe, { recursive: true });
    const ways: ReadOnlyWay[] = [];
    if (!IS_ROOT) {
      ways.push({
        name: 'chmod 0555',
        apply: (home) => {
          fs.chmodSync(home, 0o555);
          return { prefix: [], undo: () => fs.chmodSync(home, 0o755) };
        },
      });
      return ways;
    }
    if (canBindReadOnly(probe)) {
      ways.push({
        name: 'read-only bind mount (unshare -m)',
        apply: (home) => ({ prefix: ['unshare', '-m', 'sh', '-c', 'mount --bind -o ro "$0" "$0" && exec "$@"', home], undo: () => {} }),
      });
    }
    if (canChattr(probe)) {
      ways.push({
        name: 'immutable folder (chattr +i)',
        apply: (home) => {
          spawnSync('chattr', ['+i', home]);
          immutable.push(home);
          return { prefix: [], undo: () => spawnSync('chattr', ['-i', home]) };
        },
      });
    }
    if (canDropToNobody()) {
      ways.push({
        name: 'chmod 0555, written as uid 65534 (setpriv)',
        apply: (home) => {
          fs.chmodSync(home, 0o555);
          return { prefix: NOBODY, undo: () => fs.chmodSync(home, 0o755) };
        },
      });
    }
    return ways;
  }

  it('read-only home: add exits 2 with one line naming the file; no partial or temporary file is left', async () => {
    const ways = readOnlyWays();
    expect(ways.length, 'at least one way to make a folder read-only here').toBeGreaterThan(0);
    const used: string[] = [];
    for (const way of ways) {
      const home = newHome(`ro-${used.length}`, '{\n  "$comment": "mine",\n  "feeds": []\n}\n');
      const file = path.join(home, 'config.json');
      const before = snapshot(home);
      const { prefix, undo } = way.apply(home);
      try {
        const run = await runCli(cli, ['add', FEED], { home, prefix, timeoutMs: 30_000 });
        expectSettingsError(run, `${way.name} / add`, file, before, home);
        expect(lines(run.stderr)[0]).toMatch(/read-only|permission denied/);
      } finally {
        undo();
      }
      used.push(way.name);
    }
    console.log(`[reliability] read-only home made with: ${used.join('; ')} (running as ${IS_ROOT ? 'root' : 'a normal user'})`);
  }, 90_000);

  it('read-only home: articles and refresh also stop with exit 2 and one line naming the path', async () => {
    const ways = readOnlyWays();
    expect(ways.length).toBeGreaterThan(0);
    const way = ways[0]!;
    const home = newHome('ro-cache', '{"feeds": []}\n');
    // A home that worked before it became read-only: the cache exists.
    expect((await runCli(cli, ['articles'], { home })).code).toBe(0);
    const before = snapshot(home);
    const { prefix, undo } = way.apply(home);
    try {
      const problems: string[] = [];
      for (const args of [['articles'], ['refresh']]) {
        const run = await runCli(cli, args, { home, prefix, timeoutMs: 30_000 });
        const errLines = lines(run.stderr);
        const said = `${args[0]}: exit ${run.code}, stderr ${JSON.stringify(run.stderr.trim())}`;
        expect(run.stderr).not.toMatch(STACK_TRACE);
        expect(errLines, `${way.name} / ${args[0]}: one line`).toHaveLength(1);
        if (run.code !== 2) problems.push(`${said}: exit code should be 2`);
        if (!errLines[0]?.includes(home)) problems.push(`${said}: the line should name ${home} or its cache.db`);
      }
      expect(problems, `read-only home (${way.name})`).toEqual([]);
    } finally {
      undo();
    }
    expect(snapshot(home)).toEqual(before);
  }, 60_000);

  // ------------------------------------------------------------------ atomic writes

  /**
   * A child process that reads and parses config.json as fast as it can until `stop` appears
   * (bounded: 60 s and 2,000,000 reads), then prints what it saw as JSON.
   */
  function startPoller(file: string, stop: string) {
    const script = `
      const fs = require('fs');
      const [file, stop] = process.argv.slice(1);
      const started = Date.now();
      let reads = 0, partial = 0, missing = 0, lostComment = 0, maxFeeds = 0, shrank = 0, sample = '';
      let last = -1;
      while (reads < 2000000 && Date.now() - started < 60000) {
        if ((reads & 255) === 0 && fs.existsSync(stop)) break;
        reads++;
        let text;
        try { text = fs.readFileSync(file, 'utf8'); } catch (e) { missing++; continue; }
        try {
          const c = JSON.parse(text);
          if (c.$comment !== 'keep me') lostComment++;
          const n = Array.isArray(c.feeds) ? c.feeds.length : -1;
          if (n < last) shrank++;
          last = n;
          if (n > maxFeeds) maxFeeds = n;
        } catch (e) { partial++; if (!sample) sample = text.slice(-80); }
      }
      process.stdout.write(JSON.stringify({ reads, partial, missing, lostComment, maxFeeds, shrank, sample }));
    `;
    const child = spawn(process.execPath, ['-e', script, file, stop], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    const done = new Promise<Record<string, any>>((resolve) => child.on('close', () => resolve(JSON.parse(out || '{}'))));
    return { child, done };
  }

  const ADDS = 12;
  const WAVE = 6;
  /** What the concurrent adds said and what the file held afterwards (for the lost-update check). */
  let concurrentAdds: { acknowledged: string[]; removed: string; stored: string[]; file: string } | undefined;

  it(`${ADDS} concurrent adds (and a remove): a reader polling config.json never sees a partial file; comment keys survive`, async () => {
    const home = newHome('atomic', '{\n  "$comment": "keep me",\n  "//": "also mine",\n  "feeds": []\n}\n');
    const file = path.join(home, 'config.json');
    const feeds = path.join(tmp, 'atomic-feeds');
    fs.mkdirSync(feeds, { recursive: true });
    const paths = Array.from({ length: ADDS + 1 }, (_, i) => {
      const p = path.join(feeds, `feed-${i}.atom`);
      fs.copyFileSync(FEED, p);
      return p;
    });
    // One feed subscribed first, to be removed while the others are added.
    expect((await runCli(cli, ['add', paths[ADDS]!], { home })).code).toBe(0);
    const stop = path.join(tmp, 'atomic.stop');
    const poller = startPoller(file, stop);
    const acknowledged: string[] = [];
    const results: RunResult[] = [];
    try {
      for (let i = 0; i < ADDS; i += WAVE) {
        const wave = paths.slice(i, i + WAVE);
        const runs = await Promise.all([
          ...wave.map((p) => runCli(cli, ['add', p], { home, timeoutMs: 60_000 })),
          ...(i === 0 ? [runCli(cli, ['remove', paths[ADDS]!], { home, timeoutMs: 60_000 })] : []),
        ]);
        runs.slice(0, wave.length).forEach((r, j) => {
          if (r.code === 0 && /^added /m.test(r.stderr)) acknowledged.push(`file://${wave[j]}`);
        });
        results.push(...runs);
      }
    } finally {
      fs.writeFileSync(stop, '');
    }
    const seen = await poller.done;
    for (const r of results) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).not.toMatch(STACK_TRACE);
      expect(lines(r.stderr)).toHaveLength(1);
    }
    console.log(
      `[reliability] atomic writes: ${ADDS} adds (waves of ${WAVE}) + 1 remove at once; a poller read config.json ` +
        `${seen.reads} times: ${seen.partial} partial, ${seen.missing} missing, comment key lost ${seen.lostComment} times`,
    );
    expect(seen.reads).toBeGreaterThan(100);
    expect(seen.partial, `partial file seen, e.g. ...${seen.sample}`).toBe(0);
    expect(seen.missing, 'config.json missing during a write').toBe(0);
    expect(seen.lostComment, '"$comment" dropped by a write').toBe(0);
    const final = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(final.$comment).toBe('keep me');
    expect(final['//']).toBe('also mine');
    // No temporary file left beside it (add caches the articles it fetched: cache.db is expected).
    expect(fs.readdirSync(home).filter((n) => n !== 'config.json' && !n.startsWith('cache.db'))).toEqual([]);
    concurrentAdds = { acknowledged, removed: `file://${paths[ADDS]}`, stored: (final.feeds as Array<{ url: string }>).map((f) => f.url), file };
  }, 120_000);

  it('concurrent adds: every add that said "added" is in the file afterwards (no lost update)', () => {
    expect(concurrentAdds, 'the concurrent-adds test above ran').toBeDefined();
    const { acknowledged, removed, stored, file } = concurrentAdds!;
    const lost = acknowledged.filter((u) => !stored.includes(u));
    const resurrected = stored.includes(removed);
    console.log(
      `[reliability] concurrent adds: ${acknowledged.length} acknowledged, ${lost.length} of them missing from the file; ` +
        `the feed removed meanwhile is ${resurrected ? 'back in' : 'gone from'} the file`,
    );
    expect(lost, `${lost.length} of ${acknowledged.length} acknowledged adds are missing from ${file}`).toEqual([]);
    expect(resurrected, `the removed ${removed} is back in ${file}`).toBe(false);
  });

  describe.skipIf(!haveTool('tmux'))(haveTool('tmux') ? 'the reader' : 'the reader (skipped: tmux is not installed)', () => {
    const socket = `bs-rel-settings-${process.pid}-${Date.now()}`;
    const tmux = (...args: string[]) => spawnSync('tmux', ['-u', '-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8', timeout: 10_000 });
    afterAll(() => {
      tmux('kill-server');
      removeTmuxSocket(socket);
    });

    function launch(name: string, home: string): { errFile: string; capture: () => string } {
      const errFile = path.join(tmp, `${name}.err`);
      const launcher = path.join(tmp, `${name}.sh`);
      fs.writeFileSync(
        launcher,
        `#!/bin/sh\ncd '${tmp}'\nenv -u CI -u BROADSHEET_DEBUG BROADSHEET_HOME='${home}' '${process.execPath}' '${cli}' 2>'${errFile}'\necho "exit $?" >> '${errFile}'\n`,
        { mode: 0o755 },
      );
      if (tmux('has-session', '-t', 'keep').status !== 0) {
        tmux('new-session', '-d', '-s', 'keep', '-x', '80', '-y', '10', 'sleep 600');
        tmux('set-option', '-g', 'remain-on-exit', 'on');
      }
      const r = tmux('new-session', '-d', '-s', name, '-x', '120', '-y', '30', launcher);
      if (r.status !== 0) throw new Error(r.stderr);
      return { errFile, capture: () => tmux('capture-pane', '-p', '-t', name).stdout };
    }

    it('with broken settings the reader exits 2 with one line naming the file, and leaves the file alone', async () => {
      const home = newHome('reader-broken', '{"feeds": [}\n');
      const file = path.join(home, 'config.json');
      const before = snapshot(home);
      const { errFile } = launch('broken', home);
      await waitFor(() => fs.existsSync(errFile) && /exit \d+/.test(fs.readFileSync(errFile, 'utf8')), 'the reader to exit', 15_000);
      const err = fs.readFileSync(errFile, 'utf8').replace(/\x1b\[\?25h/g, '');
      const errLines = lines(err);
      expect(errLines.at(-1)).toBe('exit 2');
      expect(errLines.slice(0, -1)).toHaveLength(1);
      expect(errLines[0]).toContain(file);
      expect(snapshot(home)).toEqual(before);
    }, 30_000);

    it('adding a feed in the reader (a) writes the file atomically and keeps the comment keys', async () => {
      const home = newHome('reader-add', '{\n  "$comment": "keep me",\n  "refreshOnStart": false,\n  "feeds": []\n}\n');
      const file = path.join(home, 'config.json');
      const stop = path.join(tmp, 'reader-add.stop');
      const poller = startPoller(file, stop);
      const { errFile, capture } = launch('adder', home);
      try {
        await waitFor(() => capture().includes('Broadsheet'), 'the reader to start', 15_000, capture);
        tmux('send-keys', '-t', 'adder', 'a');
        await sleep(300);
        tmux('send-keys', '-t', 'adder', '-l', FEED);
        tmux('send-keys', '-t', 'adder', 'Enter');
        await waitFor(() => /Added /.test(capture()), 'the feed to be added', 15_000, capture);
        tmux('send-keys', '-t', 'adder', 'Q');
        await waitFor(() => fs.existsSync(errFile) && /exit \d+/.test(fs.readFileSync(errFile, 'utf8')), 'the reader to quit', 10_000, capture);
      } finally {
        fs.writeFileSync(stop, '');
      }
      const seen = await poller.done;
      expect(seen.partial).toBe(0);
      expect(seen.missing).toBe(0);
      const final = JSON.parse(fs.readFileSync(file, 'utf8'));
      expect(final.$comment).toBe('keep me');
      expect(final.refreshOnStart).toBe(false);
      expect(final.feeds).toEqual([{ url: `file://${FEED}` }]);
      expect(fs.readdirSync(home).filter((n) => n !== 'config.json' && !n.startsWith('cache.db'))).toEqual([]);
    }, 60_000);
  });
});
