/**
 * End-to-end in tmux: `y` puts the link into tmux's paste buffer through OSC 52 (with tmux's own
 * `set-clipboard on`), mouse reports typed into the pane scroll and select, `"mouse": false` leaves
 * mouse reporting off, and every exit path (q, Q, Ctrl-C, SIGTERM, SIGHUP, a crash) leaves the pane
 * with mouse reporting and the alternate screen off.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { snapshotBundle } from '../support/bundle.js';
import { TmuxServer, tmuxAvailable, waitUntil, type Pane } from './tmux.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const HAVE_TMUX = tmuxAvailable();
const TEST_TIMEOUT = 40_000;
/** Start-up on two cores shared with other work can take several seconds. */
const START_TIMEOUT = 20_000;
/** The first demo article (hacker-digest.rss) and its link. */
const FIRST = 'OPML is older than most of the fe';
const FIRST_LINK = 'https://outliner.invalid/opml-still-here';

const server = new TmuxServer(`bs-e2e-mouse-${process.pid}`);
const tempRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-e2e-mouse-'));
let CLI = '';
let sessions = 0;

const shQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

interface Reader {
  pane: Pane;
  pid: () => Promise<number>;
  exited: () => Promise<number>;
}

/** The reader in a fresh session and home; the launcher records its pid and exit status, then idles. */
function launch(options: { env?: Record<string, string>; config?: object } = {}): Reader {
  const name = `m${++sessions}`;
  const dir = path.join(tempRoot, name);
  const home = path.join(dir, 'home');
  fs.mkdirSync(home, { recursive: true });
  if (options.config) fs.writeFileSync(path.join(home, 'config.json'), JSON.stringify(options.config));
  const env = Object.entries({ BROADSHEET_HOME: home, ...options.env })
    .map(([k, v]) => `${k}=${shQuote(v)}`)
    .join(' ');
  const file = (f: string) => path.join(dir, f);
  const script = [
    '#!/bin/sh',
    `cd ${shQuote(ROOT)}`,
    `sh -c 'echo $$ > "$0"; shift; exec "$@"' ${shQuote(file('pid'))} x env -u CI -u NO_COLOR -u BROWSER ${env} ${shQuote(process.execPath)} ${shQuote(CLI)}`,
    `echo $? > ${shQuote(file('rc.tmp'))}`,
    `mv ${shQuote(file('rc.tmp'))} ${shQuote(file('rc'))}`,
    'exec sleep 600',
    '',
  ].join('\n');
  fs.writeFileSync(file('run.sh'), script, { mode: 0o755 });
  const pane = server.newSession(name, `sh ${shQuote(file('run.sh'))}`, 120, 40);
  const read = (f: string) => (fs.existsSync(file(f)) ? fs.readFileSync(file(f), 'utf8').trim() : '');
  return {
    pane,
    pid: () => waitUntil(() => Number(read('pid')) || undefined, 'the reader pid'),
    exited: () =>
      waitUntil(
        () => (read('rc') === '' ? undefined : Number(read('rc'))),
        'the reader to exit',
        () => pane.capture(),
        START_TIMEOUT,
      ),
  };
}

/** The list is drawn and the start-up refresh has reported. */
const ready = (reader: Reader) =>
  reader.pane.waitFor((s) => s.includes(FIRST) && s.includes('Refreshed'), { what: 'the list after the start-up refresh', timeout: START_TIMEOUT });

const flags = (pane: Pane) => pane.display('alt=#{alternate_on} mouse=#{mouse_any_flag} standard=#{mouse_standard_flag} sgr=#{mouse_sgr_flag}');
const OFF = 'alt=0 mouse=0 standard=0 sgr=0';
const ON = 'alt=1 mouse=1 standard=1 sgr=1';

/** Bytes typed into the pane as they are: an SGR mouse report, as a terminal would send it. */
function sendMouse(pane: Pane, button: number, column: number, row: number, release = false) {
  const bytes = Buffer.from(`\x1b[<${button};${column};${row}${release ? 'm' : 'M'}`);
  pane.server.run('send-keys', '-t', pane.target, '-H', ...[...bytes].map((b) => b.toString(16).padStart(2, '0')));
}

/** Index (0 = first list row) of the row drawn in inverse video (the cursor). */
const selectedRow = (escScreen: string) =>
  escScreen
    .split('\n')
    .slice(1)
    .findIndex((line) => /\x1b\[(?:[0-9;]*;)?7(?:;[0-9;]*)?m/.test(line));

beforeAll(() => {
  CLI = snapshotBundle(tempRoot);
  if (!HAVE_TMUX) return;
  // An idle session keeps the server up between tests; set-clipboard on lets applications set tmux's buffer.
  server.run('new-session', '-d', '-s', 'keepalive', '-x', '80', '-y', '24', 'sleep 3600');
  server.run('set-option', '-s', 'set-clipboard', 'on');
}, 120_000);

afterAll(() => {
  if (HAVE_TMUX) server.kill();
  fs.rmSync(tempRoot, { recursive: true, force: true });
});

if (!HAVE_TMUX) console.warn('test/e2e/clipboard-mouse.test.ts: tmux is not installed; skipping.');

describe.skipIf(!HAVE_TMUX)('clipboard and mouse end to end (tmux)', () => {
  it(
    "y copies the article's link into tmux's paste buffer and the status line says so",
    async () => {
      const reader = launch();
      await ready(reader);
      expect(() => server.run('show-buffer')).toThrow();
      reader.pane.keys('y');
      await reader.pane.waitFor(`Copied to the clipboard: ${FIRST_LINK}`);
      expect(
        await waitUntil(
          () => server.run('show-buffer') === FIRST_LINK,
          'the paste buffer',
          () => server.run('list-buffers'),
        ),
      ).toBe(true);
      // The copy drew nothing: the list is intact.
      expect(reader.pane.capture()).toContain(FIRST);
      reader.pane.keys('q');
      expect(await reader.exited()).toBe(0);
    },
    TEST_TIMEOUT,
  );

  it(
    'a click selects the row under the pointer and the wheel moves through the list; no report is read as keys',
    async () => {
      const reader = launch();
      await ready(reader);
      expect(flags(reader.pane)).toBe(ON);
      const selected = (row: number) => reader.pane.waitFor((s) => selectedRow(s) === row, { escapes: true, what: `cursor on row ${row}` });
      await selected(0);
      // Row 1 is the header: the fourth list row is on terminal row 5.
      sendMouse(reader.pane, 0, 10, 5);
      sendMouse(reader.pane, 0, 10, 5, true);
      await selected(3);
      sendMouse(reader.pane, 65, 10, 5);
      await selected(6);
      sendMouse(reader.pane, 64, 10, 5);
      await selected(3);
      // Right-button and wheel-up reports carry digits and `[`: none of them acted as a key.
      sendMouse(reader.pane, 2, 10, 7);
      reader.pane.keys('j');
      await selected(4);
      expect(reader.pane.capture()).not.toMatch(/No link|Link \d/);
      reader.pane.keys('q');
      expect(await reader.exited()).toBe(0);
      expect(flags(reader.pane)).toBe(OFF);
    },
    TEST_TIMEOUT,
  );

  it(
    '"mouse": false leaves mouse reporting off',
    async () => {
      const reader = launch({ config: { feeds: [{ url: path.join(ROOT, 'feeds/hacker-digest.rss') }], mouse: false } });
      await ready(reader);
      expect(flags(reader.pane)).toBe('alt=1 mouse=0 standard=0 sgr=0');
      reader.pane.keys('q');
      expect(await reader.exited()).toBe(0);
      expect(flags(reader.pane)).toBe(OFF);
    },
    TEST_TIMEOUT,
  );

  const exits: [string, (r: Reader) => Promise<void>, number[]][] = [
    ['q', async (r) => r.pane.keys('q'), [0]],
    ['Q', async (r) => r.pane.keys('Q'), [0]],
    ['Ctrl-C', async (r) => r.pane.keys('C-c'), [0, 130]],
    ['SIGTERM', async (r) => void process.kill(await r.pid(), 'SIGTERM'), [143]],
    ['SIGHUP', async (r) => void process.kill(await r.pid(), 'SIGHUP'), [129]],
  ];
  for (const [how, quit, statuses] of exits) {
    it(
      `${how}: mouse reporting and the alternate screen are off afterwards`,
      async () => {
        const reader = launch();
        await ready(reader);
        expect(flags(reader.pane)).toBe(ON);
        await quit(reader);
        expect(statuses).toContain(await reader.exited());
        expect(flags(reader.pane)).toBe(OFF);
      },
      TEST_TIMEOUT,
    );
  }

  it(
    'a crash: mouse reporting and the alternate screen are off afterwards',
    async () => {
      const reader = launch({ env: { BROADSHEET_CRASH_AFTER_MS: '3000' } });
      await waitUntil(
        () => flags(reader.pane) === ON,
        'mouse reporting on',
        () => flags(reader.pane),
        START_TIMEOUT,
      );
      expect(await reader.exited()).toBe(70);
      expect(flags(reader.pane)).toBe(OFF);
      expect(reader.pane.capture()).toContain('deliberate crash');
    },
    TEST_TIMEOUT,
  );
});
