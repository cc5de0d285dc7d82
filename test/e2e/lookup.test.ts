/**
 * End to end in tmux: a plain blog feed whose article has no comment feed. Opening the article asks
 * loopback stand-ins for Hacker News, Reddit and Lobsters where it was submitted; `c` shows the HN
 * thread with the most comments and names the others; `]` switches to the Reddit thread; Enter on
 * "N more replies" loads them in place. The built reader (a private copy), CI unset, 120x40.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { snapshotBundle } from '../support/bundle.js';
import { TmuxServer, tmuxAvailable } from './tmux.js';
import { ARTICLE, lookupSettings, redditListing, standardAnswers, startSearchServer, type SearchServer } from '../discussions/server.js';

const HAVE_TMUX = tmuxAvailable();
const tmux = new TmuxServer(`bs-lookup-${process.pid}`);
const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-lookup-e2e-'));
let cli = '';
let server: SearchServer;

const NOW_S = Math.floor(Date.now() / 1000);
const hnThread = {
  id: 1001,
  type: 'story',
  title: 'A post, on HN',
  author: 'op',
  children: [
    {
      id: 11,
      author: 'hn_alice',
      text: 'The HN thread with the most comments.',
      created_at_i: NOW_S - 5000,
      children: [{ id: 12, author: 'hn_bob', text: 'Agreed.', created_at_i: NOW_S - 4000, children: [] }],
    },
  ],
};
const redditThread = [
  redditListing([
    { kind: 't3', data: { id: 'abc', title: 'A post, on Reddit', author: 'op', num_comments: 4, permalink: '/r/programming/comments/abc/post_abc/' } },
  ]),
  redditListing([
    {
      kind: 't1',
      data: {
        id: 'r1',
        parent_id: 't3_abc',
        author: 'rd_carol',
        body: 'x',
        body_html: '&lt;p&gt;Reddit says hello.&lt;/p&gt;',
        created_utc: NOW_S - 3000,
        score: 3,
        replies: '',
      },
    },
    { kind: 'more', data: { id: 'r2', name: 't1_r2', parent_id: 't3_abc', count: 2, depth: 0, children: ['r2', 'r3'] } },
  ]),
];

const blogFeed = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>A plain blog</title><link>https://blog.inkandpaper.net/</link>
<item><title>A post worth discussing</title><link>${ARTICLE}</link><guid>post-1</guid>
<pubDate>${new Date(Date.now() - 3 * 3600_000).toUTCString()}</pubDate><description>&lt;p&gt;The body of the post.&lt;/p&gt;</description></item>
</channel></rss>`;

beforeAll(async () => {
  if (!HAVE_TMUX) return;
  cli = snapshotBundle(temp);
  server = await startSearchServer((url, req) => {
    if (url.pathname === '/hn/api/v1/items/1001') return { body: hnThread };
    if (url.pathname === '/reddit/comments/abc.json') return { body: redditThread };
    if (url.pathname === '/reddit/api/morechildren.json') {
      const ids = url.searchParams.get('children')!.split(',');
      const things = ids.map((id) => ({
        kind: 't1',
        data: {
          id,
          parent_id: 't3_abc',
          author: `rd_${id}`,
          body: 'x',
          body_html: `<p>More reply ${id} loaded.</p>`,
          created_utc: NOW_S - 100,
          score: 1,
          replies: '',
        },
      }));
      return { body: { json: { errors: [], data: { things } } } };
    }
    return standardAnswers(url, req);
  });
  tmux.run('new-session', '-d', '-s', 'keepalive', '-x', '80', '-y', '24', 'sleep 3600');
}, 120_000);

afterAll(async () => {
  if (HAVE_TMUX) tmux.kill();
  await server?.close();
  fs.rmSync(temp, { recursive: true, force: true });
});

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

describe.skipIf(!HAVE_TMUX)('discussions found elsewhere, end to end (tmux)', () => {
  it('c shows the HN thread with most comments and names the others; ] switches to Reddit; Enter loads more replies', async () => {
    const home = path.join(temp, 'home');
    fs.mkdirSync(home, { recursive: true });
    const feed = path.join(temp, 'blog.rss');
    fs.writeFileSync(feed, blogFeed);
    fs.writeFileSync(
      path.join(home, 'config.json'),
      JSON.stringify({ feeds: [{ url: pathToFileURL(feed).href }], sources: lookupSettings(server.base).sources, fetch: { timeoutSeconds: 5 } }),
    );
    const command = `env -u CI -u NO_COLOR BROADSHEET_HOME=${q(home)} ${q(process.execPath)} ${q(cli)}; sleep 600`;
    const pane = tmux.newSession('lookup', command, 120, 40);
    try {
      await pane.waitFor((s) => s.includes('A post worth discussing') && s.includes('Refreshed 1 feed'), { timeout: 15_000, what: 'the blog in the list' });
      expect(server.requests).toEqual([]); // a refresh asks no one
      pane.keys('Enter');
      await pane.waitFor('The body of the post.');
      pane.keys('c');
      // Every answer in (Reddit's last URL variants too), and the HN thread loaded: its own count stands.
      const shown = await pane.waitFor(
        (s) =>
          s.includes('hn_alice') &&
          s.includes('Lobsters · 12 comments') &&
          s.includes('Reddit r/webdev · 3 comments') &&
          s.includes('▸ Hacker News · 2 comments'),
        { timeout: 10_000, what: 'the HN thread and the list of discussions' },
      );
      expect(shown).toMatch(/Reddit r\/programming · 85 comments/);
      expect(shown).toMatch(/2 comments on Hacker News/);
      expect(shown).not.toContain('rd_carol');
      pane.keys(']');
      const reddit = await pane.waitFor((s) => s.includes('rd_carol') && /▸ Reddit r\/programming · 4 comments/.test(s), {
        timeout: 10_000,
        what: 'the Reddit thread',
      });
      expect(reddit).toContain('[2 more replies] — Enter loads them');
      pane.keys('G', 'Enter');
      const more = await pane.waitFor('More reply r3 loaded.', { timeout: 10_000, what: 'the loaded replies' });
      expect(more).toContain('More reply r2 loaded.');
      expect(more).not.toContain('more replies]');
      // The list counts the threads found: back in the list, the article's row shows it.
      pane.keys('q', 'q');
      await pane.waitFor(/A post worth discussing.*\d+💬/, { what: 'the comment count in the list' });
      pane.keys('q');
    } finally {
      tmux.killSession('lookup');
    }
  }, 60_000);
});
