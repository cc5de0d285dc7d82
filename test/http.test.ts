import { once } from 'node:events';
import { mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACCEPT_ENCODING,
  DEFAULT_ACCEPT,
  FetchError,
  USER_AGENT,
  closeAgents,
  fetchBytes,
  fetchText,
  parseRetryAfter,
  type FetchOptions,
} from '../source/core/http.js';

const MiB = 1024 * 1024;
const fixtures = fileURLToPath(new URL('./fixtures/encoding/', import.meta.url));
const fixture = (name: string): Buffer => readFileSync(fixtures + name);
const stripDeclaration = (bytes: Buffer): Buffer => Buffer.from(bytes.toString('latin1').replace(/^<\?xml[^>]*\?>\s*/, ''), 'latin1');

const FEED = '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Déjà vu — 日本</title></channel></rss>';
const ETAG = '"v1-abc"';
const LAST_MODIFIED = 'Tue, 01 Jul 2025 10:00:00 GMT';
const UTF16_FEED = '<?xml version="1.0" encoding="UTF-16"?><rss><channel><title>Привет, 世界</title></channel></rss>';

/** Charset cases: [name, body served, Content-Type, phrase expected in the decoded text]. */
const charsetCases: Array<[string, Buffer, string, string]> = [
  ['windows-1251 via header', stripDeclaration(fixture('windows-1251-iconv.xml')), 'text/xml; charset=windows-1251', 'Новости Оренбурга'],
  ['windows-1251 via declaration', fixture('windows-1251-iconv.xml'), 'text/xml', 'Новости Оренбурга'],
  ['gb2312 via header', stripDeclaration(fixture('gb2312-kc0011.rss')), 'application/rss+xml; charset=gb2312', '投资资讯网交易在线'],
  ['gb2312 via declaration', fixture('gb2312-kc0011.rss'), 'application/rss+xml', '投资资讯网交易在线'],
  ['Shift_JIS via header', fixture('feedparser-chardet/shiftjis.xml'), 'application/atom+xml; charset=Shift_JIS', 'DrecomRSSに記事投稿が反映されない'],
  [
    'Shift_JIS via declaration',
    Buffer.concat([Buffer.from('<?xml version="1.0" encoding="Shift_JIS"?>\n'), fixture('feedparser-chardet/shiftjis.xml')]),
    'application/atom+xml',
    'DrecomRSSに記事投稿が反映されない',
  ],
  ['ISO-8859-1 via header', stripDeclaration(fixture('feed-rs_rss_2.0_encoding_1.xml')), 'text/xml; charset=ISO-8859-1', 'Inovação Tecnológica'],
  ['ISO-8859-1 via declaration', fixture('feed-rs_rss_2.0_encoding_1.xml'), 'text/xml', 'Inovação Tecnológica'],
  ['UTF-16LE with BOM via header', Buffer.from('\uFEFF' + UTF16_FEED.replace(' encoding="UTF-16"', ''), 'utf16le'), 'text/xml; charset=utf-16', 'Привет, 世界'],
  ['UTF-16LE with BOM via declaration', Buffer.from('\uFEFF' + UTF16_FEED, 'utf16le'), 'text/xml', 'Привет, 世界'],
];

// ---------------------------------------------------------------------------------------------------------
// Test server

let server: http.Server;
let base: string;
const hits = new Map<string, number>();
/** Resolves when the server sees the socket of the named route close. */
const socketClosed = new Map<string, Promise<void>>();
let bigWritten = 0;
let bigClosed: Promise<number> = Promise.resolve(0);
const reusedSockets = new WeakSet<Socket>();
let flakyFailed = false;

function trackClose(name: string, socket: Socket): void {
  socketClosed.set(
    name,
    once(socket, 'close').then(() => undefined),
  );
}

function handle(req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = new URL(req.url ?? '/', base);
  const route = url.pathname;
  hits.set(route, (hits.get(route) ?? 0) + 1);
  const send = (status: number, body: string | Buffer, headers: http.OutgoingHttpHeaders = {}): void => {
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    res.writeHead(status, { 'content-length': bytes.length, ...headers });
    res.end(bytes);
  };
  const redirect = (status: number, location: string): void => send(status, 'moved', { location });

  const hops = /^\/hops\/(\d+)$/.exec(route);
  if (hops) {
    const n = Number(hops[1]);
    return n === 0 ? send(200, FEED, { 'content-type': 'application/rss+xml' }) : redirect(302, `/hops/${n - 1}`);
  }
  const status = /^\/status\/(\d+)$/.exec(route);
  if (status) {
    const code = Number(status[1]);
    const headers: http.OutgoingHttpHeaders = {};
    if (code === 503) headers['retry-after'] = '120';
    if (code === 429) headers['retry-after'] = new Date(Date.now() + 60_000).toUTCString();
    return send(code, `<html>error ${code}\u001b]0;pwned\u0007</html>`, headers);
  }
  const charset = /^\/charset\/(\d+)$/.exec(route);
  if (charset) {
    const [, body, contentType] = charsetCases[Number(charset[1])]!;
    return send(200, body, { 'content-type': contentType });
  }

  switch (route) {
    case '/feed.xml': {
      const validators = { etag: ETAG, 'last-modified': LAST_MODIFIED };
      if (req.headers['if-none-match'] === ETAG) return send(304, '', { etag: ETAG });
      if (!req.headers['if-none-match'] && req.headers['if-modified-since'] === LAST_MODIFIED) {
        return send(304, '', { 'last-modified': LAST_MODIFIED });
      }
      return send(200, FEED, { 'content-type': 'application/rss+xml; charset=utf-8', ...validators });
    }
    case '/echo':
      return send(200, JSON.stringify(req.headers), { 'content-type': 'application/json' });
    case '/gzip':
      return send(200, zlib.gzipSync(FEED), { 'content-encoding': 'gzip' });
    case '/deflate':
      return send(200, zlib.deflateSync(FEED), { 'content-encoding': 'deflate' });
    case '/deflate-raw':
      return send(200, zlib.deflateRawSync(FEED), { 'content-encoding': 'deflate' });
    case '/br':
      return send(200, zlib.brotliCompressSync(FEED), { 'content-encoding': 'br' });
    case '/gzip-unlabelled':
      return send(200, zlib.gzipSync(FEED), { 'content-type': 'application/xml' });
    case '/bad-gzip':
      return send(200, 'this is not gzip at all', { 'content-encoding': 'gzip' });
    case '/truncated-gzip':
      return send(200, zlib.gzipSync(FEED.repeat(50)).subarray(0, 40), { 'content-encoding': 'gzip' });
    case '/compress':
      return send(200, 'whatever', { 'content-encoding': 'compress' });
    case '/gzip-bomb':
      return send(200, zlib.gzipSync(Buffer.alloc(16 * MiB)), { 'content-encoding': 'gzip' });
    case '/empty':
      return send(200, '');
    case '/hang':
      trackClose(route, req.socket);
      return; // accept, read the request, never answer
    case '/stall':
      trackClose(route, req.socket);
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      res.write('<?xml version="1.0"?><rss><channel>'); // headers and a little body, then nothing
      return;
    case '/declared-big':
      trackClose(route, req.socket);
      res.writeHead(200, { 'content-length': 100 * MiB });
      res.write(Buffer.alloc(1024, 0x20));
      return;
    case '/big': {
      // 64 MiB, chunked, written as fast as the client reads (backpressure), counting what was written.
      const chunk = Buffer.alloc(64 * 1024, 0x41);
      const total = 64 * MiB;
      bigWritten = 0;
      bigClosed = once(res, 'close').then(() => bigWritten);
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      const pump = (): void => {
        while (bigWritten < total && !res.destroyed) {
          bigWritten += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      pump();
      return;
    }
    case '/old':
      return redirect(301, '/feed.xml');
    case '/old-308':
      return redirect(308, `${base}/feed.xml`);
    case '/temporary':
      return redirect(302, '/feed.xml');
    case '/chain/a':
      return redirect(301, 'b'); // relative to /chain/a
    case '/chain/b':
      return redirect(307, '/chain/c');
    case '/chain/c':
      return redirect(301, '../feed.xml');
    case '/loop/a':
      return redirect(302, '/loop/b');
    case '/loop/b':
      return redirect(302, `${base}/loop/a#frag`);
    case '/to-ftp':
      return redirect(302, 'ftp://example.org/feed.xml');
    case '/no-location':
      return send(302, 'nowhere');
    case '/warmup':
      reusedSockets.add(req.socket);
      return send(200, FEED);
    case '/flaky':
      // A keep-alive socket the server drops just as the client reuses it.
      if (reusedSockets.has(req.socket) && !flakyFailed) {
        flakyFailed = true;
        req.socket.destroy();
        return;
      }
      return send(200, FEED);
    default:
      return send(404, 'not found');
  }
}

beforeAll(async () => {
  server = http.createServer(handle);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  closeAgents();
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
});

const opts = (extra: Partial<FetchOptions> = {}): FetchOptions => ({ timeoutMs: 5000, maxBytes: 4 * MiB, ...extra });

/** The FetchError a promise rejects with (fails the test if it resolves or rejects with something else). */
async function failure(promise: Promise<unknown>): Promise<FetchError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FetchError);
  return error as FetchError;
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms))]);
}

// ---------------------------------------------------------------------------------------------------------

describe('fetchBytes: plain and conditional GET', () => {
  it('fetches a 200 with its validators and content type', async () => {
    const result = await fetchBytes(`${base}/feed.xml`, opts());
    expect(result).toMatchObject({
      status: 'ok',
      url: `${base}/feed.xml`,
      contentType: 'application/rss+xml; charset=utf-8',
      etag: ETAG,
      lastModified: LAST_MODIFIED,
      movedTo: null,
    });
    if (result.status !== 'ok') throw new Error('unreachable');
    expect(Buffer.from(result.bytes).toString('utf8')).toBe(FEED);
  });

  it('sends the User-Agent, Accept and Accept-Encoding headers', async () => {
    const result = await fetchText(`${base}/echo`, opts());
    if (result.status !== 'ok') throw new Error('expected ok');
    const headers = JSON.parse(result.text) as Record<string, string>;
    expect(USER_AGENT).toMatch(/^Broadsheet\/\d+\.\d+\.\d+ \(\+https:\/\/github\.com\/broadsheet; terminal feed reader\)$/);
    expect(headers['user-agent']).toBe(USER_AGENT);
    expect(headers.accept).toBe(DEFAULT_ACCEPT);
    expect(headers['accept-encoding']).toBe(ACCEPT_ENCODING);
    expect(headers['if-none-match']).toBeUndefined();
    const custom = await fetchText(`${base}/echo`, opts({ userAgent: 'Test/1', accept: 'application/json' }));
    if (custom.status !== 'ok') throw new Error('expected ok');
    expect(JSON.parse(custom.text)).toMatchObject({ 'user-agent': 'Test/1', accept: 'application/json' });
  });

  it('304 with If-None-Match', async () => {
    const result = await fetchBytes(`${base}/feed.xml`, opts({ etag: ETAG, lastModified: LAST_MODIFIED }));
    expect(result).toEqual({ status: 'not-modified', url: `${base}/feed.xml`, etag: ETAG, lastModified: LAST_MODIFIED, movedTo: null });
  });

  it('304 with If-Modified-Since (keeps the ETag we had when the 304 sends none)', async () => {
    const result = await fetchBytes(`${base}/feed.xml`, opts({ lastModified: LAST_MODIFIED }));
    expect(result).toEqual({ status: 'not-modified', url: `${base}/feed.xml`, etag: null, lastModified: LAST_MODIFIED, movedTo: null });
  });

  it('a stale ETag gets a full 200', async () => {
    const result = await fetchBytes(`${base}/feed.xml`, opts({ etag: '"old"' }));
    expect(result.status).toBe('ok');
  });

  it('an empty 200 body is an empty byte array', async () => {
    const result = await fetchBytes(`${base}/empty`, opts());
    expect(result.status === 'ok' && result.bytes.length).toBe(0);
  });

  it('retries once when a reused keep-alive socket is dropped by the server', async () => {
    await fetchBytes(`${base}/warmup`, opts());
    const result = await fetchText(`${base}/flaky`, opts());
    expect(result.status === 'ok' && result.text).toBe(FEED);
    expect(flakyFailed).toBe(true);
    expect(hits.get('/flaky')).toBe(2);
  });
});

describe('fetchBytes: compression', () => {
  it.each(['/gzip', '/deflate', '/deflate-raw', '/br', '/gzip-unlabelled'])('%s is decompressed', async (route) => {
    const result = await fetchText(`${base}${route}`, opts());
    expect(result.status === 'ok' && result.text).toBe(FEED);
  });

  it('bad gzip is a bad-encoding error with a clear message', async () => {
    const error = await failure(fetchBytes(`${base}/bad-gzip`, opts()));
    expect(error.kind).toBe('bad-encoding');
    expect(error.message).toBe('corrupt gzip body (incorrect header check)');
  });

  it('truncated gzip is a bad-encoding error', async () => {
    const error = await failure(fetchBytes(`${base}/truncated-gzip`, opts()));
    expect(error.kind).toBe('bad-encoding');
    expect(error.message).toBe('corrupt gzip body (unexpected end of file)');
  });

  it('an unknown Content-Encoding is a bad-encoding error', async () => {
    const error = await failure(fetchBytes(`${base}/compress`, opts()));
    expect(error).toMatchObject({ kind: 'bad-encoding', message: 'unsupported Content-Encoding "compress"' });
  });

  it('the size cap counts decompressed bytes (gzip bomb)', async () => {
    const error = await failure(fetchBytes(`${base}/gzip-bomb`, opts({ maxBytes: MiB })));
    expect(error).toMatchObject({ kind: 'too-large', message: 'larger than 1 MiB' });
  });
});

describe('fetchText: charsets over HTTP', () => {
  it.each(charsetCases.map((c, i) => [c[0], i, c[3]] as const))('%s', async (_name, index, phrase) => {
    const result = await fetchText(`${base}/charset/${index}`, opts());
    if (result.status !== 'ok') throw new Error('expected ok');
    expect(result.text).toContain(phrase);
    expect(result.text).not.toContain('\uFFFD');
    expect(result.text.charCodeAt(0)).not.toBe(0xfeff);
  });
});

describe('fetchBytes: timeouts and size caps', () => {
  it('times out on a server that accepts and never answers, and closes the socket', async () => {
    const started = Date.now();
    const error = await failure(fetchBytes(`${base}/hang`, opts({ timeoutMs: 300 })));
    expect(error).toMatchObject({ kind: 'timeout', message: 'timed out after 0.3 s' });
    expect(Date.now() - started).toBeLessThan(1500);
    await within(socketClosed.get('/hang')!, 1000, 'server saw the socket close');
  });

  it('times out on a server that sends headers and then stalls, and closes the socket', async () => {
    const started = Date.now();
    const error = await failure(fetchBytes(`${base}/stall`, opts({ timeoutMs: 300 })));
    expect(error).toMatchObject({ kind: 'timeout', message: 'timed out after 0.3 s' });
    expect(Date.now() - started).toBeLessThan(1500);
    await within(socketClosed.get('/stall')!, 1000, 'server saw the socket close');
  });

  it('caller cancellation rethrows the signal reason and closes the socket', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await fetchBytes(`${base}/hang`, opts({ signal: controller.signal })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('AbortError');
    await within(socketClosed.get('/hang')!, 1000, 'server saw the socket close');
    const already = await fetchBytes(`${base}/feed.xml`, opts({ signal: AbortSignal.abort() })).catch((e: unknown) => e);
    expect((already as Error).name).toBe('AbortError');
  });

  it('stops a streamed 64 MiB body at the cap and the server sees the connection close early', async () => {
    const error = await failure(fetchBytes(`${base}/big`, opts({ maxBytes: MiB })));
    expect(error).toMatchObject({ kind: 'too-large', message: 'larger than 1 MiB' });
    const written = await within(bigClosed, 2000, 'server saw the connection close');
    // The cap plus what socket buffers absorb (a few MiB on loopback): nowhere near 64 MiB.
    expect(written).toBeLessThan(16 * MiB);
  });

  it('rejects a too-large Content-Length before reading the body', async () => {
    const started = Date.now();
    const error = await failure(fetchBytes(`${base}/declared-big`, opts({ maxBytes: 32 * MiB })));
    expect(error).toMatchObject({ kind: 'too-large', message: 'larger than 32 MiB' });
    expect(Date.now() - started).toBeLessThan(1000);
    await within(socketClosed.get('/declared-big')!, 1000, 'server saw the socket close');
  });
});

describe('fetchBytes: redirects', () => {
  it('follows a 301 and reports movedTo', async () => {
    const result = await fetchBytes(`${base}/old`, opts());
    expect(result).toMatchObject({ status: 'ok', url: `${base}/feed.xml`, movedTo: `${base}/feed.xml` });
  });

  it('follows a 308 and reports movedTo', async () => {
    const result = await fetchBytes(`${base}/old-308`, opts());
    expect(result).toMatchObject({ status: 'ok', url: `${base}/feed.xml`, movedTo: `${base}/feed.xml` });
  });

  it('a temporary redirect does not move the subscription', async () => {
    const result = await fetchBytes(`${base}/temporary`, opts());
    expect(result).toMatchObject({ status: 'ok', url: `${base}/feed.xml`, movedTo: null });
  });

  it('follows a chain of 3 with relative Locations; movedTo stops at the first temporary hop', async () => {
    const result = await fetchBytes(`${base}/chain/a`, opts());
    expect(result).toMatchObject({ status: 'ok', url: `${base}/feed.xml`, movedTo: `${base}/chain/b` });
  });

  it('a 301 then a 304 is not-modified with movedTo', async () => {
    const result = await fetchBytes(`${base}/old`, opts({ etag: ETAG }));
    expect(result).toEqual({ status: 'not-modified', url: `${base}/feed.xml`, etag: ETAG, lastModified: null, movedTo: `${base}/feed.xml` });
  });

  it('detects a loop', async () => {
    const error = await failure(fetchBytes(`${base}/loop/a`, opts()));
    expect(error).toMatchObject({ kind: 'redirect-loop', message: 'redirect loop' });
  });

  it('follows exactly 5 redirects, refuses a 6th', async () => {
    expect((await fetchBytes(`${base}/hops/5`, opts())).url).toBe(`${base}/hops/0`);
    const error = await failure(fetchBytes(`${base}/hops/6`, opts()));
    expect(error).toMatchObject({ kind: 'too-many-redirects', message: 'more than 5 redirects' });
  });

  it('refuses a redirect to another scheme, and one without Location', async () => {
    expect(await failure(fetchBytes(`${base}/to-ftp`, opts()))).toMatchObject({ kind: 'unsupported-url' });
    expect(await failure(fetchBytes(`${base}/no-location`, opts()))).toMatchObject({ kind: 'http', status: 302 });
  });
});

describe('fetchBytes: HTTP errors', () => {
  it('404', async () => {
    const error = await failure(fetchBytes(`${base}/status/404`, opts()));
    expect(error).toMatchObject({ kind: 'http', status: 404, message: 'HTTP 404 Not Found' });
    expect(error.retryAfterSeconds).toBeUndefined();
  });

  it('410 suggests unsubscribing', async () => {
    const error = await failure(fetchBytes(`${base}/status/410`, opts()));
    expect(error).toMatchObject({ kind: 'http', status: 410, message: 'gone (HTTP 410): consider removing it' });
  });

  it('500 (message never contains the body or a stack)', async () => {
    const error = await failure(fetchBytes(`${base}/status/500`, opts()));
    expect(error).toMatchObject({ kind: 'http', status: 500, message: 'HTTP 500 Internal Server Error' });
  });

  it('503 with Retry-After: 120', async () => {
    const error = await failure(fetchBytes(`${base}/status/503`, opts()));
    expect(error).toMatchObject({ kind: 'http', status: 503, retryAfterSeconds: 120 });
    expect(error.message).toBe('HTTP 503 Service Unavailable, retry after 2 min');
  });

  it('429 with a Retry-After HTTP-date', async () => {
    const error = await failure(fetchBytes(`${base}/status/429`, opts()));
    expect(error).toMatchObject({ kind: 'http', status: 429 });
    expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(58);
    expect(error.retryAfterSeconds).toBeLessThanOrEqual(61);
  });

  it('parseRetryAfter', () => {
    const now = Date.parse('Tue, 01 Jul 2025 10:00:00 GMT');
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Tue, 01 Jul 2025 10:01:30 GMT', now)).toBe(90);
    expect(parseRetryAfter('Tue, 01 Jul 2025 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('connection refused is a network error with a short message', async () => {
    const closed = http.createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    await once(closed, 'close');
    const error = await failure(fetchBytes(`http://127.0.0.1:${port}/feed.xml`, opts()));
    expect(error).toMatchObject({ kind: 'network', message: 'connection refused' });
  });
});

describe('fetchBytes: local files and URL schemes', () => {
  const file = fixtures + 'aktuality-slovak.rss';
  const size = readFileSync(file).length;

  it('reads a file:// URL', async () => {
    const url = pathToFileURL(file).href;
    const result = await fetchText(url, opts());
    expect(result).toMatchObject({ status: 'ok', url, contentType: null, lastModified: null, movedTo: null });
    expect(result.status === 'ok' && result.text).toContain('aktuálne spravodajstvo');
  });

  it("a file's content hash is its validator: the same bytes again are not modified, other bytes are read", async () => {
    const copy = path.join(mkdtempSync(path.join(tmpdir(), 'bs-file-')), 'feed.xml');
    writeFileSync(copy, readFileSync(file));
    const first = await fetchBytes(copy, opts());
    expect(first.status).toBe('ok');
    expect(first.etag).toMatch(/^"sha256-[0-9a-f]{32}"$/);
    expect(await fetchBytes(copy, opts({ etag: first.etag }))).toEqual({
      status: 'not-modified',
      url: copy,
      etag: first.etag,
      lastModified: null,
      movedTo: null,
    });
    // Touched but the same: still unchanged. Rewritten with other bytes of the same size: read again.
    utimesSync(copy, new Date(), new Date(Date.now() + 5000));
    expect((await fetchBytes(copy, opts({ etag: first.etag }))).status).toBe('not-modified');
    const bytes = readFileSync(copy);
    bytes[bytes.length - 2] = bytes[bytes.length - 2] === 0x20 ? 0x0a : 0x20;
    writeFileSync(copy, bytes);
    const changed = await fetchBytes(copy, opts({ etag: first.etag }));
    expect(changed.status).toBe('ok');
    expect(changed.etag).not.toBe(first.etag);
  });

  it('reads a plain path', async () => {
    const result = await fetchBytes(file, opts());
    expect(result.status === 'ok' && result.bytes.length).toBe(size);
  });

  it('respects maxBytes for files', async () => {
    const error = await failure(fetchBytes(file, opts({ maxBytes: 1000 })));
    expect(error).toMatchObject({ kind: 'too-large', message: 'larger than 1000 bytes' });
  });

  it('a missing file or a directory is an error with a short message', async () => {
    expect(await failure(fetchBytes(fixtures + 'nope.xml', opts()))).toMatchObject({ kind: 'network', message: 'no such file' });
    expect(await failure(fetchBytes('example.org/feed.xml', opts()))).toMatchObject({
      kind: 'network',
      message: 'no such file (did you mean https://example.org/feed.xml ?)',
    });
    expect(await failure(fetchBytes(fixtures, opts()))).toMatchObject({ kind: 'network', message: 'is a directory, not a feed file' });
  });

  it.each(['ftp://example.org/feed.xml', 'javascript:alert(1)', 'gopher://example.org/', 'data:text/xml,<rss/>', '   '])('%s is unsupported', async (url) => {
    expect(await failure(fetchBytes(url, opts()))).toMatchObject({ kind: 'unsupported-url' });
  });
});
