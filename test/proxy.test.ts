/**
 * HTTPS_PROXY, HTTP_PROXY and NO_PROXY for feeds, pages and discussion lookups, against a forward proxy
 * this test starts on 127.0.0.1 (test/support/proxy.ts) and loopback servers behind it.
 */
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { lookupDiscussions } from '../source/core/discussions/lookup.js';
import { Manners } from '../source/core/discussions/manners.js';
import { lookupUrls } from '../source/core/discussions/url-identity.js';
import { closeAgents, fetchBytes, fetchText } from '../source/core/http.js';
import { proxyFor } from '../source/core/http/proxy.js';
import { readPage } from '../source/core/page.js';
import { refreshFeeds } from '../source/core/refresh.js';
import { Store } from '../source/core/store.js';
import { inlinePool } from '../source/core/workers.js';
import { boilerplatePage } from './support/article-page.js';
import { startPageServer, type PageServer } from './support/page-server.js';
import { startProxy, type TestProxy } from './support/proxy.js';
import { ARTICLE, lookupSettings, standardAnswers, startSearchServer, type SearchServer } from './discussions/server.js';

const PROXY_NAMES = ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'all_proxy', 'no_proxy'];
const saved = new Map(PROXY_NAMES.map((name) => [name, process.env[name]]));
const setProxyEnv = (values: Record<string, string>) => {
  for (const name of PROXY_NAMES) delete process.env[name];
  Object.assign(process.env, values);
};

const RSS = `<?xml version="1.0"?><rss version="2.0"><channel><title>Proxied</title><link>https://example.org/</link>
<item><title>One</title><link>https://example.org/1</link><guid>p-1</guid></item></channel></rss>`;
const OPTS = { timeoutMs: 5000, maxBytes: 1 << 20 };

let server: PageServer;
let proxy: TestProxy;
let target = '';
beforeAll(async () => {
  server = await startPageServer({
    '/feed.xml': { body: RSS, headers: { 'content-type': 'application/rss+xml' } },
    '/article': { body: boilerplatePage('/nonexistent/canary') },
  });
  target = new URL(server.base).host;
});
beforeEach(async () => {
  proxy = await startProxy();
  setProxyEnv({});
});
afterEach(async () => {
  closeAgents();
  await proxy.close();
  server.requests.length = 0;
});
afterAll(async () => {
  for (const [name, value] of saved) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await server.close();
});

describe('HTTP_PROXY', () => {
  it('sends an http feed fetch to the proxy as an absolute-URI GET, loopback included (NO_PROXY is not implied)', async () => {
    setProxyEnv({ HTTP_PROXY: proxy.url });
    const result = await fetchText(`${server.base}/feed.xml`, OPTS);
    expect(result.status === 'ok' && result.text).toContain('<title>Proxied</title>');
    expect(proxy.requests).toEqual([{ method: 'GET', host: target, url: `${server.base}/feed.xml` }]);
    expect(server.hits('/feed.xml')).toBe(1);
  });

  it('carries a refresh, a page fetch and a discussion lookup alike', async () => {
    setProxyEnv({ HTTP_PROXY: proxy.url });
    const store = Store.open(':memory:');
    try {
      const url = `${server.base}/feed.xml`;
      store.syncFeeds([{ url }]);
      const summary = await refreshFeeds({
        store,
        urls: [url],
        fetch: { concurrency: 2, perHost: 2, timeoutSeconds: 5, maxBytes: 1 << 20, pageMaxBytes: 1 << 20 },
        pool: inlinePool(store),
      });
      expect(summary.updated).toBe(1);
    } finally {
      store.close();
    }
    const page = await readPage(`${server.base}/article`, { timeoutSeconds: 5, pageMaxBytes: 1 << 20 });
    expect(page.text.length).toBeGreaterThan(100);
    expect(proxy.requests.map((r) => r.url)).toEqual([`${server.base}/feed.xml`, `${server.base}/article`]);

    const search: SearchServer = await startSearchServer(standardAnswers);
    const lookupStore = Store.open(':memory:');
    try {
      const result = await lookupDiscussions(lookupUrls({ link: ARTICLE }), {
        services: ['hackernews'],
        settings: lookupSettings(search.base),
        store: lookupStore,
        manners: new Manners({ ledger: lookupStore.ledger() }),
      });
      expect(result.discussions.length).toBeGreaterThan(0);
      const asked = proxy.requests.slice(2).map((r) => new URL(r.url ?? '').pathname);
      expect(asked.length).toBeGreaterThan(0);
      expect(asked.every((p) => p.startsWith('/hn/'))).toBe(true);
      expect(asked.length).toBe(search.requests.length);
    } finally {
      lookupStore.close();
      closeAgents();
      await search.close();
    }
  });

  it('keeps proxy connections alive: three fetches, one connection to the proxy', async () => {
    setProxyEnv({ HTTP_PROXY: proxy.url });
    for (let i = 0; i < 3; i++) await fetchBytes(`${server.base}/feed.xml`, OPTS);
    expect(proxy.requests).toHaveLength(3);
    expect(proxy.connections()).toBe(1);
  });

  it('lower-case names win over upper-case ones', async () => {
    const other = await startProxy();
    try {
      setProxyEnv({ HTTP_PROXY: other.url, http_proxy: proxy.url });
      await fetchBytes(`${server.base}/feed.xml`, OPTS);
      expect(proxy.hosts()).toEqual([target]);
      expect(other.requests).toEqual([]);
    } finally {
      closeAgents();
      await other.close();
    }
  });
});

describe('NO_PROXY', () => {
  it.each([
    ['the host', () => '127.0.0.1'],
    ['the host and its port', () => `example.org, ${target}`],
    ['everything', () => '*'],
  ])('goes direct for %s', async (_what, noProxy) => {
    setProxyEnv({ HTTP_PROXY: proxy.url, NO_PROXY: noProxy() });
    const result = await fetchBytes(`${server.base}/feed.xml`, OPTS);
    expect(result.status).toBe('ok');
    expect(proxy.requests).toEqual([]);
    expect(server.hits('/feed.xml')).toBe(1);
  });

  it('still proxies a host on another port, or a name that only resembles it', async () => {
    setProxyEnv({ HTTP_PROXY: proxy.url, no_proxy: '127.0.0.1:1,localhost,.0.0.2' });
    await fetchBytes(`${server.base}/feed.xml`, OPTS);
    expect(proxy.hosts()).toEqual([target]);
  });

  it('matches suffixes with a leading dot or *., exact names otherwise', () => {
    setProxyEnv({ HTTPS_PROXY: 'http://proxy.invalid:3128', NO_PROXY: '.example.org,*.example.net,example.com' });
    expect(proxyFor(new URL('https://feeds.example.org/rss'))).toBeNull();
    expect(proxyFor(new URL('https://a.b.example.net/rss'))).toBeNull();
    expect(proxyFor(new URL('https://example.com/rss'))).toBeNull();
    expect(proxyFor(new URL('https://blog.example.com/rss'))?.host).toBe('proxy.invalid:3128');
    expect(proxyFor(new URL('http://feeds.example.org/rss'))).toBeNull();
    // HTTP_PROXY is not set: an http URL goes direct even though HTTPS_PROXY is.
    expect(proxyFor(new URL('http://blog.example.com/rss'))).toBeNull();
  });
});

describe('HTTPS_PROXY and CONNECT', () => {
  let tlsServer: https.Server;
  let tlsBase = '';
  let handshakes = 0;
  beforeAll(async () => {
    const dir = path.join(import.meta.dirname, 'fixtures/tls');
    tlsServer = https.createServer(
      { cert: fs.readFileSync(path.join(dir, 'loopback.crt')), key: fs.readFileSync(path.join(dir, 'loopback.key')) },
      (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(RSS),
    );
    tlsServer.on('tlsClientError', () => handshakes++);
    tlsServer.on('secureConnection', () => handshakes++);
    await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
    tlsBase = `https://127.0.0.1:${(tlsServer.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => tlsServer.close(() => resolve())));

  // The test's certificate is not one the process trusts (test/cli-network.test.ts runs the CLI with
  // NODE_EXTRA_CA_CERTS for a whole fetch): here the TLS handshake reaching the server through the
  // tunnel, and being judged there, is what shows the tunnel works.
  it('tunnels an https fetch: CONNECT host:port, then TLS with the server itself', async () => {
    setProxyEnv({ HTTPS_PROXY: proxy.url });
    handshakes = 0;
    await expect(fetchBytes(`${tlsBase}/feed.xml`, OPTS)).rejects.toThrow(`self-signed TLS certificate (through the proxy ${proxy.url})`);
    expect(proxy.requests).toEqual([{ method: 'CONNECT', host: new URL(tlsBase).host }]);
    // The server judges the handshake it was sent once the client has hung up on it.
    await vi.waitFor(() => expect(handshakes).toBe(1));
  });

  it('names the proxy, not its password, when it refuses a tunnel or wants credentials', async () => {
    const guarded = await startProxy({ credentials: 'puser:psecret', refuseTunnel: { hosts: ['127.0.0.1:1'], status: 403 } });
    const port = new URL(guarded.url).port;
    try {
      setProxyEnv({ HTTPS_PROXY: guarded.url, HTTP_PROXY: guarded.url });
      await expect(fetchBytes(`${tlsBase}/feed.xml`, OPTS)).rejects.toThrow(`the proxy ${guarded.url} needs a password (HTTP 407)`);
      await expect(fetchBytes(`${server.base}/feed.xml`, OPTS)).rejects.toThrow(`the proxy ${guarded.url} needs a password (HTTP 407)`);

      setProxyEnv({ HTTPS_PROXY: `http://puser:wrong@127.0.0.1:${port}` });
      const wrong = await fetchBytes(`${tlsBase}/feed.xml`, OPTS).catch((e: Error) => e);
      expect((wrong as Error).message).toBe(`the proxy ${guarded.url} refused its user or password (HTTP 407)`);

      setProxyEnv({ HTTPS_PROXY: `http://puser:psecret@127.0.0.1:${port}`, HTTP_PROXY: `http://puser:psecret@127.0.0.1:${port}` });
      await expect(fetchBytes('https://127.0.0.1:1/feed.xml', OPTS)).rejects.toThrow(`the proxy ${guarded.url} answered HTTP 403 Forbidden`);
      const plain = await fetchBytes(`${server.base}/feed.xml`, OPTS);
      expect(plain.status).toBe('ok');
      const sent = guarded.requests.at(-1);
      expect(sent?.proxyAuthorization).toBe(`Basic ${Buffer.from('puser:psecret').toString('base64')}`);
      // The target never sees the proxy's credentials.
      expect(server.requests.at(-1)?.headers['proxy-authorization']).toBeUndefined();
    } finally {
      closeAgents();
      await guarded.close();
    }
    // A proxy that is gone: the message names it without its password.
    setProxyEnv({ HTTP_PROXY: `http://puser:psecret@127.0.0.1:${port}` });
    const down = await fetchBytes(`${server.base}/feed.xml`, OPTS).catch((e: Error) => e);
    expect((down as Error).message).toBe(`connection refused (through the proxy http://127.0.0.1:${port})`);
  });

  it('refuses a proxy setting it cannot use, without echoing it', async () => {
    setProxyEnv({ HTTPS_PROXY: 'socks5://u:hidden@127.0.0.1:1080' });
    const error = (await fetchBytes(`${tlsBase}/feed.xml`, OPTS).catch((e: Error) => e)) as Error;
    expect(error.message).toBe('proxy socks5://127.0.0.1:1080: only http:// and https:// proxies are supported');
    setProxyEnv({ HTTPS_PROXY: 'http://u:hidden@[bad' });
    const bad = (await fetchBytes(`${tlsBase}/feed.xml`, OPTS).catch((e: Error) => e)) as Error;
    expect(bad.message).toBe('the HTTPS_PROXY setting is not a valid proxy URL');
  });
});
