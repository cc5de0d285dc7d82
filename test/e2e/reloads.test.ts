/**
 * End to end in tmux: background reloads. One feed on a loopback server and `reloadMinutes: 0.05`
 * (3 s). The user opens the second article; then the feed gains an article and the next background
 * reload brings it: it appears in the list, the unread count goes up, the status line says what the
 * reload brought and when the next is due, and the open article and the cursor stay where they were.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { snapshotBundle } from '../support/bundle.js';
import { startPageServer, type PageServer } from '../support/page-server.js';
import { TmuxServer, tmuxAvailable } from './tmux.js';

const HAVE_TMUX = tmuxAvailable();
const tmux = new TmuxServer(`bs-e2e-reloads-${process.pid}`);
const tempRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-e2e-reloads-'));
const home = path.join(tempRoot, 'home');
let cli = '';
let server: PageServer | undefined;
/** Set by the test: from then on the feed has one more article. */
let gained = false;

const TITLES = ['Harbour opens at dawn', 'Lighthouse keeper retires', 'Ferry timetable changes'];
const NEW_TITLE = 'Storm warning for the bay';
const KEEPER_TEXT = 'forty years of lamps and logbooks';

function feed(base: string, withNew: boolean): string {
  const item = (title: string, day: number, body: string) =>
    `<item><title>${title}</title><link>${base}/news/${day}/</link><guid>bay-${day}</guid>` +
    `<pubDate>${new Date(Date.UTC(2026, 10, day, 9)).toUTCString()}</pubDate><description>&lt;p&gt;${body}&lt;/p&gt;</description></item>`;
  // The new article is older than the open one, so it lands below the cursor, in sight.
  const items = [
    item(TITLES[0]!, 20, 'The harbour opens early this week.'),
    item(TITLES[1]!, 19, `After ${KEEPER_TEXT}, the keeper retires.`),
    item(TITLES[2]!, 18, 'The winter timetable starts on Monday.'),
    ...(withNew ? [item(NEW_TITLE, 17, 'Gales are expected from the west.')] : []),
  ];
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Bay News</title><link>${base}/</link>${items.join('')}</channel></rss>`;
}

const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const header = (screen: string) => screen.split('\n')[0] ?? '';
const unreadOf = (screen: string) => Number(/(\d+) unread/.exec(header(screen))?.[1] ?? NaN);
const statusLine = (screen: string) => screen.replace(/\n+$/, '').split('\n').pop() ?? '';
const bodyLines = (screen: string) => screen.replace(/\n+$/, '').split('\n').slice(1, -1);
const listRows = (screen: string) =>
  bodyLines(screen)
    .map((line) => line.split(/[│┃]/)[0]!.trim())
    .filter(Boolean);
const articleText = (screen: string) =>
  bodyLines(screen)
    .map((line) => line.split(/[│┃]/).slice(1).join(' '))
    .join(' ')
    .replace(/\s+/g, ' ');
/** The list row drawn in inverse video (the cursor), from capture-pane -e, as plain text. */
function cursorRow(escScreen: string): string {
  const line = escScreen
    .split('\n')
    .slice(1)
    .find((l) => /\x1b\[(?:[0-9;]*;)?7(?:;[0-9;]*)?m/.test(l.split(/[│┃]/)[0]!));
  return (line ?? '')
    .split(/[│┃]/)[0]!
    .replace(/\x1b\[[0-9;]*m/g, '')
    .trim();
}

beforeAll(async () => {
  if (!HAVE_TMUX) return;
  cli = snapshotBundle(tempRoot);
  server = await startPageServer({});
  server.route('/feed.xml', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(feed(server!.base, gained));
  });
  fs.mkdirSync(home, { recursive: true });
  fs.writeFileSync(
    path.join(home, 'config.json'),
    JSON.stringify({ feeds: [{ url: `${server.base}/feed.xml` }], refreshOnStart: true, reloadMinutes: 0.05, discussions: { lookup: [] } }),
  );
  tmux.run('new-session', '-d', '-s', 'keepalive', '-x', '80', '-y', '24', 'sleep 3600');
}, 60_000);

afterAll(async () => {
  if (HAVE_TMUX) tmux.kill();
  await server?.close();
  fs.rmSync(tempRoot, { recursive: true, force: true });
});

describe.skipIf(!HAVE_TMUX)('background reloads end to end (tmux)', () => {
  it('brings a new article while the user reads another: the cursor and the open article stay, the count changes', async () => {
    const script = path.join(tempRoot, 'run.sh');
    fs.writeFileSync(
      script,
      `#!/bin/sh\nexec env -u CI -u NO_COLOR -u FORCE_COLOR -u BROWSER BROADSHEET_HOME=${shq(home)} ${shq(process.execPath)} ${shq(cli)}\n`,
      { mode: 0o755 },
    );
    const pane = tmux.newSession('reloads', `sh ${shq(script)}`, 120, 40);
    await pane.waitFor((s) => s.includes('Refreshed 1 feed') && s.includes(TITLES[2]!), { timeout: 15_000, what: 'the start-up refresh' });
    expect(unreadOf(pane.capture())).toBe(3);

    // Open the second article (it is marked read), then let a reload that brings nothing pass.
    pane.keys('j', 'Enter');
    await pane.waitFor((s) => articleText(s).includes(KEEPER_TEXT) && unreadOf(s) === 2, { what: 'the second article open' });
    let screen = await pane.waitFor((s) => /next reload \d\d:\d\d · last: nothing new/.test(statusLine(s)), {
      timeout: 10_000,
      what: 'a reload with nothing new',
    });
    expect(listRows(screen).some((r) => r.includes(NEW_TITLE))).toBe(false);
    const hitsBefore = server!.hits('/feed.xml');
    expect(hitsBefore).toBeGreaterThanOrEqual(2);

    // The feed gains an article; the next background reload brings it.
    gained = true;
    // (The list is redrawn when the rows land, the note a moment later, when the reload is done.)
    screen = await pane.waitFor((s) => listRows(s).some((r) => r.includes(NEW_TITLE)) && /last: 1 new/.test(statusLine(s)), {
      timeout: 10_000,
      what: 'the new article in the list and the reload’s note',
    });
    if (process.env.SHOW_SCREEN) console.log(screen);
    expect(unreadOf(screen)).toBe(3);
    expect(statusLine(screen)).toMatch(/next reload \d\d:\d\d · last: 1 new in 1 feed/);
    // The open article and the cursor did not move.
    expect(articleText(screen)).toContain(KEEPER_TEXT);
    expect(cursorRow(pane.capture(true))).toContain(TITLES[1]!);
    expect(listRows(screen)[1]).toContain(TITLES[1]!);
    expect(server!.hits('/feed.xml')).toBeGreaterThan(hitsBefore);

    pane.keys('Q');
    tmux.killSession(pane.session);
  }, 60_000);
});
