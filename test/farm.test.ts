/**
 * The test farm (test/support/farm/) does what the reliability tests and benchmarks rely on: healthy
 * feeds the strict parse reads whole, validators and 304s, gzip, latency, churn, each fault and hostile
 * kind as described, lists other readers can load, and a CLI that reports ready and stops on SIGTERM.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeFeedBytes } from '../source/core/charset.js';
import { parseFeedDetailed } from '../source/core/parse.js';
import { strictOutcome } from './support/xml-trees.js';
import { CANARY_PREFIX, FAULT_KINDS, HOSTILE_KINDS, acceptsGzip, startFarm, writeBigFeed, type Farm } from './support/farm/index.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const get = (url: string, headers: Record<string, string> = {}) => fetch(url, { headers, redirect: 'manual', signal: AbortSignal.timeout(5000) });

describe('a healthy farm', () => {
  let farm: Farm;
  beforeAll(async () => {
    farm = await startFarm({ feeds: 80, items: 20, seed: 11 });
  });
  afterAll(() => farm?.close());

  it('listens on loopback only and plans the same feeds for the same seed', async () => {
    expect(farm.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const again = await startFarm({ feeds: 80, items: 20, seed: 11 });
    try {
      const shape = (f: Farm) => f.feeds.map(({ title, format, encoding, kind, quirk }) => ({ title, format, encoding, kind, quirk }));
      expect(shape(again)).toEqual(shape(farm));
    } finally {
      await again.close();
    }
    expect(farm.formats.rss + farm.formats.atom).toBe(80);
    expect(farm.formats.atom).toBeGreaterThan(10);
    expect(new Set(farm.feeds.map((f) => f.quirk).filter(Boolean)).size).toBeGreaterThan(4);
  });

  it('serves feeds the strict parse reads whole: every item, no repair', async () => {
    for (const feed of farm.feeds) {
      const res = await get(feed.url);
      expect(res.status, feed.url).toBe(200);
      const text = decodeFeedBytes(new Uint8Array(await res.arrayBuffer()), res.headers.get('content-type'));
      const { feed: parsed, repair } = parseFeedDetailed(text.replace(/^\ufeff/, ''), feed.url);
      expect(repair, `${feed.url} (${feed.quirk ?? 'plain'})`).toBeNull();
      expect(parsed.articles.length, `${feed.url} (${feed.quirk ?? 'plain'})`).toBe(feed.quirk === 'duplicate-guids' ? 10 : 20);
    }
  });

  it('answers If-None-Match and If-Modified-Since with 304, a stale validator with 200', async () => {
    const url = farm.urls[3]!;
    const first = await get(url);
    const etag = first.headers.get('etag')!;
    const lastModified = first.headers.get('last-modified')!;
    expect(etag).toMatch(/^W\/".+"$/);
    expect((await get(url, { 'if-none-match': etag })).status).toBe(304);
    expect((await get(url, { 'if-none-match': etag.slice(2) })).status, 'weak comparison').toBe(304);
    expect((await get(url, { 'if-modified-since': lastModified })).status).toBe(304);
    expect((await get(url, { 'if-none-match': '"other"', 'if-modified-since': lastModified })).status, 'the ETag wins').toBe(200);
    expect((await get(url, { 'if-modified-since': new Date(Date.parse(lastModified) - 1000).toUTCString() })).status).toBe(200);
    expect(farm.counters.notModified).toBeGreaterThanOrEqual(3);
  });

  it('gzips when asked, and only then', async () => {
    expect([acceptsGzip('gzip, deflate, br'), acceptsGzip('*'), acceptsGzip('gzip;q=0'), acceptsGzip('br'), acceptsGzip(undefined)]).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
    const url = farm.urls[5]!;
    const plain = Buffer.from(await (await get(url)).arrayBuffer());
    // fetch inflates by itself; node's http would not, so ask through it for the raw bytes.
    const raw = await new Promise<{ encoding: string | undefined; body: Buffer }>((resolve, reject) => {
      import('node:http').then(({ default: http }) =>
        http
          .get(url, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
          })
          .on('error', reject),
      );
    });
    expect(raw.encoding).toBe('gzip');
    expect(zlib.gunzipSync(raw.body).equals(plain)).toBe(true);
    expect(raw.body.length).toBeLessThan(plain.length / 2);
  });

  it('writes a newsboat urls file, OPML and a manifest', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-farm-lists-'));
    try {
      const files = farm.writeLists(dir);
      const lines = fs.readFileSync(files.urls, 'utf8').trim().split('\n');
      expect(lines.map((l) => l.split(' ')[0])).toEqual(farm.urls);
      expect(lines[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/feed\/0000\.(rss|atom) "[^"]+"$/);
      const opml = fs.readFileSync(files.opml, 'utf8');
      expect([...opml.matchAll(/xmlUrl="([^"]+)"/g)].map((m) => m[1]).sort()).toEqual([...farm.urls].sort());
      expect(JSON.parse(fs.readFileSync(files.manifest, 'utf8')).feeds).toEqual(farm.feeds);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('latency and churn', () => {
  it('delays every answer, and adds items between refreshes (new ETag, new Last-Modified)', async () => {
    const farm = await startFarm({ feeds: 6, items: 5, latencyMs: 150, churnSeconds: 0.3, churnShare: 1 });
    try {
      const url = farm.urls[0]!;
      const started = Date.now();
      const first = await get(url);
      const body = await first.text();
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
      await new Promise((resolve) => setTimeout(resolve, 700));
      const second = await get(url, { 'if-none-match': first.headers.get('etag')! });
      expect(second.status).toBe(200);
      expect(second.headers.get('etag')).not.toBe(first.headers.get('etag'));
      const text = await second.text();
      const count = (s: string) => (s.match(/<(item|entry)>/g) ?? []).length;
      expect(count(text)).toBe(count(body));
      expect(text).not.toBe(body);
      expect(farm.counters.churnTicks).toBeGreaterThanOrEqual(2);
    } finally {
      await farm.close();
    }
  });
});

describe('faults and hostile payloads', () => {
  let farm: Farm;
  beforeAll(async () => {
    farm = await startFarm({ feeds: 40, items: 30, faults: true, hostile: true, hugeMiB: 3 });
  });
  afterAll(() => farm?.close());
  const url = (kind: keyof Farm['faulty']) => farm.faulty[kind]!;

  it('has one feed of every kind, and healthy ones besides', () => {
    expect(Object.keys(farm.faulty).sort()).toEqual([...FAULT_KINDS, ...HOSTILE_KINDS].sort());
    expect(farm.feeds.filter((f) => !f.fault).length).toBe(40 - FAULT_KINDS.length - HOSTILE_KINDS.length);
  });

  it('answers with the statuses, headers and bodies of each server fault', async () => {
    expect((await get(url('http-404'))).status).toBe(404);
    expect((await get(url('http-410'))).status).toBe(410);
    expect((await get(url('http-500'))).status).toBe(500);
    const unavailable = await get(url('http-503'));
    expect([unavailable.status, unavailable.headers.get('retry-after')]).toEqual([503, '120']);
    const target = (kind: string) => farm.feeds.find((f) => f.fault === kind)!.redirectsTo!;
    const moved = await get(url('redirect-301'));
    expect([moved.status, moved.headers.get('location')]).toEqual([301, target('redirect-301')]);
    const chain: number[] = [];
    let next = url('redirect-chain');
    for (let hop = 0; hop < 4; hop++) {
      const res = await get(next);
      chain.push(res.status);
      if (!res.headers.get('location')) break;
      next = res.headers.get('location')!;
    }
    expect(chain).toEqual([302, 307, 301, 200]);
    expect(next).toBe(target('redirect-chain'));
    const loop = [url('redirect-loop')];
    for (let hop = 0; hop < 5; hop++) loop.push((await get(loop.at(-1)!)).headers.get('location')!);
    expect(new Set(loop.slice(1)).size).toBe(2);
    const page = await get(url('html-page'));
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain(`href="${target('html-page')}"`);
    const empty = await get(url('empty'));
    expect([empty.status, (await empty.arrayBuffer()).byteLength]).toEqual([200, 0]);
    await expect(get(url('bad-gzip')).then((r) => r.arrayBuffer())).rejects.toThrow();
  });

  it('hangs, stalls and dribbles', async () => {
    await expect(fetch(url('hang'), { signal: AbortSignal.timeout(400) })).rejects.toThrow();
    const stalled = await fetch(url('stall'), { signal: AbortSignal.timeout(800) });
    await expect(stalled.arrayBuffer()).rejects.toThrow();
    const slow = await fetch(url('slow'), { signal: AbortSignal.timeout(5000) });
    const reader = slow.body!.getReader();
    const started = Date.now();
    let got = 0;
    while (Date.now() - started < 1200) got += (await reader.read()).value?.length ?? 0;
    await reader.cancel();
    expect(got).toBeGreaterThan(0);
    expect(got).toBeLessThanOrEqual(2048);
  });

  it('breaks the documents of the malformed kinds, and only those', async () => {
    const text = async (kind: keyof Farm['faulty']) => (await get(url(kind))).text();
    expect(await text('leading-whitespace')).toMatch(/^\s+<\?xml /);
    for (const kind of ['malformed-truncated', 'malformed-entity', 'malformed-nesting'] as const) {
      expect('error' in strictOutcome(await text(kind)), kind).toBe(true);
    }
    const latin1 = Buffer.from(await (await get(url('bad-utf8'))).arrayBuffer());
    expect(latin1.toString('latin1')).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>/);
    expect(Buffer.from(latin1.toString('utf8'), 'utf8').equals(latin1), 'not valid UTF-8').toBe(false);
  });

  it('serves the hostile payloads, counts /evil.dtd, and ends the huge feed at hugeMiB', async () => {
    const raw = Buffer.from(await (await get(url('escape-raw'))).arrayBuffer()).toString('utf8');
    for (const seq of ['\x1b[2J', '\x1b]0;', '\x1b]52;c;', '\x1b]8;;', '\x1bP', '\u009b', '\x00', '\x07']) expect(raw).toContain(seq);
    const encoded = await (await get(url('escape-encoded'))).text();
    for (const seq of ['\u202e', '\u2067', '&#27;[2J', '&#x1b;]0;', '&#0;']) expect(encoded).toContain(seq);
    expect(await (await get(url('shell-meta'))).text()).toContain(`$(touch /tmp/${CANARY_PREFIX}`);
    expect(await (await get(url('billion-laughs'))).text()).toMatch(/<!ENTITY lol9 "(&lol8;){10}">/);
    expect(await (await get(url('xxe'))).text()).toContain(`SYSTEM "${farm.url}/evil.dtd"`);
    const before = farm.counters.evilDtdFetches;
    await (await get(`${farm.url}/evil.dtd`)).text();
    expect(farm.counters.evilDtdFetches).toBe(before + 1);
    const huge = Buffer.from(await (await get(url('huge'))).arrayBuffer());
    expect(huge.length).toBeGreaterThanOrEqual(3 * 1024 * 1024);
    expect(huge.length).toBeLessThan(4 * 1024 * 1024);
    const parsed = parseFeedDetailed(huge.toString('utf8'), url('huge'));
    expect(parsed.repair).toBeNull();
    expect(new Set(parsed.feed.articles.map((a) => a.id)).size).toBe(parsed.feed.articles.length);
  });
});

describe('one big feed', () => {
  it('reaches the size asked for, every item its own', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-farm-big-'));
    try {
      const big = writeBigFeed(path.join(dir, 'big.xml'), { megabytes: 2 });
      const bytes = fs.readFileSync(big.file);
      expect(bytes.length).toBe(big.bytes);
      expect(big.bytes).toBeGreaterThanOrEqual(2e6);
      const { feed, repair } = parseFeedDetailed(bytes.toString('utf8'), 'http://127.0.0.1:8787/feed/0000.rss');
      expect(repair).toBeNull();
      expect(feed.articles).toHaveLength(big.items);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the farm as a process (cli.ts)', () => {
  it('writes its lists, says ready on one line, and prints its counters when stopped', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-farm-cli-'));
    const tsx = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
    const child = spawn(process.execPath, ['--import', tsx, path.join(ROOT, 'test/support/farm/cli.ts'), '--feeds', '5', '--out', dir, '--ttl', '60'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const ready = await new Promise<Record<string, any>>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no ready line in 20 s')), 20_000);
        createInterface({ input: child.stdout! }).once('line', (line) => {
          clearTimeout(timer);
          resolve(JSON.parse(line));
        });
      });
      expect(ready).toMatchObject({ ready: true, feeds: 5, port: expect.any(Number) });
      const urls = fs
        .readFileSync(path.join(dir, 'urls'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split(' ')[0]!);
      expect(urls).toHaveLength(5);
      expect((await get(urls[0]!)).status).toBe(200);
      let stderr = '';
      child.stderr!.on('data', (b: Buffer) => (stderr += b));
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(JSON.parse(stderr.trim().split('\n').at(-1)!).farmStats.requests).toBeGreaterThanOrEqual(1);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
