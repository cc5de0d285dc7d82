/**
 * Sync against a real Tiny Tiny RSS (test/support/ttrss.ts): .ci/run installs and starts it; the
 * server fetches the tests' feeds itself from http://[::1]:80/. Each test has its own server user.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../source/core/store.js';
import { runSync, TtrssBackend } from '../source/core/sync.js';
import { createParsePool } from '../source/core/workers.js';
import { CLI, runCli } from './support/run-cli.js';
import { createUser, setCategory, skipReason, syncHome, TestApi, TTRSS_URL, writeFeed, type TestUser } from './support/ttrss.js';

const skip = await skipReason();
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-sync-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
let homes = 0;

const items = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => ({ guid: `${prefix}-${i}`, title: `${prefix} item ${i}` }));

/** A user with `feeds` feeds of `perFeed` items each, subscribed and fetched by the server. */
async function userWithFeeds(feeds: number, perFeed: number): Promise<{ user: TestUser; api: TestApi; urls: string[] }> {
  const user = createUser();
  const api = new TestApi(user);
  const urls: string[] = [];
  for (let f = 0; f < feeds; f++) {
    const url = writeFeed(`${user.login}-${f}`, `Feed ${f} of ${user.login}`, items(`${user.login}-${f}`, perFeed));
    await api.subscribe(url);
    urls.push(url);
  }
  return { user, api, urls };
}

function home(user: TestUser, extra: Record<string, unknown> = {}): string {
  return syncHome(path.join(root, `home-${++homes}`), user, extra);
}

function backendFor(user: TestUser): TtrssBackend {
  return new TtrssBackend({
    url: TTRSS_URL,
    user: user.login,
    passwordCommand: '',
    password: async () => user.password,
    timeoutMs: 20_000,
    maxBytes: 32 << 20,
  });
}

/** Server and cache agree on every synced article's read and starred state. */
async function expectAgreement(api: TestApi, cacheFile: string) {
  const server = await api.headlines();
  const store = Store.open(cacheFile, { readonly: true });
  try {
    const rows = store.db.prepare('SELECT s.server_id AS id, a.read, a.starred FROM sync_articles s JOIN articles a ON a.id = s.article_id').all() as {
      id: string;
      read: number;
      starred: number;
    }[];
    expect(rows.length).toBe(server.size);
    const disagree = rows.filter((r) => {
      const s = server.get(Number(r.id))!;
      return s.unread === (r.read === 1) || s.marked !== (r.starred === 1);
    });
    expect(disagree).toEqual([]);
    expect(store.db.prepare('SELECT count(*) AS n FROM sync_outbox').get()).toEqual({ n: 0 });
  } finally {
    store.close();
  }
}

describe.skipIf(skip !== null)('sync with Tiny Tiny RSS', () => {
  beforeAll(() => {
    if (!fs.existsSync(CLI)) throw new Error('build first: node source/scripts/build.mjs');
  });

  it('brings the feeds, categories as tags, and articles with bodies; a second sync is a handful of requests', async () => {
    const user = createUser();
    const api = new TestApi(user);
    const url = writeFeed(`${user.login}-c`, 'Commented', [
      { guid: 'x1', title: 'With comments &amp; more', body: '<p>Body <b>one</b></p>', comments: 'https://news.ycombinator.com/item?id=42' },
      { guid: 'x2', title: 'Plain' },
    ]);
    await api.subscribe(url);
    setCategory(user, url, 'Tech news');
    const dir = home(user, { feeds: [{ url: 'https://not-fetched.example/feed' }] });
    const first = await runCli(dir, ['sync', '--json']);
    expect(first.stderr).toContain('1 feed in the settings file is not fetched while syncing');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ feeds: 1, added: 2, pushed: 0 });
    const list = JSON.parse((await runCli(dir, ['articles', '--json'])).stdout) as { title: string; feed: string }[];
    expect(list.map((a) => a.title).sort()).toEqual(['Plain', 'With comments & more']);
    expect(list[0]!.feed).toBe('Commented');
    const store = Store.open(path.join(dir, 'cache.db'), { readonly: true });
    const article = store.articleByUrl('https://news.ycombinator.com/item?id=42');
    const feeds = store.feeds().map((f) => ({ url: f.url, title: f.title, tags: f.tags }));
    store.close();
    expect(feeds).toEqual([{ url, title: 'Commented', tags: ['Tech news'] }]);
    expect(article?.html).toContain('<b>one</b>');
    expect(article?.commentsUrl).toBe('https://news.ycombinator.com/item?id=42');

    const second = await runCli(dir, ['sync', '--json']);
    const summary = JSON.parse(second.stdout);
    expect(summary).toMatchObject({ added: 0, pushed: 0, stateChanges: 0 });
    expect(summary.requests).toBeLessThanOrEqual(6);
    expect(second.stderr).toMatch(/synced with .*: 1 feed, 0 new articles, \d requests/);
    // The password is nowhere in the cache.
    expect(fs.readFileSync(path.join(dir, 'cache.db')).includes(Buffer.from(user.password))).toBe(false);
  }, 60_000);

  it('pushes marks before pulling, so a mark made offline reaches the server on the next sync', async () => {
    const { user, api } = await userWithFeeds(1, 3);
    const dir = home(user);
    expect((await runCli(dir, ['sync'])).code).toBe(0);
    const ids = (JSON.parse((await runCli(dir, ['articles', '--json'])).stdout) as { id: number }[]).map((a) => a.id);
    // Offline: the server's address points nowhere; the marks still land in the cache.
    const settings = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ ...settings, sync: { ...settings.sync, url: 'http://127.0.0.1:9/' } }));
    expect((await runCli(dir, ['mark', 'read', String(ids[0])])).code).toBe(0);
    expect((await runCli(dir, ['mark', 'star', String(ids[1])])).code).toBe(0);
    const down = await runCli(dir, ['sync']);
    expect(down.code).toBe(1);
    expect(down.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^broadsheet: Tiny Tiny RSS at http:\/\/127\.0\.0\.1:9\/: connection refused/)]);
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(settings));
    // Back online: the marks made offline go first.
    const again = await runCli(dir, ['sync', '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ pushed: 2 });
    await expectAgreement(api, path.join(dir, 'cache.db'));
    const server = [...(await api.headlines()).values()];
    expect(server.filter((h) => !h.unread).length).toBe(1);
    expect(server.filter((h) => h.marked).length).toBe(1);
  }, 60_000);

  it('two homes: a star on one shows on the other; offline read and unread resolve by the later mark', async () => {
    const { user, api } = await userWithFeeds(1, 2);
    const a = home(user);
    const b = home(user);
    for (const dir of [a, b]) expect((await runCli(dir, ['sync'])).code).toBe(0);
    const idIn = async (dir: string, title: string) =>
      (JSON.parse((await runCli(dir, ['articles', '--json'])).stdout) as { id: number; title: string }[]).find((x) => x.title === title)!.id;
    const first = `${user.login}-0 item 0`;
    await runCli(a, ['mark', 'star', String(await idIn(a, first))]);
    await runCli(a, ['sync']);
    await runCli(b, ['sync']);
    expect((JSON.parse((await runCli(b, ['articles', '--starred', '--json'])).stdout) as { title: string }[]).map((x) => x.title)).toEqual([first]);

    // Both offline: A reads the article, then later B reads it and marks it unread again.
    await runCli(a, ['mark', 'read', String(await idIn(a, first))]);
    await runCli(b, ['mark', 'read', String(await idIn(b, first))]);
    await new Promise((r) => setTimeout(r, 20));
    await runCli(b, ['mark', 'unread', String(await idIn(b, first))]);
    // A comes online first, then B: B's unread is the later mark and is sent even though B's own
    // read and unread cancel out (A's read reached the server meanwhile). Then A takes it.
    await runCli(a, ['sync']);
    expect(JSON.parse((await runCli(b, ['sync', '--json'])).stdout)).toMatchObject({ pushed: 1 });
    await runCli(a, ['sync']);
    const readIn = async (dir: string) =>
      (JSON.parse((await runCli(dir, ['articles', '--json'])).stdout) as { title: string; read: boolean }[]).find((x) => x.title === first)!.read;
    expect({ a: await readIn(a), b: await readIn(b) }).toEqual({ a: false, b: false });
    await expectAgreement(api, path.join(a, 'cache.db'));
    await expectAgreement(api, path.join(b, 'cache.db'));
  }, 90_000);

  it('pushes 1,000 marks in batches of 200', async () => {
    const { user, api } = await userWithFeeds(5, 200);
    const dir = home(user);
    const store = Store.open(path.join(dir, 'cache.db'));
    try {
      const backend = backendFor(user);
      expect((await runSync(store, backend)).added).toBe(1000);
      const ids = store.articles({}, { limit: 2000 }).map((r) => r.id);
      expect(store.setRead(ids, true)).toBe(1000);
      expect(store.syncState().pendingMarks().length).toBe(1000);
      const before = backend.requests;
      const summary = await runSync(store, backend);
      expect(summary.pushed).toBe(1000);
      // 5 updateArticle requests, then the pull (getCategories, getFeeds, getHeadlines, recently read, starred).
      expect(backend.requests - before).toBe(5 + 5);
      backend.close();
    } finally {
      store.close();
    }
    expect([...(await api.headlines()).values()].filter((h) => h.unread)).toEqual([]);
    await expectAgreement(api, path.join(dir, 'cache.db'));
  }, 120_000);

  it("indexes a pull's new articles through the indexer it is given (the reader's parse worker)", async () => {
    const { user } = await userWithFeeds(2, 60);
    const dir = home(user);
    const store = Store.open(path.join(dir, 'cache.db'));
    const pool = createParsePool({ threads: 1, script: new URL(`file://${path.resolve(import.meta.dirname, '../.build/parse-worker.mjs')}`), store });
    try {
      const backend = backendFor(user);
      let indexed = 0;
      const summary = await runSync(store, backend, () => {}, {
        indexForSearch: async () => {
          indexed += await pool.indexForSearch();
        },
      });
      expect(summary.added).toBe(120);
      expect(indexed).toBe(120);
      expect(store.searchBehind()).toBe(false);
      expect(store.search('item', {}, { limit: 5 })).toHaveLength(5);
      backend.close();
    } finally {
      await pool.close();
      store.close();
    }
  }, 90_000);

  it('a sync killed with -9 at random moments loses no mark and leaves server and cache agreeing after the next sync', async () => {
    const { user, api } = await userWithFeeds(4, 150);
    const dir = home(user);
    expect((await runCli(dir, ['sync'])).code).toBe(0);
    const store = Store.open(path.join(dir, 'cache.db'));
    const ids = store.articles({}, { limit: 1000 }).map((r) => r.id);
    store.close();
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let trial = 0; trial < 6; trial++) {
      // Marks of every kind on a random third of the articles, then a sync killed part-way.
      const writer = Store.open(path.join(dir, 'cache.db'));
      const pick = ids.filter(() => random() < 0.33);
      const half = Math.floor(pick.length / 2);
      writer.setRead(pick.slice(0, half), random() < 0.5);
      writer.setStarred(pick.slice(half), random() < 0.5);
      writer.close();
      const child = spawn(process.execPath, [CLI, 'sync'], { env: { ...process.env, BROADSHEET_HOME: dir }, stdio: 'ignore' });
      const exited = new Promise((r) => child.once('exit', r));
      await new Promise((r) => setTimeout(r, 150 + random() * 1500));
      child.kill('SIGKILL');
      await exited;
    }
    const final = await runCli(dir, ['sync']);
    expect(final.code).toBe(0);
    await expectAgreement(api, path.join(dir, 'cache.db'));
  }, 180_000);

  it('add and remove subscribe and unsubscribe on the server; errors are one line each', async () => {
    const user = createUser();
    const api = new TestApi(user);
    const dir = home(user);
    const url = writeFeed(`${user.login}-new`, 'Added from Broadsheet', items(`${user.login}-new`, 3));
    const added = await runCli(dir, ['add', url]);
    expect(added.stderr).toContain(`added "Added from Broadsheet" ${url} to ${TTRSS_URL}: 3 articles`);
    expect(((await api.call('getFeeds', { cat_id: -3 })) as { feed_url: string }[]).map((f) => f.feed_url)).toEqual([url]);
    const missing = await runCli(dir, ['add', 'http://[::1]/no-such-feed.xml']);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/server could not download the feed|no feed there/);
    expect((await runCli(dir, ['remove', url])).stderr).toContain(`removed ${url} from ${TTRSS_URL}`);
    expect(await api.call('getFeeds', { cat_id: -3 })).toEqual([]);
    expect(JSON.parse((await runCli(dir, ['articles', '--json'])).stdout)).toEqual([]);

    const wrong = home({ login: user.login, password: 'not-the-password' });
    const refused = await runCli(wrong, ['sync']);
    expect([refused.code, refused.stderr]).toEqual([1, `broadsheet: Tiny Tiny RSS at ${TTRSS_URL}: wrong user or password for ${user.login}\n`]);
    expect(refused.stderr).not.toContain('not-the-password');
    const noApi = createUser({ api: false });
    const disabled = await runCli(home(noApi), ['sync']);
    expect(disabled.stderr).toBe(`broadsheet: Tiny Tiny RSS at ${TTRSS_URL}: API access is disabled for ${noApi.login} (Preferences: "Enable API")\n`);
  }, 90_000);
});
