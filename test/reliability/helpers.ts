/**
 * Shared helpers for the reliability tests: a private copy of the built CLI, a runner for it, a seeded
 * PRNG and the byte checks for terminal-bound output. The feed farm is test/support/farm/.
 *
 * Everything here is bounded: every wait has a deadline, and every child process is killed by its own
 * pid when a test ends.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// ------------------------------------------------------------------ temp folders

/** A fresh temporary folder; removed by `cleanup`. */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `broadsheet-rel-${prefix}-`));
}

// ------------------------------------------------------------------ the built CLI

export { snapshotBundle } from '../support/bundle.js';

// ------------------------------------------------------------------ running the CLI

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
  ms: number;
}

export interface RunOptions {
  home?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** Run through this prefix (e.g. ['setpriv', ...] or ['/usr/bin/time', '-v']). */
  prefix?: string[];
  cwd?: string;
}

/** The environment the CLI runs in: no CI quirks, no colour, no debug stack traces, our home. */
export function cliEnv(home: string | undefined, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...extra };
  delete env.BROADSHEET_DEBUG;
  delete env.FORCE_COLOR;
  if (home !== undefined) env.BROADSHEET_HOME = home;
  return env;
}

/** Run `node cli args` to completion (killed after timeoutMs) and collect its output. */
export function runCli(cli: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const started = Date.now();
  const argv = [...(opts.prefix ?? []), process.execPath, cli, ...args];
  const child = spawn(argv[0]!, argv.slice(1), {
    env: cliEnv(opts.home, opts.env),
    cwd: opts.cwd ?? os.tmpdir(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return collect(child, started, opts.timeoutMs ?? 60_000);
}

export function collect(child: ChildProcess, started: number, timeoutMs: number): Promise<RunResult> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout?.on('data', (b: Buffer) => out.push(b));
  child.stderr?.on('data', (b: Buffer) => err.push(b));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      if (child.pid) killPid(child.pid, 'SIGKILL');
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8'), ms: Date.now() - started });
    });
  });
}

export function killPid(pid: number, signal: NodeJS.Signals = 'SIGTERM') {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

/** Spawn the CLI without waiting (for kill tests); `done` resolves when it exits. */
export function startCli(cli: string, args: string[], opts: RunOptions = {}): { child: ChildProcess; done: Promise<RunResult> } {
  const started = Date.now();
  const argv = [...(opts.prefix ?? []), process.execPath, cli, ...args];
  const spawnOpts: SpawnOptions = { env: cliEnv(opts.home, opts.env), cwd: opts.cwd ?? os.tmpdir(), stdio: ['ignore', 'pipe', 'pipe'] };
  const child = spawn(argv[0]!, argv.slice(1), spawnOpts);
  return { child, done: collect(child, started, opts.timeoutMs ?? 60_000) };
}

/** stderr as non-empty lines. */
export const lines = (s: string) => s.split('\n').filter((l) => l.trim() !== '');

/** A Node stack trace or a V8 crash banner in some output. */
export const STACK_TRACE = /^\s+at .+\(.*:\d+:\d+\)$|^\s+at .+:\d+:\d+$|node:internal|Uncaught|FATAL ERROR|Segmentation fault/m;

// ------------------------------------------------------------------ settings

/** Write a home folder's config.json. */
export function writeConfig(home: string, config: Record<string, unknown>): string {
  fs.mkdirSync(home, { recursive: true });
  const file = path.join(home, 'config.json');
  fs.writeFileSync(file, JSON.stringify(config, null, 2) + '\n');
  return file;
}

// ------------------------------------------------------------------ seeded randomness

/** The seeded PRNG the benchmarks use too. */
export { prng } from '../../source/bench/prng.mjs';

/** The seed: RELIABILITY_SEED when set (to replay a failure), else `fallback`. */
export function seedFrom(fallback: number): number {
  const env = Number(process.env.RELIABILITY_SEED);
  return Number.isInteger(env) && env > 0 ? env : fallback;
}

// ------------------------------------------------------------------ terminal-bound bytes

/**
 * Everything that must never reach a terminal from feed content, found in raw output bytes:
 * ESC, BEL, NUL and every other C0 control except tab and LF (CR too), DEL, C1 controls
 * (UTF-8 C2 80–C2 9F, and raw 0x80–0x9F bytes that are not UTF-8 continuation bytes), and bidi
 * overrides/isolates U+202A–U+202E, U+2066–U+2069. Returns a list of findings (empty = clean).
 */
export function forbiddenInBytes(buf: Buffer, allowSgr = false): string[] {
  const findings: string[] = [];
  const note = (what: string, at: number) => {
    if (findings.length < 20) findings.push(`${what} at byte ${at}: ${JSON.stringify(buf.subarray(Math.max(0, at - 20), at + 20).toString('utf8'))}`);
  };
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i]!;
    if (b === 0x1b) {
      if (allowSgr) {
        const m = /^\x1b\[[0-9;]*m/.exec(buf.subarray(i, i + 32).toString('latin1'));
        if (m) {
          i += m[0].length - 1;
          continue;
        }
      }
      note('ESC', i);
    } else if (b < 0x20 && b !== 0x09 && b !== 0x0a) note(`C0 0x${b.toString(16).padStart(2, '0')}`, i);
    else if (b === 0x7f) note('DEL', i);
    else if (b === 0xc2 && buf[i + 1] !== undefined && buf[i + 1]! >= 0x80 && buf[i + 1]! <= 0x9f) note(`C1 U+00${buf[i + 1]!.toString(16).toUpperCase()}`, i);
    else if (b === 0xe2 && buf[i + 1] === 0x80 && buf[i + 2]! >= 0xaa && buf[i + 2]! <= 0xae) note('bidi U+202A-E', i);
    else if (b === 0xe2 && buf[i + 1] === 0x81 && buf[i + 2]! >= 0xa6 && buf[i + 2]! <= 0xa9) note('bidi U+2066-9', i);
  }
  // Raw C1 bytes outside UTF-8 sequences (a terminal in an 8-bit mode would act on them).
  if (!Buffer.from(buf.toString('utf8'), 'utf8').equals(buf)) findings.push('output is not valid UTF-8 (raw high bytes, possibly 8-bit C1 controls)');
  return findings;
}

/** Terminal-bound control characters in a JS string (tab and newline allowed). */
export const FORBIDDEN_CHARS = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;
/** Our own SGR styling, the only escape sequence allowed in coloured renderer output. */
export const SGR = /\x1b\[[0-9;]*m/g;

/** Is `name` an executable on PATH? */
export function haveTool(name: string): boolean {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    try {
      fs.accessSync(path.join(dir, name), fs.constants.X_OK);
      return true;
    } catch {
      // Not here.
    }
  }
  return false;
}

/** A private tmux server leaves its socket file behind after kill-server: remove it. */
export function removeTmuxSocket(socket: string) {
  const dir = path.join(process.env.TMUX_TMPDIR || '/tmp', `tmux-${process.getuid?.() ?? 0}`);
  fs.rmSync(path.join(dir, socket), { force: true });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Poll `probe` every 50 ms until it is truthy, or throw after `timeoutMs` with `what`. */
export async function waitFor<T>(probe: () => T | undefined | false | null, what: string, timeoutMs = 10_000, detail: () => string = () => ''): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false && v !== null) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail() ? `\n${detail()}` : ''}`);
    await sleep(50);
  }
}
