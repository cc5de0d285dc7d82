/**
 * End to end in tmux: a summary-only feed with `fullText` on a loopback server. After the start-up
 * refresh the reader fetches its articles' pages in the background; the article shows the whole text;
 * with the server stopped (offline) it still does; F shows the feed's summary again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { snapshotBundle } from '../support/bundle.js';
import { startPageServer, type PageServer } from '../support/page-server.js';
import { TmuxServer, tmuxAvailable, type Pane } from './tmux.js';

const HAVE_TMUX = tmuxAvailable();
const tmux = new TmuxServer(`bs-e2e-fulltext-${process.pid}`);
const tempRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-e2e-fulltext-'));
const home = path.join(tempRoot, 'home');
let cli = '';
let server: PageServer | undefined;
let sessions = 0;

const SUMMARY = 'Only the opening lines of the story are in the feed.';
const WHOLE = [
  'The tide came in faster than anyone on the causeway expected that evening.',
  'By the time the last car reached the island the water was over the road, and the ferryman had gone home.',
  'The third paragraph is the one a summary never reaches: it says the causeway will be raised next spring.',
];

function feed(base: string): string {
  const item = (n: number) =>
    `<item><title>Causeway story ${n}</title><link>${base}/news/${n}/</link><guid>causeway-${n}</guid>` +
    `<pubDate>Tue, 0${n} Dec 2026 10:00:00 GMT</pubDate><description>&lt;p&gt;${SUMMARY}&lt;/p&gt;</description></item>`;
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Island News</title><link>${base}/</link>${item(1)}${item(2)}</channel></rss>`;
}

function page(n: number): string {
  const paragraphs = WHOLE.map((p) => `<p>${p} ${'The island council met again to discuss it. '.repeat(3)}</p>`).join('');
  return (
    `<!doctype html><html><head><title>Causeway story ${n}</title></head><body><nav><a href="/">Home</a> <a href="/weather/">Weather</a></nav>` +
    `<article><h1>Causeway story ${n}</h1>${paragraphs}</article><footer>Island News, all rights reserved</footer></body></html>`
  );
}

const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function startReader(): Pane {
  const name = `ft${++sessions}`;
  const script = path.join(tempRoot, `${name}.sh`);
  fs.writeFileSync(
    script,
    `#!/bin/sh\nexec env -u CI -u NO_COLOR -u FORCE_COLOR -u BROWSER BROADSHEET_HOME=${shq(home)} ${shq(process.execPath)} ${shq(cli)}\n`,
    { mode: 0o755 },
  );
  return tmux.newSession(name, `sh ${shq(script)}`, 120, 40);
}

/** The article pane: right of the list's rule, one line per screen row. */
const articleText = (screen: string) =>
  screen
    .split('\n')
    .map((line) => line.split(/[│┃]/).slice(1).join(' '))
    .join(' ')
    .replace(/\s+/g, ' ');

beforeAll(async () => {
  if (!HAVE_TMUX) return;
  cli = snapshotBundle(tempRoot);
  server = await startPageServer({});
  server.route('/feed.xml', { headers: { 'content-type': 'application/rss+xml' }, body: feed(server.base) });
  server.route('/news/1/', { body: page(1) });
  server.route('/news/2/', { body: page(2) });
  fs.mkdirSync(home, { recursive: true });
  fs.writeFileSync(path.join(home, 'config.json'), JSON.stringify({ feeds: [{ url: `${server.base}/feed.xml`, fullText: true }], refreshOnStart: true }));
  tmux.run('new-session', '-d', '-s', 'keepalive', '-x', '80', '-y', '24', 'sleep 3600');
}, 60_000);

afterAll(async () => {
  if (HAVE_TMUX) tmux.kill();
  await server?.close();
  fs.rmSync(tempRoot, { recursive: true, force: true });
});

describe.skipIf(!HAVE_TMUX)('full text end to end (tmux)', () => {
  it("fetches a fullText feed's pages in the background, shows the whole text, offline too, and F shows the summary", async () => {
    let pane = startReader();
    await pane.waitFor('Full text: 2 articles saved for reading offline', { timeout: 15_000 });
    expect(server!.hits('/news/1/')).toBe(1);
    expect(server!.hits('/news/2/')).toBe(1);
    pane.keys('Enter');
    let screen = await pane.waitFor((s) => articleText(s).includes(WHOLE[2]!), { timeout: 5000, what: 'the whole article' });
    expect(articleText(screen)).toContain('Full text from the page');
    expect(articleText(screen)).not.toContain(SUMMARY);
    if (process.env.SHOW_SCREEN) console.log(screen);
    expect(articleText(screen)).not.toContain('all rights reserved');
    pane.keys('Q');
    await pane.waitFor((s) => !s.includes('Island News'), { timeout: 5000, what: 'the reader to quit' }).catch(() => undefined);
    tmux.killSession(pane.session);

    // Offline: the server is gone; the start-up refresh fails, the cached full text stays.
    await server!.close();
    server = undefined;
    pane = startReader();
    await pane.waitFor(/Refreshed 1 feed: 0 updated, 0 unchanged, 1 failed/, { timeout: 15_000 });
    pane.keys('Enter');
    screen = await pane.waitFor((s) => articleText(s).includes(WHOLE[2]!), { timeout: 5000, what: 'the whole article, offline' });
    expect(articleText(screen)).toContain('Full text from the page');

    pane.keys('F');
    screen = await pane.waitFor((s) => articleText(s).includes(SUMMARY), { timeout: 5000, what: "the feed's summary" });
    expect(articleText(screen)).toContain("The feed's summary — F shows the full text from the page");
    expect(articleText(screen)).not.toContain(WHOLE[2]!);
    if (process.env.SHOW_SCREEN) console.log(screen);
    pane.keys('F');
    await pane.waitFor((s) => articleText(s).includes(WHOLE[2]!), { timeout: 5000, what: 'the whole article again' });
    pane.keys('Q');
    tmux.killSession(pane.session);
  }, 60_000);
});
