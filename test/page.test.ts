/**
 * Full text, on loopback: an article's page fetched as feeds are (redirects, caps, content types,
 * charsets), its article extracted with scripts never run, and the result cached for reading offline.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAgents, USER_AGENT } from '../source/core/http.js';
import { renderHtml } from '../source/core/html.js';
import { PAGE_ACCEPT } from '../source/core/page/fetch.js';
import { pageLoader, PageError, PageQueue, readPage, wantedPages } from '../source/core/page/index.js';
import { createParsePool, inlinePool } from '../source/core/parse-pool.js';
import { Store } from '../source/core/store.js';
import { encodeLegacy, startPageServer, type PageServer } from './support/page-server.js';

const MiB = 1024 * 1024;
const LIMITS = { timeoutSeconds: 5, pageMaxBytes: 5 * MiB };
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-page-'));
const canary = path.join(tmp, 'a-script-ran');
const scriptFor = (file: string) => `require('fs').writeFileSync(${JSON.stringify(file)}, 'ran')`;

const PARAGRAPHS = [
  'The harbour had been quiet for most of the winter, and the few boats that went out came back early with little to show for it.',
  'By March the fishermen had started to talk about the new quotas, which nobody in the town had been asked about and nobody liked.',
  'The council met twice in April. Both meetings ran late, and both ended with a promise to write to the ministry once again.',
  'When the letter finally came back it was two pages long and said, in the politest possible way, that nothing would change this year.',
];

/** A page as the web has them: navigation, a sidebar, the article, comments, a footer, and scripts everywhere. */
function boilerplatePage(): string {
  const js = scriptFor(canary);
  return `<!doctype html><html><head><meta charset="utf-8"><title>Quiet harbour | The Coast Gazette</title>
<script>${js}</script><script type="module">${js}</script>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","headline":"A quiet harbour","author":{"@type":"Person","name":"Morag Reid"},"datePublished":"2024-05-02T08:00:00Z"}</script>
<style>body { color: red }</style></head>
<body onload="${js.replace(/"/g, '&quot;')}">
<header><nav class="menu"><ul><li><a href="/">Home</a></li><li><a href="/news/">News</a></li><li><a href="/sport/">Sport</a></li><li><a href="/about/">About us</a></li></ul></nav></header>
<aside class="sidebar"><h3>Most read</h3><ul><li><a href="/x">Celebrity chef opens bistro</a></li><li><a href="/y">Ten best beaches</a></li></ul></aside>
<main><article>
<h1>A quiet harbour</h1>
<p class="byline">By Morag Reid</p>
${PARAGRAPHS.map((p) => `<p>${p}</p>`).join('\n')}
<h2>What the quotas mean</h2>
<ul><li>Cod: down a fifth on last year</li><li>Haddock: unchanged</li></ul>
<blockquote><p>We were never asked, not once, said the harbour master.</p></blockquote>
<pre><code>quota(cod) = 0.8 * quota_2023(cod)</code></pre>
<table><tr><th>Species</th><th>Tonnes</th></tr><tr><td>Cod</td><td>1200</td></tr><tr><td>Haddock</td><td>800</td></tr></table>
<figure><img src="harbour.jpg" alt="Boats tied up in the harbour" onerror="${js.replace(/"/g, '&quot;')}"><figcaption>The harbour in March.</figcaption></figure>
<p>Read <a href="../background/">the background to the quota dispute</a> and <a href="https://ministry.example/quotas">the ministry's notice</a>.</p>
<iframe srcdoc="<script>${js.replace(/"/g, '&quot;')}</script>"></iframe>
</article></main>
<section id="comments" class="comments"><h3>3 comments</h3>
<div class="comment"><p>Comment by troll42: first! Buy cheap watches at example.spam</p></div>
<div class="comment"><p>Comment by anon: this is all the fault of the other lot, obviously.</p></div></section>
<footer><p>Copyright The Coast Gazette. Cookie settings. Terms and privacy.</p></footer>
<script>${js}</script></body></html>`;
}

let server: PageServer;
let bigWritten = 0;
let pdfWritten = 0;

beforeAll(async () => {
  const cyrillic = 'Новости Оренбурга: весна пришла рано, и рыбаки вышли в море уже в феврале. '.repeat(6);
  const japanese = '記事の本文です。春が来て、港の船はみな海に出ました。'.repeat(12);
  server = await startPageServer({
    '/2024/05/quiet-harbour/': { body: boilerplatePage(), headers: { etag: '"v1"' } },
    '/short/quiet-harbour': { status: 302, headers: { location: '/2024/05/quiet-harbour/' } },
    '/cp1251': {
      headers: { 'content-type': 'text/html; charset=windows-1251' },
      body: Buffer.concat([Buffer.from('<html><head><meta charset="utf-8"><title>T</title></head><body><article><p>'), encodeLegacy(cyrillic, 'windows-1251'), Buffer.from('</p></article></body></html>')]),
    },
    '/sjis-meta': {
      headers: { 'content-type': 'text/html' },
      body: Buffer.concat([Buffer.from('<html><head><meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS"><title>T</title></head><body><article><p>'), encodeLegacy(japanese, 'shift_jis'), Buffer.from('</p></article></body></html>')]),
    },
    '/bom': {
      headers: { 'content-type': 'text/html' },
      body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`<html><head><meta charset="iso-8859-1"><title>T</title></head><body><article><p>${'Déjà vu, ça va — naïve café. '.repeat(12)}</p></article></body></html>`)]),
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
    '/nothing-to-read': { body: '<html><head><title>Sign in</title></head><body><nav><a href="/">Home</a> <a href="/login">Log in</a></nav><p>Please enable JavaScript.</p></body></html>' },
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
    for (const kept of ['What the quotas mean', 'Cod: down a fifth on last year', 'We were never asked', 'quota(cod) = 0.8 * quota_2023(cod)', 'Species\tTonnes', 'Haddock\t800', 'The harbour in March.']) {
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
    expect(text).toMatch(/^│ We were never asked/m);
    expect(text).toContain('Species │ Tonnes');
  });

  it('sends the feeds\' User-Agent and asks for HTML', async () => {
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

describe('the cache', () => {
  it('stores the article, the page and its final URL; reads it offline; fetches again only when asked', async () => {
    const store = Store.open(':memory:');
    let now = 1_000;
    const load = pageLoader(store, () => inlinePool(store), LIMITS, () => now);
    const url = `${server.base}/short/quiet-harbour`;
    const first = await load(url);
    expect(first.content).toContain(PARAGRAPHS[1]);
    expect(first.finalUrl).toBe(`${server.base}/2024/05/quiet-harbour/`);
    expect(first.etag).toBe('"v1"');
    const source = store.pageSource(url)!;
    expect(source.finalUrl).toBe(first.finalUrl);
    expect(source.html).toContain('<section id="comments"');
    expect(source.html).toContain('troll42');

    const hits = server.hits('/2024/05/quiet-harbour/');
    now = 2_000;
    expect((await load(url)).content).toBe(first.content);
    expect(server.hits('/2024/05/quiet-harbour/')).toBe(hits); // not fetched again

    // Asked: a conditional GET with the stored validators.
    server.route('/2024/05/quiet-harbour/', (req, res) => {
      if (req.headers['if-none-match'] === '"v1"') res.writeHead(304, { etag: '"v1"' }).end();
      else res.writeHead(500).end();
    });
    try {
      now = 3_000;
      const again = await load(url, { refetch: true });
      expect(again.content).toBe(first.content);
      expect(again.fetchedAt).toBe(3_000);
      // Offline: the request fails, and the copy stays.
      server.route('/short/quiet-harbour', (req) => req.socket.destroy());
      await expect(load(url, { refetch: true })).rejects.toThrow(PageError);
      expect(store.page(url)!.content).toBe(first.content);
    } finally {
      server.route('/2024/05/quiet-harbour/', { body: boilerplatePage(), headers: { etag: '"v1"' } });
      server.route('/short/quiet-harbour', { status: 302, headers: { location: '/2024/05/quiet-harbour/' } });
    }
    store.close();
  });

  it('records a page that could not be read, or not fetched, and what a fullText feed still wants', async () => {
    const store = Store.open(':memory:');
    const feed = 'https://feeds.example/coast';
    store.syncFeeds([{ url: feed, fullText: true }, { url: 'https://feeds.example/other' }]);
    const links = ['/nothing-to-read', '/missing', '/2024/05/quiet-harbour/'].map((p) => `${server.base}${p}`);
    store.saveFeed(feed, { title: 'Coast', link: '', articles: links.map((link, i) => ({ id: `g${i}`, title: `A${i}`, link, author: '', published: new Date(Date.UTC(2024, 4, 3 - i)).toISOString(), html: '<p>summary</p>', commentsUrl: '', commentFeedUrl: '', commentCount: null })) }, { etag: null, lastModified: null });
    const settingsFeeds = [{ url: feed, fullText: true }, { url: 'https://feeds.example/other' }];
    expect(wantedPages(store, settingsFeeds, [feed], 10_000_000)).toEqual(links);
    expect(wantedPages(store, settingsFeeds, ['https://feeds.example/other'], 10_000_000)).toEqual([]);
    const load = pageLoader(store, () => inlinePool(store), LIMITS, () => 10_000_000);
    const unreadable = await load(links[0]!);
    expect(unreadable.content).toBeNull();
    expect(unreadable.failure).toMatch(/too little text/);
    await expect(load(links[1]!)).rejects.toThrow('HTTP 404 Not Found');
    expect(store.page(links[1]!)).toMatchObject({ fetched: false, failure: 'HTTP 404 Not Found' });
    await load(links[2]!);
    // A failed fetch is tried again after a while, not at the next refresh.
    expect(wantedPages(store, settingsFeeds, [feed], 10_000_000)).toEqual([]);
    expect(wantedPages(store, settingsFeeds, [feed], 10_000_000 + 7 * 3600_000)).toEqual([links[1]]);
    store.close();
  });
});

describe('the background queue', () => {
  it('keeps to the concurrency and per-host limits, and reports when it is idle', async () => {
    const inFlight = new Map<string, number>();
    let most = 0;
    let mostPerHost = 0;
    const load = async (url: string) => {
      const host = new URL(url).host;
      inFlight.set(host, (inFlight.get(host) ?? 0) + 1);
      most = Math.max(most, [...inFlight.values()].reduce((a, b) => a + b, 0));
      mostPerHost = Math.max(mostPerHost, inFlight.get(host)!);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight.set(host, inFlight.get(host)! - 1);
      return !url.endsWith('/bad');
    };
    const idle = new Promise<{ done: number; failed: number }>((resolve) => {
      const queue = new PageQueue(load, { concurrency: 3, perHost: 2 }, { idle: resolve });
      const urls = ['a', 'b', 'c'].flatMap((h) => Array.from({ length: 6 }, (_, i) => `https://${h}.example/${i}`));
      expect(queue.add([...urls, urls[0]!, 'https://a.example/bad'])).toBe(19);
    });
    expect(await idle).toEqual({ done: 19, failed: 1 });
    expect(most).toBe(3);
    expect(mostPerHost).toBe(2);
  });
});

describe('in a parse worker', () => {
  const worker = path.resolve(import.meta.dirname, '../.build/parse-worker.mjs');

  it('extracts and stores the page there: the same article, and no script runs', async () => {
    if (!fs.existsSync(worker)) throw new Error('build first: node source/scripts/build.mjs (npm test does)');
    const file = path.join(tmp, 'worker-cache.db');
    const store = Store.open(file);
    const pool = createParsePool({ threads: 1, script: new URL(`file://${worker}`), store });
    try {
      const url = `${server.base}/short/quiet-harbour`;
      const stored = await pageLoader(store, () => pool, LIMITS)(url, { first: true });
      const inline = await readPage(url, LIMITS);
      expect(stored.content).toBe(inline.content);
      expect(store.pageSource(url)!.html).toContain('troll42');
      const record = await pool.page({ bytes: new TextEncoder().encode(boilerplatePage()), contentType: 'text/html', url: 'https://x.example/a', finalUrl: 'https://x.example/a', etag: null, lastModified: null, fetchedAt: 1, save: true });
      expect(record.html).toBeNull(); // stored by the worker, not sent back
      expect(store.page('https://x.example/a')!.title).toBe('A quiet harbour');
      expect(fs.existsSync(canary)).toBe(false);
    } finally {
      await pool.close();
      store.close();
    }
  });
});
