/**
 * `broadsheet page URL [--json]`, run as a user runs it: the built CLI in a child process, a temp home,
 * pages served on loopback.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { startPageServer, type PageServer } from './support/page-server.js';
import { CLI, runCli } from './support/run-cli.js';

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-page-cli-'));
const BODY = 'The ferry left at six, as it had every morning since the bridge closed, with nine cars and a van. '.repeat(5);
let server: PageServer;

beforeAll(async () => {
  if (!fs.existsSync(CLI)) throw new Error('build first: node source/scripts/build.mjs (npm test does)');
  server = await startPageServer({
    '/ferry/': {
      body: `<html><head><title>Ferry | Isles Post</title><meta name="author" content="Ann\x1b]0;pwned\x07 Hay"></head><body><nav>Home News</nav><article><h1>The six o'clock ferry</h1><p>${BODY}</p><p>Timetable: <a href="timetable.pdf">the new timetable</a>.</p></article></body></html>`,
    },
    '/old-ferry': { status: 301, headers: { location: '/ferry/' } },
    '/login': { body: '<html><body><p>Sign in to read.</p></body></html>' },
  });
  const item = (n: number, link: string) =>
    `<item><title>Story ${n}</title><link>${server.base}${link}</link><guid>s${n}</guid><description>Summary ${n}</description></item>`;
  server.route('/feed.xml', {
    headers: { 'content-type': 'application/rss+xml' },
    body: `<?xml version="1.0"?><rss version="2.0"><channel><title>Isles Post</title><link>${server.base}/</link>${item(1, '/ferry/')}${item(2, '/login')}</channel></rss>`,
  });
});
afterAll(async () => {
  await server.close();
  fs.rmSync(home, { recursive: true, force: true });
});

const run = (args: string[]) => runCli(home, args);

describe('broadsheet page', () => {
  it('prints the article as JSON: the final URL, title, byline, date, plain text and links', async () => {
    const r = await run(['page', `${server.base}/old-ferry`, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(Object.keys(json)).toEqual(['url', 'title', 'byline', 'published', 'text', 'links']);
    expect(json.url).toBe(`${server.base}/ferry/`);
    expect(json.title).toBe('Ferry | Isles Post');
    expect(json.byline).toBe('Ann Hay');
    expect(json.text).toContain(BODY.trim());
    expect(json.text).not.toContain('Home News');
    expect(json.links).toEqual([`${server.base}/ferry/timetable.pdf`]);
    expect(r.stdout).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
  });

  it('prints the rendered article with numbered links as text', async () => {
    const r = await run(['page', `${server.base}/ferry/`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${server.base}/ferry/\n`);
    expect(r.stdout).toContain('the new timetable[1]');
    expect(r.stdout).toContain(`[1] ${server.base}/ferry/timetable.pdf`);
  });

  it('fails with exit 1 and one line naming the URL for a page that cannot be fetched or read', async () => {
    for (const [route, why] of [
      ['/missing', 'HTTP 404 Not Found'],
      ['/login', 'the page has too little text to be an article'],
    ] as const) {
      const r = await run(['page', `${server.base}${route}`]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(`broadsheet: ${server.base}${route}: ${why}`);
    }
  });

  it('refuses a URL that is not http(s) as bad usage', async () => {
    const r = await run(['page', 'file:///etc/passwd']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('broadsheet: file:///etc/passwd: only http(s) pages can be read, not "file:"');
  });

  it("refresh reads the pages of a fullText feed's new articles into the cache, each failure one line", async () => {
    fs.writeFileSync(path.join(home, 'config.json'), JSON.stringify({ feeds: [{ url: `${server.base}/feed.xml`, fullText: true }] }));
    try {
      const r = await run(['refresh']);
      expect(r.code).toBe(0);
      expect(r.stderr).toContain(`broadsheet: ${server.base}/login: full text: the page has too little text to be an article`);
      expect(r.stderr).toMatch(/full text: 1 page read for offline, 1 could not be read\n$/);
      const db = new Database(path.join(home, 'cache.db'), { readonly: true });
      const rows = db.prepare('SELECT url, final_url AS finalUrl, content IS NOT NULL AS readable FROM pages ORDER BY url').all();
      db.close();
      expect(rows).toEqual([
        { url: `${server.base}/ferry/`, finalUrl: `${server.base}/ferry/`, readable: 1 },
        { url: `${server.base}/login`, finalUrl: `${server.base}/login`, readable: 0 },
      ]);
      const again = await run(['refresh']);
      expect(again.stderr).not.toContain('full text');
    } finally {
      fs.rmSync(path.join(home, 'config.json'), { force: true });
    }
  });
});
