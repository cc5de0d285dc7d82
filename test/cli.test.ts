/**
 * The headless commands, run as a user runs them: the built CLI in a child process, a temp home,
 * and feeds served by a loopback server started here.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CLI, runCli } from './support/run-cli.js';

let server: http.Server;
let base = '';
let home = '';

const rss = (title: string, items: number, extra = '') => `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:slash="http://purl.org/rss/1.0/modules/slash/" xmlns:wfw="http://wellformedweb.org/CommentAPI/"><channel><title>${title}</title><link>https://example.org/</link>
${Array.from({ length: items }, (_, i) => `<item><title>${title} item ${i + 1}</title><link>https://example.org/${title}/${i + 1}</link><guid>${title}-${i + 1}</guid><pubDate>Tue, ${10 + i} Nov 2026 10:00:00 GMT</pubDate><description>Body ${i + 1}</description><slash:comments>${i}</slash:comments>${extra}</item>`).join('\n')}
</channel></rss>`;

beforeAll(async () => {
  if (!fs.existsSync(CLI)) throw new Error('build first: node source/scripts/build.mjs (npm test does)');
  server = http.createServer((req, res) => {
    if (req.url === '/good.xml') {
      if (req.headers['if-none-match'] === '"v1"') return void res.writeHead(304).end();
      res.writeHead(200, { 'content-type': 'application/rss+xml', etag: '"v1"' }).end(rss('good', 3));
    } else if (req.url === '/other.xml') res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss('other', 2));
    else if (req.url === '/hostile.xml') res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss('evil\x1b]0;pwned\x07&#27;[2J', 1));
    else if (req.url === '/broken.xml') res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>nope</body></html>');
    // Broken but readable: the download stops mid-item, as a truncated response does.
    else if (req.url === '/truncated.xml') res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss('cut', 3).slice(0, -40));
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => server?.close());
beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-cli-'));
});

const run = (args: string[], env: Record<string, string> = {}) => runCli(home, args, env);
const writeConfig = (config: unknown) => fs.writeFileSync(path.join(home, 'config.json'), JSON.stringify(config));

describe('broadsheet CLI', () => {
  it('prints help and version', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['refresh', 'feed URL', 'comments URL', 'articles', 'mark', 'add URL', 'remove URL', 'import', 'export'])
      expect(help.stdout).toContain(command);
    const version = await run(['--version']);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('rejects unknown commands and options with exit 2 and one line', async () => {
    const r = await run(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect((await run(['articles', '--bogus'])).code).toBe(2);
  });

  it('refreshes the demo feeds when there is no settings file, without writing one', async () => {
    const r = await run(['refresh']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/3 feeds: 3 updated/);
    expect(fs.existsSync(path.join(home, 'config.json'))).toBe(false);
    // Nothing changed in the files: nothing is updated, and the times are whole milliseconds.
    const again = await run(['refresh', '--json']);
    expect(again.stderr).toMatch(/^3 feeds: 0 updated, 3 unchanged, 0 failed; 0 new articles; /);
    const json = JSON.parse(again.stdout);
    expect(json).toMatchObject({ total: 3, updated: 0, notModified: 3, failed: [] });
    expect(Number.isInteger(json.parseMs) && Number.isInteger(json.elapsedMs)).toBe(true);
    expect(again.stdout).toBe(JSON.stringify(json, null, 2) + '\n');
    const list = JSON.parse((await run(['articles', '--json'])).stdout);
    expect(list.length).toBeGreaterThanOrEqual(15);
    expect(Object.keys(list[0]).sort()).toEqual(['author', 'commentCount', 'feed', 'id', 'link', 'published', 'read', 'starred', 'title'].sort());
  });

  it('refreshes over HTTP, reports each failed feed in one line, and exits 1', async () => {
    writeConfig({ feeds: [{ url: `${base}/good.xml` }, { url: `${base}/missing.xml` }, { url: `${base}/broken.xml` }] });
    const first = await run(['refresh']);
    expect(first.code).toBe(1);
    const failures = first.stderr.split('\n').filter((l) => l.startsWith('broadsheet: '));
    expect(failures).toHaveLength(2);
    expect(failures.find((l) => l.includes('/missing.xml'))).toMatch(/404/);
    expect(failures.find((l) => l.includes('/broken.xml'))).toMatch(/HTML/);
    expect(first.stderr).toMatch(/1 updated, 0 unchanged, 2 failed; 3 new articles/);
    const second = await run(['refresh', '--json']);
    expect(JSON.parse(second.stdout)).toMatchObject({ total: 3, notModified: 1, updated: 0 });
  });

  it('lists, marks and stars articles by id', async () => {
    writeConfig({ feeds: [{ url: `${base}/good.xml` }] });
    await run(['refresh']);
    const [newest] = JSON.parse((await run(['articles', '--json'])).stdout);
    expect(newest).toMatchObject({ title: 'good item 3', feed: 'good', read: false, starred: false, commentCount: 2, published: '2026-11-12T10:00:00.000Z' });
    expect((await run(['mark', 'read', String(newest.id)])).code).toBe(0);
    expect((await run(['mark', 'star', String(newest.id)])).code).toBe(0);
    const unread = JSON.parse((await run(['articles', '--unread', '--json'])).stdout);
    expect(unread.map((a: { title: string }) => a.title)).toEqual(['good item 2', 'good item 1']);
    const plain = (await run(['articles'])).stdout;
    expect(plain).toMatch(/good item 3/);
    const missing = await run(['mark', 'read', '99999']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no article with id 99999/);
    expect((await run(['mark', 'explode', '1'])).code).toBe(2);
  });

  it('searches titles and text with --search, best match first, and takes any query', async () => {
    writeConfig({ feeds: [{ url: `${base}/good.xml` }, { url: `${base}/other.xml` }] });
    await run(['refresh']);
    const search = async (...args: string[]) =>
      JSON.parse((await run(['articles', '--json', '--search', ...args])).stdout).map((a: { title: string }) => a.title);
    // "body 2" is in the text of item 2 of each feed; "good" in every title of one feed.
    expect((await search('body 2')).sort()).toEqual(['good item 2', 'other item 2']);
    expect(await search('GOOD "item 3"')).toEqual(['good item 3']);
    expect(await search('oth', '--limit', '1')).toHaveLength(1);
    for (const query of ['"', 'AND(', '(', 'title:x']) {
      const r = await run(['articles', '--search', query]);
      expect(r.code, query).toBe(0);
      expect(r.stderr, query).toBe('');
    }
    expect((await run(['articles', '--search'])).code).toBe(2);
  });

  it('shows a feed without subscribing', async () => {
    const r = await run(['feed', `${base}/good.xml`, '--json']);
    expect(r.code).toBe(0);
    const feed = JSON.parse(r.stdout);
    expect(feed.title).toBe('good');
    expect(feed.articles[0]).toMatchObject({ id: 'good-1', title: 'good item 1', text: 'Body 1', commentCount: 0 });
    expect(fs.existsSync(path.join(home, 'config.json'))).toBe(false);
  });

  it('shows a broken but readable feed, with one warning line naming it as refresh does, and exits 0', async () => {
    const url = `${base}/truncated.xml`;
    const warning = new RegExp(`^broadsheet: ${url.replace(/[.]/g, '\\.')}: recovered 3 items from a broken feed \\(XML error: [^\\n]+\\)$`);
    const shown = await run(['feed', url]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^cut {2}<https:\/\/example\.org\/>\n3 articles\n/);
    for (const i of [1, 2, 3]) expect(shown.stdout).toContain(`cut item ${i}`);
    expect(shown.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(shown.stderr.trimEnd()).toMatch(warning);
    const json = await run(['feed', url, '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).articles.map((a: { title: string }) => a.title)).toEqual(['cut item 1', 'cut item 2', 'cut item 3']);
    expect(json.stderr).toBe(shown.stderr);
    // refresh words it the same.
    writeConfig({ feeds: [{ url }] });
    const refreshed = await run(['refresh']);
    expect(refreshed.code).toBe(0);
    expect(refreshed.stderr.split('\n')).toContain(shown.stderr.trimEnd());
  });

  it('says which file or URL failed, and "not a feed" for a file that is not one, in feed, add and refresh alike', async () => {
    const missing = path.join(home, 'nowhere.xml');
    const png = path.join(home, 'logo.png');
    fs.writeFileSync(png, Buffer.from('89504e470d0a1a0a0000000d494844520000000100000001080600000000', 'hex'));
    const json = path.join(home, 'data.json');
    fs.writeFileSync(json, '{"items": []}');
    const cases: [string, RegExp][] = [
      [missing, /no such file/],
      ['/etc/passwd', /not a feed: got plain text, not XML/],
      [png, /not a feed: got binary data, not XML/],
      [json, /not a feed: got JSON/],
    ];
    for (const [file, reason] of cases) {
      const shown = await run(['feed', file]);
      expect(shown.code, file).toBe(1);
      expect(shown.stderr.trim(), file).toMatch(new RegExp(`^broadsheet: ${file.replace(/[.]/g, '\\.')}: ${reason.source}$`));
      const added = await run(['add', file]);
      expect(added.code, file).toBe(1);
      expect(added.stderr.trim(), file).toMatch(new RegExp(`^broadsheet: file://${file.replace(/[.]/g, '\\.')}: ${reason.source}; not added$`));
    }
    writeConfig({ feeds: cases.map(([file]) => ({ url: file })) });
    const refreshed = await run(['refresh']);
    expect(refreshed.code).toBe(1);
    for (const [file, reason] of cases) expect(refreshed.stderr).toMatch(new RegExp(`^broadsheet: ${file.replace(/[.]/g, '\\.')}: ${reason.source}$`, 'm'));
    expect(refreshed.stderr).not.toMatch(/XML error|Non-whitespace/);
    // A site typed without its scheme is read as a path: say what was probably meant.
    expect((await run(['feed', 'example.org/feed.xml'])).stderr.trim()).toBe(
      'broadsheet: example.org/feed.xml: no such file (did you mean https://example.org/feed.xml ?)',
    );
  });

  it('never lets escape sequences from a feed reach stdout', async () => {
    const r = await run(['feed', `${base}/hostile.xml`]);
    expect(r.stdout).toContain('evil');
    expect(r.stdout).not.toMatch(/[\x1b\x07\x9b]/);
  });

  it('adds (after checking), removes, imports and exports subscriptions', async () => {
    const added = await run(['add', `${base}/good.xml`, '--tag', 'news']);
    expect(added.code).toBe(0);
    // The first feed replaces the demo feeds, and add says so; the articles it fetched are cached.
    expect(added.stderr.trim()).toBe(
      `added "good" ${base}/good.xml [news] to ${path.join(home, 'config.json')}: 3 articles; your feeds replace the demo feeds from now on`,
    );
    expect(JSON.parse(fs.readFileSync(path.join(home, 'config.json'), 'utf8'))).toEqual({ feeds: [{ url: `${base}/good.xml`, tags: ['news'] }] });
    expect(JSON.parse((await run(['articles', '--json'])).stdout).map((a: { title: string }) => a.title)).toEqual([
      'good item 3',
      'good item 2',
      'good item 1',
    ]);
    const bad = await run(['add', `${base}/missing.xml`]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/404.*not added/);
    const opml = path.join(home, 'subs.opml');
    fs.writeFileSync(
      opml,
      `<?xml version="1.0"?><opml version="2.0"><body><outline text="Tech"><outline text="Other" xmlUrl="${base}/other.xml"/><outline text="Evil" xmlUrl="exec:touch /tmp/bs-pwned"/></outline></body></opml>`,
    );
    const imported = await run(['import', opml]);
    expect(imported.code).toBe(0);
    expect(imported.stderr).toMatch(/skipped exec:/);
    const feeds = JSON.parse(fs.readFileSync(path.join(home, 'config.json'), 'utf8')).feeds;
    expect(feeds).toEqual([
      { url: `${base}/good.xml`, tags: ['news'] },
      { url: `${base}/other.xml`, title: 'Other', tags: ['Tech'] },
    ]);
    const exported = await run(['export']);
    expect(exported.stdout).toContain(`xmlUrl="${base}/other.xml"`);
    expect(exported.stdout).toContain('category="news"');
    expect((await run(['remove', `${base}/good.xml`])).code).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(home, 'config.json'), 'utf8')).feeds).toHaveLength(1);
    expect((await run(['remove', `${base}/good.xml`])).code).toBe(1);
  });

  it('imports its own export as it was: local file feeds, titles (configured or cached) and tags', async () => {
    const local = path.join(home, 'local feed.xml');
    fs.writeFileSync(local, rss('local', 1));
    writeConfig({
      feeds: [{ url: `${base}/good.xml`, tags: ['news'] }, { url: `file://${local.replace(/ /g, '%20')}`, title: 'Mine' }, { url: `${base}/other.xml` }],
    });
    await run(['refresh']);
    const first = await run(['export']);
    expect(first.stdout).toContain(`text="good" title="good" xmlUrl="${base}/good.xml" category="news"`);
    expect(first.stdout).toContain(`text="Mine" title="Mine" xmlUrl="file://${local.replace(/ /g, '%20')}"`);
    expect(first.stdout).toContain(`text="other" title="other" xmlUrl="${base}/other.xml"`);
    const file = path.join(home, 'export.opml');
    fs.writeFileSync(file, first.stdout);
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-cli-'));
    const imported = await run(['import', file]);
    expect(imported.stderr).toMatch(/^imported 3 feeds \(0 already subscribed\)/);
    expect((await run(['export'])).stdout).toBe(first.stdout);
  });

  it('stops with exit 2 and one line on a bad settings file, leaving it untouched', async () => {
    const file = path.join(home, 'config.json');
    const contents = [
      '{"feeds": [',
      '{"fetch": {"timeoutSeconds": "soon"}}',
      '{"feeds": [{"url": "gopher://x"}]}',
      '{"feedz": []}',
      // Names only the reader uses stop the headless commands too: a typo is a typo everywhere.
      '{"keys": {"dwn": ["j"]}}',
      '{"theme": {"header": "chartreuse-ish"}}',
      '{"theme": {"headr": "cyan"}}',
    ];
    for (const content of contents) {
      fs.writeFileSync(file, content);
      for (const args of [['articles'], ['refresh'], ['add', `${base}/good.xml`], ['feed', `${base}/good.xml`], ['export']]) {
        const r = await run(args);
        expect(r.code).toBe(2);
        const lines = r.stderr.trim().split('\n');
        expect(lines).toHaveLength(1);
        expect(lines[0]).toContain(file);
        if (content.includes('dwn')) expect(lines[0]).toMatch(/keys has an unknown action \("dwn"/);
        if (content.includes('chartreuse')) expect(lines[0]).toMatch(/theme\.header is not a colour \("chartreuse-ish"/);
        if (content.includes('headr')) expect(lines[0]).toMatch(/theme has an unknown key \("headr"/);
        expect(fs.readFileSync(file, 'utf8')).toBe(content);
      }
    }
  });

  it('says what to do instead of starting the reader without a terminal', async () => {
    const r = await run([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/needs a terminal.*headless commands/);
  });
}, 120_000);
