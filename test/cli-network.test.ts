/**
 * The built CLI behind a proxy and in front of feeds that want a password: a proxy and servers started
 * here on 127.0.0.1, a temp home, and every output (and the cache file) searched for the passwords.
 */
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startProxy, type TestProxy } from './support/proxy.js';
import { CLI, runCli, type CliRun } from './support/run-cli.js';

const TLS = path.join(import.meta.dirname, 'fixtures/tls');
const rss = (title: string) => `<?xml version="1.0"?><rss version="2.0"><channel><title>${title}</title><link>https://example.org/</link>
<item><title>${title} one</title><link>https://example.org/${title}/1</link><guid>${title}-1</guid></item></channel></rss>`;
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const SECRETS = ['Url-Secret-1', 'Wrong-Secret-2', 'Command-Secret-3', 'Stderr-Secret-4', 'Proxy-Secret-5'];
/** No proxy unless a test sets one: the runner's own environment must not route these requests. */
const NO_PROXY_ENV = { HTTP_PROXY: '', HTTPS_PROXY: '', ALL_PROXY: '', http_proxy: '', https_proxy: '', all_proxy: '', NO_PROXY: '', no_proxy: '' };

let server: http.Server;
let tlsServer: https.Server;
let base = '';
let tlsBase = '';
let home = '';

beforeAll(async () => {
  if (!fs.existsSync(CLI)) throw new Error('build first: node source/scripts/build.mjs (npm test does)');
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const name = new URL(req.url ?? '/', 'http://x').pathname.replace(/^\/|\.xml$/g, '');
    const open = name === 'open';
    if (!open && req.headers.authorization !== basic('alice', name === 'command' ? 'Command-Secret-3' : 'Url-Secret-1')) {
      return void res.writeHead(401, { 'www-authenticate': 'Basic realm="members"' }).end();
    }
    res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss(name));
  };
  server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  tlsServer = https.createServer({ cert: fs.readFileSync(path.join(TLS, 'loopback.crt')), key: fs.readFileSync(path.join(TLS, 'loopback.key')) }, handler);
  await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
  tlsBase = `https://127.0.0.1:${(tlsServer.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await new Promise((resolve) => tlsServer.close(resolve));
});
beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-cli-net-'));
});

const run = (args: string[], env: Record<string, string> = {}) => runCli(home, args, { ...NO_PROXY_ENV, ...env });
const nodeCommand = (script: string) => `'${process.execPath}' -e '${script}'`;
const everything = (runs: CliRun[]) => runs.map((r) => r.stdout + r.stderr).join('\n');
const cacheBytes = () =>
  Buffer.concat(
    fs
      .readdirSync(home)
      .filter((f) => f.startsWith('cache.db'))
      .map((f) => fs.readFileSync(path.join(home, f))),
  );

describe('behind a proxy', () => {
  let proxy: TestProxy;
  beforeEach(async () => {
    proxy = await startProxy({ credentials: 'puser:Proxy-Secret-5' });
  });

  it('fetches an https feed through a CONNECT tunnel, and an http one as an absolute-URI request', async () => {
    const proxyUrl = `http://puser:Proxy-Secret-5@127.0.0.1:${new URL(proxy.url).port}`;
    // The test's certificate is trusted the way a user trusts a private CA: NODE_EXTRA_CA_CERTS.
    const env = { HTTPS_PROXY: proxyUrl, HTTP_PROXY: proxyUrl, NODE_EXTRA_CA_CERTS: path.join(TLS, 'loopback.crt') };
    // One at a time, so the second https feed can reuse the first one's tunnel.
    const feeds = [{ url: `${tlsBase}/open.xml` }, { url: `${tlsBase}/open.xml?again` }, { url: `${base}/open.xml` }];
    fs.writeFileSync(path.join(home, 'config.json'), JSON.stringify({ feeds, fetch: { concurrency: 1, perHost: 1 } }));
    const refreshed = await run(['refresh', '--json'], env);
    expect(refreshed.stderr).toBe('3 feeds: 3 updated, 0 unchanged, 0 failed; 3 new articles; ' + refreshed.stderr.split('; ').at(-1));
    expect(JSON.parse(refreshed.stdout)).toMatchObject({ total: 3, updated: 3 });
    expect(proxy.requests.map((r) => `${r.method} ${r.host}`).sort()).toEqual([`CONNECT ${new URL(tlsBase).host}`, `GET ${new URL(base).host}`].sort());
    expect(proxy.connections()).toBe(2);
    expect(proxy.requests.every((r) => r.proxyAuthorization === basic('puser', 'Proxy-Secret-5'))).toBe(true);

    // NO_PROXY sends it direct; a proxy that is down is named without its password.
    proxy.requests.length = 0;
    const direct = await run(['feed', `${base}/open.xml`], { ...env, NO_PROXY: '127.0.0.1' });
    expect(direct.code).toBe(0);
    expect(proxy.requests).toEqual([]);
    await proxy.close();
    const down = await run(['feed', `${base}/open.xml`], env);
    expect(down.code).toBe(1);
    expect(down.stderr).toBe(`broadsheet: ${base}/open.xml: connection refused (through the proxy ${proxy.url})\n`);
    expect(everything([refreshed, direct, down])).not.toContain('Proxy-Secret-5');
  }, 60_000);
});

describe('feeds that want a password', () => {
  it('refreshes with URL credentials and password commands, says why the others failed, and shows no password anywhere', async () => {
    const host = new URL(base).host;
    const config = {
      feeds: [
        { url: `http://alice:Url-Secret-1@${host}/url.xml`, title: 'URL login' },
        { url: `http://alice:Wrong-Secret-2@${host}/wrong.xml` },
        { url: `${base}/command.xml`, auth: { user: 'alice', passwordCommand: nodeCommand('console.log("Command-Secret-3")') } },
        {
          url: `${base}/failing.xml`,
          auth: { user: 'alice', passwordCommand: `${nodeCommand('console.error("Stderr-Secret-4"); process.exit(2)')} Stderr-Secret-4` },
        },
        { url: `${base}/missing.xml` },
      ],
    };
    fs.writeFileSync(path.join(home, 'config.json'), JSON.stringify(config));
    const refresh = await run(['refresh']);
    expect(refresh.code).toBe(1);
    expect(
      refresh.stderr
        .split('\n')
        .filter((l) => l.startsWith('broadsheet:'))
        .sort(),
    ).toEqual(
      [
        `broadsheet: ${base}/wrong.xml: wrong user or password (HTTP 401)`,
        `broadsheet: ${base}/failing.xml: password command (${path.basename(process.execPath)}) failed with exit status 2`,
        `broadsheet: ${base}/missing.xml: needs a password (HTTP 401)`,
      ].sort(),
    );
    const json = await run(['refresh', '--json']);
    const articles = await run(['articles', '--json']);
    const listed = JSON.parse(articles.stdout) as { feedUrl?: string; title: string }[];
    expect(listed.map((a) => a.title).sort()).toEqual(['command one', 'url one']);
    const exported = await run(['export']);
    expect(exported.stdout).toContain(`${base}/url.xml`);
    const shown = await run(['feed', `${base}/command.xml`]);
    expect(shown.stdout).toContain('command one');
    const typed = await run(['feed', `http://alice:Wrong-Secret-2@${host}/wrong.xml`]);
    expect(typed.stderr).toBe(`broadsheet: ${base}/wrong.xml: wrong user or password (HTTP 401)\n`);
    const added = await run(['add', `http://alice:Url-Secret-1@${host}/again.xml`]);
    expect(added.stderr).toMatch(new RegExp(`^added "again" ${base.replace(/[.]/g, '\\.')}/again\\.xml to `));
    const removed = await run(['remove', `${base}/url.xml`]);
    expect(removed.stderr).toBe(`removed ${base}/url.xml\n`);
    const after = JSON.parse(fs.readFileSync(path.join(home, 'config.json'), 'utf8')) as { feeds: { url: string }[] };
    expect(after.feeds.map((f) => f.url)).not.toContain(`http://alice:Url-Secret-1@${host}/url.xml`);
    // The settings file keeps what the user wrote there (the new feed's URL as typed), and nothing else does.
    expect(after.feeds.map((f) => f.url)).toContain(`http://alice:Url-Secret-1@${host}/again.xml`);

    const output = everything([refresh, json, articles, exported, shown, typed, added, removed]);
    const cache = cacheBytes();
    expect(cache.includes(`${base}/url.xml`)).toBe(true);
    for (const secret of SECRETS) {
      expect(output).not.toContain(secret);
      expect(cache.includes(secret)).toBe(false);
    }
  }, 120_000);
});

describe('any URL the commands take', () => {
  it('is named without its password when the fetch fails', async () => {
    const runs: CliRun[] = [];
    for (const command of ['page', 'comments', 'discussions', 'feed', 'add']) runs.push(await run([command, 'http://u:Sekr1t-6@127.0.0.1:1/x']));
    for (const r of runs) expect(r.stderr).toMatch(/^broadsheet: http:\/\/127\.0\.0\.1:1\/x: /);
    expect(everything(runs)).not.toContain('Sekr1t-6');
  }, 60_000);
});
