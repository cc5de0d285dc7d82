/**
 * The settings' filters through the built CLI, against a feed served on 127.0.0.1: `refresh` applies
 * hide, read, star and tag:NAME to new articles; the next refresh does not bring hidden ones back;
 * `articles` lists none of them, and `--tag` finds the tagged ones; a bad expression stops a command
 * with exit 2 naming the filter; a backtracking expression is skipped with a warning, not waited for.
 * Build first: node source/scripts/build.mjs (npm test does).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli } from './support/run-cli.js';
import { startPageServer, type PageServer } from './support/page-server.js';

interface Item {
  guid: string;
  title: string;
  author?: string;
  body?: string;
}

const rss = (items: Item[]) => `<?xml version="1.0"?>
<rss version="2.0"><channel><title>Loopback Gazette</title><link>http://127.0.0.1/</link>
${items
  .map(
    (item, n) => `<item><title>${item.title}</title><guid>${item.guid}</guid><link>http://127.0.0.1/${item.guid}</link>
  <pubDate>${new Date(Date.UTC(2026, 0, 1 + n)).toUTCString()}</pubDate>${item.author ? `<author>${item.author}</author>` : ''}
  <description>${item.body ?? '&lt;p&gt;Nothing special.&lt;/p&gt;'}</description></item>`,
  )
  .join('\n')}
</channel></rss>`;

const FIRST: Item[] = [
  { guid: 'a1', title: 'Sponsored: the best keyboard' },
  { guid: 'a2', title: 'Weekly links', author: 'digest-bot@example.org (Digest Bot)' },
  { guid: 'a3', title: 'Breaking: feeds are back' },
  { guid: 'a4', title: 'Memory safety, again', body: '&lt;p&gt;On &lt;b&gt;Rust&lt;/b&gt; and C.&lt;/p&gt;' },
  { guid: 'a5', title: 'An ordinary post' },
];

let server: PageServer;
let dir: string;
let home: string;
let feedUrl: string;
const writeSettings = (filters: unknown[]) =>
  fs.writeFileSync(path.join(home, 'config.json'), JSON.stringify({ feeds: [{ url: feedUrl, tags: ['news'] }], filters }, null, 2));
const FILTERS = [
  { match: { title: '^sponsored' }, action: 'hide' },
  { match: { author: 'bot' }, action: 'read' },
  { match: { title: 'breaking', feed: 'loopback gazette' }, action: 'star' },
  { match: { text: '\\brust\\b', tag: '^news$' }, action: 'tag:rust' },
];
const articles = async (...args: string[]) => {
  const run = await runCli(home, ['articles', '--json', ...args]);
  expect(run.code, run.stderr).toBe(0);
  return (JSON.parse(run.stdout) as { title: string; read: boolean; starred: boolean }[]).map((a) => ({ title: a.title, read: a.read, starred: a.starred }));
};

beforeAll(async () => {
  if (!fs.existsSync(CLI)) throw new Error('build first: node source/scripts/build.mjs (npm test does)');
  server = await startPageServer({ '/feed.rss': { body: rss(FIRST), headers: { 'content-type': 'application/rss+xml' } } });
  feedUrl = `${server.base}/feed.rss`;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-filters-cli-'));
  home = path.join(dir, 'home');
  fs.mkdirSync(home);
});
afterAll(async () => {
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('filters through the CLI', () => {
  it('hide, read, star and tag new articles on refresh; hidden ones never come back', async () => {
    writeSettings(FILTERS);
    const first = await runCli(home, ['refresh', '--json']);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout).outcomes).toEqual([expect.objectContaining({ url: feedUrl, status: 'updated', added: 4, hidden: 1, items: 5 })]);
    expect(first.stderr).toMatch(/; 4 new articles/);

    const listed = [
      { title: 'An ordinary post', read: false, starred: false },
      { title: 'Memory safety, again', read: false, starred: false },
      { title: 'Breaking: feeds are back', read: false, starred: true },
      { title: 'Weekly links', read: true, starred: false },
    ];
    expect(await articles()).toEqual(listed);
    expect(await articles('--unread')).toEqual(listed.filter((a) => !a.read));
    expect(await articles('--starred')).toEqual([listed[2]]);
    expect(await articles('--tag', 'rust')).toEqual([listed[1]]);
    expect(await articles('--tag', 'news')).toEqual(listed);

    // The feed again, with one more sponsored item and one ordinary: the old sponsored one is stored
    // (hidden), so it is no new article; the new sponsored one is hidden as it lands.
    server.route('/feed.rss', {
      body: rss([...FIRST, { guid: 'a6', title: 'Sponsored: a better keyboard' }, { guid: 'a7', title: 'Another post' }]),
      headers: { 'content-type': 'application/rss+xml' },
    });
    const second = await runCli(home, ['refresh', '--json']);
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout).outcomes).toEqual([expect.objectContaining({ status: 'updated', added: 1, hidden: 1, updated: 0, items: 7 })]);
    expect((await articles()).map((a) => a.title)).toEqual(['Another post', ...listed.map((a) => a.title)]);

    // Without the filters, a third refresh still keeps the hidden ones out: what a filter did stays done.
    writeSettings([]);
    const third = await runCli(home, ['refresh', '--json']);
    expect(JSON.parse(third.stdout).outcomes).toEqual([expect.objectContaining({ added: 0, updated: 0 })]);
    expect(await articles()).toHaveLength(5);
  }, 60_000);

  it('judges the articles `add` caches as a refresh would', async () => {
    server.route('/feed.rss', { body: rss(FIRST), headers: { 'content-type': 'application/rss+xml' } });
    const other = path.join(dir, 'home-add');
    fs.mkdirSync(other);
    fs.writeFileSync(path.join(other, 'config.json'), JSON.stringify({ feeds: [], filters: FILTERS }));
    const added = await runCli(other, ['add', feedUrl, '--tag', 'news']);
    expect(added.code, added.stderr).toBe(0);
    const run = await runCli(other, ['articles', '--json']);
    const rows = JSON.parse(run.stdout) as { title: string; read: boolean; starred: boolean }[];
    expect(rows.map((r) => [r.title, r.read, r.starred])).toEqual([
      ['An ordinary post', false, false],
      ['Memory safety, again', false, false],
      ['Breaking: feeds are back', false, true],
      ['Weekly links', true, false],
    ]);
    expect(JSON.parse((await runCli(other, ['articles', '--json', '--tag', 'rust'])).stdout)).toHaveLength(1);
  }, 60_000);

  it('stops with exit 2 and one line naming the filter when an expression does not compile', async () => {
    writeSettings([...FILTERS.slice(0, 2), { match: { title: 'ok', author: '[unclosed' }, action: 'hide' }]);
    for (const command of [['articles'], ['refresh']]) {
      const run = await runCli(home, command);
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(
        `broadsheet: ${path.join(home, 'config.json')}: filters[2].match.author: invalid regular expression: /[unclosed/i: Unterminated character class\n`,
      );
      expect(run.stdout).toBe('');
    }
  }, 60_000);

  it('skips an expression that backtracks without end, says which, and finishes the refresh', async () => {
    writeSettings([{ match: { text: '(x+x+)+y' }, action: 'hide' }, ...FILTERS]);
    server.route('/feed.rss', {
      body: rss([
        { guid: 'long', title: 'Sponsored: exes', body: `&lt;p&gt;${'x'.repeat(50_000)}&lt;/p&gt;` },
        { guid: 'b2', title: 'Breaking: short' },
      ]),
      headers: { 'content-type': 'application/rss+xml' },
    });
    const started = Date.now();
    const run = await runCli(home, ['refresh']);
    // Unprotected, (x+x+)+y on 50,000 x's runs for minutes: this is a bound, not a speed test.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(
      new RegExp(`^broadsheet: ${feedUrl.replace(/[.]/g, '\\.')}: filters\\[0\\] took too long \\(over \\d+ ms\\) and was skipped for this feed$`, 'm'),
    );
    // The other filters still ran on that feed.
    const titles = await articles();
    expect(titles.find((a) => a.title === 'Breaking: short')).toEqual({ title: 'Breaking: short', read: false, starred: true });
    expect(titles.find((a) => a.title === 'Sponsored: exes')).toBeUndefined();
  }, 60_000);
});
