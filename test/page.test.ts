/**
 * Full text, on loopback: an article's page fetched as feeds are (redirects, caps, content types,
 * charsets), and its article extracted with scripts never run. The cache: page-cache.test.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAgents, USER_AGENT } from '../source/core/http.js';
import { renderHtml } from '../source/core/html.js';
import { PAGE_ACCEPT } from '../source/core/page/fetch.js';
import { PageError, readPage } from '../source/core/page.js';
import { encodeLegacy, startPageServer, type PageServer } from './support/page-server.js';
import { boilerplatePage, PARAGRAPHS, scriptFor } from './support/article-page.js';

const MiB = 1024 * 1024;
const LIMITS = { timeoutSeconds: 5, pageMaxBytes: 5 * MiB };
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-page-'));
const canary = path.join(tmp, 'a-script-ran');

let server: PageServer;
let bigWritten = 0;
let pdfWritten = 0;

beforeAll(async () => {
  const cyrillic = 'Новости Оренбурга: весна пришла рано, и рыбаки вышли в море уже в феврале. '.repeat(6);
  const japanese = '記事の本文です。春が来て、港の船はみな海に出ました。'.repeat(12);
  server = await startPageServer({
    '/2024/05/quiet-harbour/': { body: boilerplatePage(canary), headers: { etag: '"v1"' } },
    '/short/quiet-harbour': { status: 302, headers: { location: '/2024/05/quiet-harbour/' } },
    '/cp1251': {
      headers: { 'content-type': 'text/html; charset=windows-1251' },
      body: Buffer.concat([
        Buffer.from('<html><head><meta charset="utf-8"><title>T</title></head><body><article><p>'),
        encodeLegacy(cyrillic, 'windows-1251'),
        Buffer.from('</p></article></body></html>'),
      ]),
    },
    '/sjis-meta': {
      headers: { 'content-type': 'text/html' },
      body: Buffer.concat([
        Buffer.from('<html><head><meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS"><title>T</title></head><body><article><p>'),
        encodeLegacy(japanese, 'shift_jis'),
        Buffer.from('</p></article></body></html>'),
      ]),
    },
    '/bom': {
      headers: { 'content-type': 'text/html' },
      body: Buffer.concat([
        Buffer.from([0xef, 0xbb, 0xbf]),
        Buffer.from(
          `<html><head><meta charset="iso-8859-1"><title>T</title></head><body><article><p>${'Déjà vu, ça va — naïve café. '.repeat(12)}</p></article></body></html>`,
        ),
      ]),
    },
    '/big': (_req, res) => {
      // 8 MiB streamed in 64 KiB chunks, no Content-Length: the cap must stop it on the way.
      res.writeHead(200, { 'content-type': 'text/html' });
      const chunk = Buffer.from(`<p>${'x'.repeat(64 * 1024 - 7)}</p>`);
      let sent = 0;
      const pump = () => {
        while (sent < 128) {
          sent++;
          bigWritten += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => undefined);
      pump();
    },
    '/declared-big': { headers: { 'content-length': String(6 * MiB) }, body: '' },
    '/paper.pdf': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/pdf' });
      const chunk = Buffer.alloc(64 * 1024, 0x25);
      let sent = 0;
      const pump = () => {
        while (sent++ < 64) {
          pdfWritten += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    },
    '/data.json': { headers: { 'content-type': 'application/json' }, body: '{"article": "no"}' },
    '/untyped-binary': (_req, res) => {
      res.writeHead(200, {}); // no Content-Type at all
      res.end(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
    },
    '/untyped-html': (_req, res) => {
      res.writeHead(200, {});
      res.end(`<!doctype html><html><body><article>${PARAGRAPHS.map((p) => `<p>${p}</p>`).join('')}</article></body></html>`);
    },
    '/to-file': { status: 302, headers: { location: 'file:///etc/passwd' } },
    '/to-js': { status: 301, headers: { location: 'javascript:alert(1)' } },
    '/nothing-to-read': {
      body: '<html><head><title>Sign in</title></head><body><nav><a href="/">Home</a> <a href="/login">Log in</a></nav><p>Please enable JavaScript.</p></body></html>',
    },
    '/empty': { body: '' },
    '/deep': { body: `<html><body>${'<div>'.repeat(20_000)}<p>${PARAGRAPHS.join(' ')}</p>${'</div>'.repeat(20_000)}</body></html>` },
    '/hostile-text': {
      body: `<html><head><title>Harbour\x1b]0;pwned\x07 news\u202e</title><meta name="author" content="Mo\x1b[2Jrag"></head><body><article><p>${PARAGRAPHS.join(' ')} \x1b]52;c;aGVsbG8=\x07 &#27;[31m</p></article></body></html>`,
    },
  });
});

afterAll(async () => {
  closeAgents();
  await server.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('reading a page', () => {
  it('has a canary script that would write its file if anything ran it', () => {
    const control = path.join(tmp, 'control');
    new Function('require', scriptFor(control))(createRequire(import.meta.url));
    expect(fs.existsSync(control)).toBe(true);
  });

  it('keeps the article and drops navigation, sidebar, comments, footer and every script, which never runs', async () => {
    const page = await readPage(`${server.base}/short/quiet-harbour`, LIMITS);
    expect(page.url).toBe(`${server.base}/2024/05/quiet-harbour/`);
    for (const p of PARAGRAPHS) expect(page.text).toContain(p);
    for (const noise of ['Most read', 'Celebrity chef', 'troll42', 'Cookie settings', 'About us', 'writeFileSync', 'color: red']) {
      expect(page.text).not.toContain(noise);
    }
    expect(page.title).toBe('A quiet harbour');
    expect(page.byline).toBe('Morag Reid');
    expect(page.published).toBe('2024-05-02T08:00:00.000Z');
    // Headings, lists, quotes, code, tables and captions are all there in the plain text.
    for (const kept of [
      'What the quotas mean',
      'Cod: down a fifth on last year',
      'We were never asked',
      'quota(cod) = 0.8 * quota_2023(cod)',
      'Species\tTonnes',
      'Haddock\t800',
      'The harbour in March.',
    ]) {
      expect(page.text).toContain(kept);
    }
    expect(fs.existsSync(canary)).toBe(false);
  });

  it('numbers links and images, resolved against the final URL after the redirect', async () => {
    const page = await readPage(`${server.base}/short/quiet-harbour`, LIMITS);
    const final = `${server.base}/2024/05/quiet-harbour/`;
    expect(page.links).toEqual([`${final}harbour.jpg`, `${server.base}/2024/05/background/`, 'https://ministry.example/quotas']);
    const { lines } = renderHtml(page.content, { width: 80, color: false, baseUrl: page.url });
    const text = lines.join('\n');
    expect(text).toContain('[image: Boats tied up in the harbour][1]');
    expect(text).toContain('the background to the quota dispute[2]');
    expect(text).toMatch(/^• Cod: down a fifth/m);
    expect(text).toMatch(/^> We were never asked/m);
    expect(text).toContain('Species │ Tonnes');
  });

  it("sends the feeds' User-Agent and asks for HTML", async () => {
    await readPage(`${server.base}/2024/05/quiet-harbour/`, LIMITS);
    const seen = server.requests.filter((r) => r.path === '/2024/05/quiet-harbour/').at(-1)!;
    expect(seen.headers['user-agent']).toBe(USER_AGENT);
    expect(seen.headers.accept).toBe(PAGE_ACCEPT);
  });

  it.each([
    ['/cp1251', 'the HTTP charset (windows-1251) over a <meta> that says utf-8', 'Новости Оренбурга: весна пришла рано'],
    ['/sjis-meta', 'a <meta http-equiv> charset (Shift_JIS) with none in the header', '春が来て、港の船はみな海に出ました'],
    ['/bom', 'a UTF-8 byte order mark over a <meta> that says iso-8859-1', 'Déjà vu, ça va — naïve café.'],
  ])('decodes %s: %s', async (route, _why, phrase) => {
    const page = await readPage(`${server.base}${route}`, LIMITS);
    expect(page.text).toContain(phrase);
    expect(page.text).not.toContain('\uFFFD');
  });

  it('stops a page over the cap while it streams, and refuses one whose Content-Length is over it', async () => {
    await expect(readPage(`${server.base}/big`, LIMITS)).rejects.toThrow(`${server.base}/big: larger than 5 MiB`);
    expect(bigWritten).toBeLessThan(8 * MiB);
    await expect(readPage(`${server.base}/declared-big`, LIMITS)).rejects.toThrow('larger than 5 MiB');
  });

  it('refuses an answer that is not HTML, without reading a large body', async () => {
    const error = await readPage(`${server.base}/paper.pdf`, LIMITS).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PageError);
    expect((error as Error).message).toBe(`${server.base}/paper.pdf: not a web page (application/pdf)`);
    expect(pdfWritten).toBeLessThan(4 * MiB);
    await expect(readPage(`${server.base}/data.json`, LIMITS)).rejects.toThrow('not a web page (application/json)');
    await expect(readPage(`${server.base}/untyped-binary`, LIMITS)).rejects.toThrow('not a web page (no Content-Type, and the body is not HTML)');
    expect((await readPage(`${server.base}/untyped-html`, LIMITS)).text).toContain(PARAGRAPHS[0]);
  });

  it('refuses a redirect to file: or javascript:, and a URL that is not http(s)', async () => {
    await expect(readPage(`${server.base}/to-file`, LIMITS)).rejects.toThrow('redirect to unsupported URL scheme "file:"');
    await expect(readPage(`${server.base}/to-js`, LIMITS)).rejects.toThrow('redirect to unsupported URL scheme "javascript:"');
    await expect(readPage('file:///etc/passwd', LIMITS)).rejects.toThrow('only http(s) pages can be read');
    expect(server.hits('/etc/passwd')).toBe(0);
  });

  it('says in one line why a page Readability cannot read has no article', async () => {
    const error = (await readPage(`${server.base}/nothing-to-read`, LIMITS).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(PageError);
    expect(error.message).toMatch(new RegExp(`^${server.base}/nothing-to-read: the page has too little text to be an article \\(\\d+ characters\\)$`));
    await expect(readPage(`${server.base}/empty`, LIMITS)).rejects.toThrow(/^http:\/\/127\.0\.0\.1:\d+\/empty: /);
    await expect(readPage(`${server.base}/missing`, LIMITS)).rejects.toThrow(`${server.base}/missing: HTTP 404 Not Found`);
  });
});

describe('a hostile page', () => {
  it('nested 20,000 deep is refused in one line before Readability recurses through it', async () => {
    const started = performance.now();
    await expect(readPage(`${server.base}/deep`, LIMITS)).rejects.toThrow(`${server.base}/deep: the page nests elements over 200 deep: too deep to read`);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('never gets a control sequence through its title, byline or text', async () => {
    const page = await readPage(`${server.base}/hostile-text`, LIMITS);
    expect(page.title).toBe('Harbour news');
    expect(page.byline).toBe('Morag');
    const { lines } = renderHtml(page.content, { width: 80, color: false });
    for (const text of [page.title, page.byline, page.text, ...lines]) expect(text).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]/);
  });
});
