/**
 * End to end in tmux: the built reader on two loopback feeds, a blog whose article links its Mastodon
 * thread as "Comments", and a Lemmy community whose post's <comments> is the post on the instance. `c`
 * shows each thread, threaded, fetched from the same loopback server (the Mastodon and Lemmy APIs).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lemmyRoutes, mastodonRoutes } from '../comments/platform-fixtures.js';
import { startServer, type TestServer } from '../comments/server.js';
import { snapshotBundle } from '../support/bundle.js';
import { TmuxServer, tmuxAvailable } from './tmux.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const HAVE_TMUX = tmuxAvailable();
const TEST_TIMEOUT = 30_000;

const rss = (title: string, items: string) => `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>${title}</title><link>{{BASE}}/</link><description>x</description>${items}</channel></rss>`;

const BLOG = rss(
  'Static Blog',
  `<item><title>Feeds are back, says the static blog</title><link>{{BASE}}/blog/feeds-are-back/</link><guid>{{BASE}}/blog/feeds-are-back/</guid>
  <pubDate>Wed, 01 Jan 2025 10:00:00 +0000</pubDate>
  <content:encoded><![CDATA[<p>Readers are back in fashion.</p><p><a href="{{BASE}}/@alice/100">Comments</a></p>]]></content:encoded></item>`,
);
const LEMMY = rss(
  'Lemmy community',
  `<item><title>Feeds are back, on Lemmy</title><link>https://example.org/article</link><comments>{{BASE}}/post/9</comments><guid>{{BASE}}/post/9</guid>
  <pubDate>Tue, 31 Dec 2024 10:00:00 +0000</pubDate><description>A link post</description></item>`,
);

const tmux = new TmuxServer(`bs-e2e-fedi-${process.pid}`);
const tempRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-e2e-fedi-'));
let server: TestServer;
let cli = '';
const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function startReader(name: string) {
  const home = path.join(tempRoot, name);
  fs.mkdirSync(home, { recursive: true });
  fs.writeFileSync(
    path.join(home, 'config.json'),
    JSON.stringify({ feeds: [{ url: `${server.base}/blog.rss` }, { url: `${server.base}/c/feeds.xml` }], fetch: { timeoutSeconds: 5 } }),
  );
  const command = `cd ${sh(ROOT)} && exec env -u CI -u NO_COLOR -u BROWSER BROADSHEET_HOME=${sh(home)} ${sh(process.execPath)} ${sh(cli)}`;
  return tmux.newSession(name, command, 120, 40);
}

beforeAll(async () => {
  if (!HAVE_TMUX) return;
  cli = snapshotBundle(tempRoot);
  server = await startServer({
    '/blog.rss': { type: 'application/rss+xml', body: BLOG },
    '/c/feeds.xml': { type: 'application/rss+xml', body: LEMMY },
    ...mastodonRoutes(),
    ...lemmyRoutes(),
  });
  tmux.run('new-session', '-d', '-s', 'keepalive', '-x', '80', '-y', '24', 'sleep 3600');
}, 120_000);

afterAll(async () => {
  if (HAVE_TMUX) tmux.kill();
  await server?.close();
  fs.rmSync(tempRoot, { recursive: true, force: true });
});

describe.skipIf(!HAVE_TMUX)('platform threads end to end (tmux)', () => {
  it(
    "c on a blog article shows its Mastodon thread, threaded; c on a Lemmy community's post shows its comment tree",
    async () => {
      const pane = startReader('fedi');
      try {
        // The start-up refresh fetches both loopback feeds into an empty cache.
        await pane.waitFor((s) => s.includes('Feeds are back, says the static') && s.includes('Feeds are back, on Lemmy'), {
          what: 'both articles',
          timeout: 15_000,
        });
        pane.keys('c');
        let screen = await pane.waitFor(/\d+ comments on Mastodon/, { what: 'the Mastodon thread', timeout: 10_000 });
        screen = await pane.waitFor('carol', { what: 'the replies' });
        const lines = screen.split('\n');
        const column = (name: string) => {
          const line = lines.find((l) => l.includes(name))!;
          return [...line.slice(0, line.indexOf(name))].length;
        };
        // bob replied to the post; carol to bob, one level in behind a rail; her words are behind a warning.
        expect(column('carol')).toBe(column('bob') + 2);
        expect(lines.findIndex((l) => l.includes('carol'))).toBeGreaterThan(lines.findIndex((l) => l.includes('bob')));
        expect(screen).toContain('3 more replies are on the server');
        expect(screen).toContain('CW: spoilers for the film [Space shows it]');
        expect(screen).not.toContain('The butler did it');
        pane.keys('j', 'Space');
        screen = await pane.waitFor('The butler did it', { what: 'the opened content warning' });

        // Back to the list, the next article (the Lemmy community's post), its comments.
        // h: the comments pane closes (the article is back), h again: the list has the keys.
        pane.keys('h');
        await pane.waitFor((s) => !/comments on Mastodon/.test(s) && s.includes('Readers are back in fashion'), { what: 'the article again' });
        pane.keys('h', 'j', 'c');
        screen = await pane.waitFor(/12 comments on Lemmy/, { what: 'the Lemmy thread', timeout: 10_000 });
        screen = await pane.waitFor('c3@other.example', { what: 'the comment tree' });
        const tree = screen.split('\n');
        const at = (name: string) => {
          const line = tree.find((l) => l.includes(name))!;
          return [...line.slice(0, line.indexOf(name))].length;
        };
        expect(at('c2 ')).toBe(at('op ') + 2);
        expect(at('c3@other.example')).toBe(at('c2 ') + 2);
        expect(screen).toContain('[deleted by its author]');
        expect(screen).toContain('raw html'); // Markdown rendered, its raw HTML shown as text
        pane.keys('Q');
      } finally {
        tmux.killSession('fedi');
      }
    },
    TEST_TIMEOUT,
  );
});
