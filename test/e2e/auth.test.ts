/**
 * End to end in tmux: the reader with feeds that want a password on a loopback server, one with its
 * user and password in the URL, one with a password command, one with a wrong password. The start-up
 * refresh shows the first two feeds' articles and the third one's failure as one line; no password is
 * ever on the screen, the sidebar's feed list included.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { snapshotBundle } from '../support/bundle.js';
import { startPageServer, type PageServer } from '../support/page-server.js';
import { TmuxServer, tmuxAvailable } from './tmux.js';

const HAVE_TMUX = tmuxAvailable();
const tmux = new TmuxServer(`bs-e2e-auth-${process.pid}`);
const tempRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-e2e-auth-'));
const home = path.join(tempRoot, 'home');
const SECRETS = ['Url-Secret-7', 'Command-Secret-8', 'Wrong-Secret-9'];
let cli = '';
let server: PageServer | undefined;

const basic = (password: string) => `Basic ${Buffer.from(`alice:${password}`).toString('base64')}`;
const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function feed(title: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>${title}</title><link>https://example.org/</link><item><title>${title} members' story</title><link>https://example.org/${title}/1</link><guid>${title}-1</guid><pubDate>Tue, 01 Dec 2026 10:00:00 GMT</pubDate><description>For members.</description></item></channel></rss>`;
}

beforeAll(async () => {
  if (!HAVE_TMUX) return;
  cli = snapshotBundle(tempRoot);
  server = await startPageServer({});
  const guarded = (password: string, title: string) => (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
    if (req.headers.authorization !== basic(password)) return void res.writeHead(401, { 'www-authenticate': 'Basic realm="members"' }).end();
    res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(feed(title));
  };
  server.route('/url.xml', guarded('Url-Secret-7', 'Harbour'));
  server.route('/command.xml', guarded('Command-Secret-8', 'Lighthouse'));
  server.route('/wrong.xml', guarded('the-right-one', 'Never'));
  const host = new URL(server.base).host;
  fs.mkdirSync(home, { recursive: true });
  const command = `${shq(process.execPath)} -e 'console.log("Command-Secret-8")'`;
  fs.writeFileSync(
    path.join(home, 'config.json'),
    JSON.stringify({
      feeds: [
        { url: `http://alice:Url-Secret-7@${host}/url.xml` },
        { url: `${server.base}/command.xml`, auth: { user: 'alice', passwordCommand: command } },
        { url: `http://alice:Wrong-Secret-9@${host}/wrong.xml` },
      ],
      refreshOnStart: true,
    }),
  );
  tmux.run('new-session', '-d', '-s', 'keepalive', '-x', '80', '-y', '24', 'sleep 3600');
}, 60_000);

afterAll(async () => {
  if (HAVE_TMUX) tmux.kill();
  await server?.close();
  fs.rmSync(tempRoot, { recursive: true, force: true });
});

describe.skipIf(!HAVE_TMUX)('feeds that want a password, end to end (tmux)', () => {
  it('shows what the logins let through, one line for the wrong password, and no password anywhere', async () => {
    const script = path.join(tempRoot, 'run.sh');
    fs.writeFileSync(
      script,
      `#!/bin/sh\nexec env -u CI -u NO_COLOR -u FORCE_COLOR -u BROWSER BROADSHEET_HOME=${shq(home)} ${shq(process.execPath)} ${shq(cli)}\n`,
      { mode: 0o755 },
    );
    const pane = tmux.newSession('auth', `sh ${shq(script)}`, 160, 30);
    const screen = await pane.waitFor(/Refreshed 3 feeds: 2 updated/, { timeout: 20_000 });
    expect(screen).toContain("Harbour members' story");
    expect(screen).toContain("Lighthouse members' story");
    expect(screen).toContain(`${server!.base}/wrong.xml: wrong user or password (HTTP 401)`);
    pane.keys('f');
    // The sidebar lists every feed, the one that failed too, by title or else by its bare URL.
    const sidebar = await pane.waitFor((s) => /[│┃]/.test(s), { timeout: 5000, what: 'the sidebar' });
    if (process.env.SHOW_SCREEN) console.log(`${screen}\n${sidebar}`);
    expect(sidebar).toMatch(/!\s+http:\/\/127\.0\.0\.1:/);
    for (const secret of [...SECRETS, 'alice:']) {
      expect(screen).not.toContain(secret);
      expect(sidebar).not.toContain(secret);
    }
    pane.keys('Q');
    tmux.killSession(pane.session);
  }, 60_000);
});
