/**
 * End-to-end (tmux, 120×40): the case of issue 13 as a user met it. A local feed of five articles whose
 * third title is Chinese: the reader's list must show all five rows, each within its pane. And in the
 * demo's twelve-comment thread, `C` with the cursor on the last thread must leave every thread on screen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import stringWidth from 'string-width';
import { snapshotBundle } from '../support/bundle.js';
import { TmuxServer, tmuxAvailable } from './tmux.js';

const HAVE_TMUX = tmuxAvailable();
const CHINESE = '中文标题：终端里的宽字符对齐测试，看看会不会错位';
const TITLES = ['First plain title', 'Second plain title', CHINESE, 'Fourth plain title', 'Fifth plain title'];

const server = new TmuxServer(`bs-wide-${process.pid}`);
const tempRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-wide-'));
let cli = '';

beforeAll(() => {
  cli = snapshotBundle(tempRoot);
  if (HAVE_TMUX) server.run('new-session', '-d', '-s', 'keepalive', '-x', '80', '-y', '24', 'sleep 3600');
}, 60_000);

afterAll(() => {
  if (HAVE_TMUX) server.kill();
  fs.rmSync(tempRoot, { recursive: true, force: true });
});

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function feedXml(): string {
  const items = TITLES.map(
    (title, i) =>
      `<item><title>${title}</title><link>http://example.org/${i + 1}</link><guid>${i + 1}</guid>` +
      `<pubDate>${new Date(Date.UTC(2026, 10, 30, 10 - i)).toUTCString()}</pubDate><description>Body ${i + 1}</description></item>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Wide</title><link>http://example.org/</link><description>d</description>${items.join('')}</channel></rss>`;
}

function start(name: string, config: object | null) {
  const home = path.join(tempRoot, name);
  fs.mkdirSync(home, { recursive: true });
  if (config) fs.writeFileSync(path.join(home, 'config.json'), JSON.stringify(config));
  const command = `env -u CI -u NO_COLOR BROADSHEET_HOME=${quote(home)} ${quote(process.execPath)} ${quote(cli)}`;
  return { pane: server.newSession(name, command, 120, 40), home };
}

describe.skipIf(!HAVE_TMUX)('wide characters in a real terminal (tmux)', () => {
  it('120×40: a Chinese title among plain ones, every row drawn within the list pane', async () => {
    const feed = path.join(tempRoot, 'wide.xml');
    fs.writeFileSync(feed, feedXml());
    const { pane } = start('wide', { feeds: [{ url: feed }] });
    const screen = await pane.waitFor((s) => s.includes('Fifth plain title') && s.includes('Refreshed'), { what: 'all five rows' });
    const lines = screen.replace(/\n$/, '').split('\n');
    for (const title of TITLES.filter((t) => t !== CHINESE)) expect(screen).toContain(title);
    const chinese = lines.find((l) => l.includes('中文标题'));
    expect(chinese, screen).toBeDefined();
    // The rule between the list and the article pane stays in the same column on every row.
    const ruleColumn = (line: string) => stringWidth(line.slice(0, line.search(/[│┃]/)));
    const rows = lines.slice(1, 6);
    expect(new Set(rows.map(ruleColumn)).size, screen).toBe(1);
    for (const line of lines) expect(stringWidth(line)).toBeLessThanOrEqual(120);
    server.killSession('wide');
  }, 30_000);

  it('C on the last thread of a twelve-comment discussion keeps every thread on screen', async () => {
    const { pane } = start('fold', null);
    await pane.waitFor('Refreshed 3 feeds', { what: 'the demo after its start-up refresh' });
    // The demo's "A short history of the feed" has twelve comments in its feed, in five threads. The
    // search reads the articles' text too, and the demo's other articles name this one: ask for a word
    // only its text holds.
    pane.type('/netscape');
    pane.keys('Enter');
    await pane.waitFor('1 match', { what: 'the article found' });
    pane.keys('c');
    await pane.waitFor('12 of 15 comments in the feed', { what: 'the twelve-comment discussion, and the fifteen its posts feed counts' });
    pane.keys('G');
    await pane.waitFor('Priya Raman', { what: 'the last comment' });
    pane.keys('C');
    const screen = await pane.waitFor('Arjun Mehta · 2w · [+] 1 reply hidden', { what: 'the last thread, folded' });
    // Folded, the five threads take a dozen lines: the first of them is on screen too, not scrolled off.
    expect(screen).toContain('Lotte Vermeulen');
    expect(screen).toContain('Sunniva Dahl');
    expect(screen).not.toContain('Priya Raman');
    server.killSession('fold');
  }, 30_000);
});
