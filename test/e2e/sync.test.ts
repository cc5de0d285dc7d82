/**
 * End-to-end: the built reader in tmux with `sync` in its settings, against the real Tiny Tiny RSS of
 * test/support/ttrss.ts: it syncs at start, a star made in the reader reaches the server on `R`, and a
 * read made on the server meanwhile shows after it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI } from '../support/run-cli.js';
import { createUser, skipReason, syncHome, TestApi, writeFeed } from '../support/ttrss.js';
import { TmuxServer, tmuxAvailable } from './tmux.js';

const skip = (await skipReason()) ?? (tmuxAvailable() ? null : 'no tmux');
const tmux = new TmuxServer(`bs-e2e-sync-${process.pid}`);
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-e2e-sync-'));
afterAll(() => {
  tmux.kill();
  fs.rmSync(root, { recursive: true, force: true });
});
const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

describe.skipIf(skip !== null)('the reader syncing with Tiny Tiny RSS', () => {
  it('syncs at start, sends a star on R, and shows a read made on the server', async () => {
    const user = createUser();
    const api = new TestApi(user);
    const url = writeFeed(`${user.login}-reader`, 'Synced in the reader', [
      { guid: 'r1', title: 'Older synced article' },
      { guid: 'r2', title: 'Newest synced article' },
    ]);
    await api.subscribe(url);
    const home = syncHome(path.join(root, 'home'), user, { refreshOnStart: true, feeds: [{ url: 'https://not-fetched.example/feed' }] });
    const script = path.join(root, 'start.sh');
    fs.writeFileSync(script, `#!/bin/sh\nexec env -u CI -u NO_COLOR BROADSHEET_HOME=${shq(home)} ${shq(process.execPath)} ${shq(CLI)}\n`);
    const pane = tmux.newSession('sync', `sh ${shq(script)}`, 120, 30);
    await pane.waitFor('Newest synced article', { timeout: 20_000 });
    await pane.waitFor(/Synced with .*1 feed, 2 new articles/, { timeout: 20_000 });

    // The cursor is on the newest article: star it, then R sends the star before pulling.
    pane.keys('s');
    await pane.waitFor('★ Newest synced article', { timeout: 5000 });
    const headlines = await api.headlines();
    const older = [...headlines].find(([, h]) => h.title === 'Older synced article')![0];
    await api.call('updateArticle', { article_ids: String(older), field: 2, mode: 0 });
    pane.keys('R');
    await pane.waitFor(/Synced with .*1 mark sent/, { timeout: 20_000 });
    const after = [...(await api.headlines()).values()];
    expect(after.find((h) => h.title === 'Newest synced article')?.marked).toBe(true);
    await pane.waitFor((screen) => /1 unread/.test(screen.split('\n')[0] ?? ''), { timeout: 5000, what: 'the header counting 1 unread' });
    pane.keys('q');
  }, 60_000);
});
