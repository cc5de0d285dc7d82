/**
 * End to end in tmux: the settings' filters in the reader. The start-up refresh hides what a filter
 * hides and tags what one tags; `t` picks the filter's tag in the sidebar and its view lists the
 * tagged articles. A filter whose expression does not compile stops the reader before it draws
 * anything: exit 2, one line naming the filter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { snapshotBundle } from '../support/bundle.js';
import { TmuxServer, tmuxAvailable, waitUntil } from './tmux.js';

const HAVE_TMUX = tmuxAvailable();
const tmux = new TmuxServer(`bs-e2e-filters-${process.pid}`);
const tempRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-e2e-filters-'));
const FEED = pathToFileURL(path.resolve(import.meta.dirname, '../../feeds/hacker-digest.rss')).href;
let cli = '';
let sessions = 0;

const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The reader in a fresh home holding `settings`; its stderr and exit status land in files beside it. */
function startReader(settings: unknown) {
  const name = `fl${++sessions}`;
  const dir = path.join(tempRoot, name);
  const home = path.join(dir, 'home');
  fs.mkdirSync(home, { recursive: true });
  fs.writeFileSync(path.join(home, 'config.json'), JSON.stringify(settings));
  const script = path.join(dir, 'run.sh');
  fs.writeFileSync(
    script,
    [
      '#!/bin/sh',
      `env -u CI -u NO_COLOR -u FORCE_COLOR -u BROWSER BROADSHEET_HOME=${shq(home)} ${shq(process.execPath)} ${shq(cli)} 2> ${shq(path.join(dir, 'stderr'))}`,
      `echo $? > ${shq(path.join(dir, 'rc.tmp'))}; mv ${shq(path.join(dir, 'rc.tmp'))} ${shq(path.join(dir, 'rc'))}`,
      'exec sleep 600',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  const pane = tmux.newSession(name, `sh ${shq(script)}`, 120, 40);
  const exited = () => waitUntil(() => fs.existsSync(path.join(dir, 'rc')) && Number(fs.readFileSync(path.join(dir, 'rc'), 'utf8')), 'the reader to exit');
  return { pane, home, exited, stderr: () => fs.readFileSync(path.join(dir, 'stderr'), 'utf8') };
}

beforeAll(() => {
  if (!HAVE_TMUX) return;
  cli = snapshotBundle(tempRoot);
  tmux.run('new-session', '-d', '-s', 'keepalive', '-x', '80', '-y', '24', 'sleep 3600');
}, 120_000);

afterAll(() => {
  if (HAVE_TMUX) tmux.kill();
  fs.rmSync(tempRoot, { recursive: true, force: true });
});

describe.skipIf(!HAVE_TMUX)('filters in the reader (tmux)', () => {
  it('hides and tags as the start-up refresh stores, and t finds the tag a filter gave', async () => {
    const reader = startReader({
      feeds: [{ url: FEED }],
      filters: [
        { match: { title: '^opml' }, action: 'hide' },
        { match: { title: 'terminal' }, action: 'tag:terminals' },
      ],
    });
    const { pane } = reader;
    let screen = await pane.waitFor('Refreshed 1 feed', { timeout: 15_000 });
    // Seven items in the feed, one hidden: six listed, six unread.
    expect(screen).toMatch(/Broadsheet — All articles\s+6 unread/);
    expect(screen).toContain('Plain-text email is still the best');
    expect(screen).not.toContain('OPML is older than most of the feeds');

    pane.keys('t');
    screen = await pane.waitFor('#terminals', { timeout: 5000 });
    pane.keys('Enter');
    screen = await pane.waitFor(/Broadsheet — #terminals/, { timeout: 5000 });
    for (const title of ['Your terminal will happily run', 'Eighty columns: how a punched card', 'I built a pager that reflows'])
      expect(screen).toContain(title);
    expect(screen).not.toContain('Plain-text email is still the best');
    pane.keys('Q');
    expect(await reader.exited()).toBe(0);
  }, 60_000);

  it('stops with exit 2 and one line naming the filter when its expression does not compile', async () => {
    const reader = startReader({
      feeds: [{ url: FEED }],
      filters: [
        { match: { title: 'ok' }, action: 'read' },
        { match: { feed: '(' }, action: 'hide' },
      ],
    });
    expect(await reader.exited()).toBe(2);
    expect(reader.stderr()).toBe(
      `broadsheet: ${path.join(reader.home, 'config.json')}: filters[1].match.feed: invalid regular expression: /(/i: Unterminated group\n`,
    );
    expect(reader.pane.capture()).not.toContain('Broadsheet —');
  }, 30_000);
});
