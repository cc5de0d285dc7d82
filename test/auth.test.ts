/**
 * HTTP Basic authentication for feeds: password commands (run without a shell, once per process),
 * credentials in the URL (kept out of the cache and every message), and the one-line 401s, against
 * loopback servers started here.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  FeedAuthError,
  FeedLogins,
  runPasswordCommand,
  separateUrlCredentials,
  splitCommand,
  withoutUserinfo,
  withoutUserinfoIn,
} from '../source/core/feed-auth.js';
import { closeAgents, fetchBytes } from '../source/core/http.js';
import { pageLoader, readPage } from '../source/core/page.js';
import { refreshFeeds } from '../source/core/refresh.js';
import { loadSettings, resolveHome, SettingsError } from '../source/core/settings.js';
import { Store } from '../source/core/store.js';
import { inlinePool } from '../source/core/workers.js';

const RSS = `<?xml version="1.0"?><rss version="2.0"><channel><title>Private</title><link>https://example.org/</link>
<item><title>Members only</title><link>https://example.org/1</link><guid>m-1</guid></item></channel></rss>`;
const PAGE = `<!doctype html><html><head><title>Members only</title></head><body><article><h1>Members only</h1>
${'<p>The whole of the members’ article, which only a logged-in reader may see, in paragraphs long enough to read.</p>'.repeat(6)}
</article></body></html>`;
const OPTS = { timeoutMs: 5000, maxBytes: 1 << 20 };
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
/** A command line that runs this Node with a script (the script single-quoted, as a user would). */
const nodeCommand = (script: string) => `'${process.execPath}' -e '${script}'`;

let server: http.Server;
let other: http.Server;
let base = '';
let otherBase = '';
const seen: { path: string; authorization?: string }[] = [];
const otherSeen: { path: string; authorization?: string }[] = [];

beforeAll(async () => {
  other = http.createServer((req, res) => {
    otherSeen.push({ path: req.url ?? '', ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
    if (req.url?.startsWith('/page')) return void res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(RSS);
  });
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  otherBase = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  server = http.createServer((req, res) => {
    seen.push({ path: req.url ?? '', ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
    if (req.url === '/moved') return void res.writeHead(302, { location: '/feed.xml' }).end();
    if (req.url === '/elsewhere') return void res.writeHead(302, { location: `${otherBase}/feed.xml` }).end();
    if (req.headers.authorization !== basic('alice', 'pa:ss w@rd')) {
      return void res.writeHead(401, { 'www-authenticate': 'Basic realm="members"', 'content-type': 'text/plain' }).end('who are you?');
    }
    if (req.url?.startsWith('/page')) return void res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(RSS);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
beforeEach(() => {
  seen.length = 0;
  otherSeen.length = 0;
});
afterAll(async () => {
  closeAgents();
  await new Promise((resolve) => server.close(resolve));
  await new Promise((resolve) => other.close(resolve));
});

describe('splitCommand', () => {
  it.each([
    ['pass show feeds/example', ['pass', 'show', 'feeds/example']],
    [`  secret-tool   lookup service 'my feed'  `, ['secret-tool', 'lookup', 'service', 'my feed']],
    [`sh -c "cat \\"$HOME/pw file\\" | head -1"`, ['sh', '-c', 'cat "$HOME/pw file" | head -1']],
    [`cat /tmp/a\\ b ''`, ['cat', '/tmp/a b', '']],
    [`echo $HOME *`, ['echo', '$HOME', '*']],
  ])('%s', (command, words) => {
    expect(splitCommand(command)).toEqual(words);
  });

  it('refuses an unclosed quote', () => {
    expect(() => splitCommand(`pass 'show`)).toThrow(FeedAuthError);
  });
});

describe('runPasswordCommand', () => {
  it('reads the first line of stdout, without its newline, and runs no shell', async () => {
    expect(await runPasswordCommand(nodeCommand('process.stdout.write("s3cret\\nuser: alice\\n")'))).toBe('s3cret');
    expect(await runPasswordCommand(nodeCommand('console.log(process.argv.slice(1).join("|"))') + ' "$HOME" "a;b" \'*\'')).toBe('$HOME|a;b|*');
  });

  it('names the program and its exit status, never its arguments or stderr', async () => {
    const error = (await runPasswordCommand(nodeCommand('console.error("hunter2"); process.exit(3)') + ' hunter2').catch((e: Error) => e)) as Error;
    expect(error.message).toBe(`password command (${path.basename(process.execPath)}) failed with exit status 3`);
    expect(error.message).not.toContain('hunter2');
    await expect(runPasswordCommand('/nonexistent/keyring get feed')).rejects.toThrow('password command (keyring) not found');
    await expect(runPasswordCommand(nodeCommand('process.stdout.write("\\n")'))).rejects.toThrow(/printed no password$/);
    await expect(runPasswordCommand(nodeCommand('setTimeout(() => {}, 10000)'), 200)).rejects.toThrow(/was stopped \(no answer in 0 s, or killed\)$/);
  });
});

describe('FeedLogins', () => {
  it('runs a feed’s password command once per process, and again after a failure', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-auth-'));
    const runs = path.join(dir, 'runs');
    const flag = path.join(dir, 'unlocked');
    const script = `const fs = require("fs"); fs.appendFileSync(${JSON.stringify(runs)}, "x"); if (!fs.existsSync(${JSON.stringify(flag)})) process.exit(1); console.log("pa:ss w@rd")`;
    const feeds = [{ url: `${base}/feed.xml`, auth: { user: 'alice', passwordCommand: nodeCommand(script) } }];
    const logins = new FeedLogins(() => feeds);
    await expect(logins.credentialsFor(`${base}/feed.xml`)).rejects.toThrow(/failed with exit status 1$/);
    fs.writeFileSync(flag, '');
    const [a, b] = await Promise.all([logins.credentialsFor(`${base}/feed.xml`), logins.credentialsFor(`${base}/feed.xml`)]);
    expect(await logins.credentialsFor(`${base}/feed.xml`)).toEqual({ user: 'alice', password: 'pa:ss w@rd' });
    expect(a).toEqual(b);
    expect(fs.readFileSync(runs, 'utf8')).toBe('xx');
    expect(await logins.credentialsFor(`${base}/other.xml`)).toBeUndefined();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('the pages of a password-protected feed', () => {
  const password = nodeCommand('console.log("pa:ss w@rd")');
  const LIMITS = { timeoutSeconds: 5, pageMaxBytes: 1 << 20 };

  it('get the login of the feed on their origin, and a page anywhere else gets none', async () => {
    const feeds = [{ url: `${otherBase}/open.xml` }, { url: `${base}/feed.xml`, auth: { user: 'alice', passwordCommand: password } }];
    const logins = new FeedLogins(() => feeds);
    expect(await logins.credentialsForPage(`${base}/page/1`)).toEqual({ user: 'alice', password: 'pa:ss w@rd' });
    expect(await logins.credentialsForPage(`${otherBase}/page/1`)).toBeUndefined();
    expect(await logins.credentialsForPage(`https://${new URL(base).host}/page/1`)).toBeUndefined();
    expect(await logins.credentialsForPage('javascript:alert(1)')).toBeUndefined();
  });

  it('are fetched with it by the reader’s loader and `broadsheet page`’s reader, and a page elsewhere is not', async () => {
    const feeds = [{ url: `${base}/feed.xml`, auth: { user: 'alice', passwordCommand: password } }];
    const logins = new FeedLogins(() => feeds);
    const store = Store.open(':memory:');
    try {
      const load = pageLoader(store, () => inlinePool(store), LIMITS, Date.now, logins);
      expect((await load(`${base}/page/1`)).content).toContain('only a logged-in reader may see');
      expect((await load(`${otherBase}/page/2`)).content).toContain('only a logged-in reader may see');
      await expect(pageLoader(store, () => inlinePool(store), LIMITS)(`${base}/page/3`)).rejects.toThrow(/^needs a password \(HTTP 401\)$/);
      expect((await readPage(`${base}/page/4`, LIMITS, { logins })).title).toBe('Members only');
    } finally {
      store.close();
    }
    expect(seen.filter((s) => s.authorization === basic('alice', 'pa:ss w@rd')).map((s) => s.path)).toEqual(['/page/1', '/page/4']);
    expect(otherSeen).toEqual([{ path: '/page/2' }]);
  });
});

describe('Basic authentication over HTTP', () => {
  it('sends the credentials it is given, and says when a password is missing or wrong', async () => {
    const ok = await fetchBytes(`${base}/feed.xml`, { ...OPTS, credentials: { user: 'alice', password: 'pa:ss w@rd' } });
    expect(ok.status).toBe('ok');
    await expect(fetchBytes(`${base}/feed.xml`, OPTS)).rejects.toThrow(/^needs a password \(HTTP 401\)$/);
    await expect(fetchBytes(`${base}/feed.xml`, { ...OPTS, credentials: { user: 'alice', password: 'nope' } })).rejects.toThrow(
      /^wrong user or password \(HTTP 401\)$/,
    );
  });

  it('takes a user and password from the URL, percent-decoded, and never returns them in a URL', async () => {
    const result = await fetchBytes(`http://alice:pa%3Ass%20w%40rd@${new URL(base).host}/moved`, OPTS);
    expect(result.status).toBe('ok');
    expect(result.url).toBe(`${base}/feed.xml`);
    expect(seen.map((s) => s.authorization)).toEqual([basic('alice', 'pa:ss w@rd'), basic('alice', 'pa:ss w@rd')]);
  });

  it('does not take the password along on a redirect to another origin', async () => {
    const result = await fetchBytes(`${base}/elsewhere`, { ...OPTS, credentials: { user: 'alice', password: 'pa:ss w@rd' } });
    expect(result.status).toBe('ok');
    expect(seen[0]?.authorization).toBe(basic('alice', 'pa:ss w@rd'));
    expect(otherSeen).toEqual([{ path: '/feed.xml' }]);
  });
});

describe('credentials in a feed URL', () => {
  it('are taken out of the URL the program names the feed by, and never serialized', () => {
    const feed = separateUrlCredentials({ url: 'https://alice:pa%3Ass%20w%40rd@example.org/feed', title: 'x' });
    expect(feed.url).toBe('https://example.org/feed');
    expect(feed.urlCredentials?.user).toBe('alice');
    expect(feed.urlCredentials?.password).toBe('pa:ss w@rd');
    expect(JSON.stringify(feed)).not.toContain('pa');
    expect(String(Object.values(feed))).not.toContain('w%40rd');
    expect(withoutUserinfo('https://u:p@a@example.org:8443/x?y=z@w')).toBe('https://example.org:8443/x?y=z@w');
    expect(withoutUserinfo('file:///home/u@host/feed.xml')).toBe('file:///home/u@host/feed.xml');
    expect(withoutUserinfoIn('http://u:p@a.example/x: refused; see HTTPS://me@b.example and mail@c.example')).toBe(
      'http://a.example/x: refused; see HTTPS://b.example and mail@c.example',
    );
  });
});

describe('settings', () => {
  let home: ReturnType<typeof resolveHome>;
  beforeEach(() => {
    home = resolveHome(fs.mkdtempSync(path.join(os.tmpdir(), 'bs-auth-home-')));
  });
  const write = (config: unknown) => fs.writeFileSync(home.configPath, JSON.stringify(config));

  it('accept auth with a user and a password command, and nothing else in it', () => {
    write({ feeds: [{ url: 'https://example.org/feed', auth: { user: 'alice', passwordCommand: 'pass show feed' } }] });
    expect(loadSettings(home).settings.feeds[0]?.auth).toEqual({ user: 'alice', passwordCommand: 'pass show feed' });
    write({ feeds: [{ url: 'https://example.org/feed', auth: { user: 'alice', passwordCommand: 'pass show feed', password: 'plain' } }] });
    expect(() => loadSettings(home)).toThrow(SettingsError);
    expect(() => loadSettings(home)).toThrow(`${home.configPath}: feeds.0.auth has an unknown key ("password")`);
    write({ feeds: [{ url: 'https://example.org/feed', auth: { user: 'alice' } }] });
    expect(() => loadSettings(home)).toThrow(/passwordCommand/);
  });

  it('keep the cache free of a URL’s password: the feed is cached, refreshed and failed under its bare URL', async () => {
    const host = new URL(base).host;
    write({
      feeds: [
        { url: `http://alice:pa%3Ass%20w%40rd@${host}/feed.xml`, title: 'in the URL' },
        { url: `http://alice:Wr0ngPassw0rd@${host}/wrong.xml` },
        { url: `${base}/command.xml`, auth: { user: 'alice', passwordCommand: nodeCommand('console.log("pa:ss w@rd")') } },
        { url: `${base}/nologin.xml` },
      ],
    });
    const { settings } = loadSettings(home);
    expect(settings.feeds.map((f) => f.url)).toEqual([`${base}/feed.xml`, `${base}/wrong.xml`, `${base}/command.xml`, `${base}/nologin.xml`]);
    const store = Store.open(home.cachePath);
    try {
      store.syncFeeds(settings.feeds);
      const summary = await refreshFeeds({
        store,
        urls: settings.feeds.map((f) => f.url),
        fetch: { concurrency: 2, perHost: 2, timeoutSeconds: 5, maxBytes: 1 << 20, pageMaxBytes: 1 << 20 },
        pool: inlinePool(store),
        logins: new FeedLogins(() => settings.feeds),
      });
      expect(summary.updated).toBe(2);
      expect(summary.failed).toEqual([
        { url: `${base}/wrong.xml`, status: 'failed', reason: 'wrong user or password (HTTP 401)' },
        { url: `${base}/nologin.xml`, status: 'failed', reason: 'needs a password (HTTP 401)' },
      ]);
      expect(
        store
          .feeds()
          .map((f) => f.url)
          .sort(),
      ).toEqual(settings.feeds.map((f) => f.url).sort());
    } finally {
      store.close();
    }
    const bytes = Buffer.concat(
      fs
        .readdirSync(home.dir)
        .filter((f) => f.startsWith('cache.db'))
        .map((f) => fs.readFileSync(path.join(home.dir, f))),
    );
    expect(bytes.length).toBeGreaterThan(0);
    expect(bytes.includes(`${base}/feed.xml`)).toBe(true);
    for (const secret of ['pa%3Ass', 'pa:ss', 'Wr0ngPassw0rd', 'alice']) expect(bytes.includes(secret)).toBe(false);
  });
});
