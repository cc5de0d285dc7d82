/**
 * A small tmux driver for end-to-end tests: one private tmux server (its own socket), sessions of
 * a fixed size, keys sent with send-keys, screens read with capture-pane and polled until they
 * show what a test expects. No fixed sleeps: every wait is a poll with a timeout, and a timeout
 * fails with the last screen so the failure shows what the user would have seen.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';

export const POLL_INTERVAL_MS = 50;
export const WAIT_TIMEOUT_MS = 5000;

export function tmuxAvailable(): boolean {
  try {
    return spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;
  } catch {
    return false;
  }
}

/** The environment for tmux itself: not nested in the caller's tmux, and a UTF-8 locale. */
export function tmuxEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.TMUX;
  delete env.TMUX_PANE;
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  if (!/utf-?8/i.test(locale)) {
    delete env.LC_ALL;
    env.LC_CTYPE = 'C.UTF-8';
  }
  return env;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Poll `probe` every 50 ms until it returns something other than undefined/false, or fail after
 * `timeout` ms with `describe()` (for instance the last screen) in the message.
 */
export async function waitUntil<T>(probe: () => T | undefined | false, what: string, describe: () => string = () => '', timeout = WAIT_TIMEOUT_MS): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) {
      const detail = describe();
      throw new Error(`timed out after ${timeout} ms waiting for ${what}${detail ? `\n${detail}` : ''}`);
    }
    await sleep(POLL_INTERVAL_MS);
  }
}

export class TmuxServer {
  constructor(readonly socket: string) {}

  /** Run one tmux command on this server and return its stdout. */
  run(...args: string[]): string {
    return execFileSync('tmux', ['-u', '-L', this.socket, '-f', '/dev/null', ...args], {
      encoding: 'utf8',
      env: tmuxEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  /** A detached session running `command` (through /bin/sh) in a width x height window. */
  newSession(name: string, command: string, width = 120, height = 40): Pane {
    this.run('new-session', '-d', '-s', name, '-x', String(width), '-y', String(height), command);
    // Keep the window at the size we ask for, whatever clients come and go.
    this.run('set-option', '-t', name, 'window-size', 'manual');
    return new Pane(this, `${name}:0.0`, name);
  }

  killSession(name: string) {
    try {
      this.run('kill-session', '-t', name);
    } catch {
      // Already gone.
    }
  }

  /** Stop the server and remove its socket file (tmux 3.3 leaves it behind after kill-server). */
  kill() {
    let socketPath = '';
    try {
      socketPath = this.run('display-message', '-p', '#{socket_path}').trim();
      this.run('kill-server');
    } catch {
      // No server was started, or it already exited.
    }
    if (socketPath) fs.rmSync(socketPath, { force: true });
  }
}

export class Pane {
  constructor(
    readonly server: TmuxServer,
    readonly target: string,
    readonly session: string,
  ) {}

  /** send-keys with tmux key names: 'j', 'Enter', 'Escape', 'C-c'. */
  keys(...keys: string[]) {
    this.server.run('send-keys', '-t', this.target, ...keys);
  }

  /** Type text literally (send-keys -l). */
  type(text: string) {
    this.server.run('send-keys', '-t', this.target, '-l', text);
  }

  /** The visible screen as text; with `escapes`, with the SGR attributes tmux records (capture-pane -e). */
  capture(escapes = false): string {
    return this.server.run('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', this.target);
  }

  lines(escapes = false): string[] {
    return this.capture(escapes).replace(/\n$/, '').split('\n');
  }

  /** A tmux format for this pane, e.g. '#{alternate_on}'. */
  display(format: string): string {
    return this.server.run('display-message', '-p', '-t', this.target, format).trim();
  }

  resize(width: number, height: number) {
    this.server.run('resize-window', '-t', this.target, '-x', String(width), '-y', String(height));
  }

  /**
   * Poll the screen until `expect` holds: a string it contains, a RegExp it matches, or a predicate
   * over the screen text. Resolves to the screen that matched.
   */
  async waitFor(
    expect: string | RegExp | ((screen: string) => boolean),
    options: { escapes?: boolean; timeout?: number; what?: string } = {},
  ): Promise<string> {
    const test = typeof expect === 'string' ? (s: string) => s.includes(expect) : expect instanceof RegExp ? (s: string) => expect.test(s) : expect;
    let last = '';
    const what = options.what ?? (typeof expect === 'function' ? 'the expected screen' : JSON.stringify(String(expect)));
    return waitUntil(
      () => {
        last = this.capture(options.escapes);
        return test(last) ? last : undefined;
      },
      `${what} on ${this.target}`,
      () => `--- last screen ---\n${last}--- end ---`,
      options.timeout,
    );
  }
}
