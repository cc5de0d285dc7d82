/**
 * End-to-end: the built reader (.build/cli.mjs) in a real terminal (tmux), driven as a new user
 * would drive it on the bundled demo feeds. Every assertion polls the screen (capture-pane) until
 * the expected text appears; nothing waits a fixed time.
 *
 * Each test starts the reader in its own tmux session through a small launcher script that
 * records the terminal mode before and after (stty -a), the reader's pid and its exit status, so
 * the exit-path tests can check that the terminal was given back in a usable state.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { snapshotBundle } from '../support/bundle.js';
import { TmuxServer, tmuxAvailable, waitUntil, type Pane } from './tmux.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The bundle as built (npm test builds it first); the tests run a private copy of it, see snapshotBundle. */
const BUILT_CLI = path.join(ROOT, '.build/cli.mjs');
let CLI = BUILT_CLI;
const HAVE_TMUX = tmuxAvailable();
const TEST_TIMEOUT = 25_000;

/** The demo edition: 18 articles, all unread on a fresh start, newest first. */
const DEMO_COUNT = 18;
const FIRST = 'OPML is older than most of the fe'; // truncated in the 120-column list
const THIRD = 'A reader that reads the replies';
const THIRD_LINK = 'https://demo.broadsheet.invalid/blog/a-reader-that-reads-the-replies/';
const THIRD_LINK_1 = 'https://demo.broadsheet.invalid/blog/a-short-history-of-the-feed/';
const SEVERAL_TITLES = [FIRST, THIRD, 'A cron job for the morning paper', 'Distributing type', 'Notes from the paper fair'];

// ------------------------------------------------------------------ screen helpers

const RULE = /[│┃]/;

/** The header: the first line. */
const header = (screen: string) => screen.split('\n')[0] ?? '';

/** "N unread" from the header, or undefined. */
function unreadOf(screen: string): number | undefined {
  const m = /(\d+) unread/.exec(header(screen));
  return m ? Number(m[1]) : undefined;
}

/** The status bar: the last non-empty line of the screen. */
function statusLine(screen: string): string {
  const lines = screen.replace(/\n+$/, '').split('\n');
  return lines[lines.length - 1] ?? '';
}

/** Between the header and the status bar. */
function bodyLines(screen: string): string[] {
  const lines = screen.replace(/\n+$/, '').split('\n');
  return lines.slice(1, -1);
}

/** The list pane's text on each body line (left of the rule when split), non-empty rows only. */
function listRows(screen: string): string[] {
  return bodyLines(screen)
    .map((line) => line.split(RULE)[0]!.trim())
    .filter(Boolean);
}

/** The article pane's text (right of the rule). */
function articleText(screen: string): string {
  return bodyLines(screen)
    .map((line) => line.split(RULE).slice(1).join(' '))
    .join('\n');
}

/** Index (0 = first list row) of the row drawn in inverse video (the cursor), from capture-pane -e. */
function selectedRow(escScreen: string): number {
  const lines = escScreen.split('\n').slice(1);
  return lines.findIndex((line) => /\x1b\[(?:[0-9;]*;)?7(?:;[0-9;]*)?m/.test(line.split(RULE)[0]!));
}

/** SGR parameter lists that set a colour (30-39, 40-49, 90-97, 100-107, 38/48;…). */
function colourSgrs(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/\x1b\[([0-9;:]*)m/g)) {
    const params = m[1]!.split(/[;:]/).map(Number);
    // 39 and 49 restore the default colours (tmux writes them after every reset): not colour.
    if (params.some((p) => (p >= 30 && p <= 49 && p !== 39 && p !== 49) || (p >= 90 && p <= 97) || (p >= 100 && p <= 107))) found.push(JSON.stringify(m[0]));
  }
  return found;
}

/** A terminal mode from `stty -a`: is `flag` on (listed without '-')? */
function sttyFlag(stty: string, flag: string): 'on' | 'off' | 'absent' {
  const words = stty.split(/[\s;]+/);
  if (words.includes(flag)) return 'on';
  if (words.includes(`-${flag}`)) return 'off';
  return 'absent';
}

// ------------------------------------------------------------------ launching the reader

const server = new TmuxServer(`bs-e2e-${process.pid}`);
const tempRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-e2e-'));
let sessionCounter = 0;
let current: Reader | undefined;

interface Reader {
  pane: Pane;
  dir: string;
  home: string;
  /** The reader's pid (the launcher execs node in place of a shell that wrote its pid). */
  pid: () => Promise<number>;
  /** Resolves to the exit status once the reader has exited and `stty -a` ran after it. */
  exited: () => Promise<number>;
  sttyBefore: () => string;
  sttyAfter: () => string;
}

function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * Start the reader in a fresh tmux session with a fresh BROADSHEET_HOME, CI unset (Ink draws
 * nothing when CI is set), and `env` added. Resolves when the demo is on screen and the start-up
 * refresh of the local demo files has finished (so later keys are not raced by a list reload).
 */
async function startReader(options: { env?: Record<string, string>; width?: number; height?: number } = {}): Promise<Reader> {
  const name = `t${++sessionCounter}`;
  const dir = path.join(tempRoot, name);
  const home = path.join(dir, 'home');
  fs.mkdirSync(home, { recursive: true });
  const assignments = Object.entries({ BROADSHEET_HOME: home, ...options.env })
    .map(([k, v]) => `${k}=${shQuote(v)}`)
    .join(' ');
  const script = [
    '#!/bin/sh',
    `cd ${shQuote(ROOT)}`,
    `stty -a > ${shQuote(path.join(dir, 'stty-before'))}`,
    // The inner shell records its pid, then becomes the reader (exec keeps the pid).
    `sh -c 'echo $$ > "$0"; shift; exec "$@"' ${shQuote(path.join(dir, 'pid'))} x env -u CI -u NO_COLOR -u FORCE_COLOR -u BROWSER ${assignments} ${shQuote(process.execPath)} ${shQuote(CLI)}`,
    'status=$?',
    `stty -a > ${shQuote(path.join(dir, 'stty-after'))}`,
    `echo "$status" > ${shQuote(path.join(dir, 'rc.tmp'))}`,
    `mv ${shQuote(path.join(dir, 'rc.tmp'))} ${shQuote(path.join(dir, 'rc'))}`,
    'exec sleep 600',
    '',
  ].join('\n');
  const launcher = path.join(dir, 'run.sh');
  fs.writeFileSync(launcher, script, { mode: 0o755 });
  const pane = server.newSession(name, `sh ${shQuote(launcher)}`, options.width ?? 120, options.height ?? 40);
  const file = (f: string) => path.join(dir, f);
  const read = (f: string) => (fs.existsSync(file(f)) ? fs.readFileSync(file(f), 'utf8') : '');
  const reader: Reader = {
    pane,
    dir,
    home,
    pid: () =>
      waitUntil(() => {
        const n = Number(read('pid').trim());
        return Number.isInteger(n) && n > 0 ? n : undefined;
      }, 'the reader pid'),
    exited: () =>
      waitUntil(
        () => (fs.existsSync(file('rc')) ? Number(read('rc').trim()) : undefined),
        'the reader to exit',
        () => `--- last screen ---\n${pane.capture()}--- end ---`,
      ),
    sttyBefore: () => read('stty-before'),
    sttyAfter: () => read('stty-after'),
  };
  current = reader;
  await ready(reader);
  return reader;
}

/** The demo list is drawn and the start-up refresh has reported. */
async function ready(reader: Reader): Promise<string> {
  return reader.pane.waitFor((s) => /Broadsheet — All articles\s+\d+ unread/.test(header(s)) && s.includes(FIRST) && s.includes('Refreshed 3 feeds'), {
    what: 'the demo list after the start-up refresh',
  });
}

/** After the reader exited: main screen, cooked mode, visible cursor, the same terminal mode as before. */
function expectTerminalRestored(reader: Reader) {
  expect(reader.pane.display('#{alternate_on}'), 'alternate screen still on after exit').toBe('0');
  expect(reader.pane.display('#{cursor_flag}'), 'cursor still hidden after exit').toBe('1');
  const after = reader.sttyAfter();
  expect(after, 'stty -a after the reader exited').not.toBe('');
  expect(sttyFlag(after, 'icanon'), `icanon after exit:\n${after}`).toBe('on');
  expect(sttyFlag(after, 'echo'), `echo after exit:\n${after}`).toBe('on');
  expect(sttyFlag(after, 'isig'), `isig after exit:\n${after}`).toBe('on');
  // Whatever the mode was before the reader started, it is the same afterwards.
  expect(after).toBe(reader.sttyBefore());
  // The reader's frame was drawn on the alternate screen only: the main screen does not show it.
  expect(reader.pane.capture()).not.toContain('Broadsheet — All articles');
}

// ------------------------------------------------------------------ the bundle under test

beforeAll(() => {
  CLI = snapshotBundle(tempRoot);
}, 60_000);

afterAll(() => {
  if (HAVE_TMUX) server.kill();
  fs.rmSync(tempRoot, { recursive: true, force: true });
});

// ------------------------------------------------------------------ tests

if (!HAVE_TMUX) console.warn('test/e2e/reader.test.ts: tmux is not installed; skipping the terminal end-to-end tests (CI installs tmux).');

describe.skipIf(!HAVE_TMUX)(HAVE_TMUX ? 'reader end to end (tmux)' : 'reader end to end (skipped: tmux is not installed)', () => {
  beforeAll(() => {
    // One idle session for the whole file: without it the server exits with the last test
    // session, and the next test's new-session can race the dying server on the socket.
    server.run('new-session', '-d', '-s', 'keepalive', '-x', '80', '-y', '24', 'sleep 3600');
  });

  afterEach(() => {
    if (current) server.killSession(current.pane.session);
    current = undefined;
  });

  it(
    'starts on the demo: header, several titles, the unread count and a key hint',
    async () => {
      const { pane } = await startReader();
      const screen = pane.capture();
      expect(header(screen)).toMatch(/^ ?Broadsheet — All articles\s+18 unread/);
      for (const title of SEVERAL_TITLES) expect(screen).toContain(title);
      expect(listRows(screen)).toHaveLength(DEMO_COUNT);
      // Every demo article starts unread.
      expect(listRows(screen).every((row) => row.startsWith('●'))).toBe(true);
      // Until an article is open the list takes the whole width, feed column and all (issue 16).
      expect(screen).not.toMatch(RULE);
      expect(screen).toContain('Hacker Digest');
      expect(pane.display('#{alternate_on}')).toBe('1');
      // After the first key, the status bar shows the list's key hint.
      pane.keys('j');
      const hinted = await pane.waitFor((s) => statusLine(s).includes('Enter open'));
      expect(statusLine(hinted)).toContain('q quit');
    },
    TEST_TIMEOUT,
  );

  it(
    'moves the cursor with j/k (and g/G) and opens the row under it',
    async () => {
      const { pane } = await startReader();
      const selected = async (row: number) => pane.waitFor((s) => selectedRow(s) === row, { escapes: true, what: `cursor on row ${row}` });
      await selected(0);
      pane.keys('j');
      await selected(1);
      pane.keys('j');
      await selected(2);
      pane.keys('k');
      await selected(1);
      pane.keys('G');
      await selected(DEMO_COUNT - 1);
      pane.keys('g');
      await selected(0);
      pane.keys('j', 'j');
      await selected(2);
      pane.keys('Enter');
      const screen = await pane.waitFor((s) => articleText(s).includes(THIRD));
      expect(articleText(screen)).toContain('Broadsheet Dispatch');
    },
    TEST_TIMEOUT,
  );

  it(
    'Enter opens an article (title, body, one fewer unread) and h goes back to the list',
    async () => {
      const { pane } = await startReader();
      pane.keys('j', 'j', 'Enter');
      let open = await pane.waitFor((s) => articleText(s).includes('For a quarter of a century, feed readers'));
      expect(articleText(open)).toContain(THIRD);
      expect(articleText(open)).toContain('Marguerite Oyelaran');
      expect(unreadOf(open)).toBe(DEMO_COUNT - 1);
      // The opened row is no longer marked unread.
      expect(listRows(open)[2]).toMatch(/^A reader that reads the replies/);
      // The article has focus: its key hint is shown.
      expect(statusLine(open)).toContain('h back');
      // Scroll the title off the pane before going back.
      pane.keys('j', 'j', 'j', 'j', 'j', 'j');
      open = await pane.waitFor((s) => !articleText(s).includes(THIRD), { what: 'the title scrolled off' });

      pane.keys('h');
      const back = await pane.waitFor((s) => statusLine(s).includes('Enter open'));
      expect(unreadOf(back)).toBe(DEMO_COUNT - 1);
      // Back in the list: j moves the list cursor again (not the article), and the article pane follows
      // the cursor from its title, without marking the article read (issue 16: it kept the old one, titleless).
      pane.keys('j');
      await pane.waitFor((s) => selectedRow(s) === 3, { escapes: true, what: 'the list cursor on row 3 after h, j' });
      const preview = await pane.waitFor((s) => articleText(s).includes('Eighty columns'), { what: 'the article under the cursor' });
      expect(articleText(preview)).not.toContain(THIRD);
      expect(unreadOf(preview)).toBe(DEMO_COUNT - 1);
      // Esc from the list closes the article: the list takes the width again.
      pane.keys('Escape');
      await pane.waitFor((s) => !RULE.test(s), { what: 'the list alone after Esc' });
    },
    TEST_TIMEOUT,
  );

  it(
    'm toggles the row read and unread, and the unread count follows',
    async () => {
      const { pane } = await startReader();
      pane.keys('m');
      let screen = await pane.waitFor((s) => unreadOf(s) === DEMO_COUNT - 1, { what: `${DEMO_COUNT - 1} unread after m` });
      expect(listRows(screen)[0]).toMatch(/^OPML is older/);
      expect(listRows(screen)[1]).toMatch(/^●/);
      pane.keys('m');
      screen = await pane.waitFor((s) => unreadOf(s) === DEMO_COUNT, { what: `${DEMO_COUNT} unread after m again` });
      expect(listRows(screen)[0]).toMatch(/^● +OPML is older/);
    },
    TEST_TIMEOUT,
  );

  it(
    '/ searches titles and text: Enter shows only the matches',
    async () => {
      const { pane } = await startReader();
      pane.keys('/');
      await pane.waitFor((s) => statusLine(s).startsWith('/'), { what: 'the search prompt' });
      pane.type('column');
      await pane.waitFor((s) => statusLine(s).startsWith('/column'), { what: 'the typed query' });
      pane.keys('Enter');
      // Three titles say "column"; four more articles say it in their text only.
      const screen = await pane.waitFor((s) => header(s).includes('/column') && listRows(s).length === 7, { what: 'seven matches for "column"' });
      const rows = listRows(screen).join('\n');
      expect(rows).toContain('Eighty columns: how a punched car');
      expect(rows).toContain('The morning edition, in eighty co');
      expect(rows).toContain('Why newspapers have columns');
      expect(rows).toContain('Set in monospace');
      expect(rows).not.toContain('Distributing type');
      expect(statusLine(screen)).toContain('7 matches for "column"');
    },
    TEST_TIMEOUT,
  );

  it(
    'n in an article found by / moves to its next match, and the status says which',
    async () => {
      const { pane } = await startReader();
      pane.keys('/');
      await pane.waitFor((s) => statusLine(s).startsWith('/'), { what: 'the search prompt' });
      pane.type('column');
      pane.keys('Enter');
      await pane.waitFor((s) => listRows(s).length === 7, { what: 'seven matches for "column"' });
      pane.keys('Enter');
      await pane.waitFor((s) => RULE.test(s) && s.includes('Eighty columns'), { what: 'the first match open' });
      pane.keys('n');
      const moved = await pane.waitFor((s) => /Match \d+ of \d+ lines\.|The last matches are on screen\./.test(statusLine(s)), { what: 'the next match' });
      // Still the same article: n moved inside it, not to the next unread one.
      expect(header(moved)).toContain('/column');
      expect(moved).toContain('Eighty columns');
    },
    TEST_TIMEOUT,
  );

  it(
    '/ then Esc while typing cancels the search and keeps the whole list',
    async () => {
      const { pane } = await startReader();
      pane.keys('/');
      await pane.waitFor((s) => statusLine(s).startsWith('/'), { what: 'the search prompt' });
      pane.type('column');
      await pane.waitFor((s) => statusLine(s).startsWith('/column'), { what: 'the typed query' });
      pane.keys('Escape');
      const screen = await pane.waitFor((s) => !statusLine(s).startsWith('/'), { what: 'the prompt to close' });
      expect(header(screen)).not.toContain('/column');
      expect(listRows(screen)).toHaveLength(DEMO_COUNT);
    },
    TEST_TIMEOUT,
  );

  it(
    'Esc on a filtered list clears the search (as the status bar says)',
    async () => {
      const { pane } = await startReader();
      pane.keys('/');
      await pane.waitFor((s) => statusLine(s).startsWith('/'), { what: 'the search prompt' });
      pane.type('column');
      pane.keys('Enter');
      const filtered = await pane.waitFor((s) => listRows(s).length === 7, { what: 'seven matches for "column"' });
      expect(statusLine(filtered)).toContain('7 matches for "column". h clears.');
      pane.keys('Escape');
      const screen = await pane.waitFor((s) => listRows(s).length === DEMO_COUNT && !header(s).includes('/column'), {
        what: 'the whole list back after Esc',
      });
      expect(screen).toContain('Distributing type');
    },
    TEST_TIMEOUT,
  );

  it(
    'a narrow terminal shows one pane: the list, Enter the article full screen, h back; wide again splits',
    async () => {
      const { pane } = await startReader();
      pane.resize(80, 30);
      expect(pane.display('#{window_width}x#{window_height}')).toBe('80x30');
      const list = await pane.waitFor(
        (s) => !RULE.test(s) && /OPML is older than most of the feeds in it\s+Hacker Digest\s+1w/.test(s) && s.includes('Notes from the paper fair'),
        {
          what: 'the list alone at 80x30',
        },
      );
      // The narrow list has room for whole titles and the feed name.
      expect(list).toContain('OPML is older than most of the feeds in it');
      expect(list).toContain('Hacker Digest');
      // The frame fits the 30-row terminal: header on row 1, status bar above the last row.
      const lines = list.replace(/\n$/, '').split('\n');
      expect(lines.length).toBeLessThanOrEqual(30);
      expect(lines.every((l) => l.length <= 80)).toBe(true);

      pane.keys('j', 'j', 'Enter');
      const article = await pane.waitFor((s) => s.includes('For a quarter of a century') && !s.includes(FIRST), { what: 'the article full screen' });
      expect(article).toContain(THIRD);
      expect(article).not.toMatch(RULE);
      expect(article).not.toContain('Distributing type');

      pane.keys('h');
      const back = await pane.waitFor((s) => listRows(s).length === DEMO_COUNT && !s.includes('For a quarter of a century'), { what: 'the list after h' });
      expect(back).toContain('A cron job for the morning paper');

      // Wide again: the list takes the width until an article is opened, then the two sit side by side.
      pane.resize(120, 40);
      const wide = await pane.waitFor((s) => !RULE.test(s) && s.includes('OPML is older than most of the feeds in it'), { what: 'the list alone at 120x40' });
      expect(listRows(wide)).toHaveLength(DEMO_COUNT);
      expect(unreadOf(wide)).toBe(DEMO_COUNT - 1);
      pane.keys('Enter');
      await pane.waitFor((s) => RULE.test(s) && articleText(s).includes(THIRD), { what: 'list and article side by side at 120x40' });
    },
    TEST_TIMEOUT,
  );

  it(
    'o and 1 o open the article link and link 1 in $BROWSER, as one http(s) argument without a shell',
    async () => {
      const tmp = fs.mkdtempSync(path.join(tempRoot, 'browser-'));
      const record = path.join(tmp, 'argv');
      const browser = path.join(tmp, 'browser.sh');
      // Records the argument count, then each argument on its own line.
      fs.writeFileSync(
        browser,
        `#!/bin/sh\n{ printf '%s\\n' "$#"; printf '%s\\n' "$@"; } > ${shQuote(record)}.tmp\nmv ${shQuote(record)}.tmp ${shQuote(record)}\n`,
        { mode: 0o755 },
      );
      const recorded = async () => {
        const text = await waitUntil(() => (fs.existsSync(record) ? fs.readFileSync(record, 'utf8') : undefined), 'the browser script to run');
        fs.rmSync(record);
        const [count, ...args] = text.replace(/\n$/, '').split('\n');
        return { count: Number(count), args };
      };

      const { pane } = await startReader({ env: { BROWSER: browser } });
      pane.keys('j', 'j', 'Enter');
      await pane.waitFor((s) => articleText(s).includes('For a quarter of a century'));

      pane.keys('1', 'o');
      const first = await recorded();
      expect(first.count).toBe(1);
      expect(first.args).toEqual([THIRD_LINK_1]);
      expect(first.args[0]).toMatch(/^https?:\/\//);
      await pane.waitFor((s) => statusLine(s).includes(`Opened ${THIRD_LINK_1}`));

      pane.keys('o');
      const article = await recorded();
      expect(article.count).toBe(1);
      expect(article.args).toEqual([THIRD_LINK]);
      await pane.waitFor((s) => statusLine(s).includes(`Opened ${THIRD_LINK}`));

      // A link number the article does not have opens nothing and says so.
      pane.keys('9', 'o');
      await pane.waitFor((s) => statusLine(s).includes('No link 9'));
      expect(fs.existsSync(record)).toBe(false);
    },
    TEST_TIMEOUT,
  );

  it(
    '? shows the keys and any key closes the help',
    async () => {
      const { pane } = await startReader();
      pane.keys('?');
      const help = await pane.waitFor('key closes this');
      expect(help).toContain('toggle-read');
      expect(help).toContain('search titles');
      expect(help).not.toContain(FIRST);
      pane.keys('x');
      const closed = await pane.waitFor((s) => !s.includes('key closes this') && s.includes(FIRST));
      expect(header(closed)).toMatch(/Broadsheet — All articles\s+18 unread/);
      // The key that closed the help did nothing else: the cursor is still on the first row.
      expect(selectedRow(pane.capture(true))).toBe(0);
    },
    TEST_TIMEOUT,
  );

  it(
    '? on an 80x24 terminal lists the keys the status bar advertises',
    async () => {
      const { pane } = await startReader({ width: 80, height: 24 });
      pane.keys('j');
      const list = await pane.waitFor((s) => statusLine(s).includes('Enter open'));
      // The list's hint bar fits 80 columns and always ends with the ? hint (issue 16)...
      expect(statusLine(list).length).toBeLessThanOrEqual(80);
      expect(statusLine(list).trimEnd()).toMatch(/\? keys$/);
      expect(statusLine(list)).toContain('/ search');
      pane.keys('?');
      let help = await pane.waitFor('key closes this');
      // ...so the help must show them too, or let the user scroll to them (it says how).
      const wanted = ['search', 'toggle-comments', 'next-unread', 'quit', 'help'];
      let seen = help;
      for (let i = 0; i < 5 && /more: j\/k scroll/.test(help); i++) {
        pane.keys('Space');
        const before = help;
        help = await pane.waitFor((s) => s !== before);
        seen += help;
      }
      const missing = wanted.filter((action) => !new RegExp(`\\s${action}\\s`).test(seen));
      expect(missing, `help at 80x24 has no entry for these actions:\n${seen}`).toEqual([]);
    },
    TEST_TIMEOUT,
  );

  it(
    'q quits from the list: exit 0, main screen, cooked mode, cursor shown',
    async () => {
      const reader = await startReader();
      reader.pane.keys('q');
      expect(await reader.exited()).toBe(0);
      expectTerminalRestored(reader);
    },
    TEST_TIMEOUT,
  );

  it(
    'q in an open article goes back to the list first (narrow terminal)',
    async () => {
      const reader = await startReader({ width: 80, height: 30 });
      reader.pane.keys('Enter');
      await reader.pane.waitFor((s) => s.includes('On the quiet longevity') && !s.includes('Your terminal will happily'), { what: 'the article full screen' });
      reader.pane.keys('q');
      await reader.pane.waitFor((s) => listRows(s).length === DEMO_COUNT, { what: 'the list after q' });
      reader.pane.keys('q');
      expect(await reader.exited()).toBe(0);
      expectTerminalRestored(reader);
    },
    TEST_TIMEOUT,
  );

  it(
    'Ctrl-C quits at once and restores the terminal',
    async () => {
      const reader = await startReader();
      reader.pane.keys('j', 'Enter');
      await reader.pane.waitFor((s) => statusLine(s).includes('h back'));
      reader.pane.keys('C-c');
      const status = await reader.exited();
      // Quitting with Ctrl-C is a normal way out of the reader (0); 130 would also be conventional.
      expect([0, 130]).toContain(status);
      expectTerminalRestored(reader);
    },
    TEST_TIMEOUT,
  );

  it(
    'Ctrl-C quits even while the search prompt is open',
    async () => {
      const reader = await startReader();
      reader.pane.keys('/');
      await reader.pane.waitFor((s) => statusLine(s).startsWith('/'), { what: 'the search prompt' });
      reader.pane.type('col');
      await reader.pane.waitFor((s) => statusLine(s).startsWith('/col'), { what: 'the typed query' });
      reader.pane.keys('C-c');
      const status = await reader.exited();
      expect([0, 130]).toContain(status);
      expectTerminalRestored(reader);
    },
    TEST_TIMEOUT,
  );

  it(
    'SIGTERM restores the terminal and exits 143',
    async () => {
      const reader = await startReader();
      process.kill(await reader.pid(), 'SIGTERM');
      expect(await reader.exited()).toBe(143);
      expectTerminalRestored(reader);
    },
    TEST_TIMEOUT,
  );

  it(
    'SIGHUP restores the terminal and exits 129',
    async () => {
      const reader = await startReader();
      process.kill(await reader.pid(), 'SIGHUP');
      expect(await reader.exited()).toBe(129);
      expectTerminalRestored(reader);
    },
    TEST_TIMEOUT,
  );

  it(
    'c shows the discussion beside the article: a nested reply under its parent, collapsed and expanded',
    async () => {
      const { pane } = await startReader({ width: 160, height: 40 });
      // The third demo article is "A reader that reads the replies", with three comments.
      pane.keys('j', 'j', 'c');
      let screen = await pane.waitFor('Rafael Duarte', { what: 'the comments pane' });
      const lines = screen.split('\n');
      const parent = lines.find((l) => l.includes('Rafael Duarte'))!;
      const reply = lines.find((l) => l.includes('Sunniva Dahl'))!;
      expect(screen).toContain('3 comments');
      // The reply sits one level in, behind a rail, under its parent.
      const column = (line: string, name: string) => [...line.slice(0, line.indexOf(name))].length;
      expect(column(reply, 'Sunniva Dahl')).toBe(column(parent, 'Rafael Duarte') + 2);
      expect(lines.indexOf(reply)).toBeGreaterThan(lines.indexOf(parent));
      expect(reply.slice(0, reply.indexOf('Sunniva')).trimEnd()).toMatch(/│$/);
      // The article stays beside the comments at 160 columns.
      expect(screen).toContain('A reader that reads the replies');
      pane.keys('Space');
      screen = await pane.waitFor('1 reply hidden', { what: 'the collapsed thread' });
      expect(screen).not.toContain('Sunniva Dahl');
      pane.keys('Space');
      screen = await pane.waitFor((s) => s.includes('Sunniva Dahl') && !s.includes('reply hidden'), { what: 'the expanded thread' });
      pane.keys('q', 'q', 'q');
    },
    TEST_TIMEOUT,
  );

  it(
    'a crash leaves the alternate screen, restores the terminal, then prints its error',
    async () => {
      const reader = await startReader({ env: { BROADSHEET_CRASH_AFTER_MS: '1500' } });
      expect(await reader.exited()).toBe(70);
      expectTerminalRestored(reader);
      const screen = await reader.pane.waitFor('deliberate crash');
      expect(screen).toMatch(/broadsheet: crashed: Error: deliberate crash/);
    },
    TEST_TIMEOUT,
  );

  it(
    'with NO_COLOR=1 the list rows carry no colour codes',
    async () => {
      const { pane } = await startReader({ env: { NO_COLOR: '1' } });
      const screen = pane.capture(true);
      const rows = screen
        .split('\n')
        .slice(1, 1 + DEMO_COUNT)
        .map((line) => line.split(RULE)[0]!);
      expect(rows.join('\n')).toContain('OPML is older');
      expect(colourSgrs(rows.join('\n'))).toEqual([]);
      // The whole screen, header and status bar included.
      expect(colourSgrs(screen)).toEqual([]);
    },
    TEST_TIMEOUT,
  );

  it(
    'with NO_COLOR=1 the cursor row is still visible',
    async () => {
      const { pane } = await startReader({ env: { NO_COLOR: '1' } });
      const rowsOf = (s: string) =>
        s
          .split('\n')
          .slice(1, 1 + DEMO_COUNT)
          .map((line) => line.split(RULE)[0]!);
      const before = rowsOf(pane.capture(true));
      pane.keys('j');
      await pane.waitFor((s) => statusLine(s).includes('Enter open'), { what: 'the key hint after j' });
      const after = rowsOf(pane.capture(true));
      // Moving the cursor from row 0 to row 1 must change how those rows look (inverse, bold, a marker…).
      expect(
        after.slice(0, 2),
        `rows 0-1 look the same before and after j (the cursor is invisible):\n${JSON.stringify(before.slice(0, 2), null, 1)}`,
      ).not.toEqual(before.slice(0, 2));
    },
    TEST_TIMEOUT,
  );
});

describe('reader without a terminal', () => {
  it('exits 2 with one line on stderr pointing at the headless commands', () => {
    const home = fs.mkdtempSync(path.join(tempRoot, 'notty-'));
    try {
      const devNull = fs.openSync('/dev/null', 'r');
      const env: NodeJS.ProcessEnv = { ...process.env, BROADSHEET_HOME: home };
      delete env.CI;
      const r = spawnSync(process.execPath, [CLI], { stdio: [devNull, 'pipe', 'pipe'], env, encoding: 'utf8', timeout: 15_000 });
      fs.closeSync(devNull);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.replace(/\n$/, '').split('\n');
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^broadsheet: /);
      expect(lines[0]).toContain('headless commands');
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  }, 20_000);
});
