/**
 * Changing the settings file. A file that cannot be read or does not validate is never rewritten:
 * every write re-reads and re-validates the file first and refuses to touch a broken one, under a
 * lock so that processes changing it at once (eight `add`s) keep each other's changes. conf writes
 * atomically (write to a temporary file, then rename).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe } from './describe.js';
import type { Home } from './home.js';
import { merge, openStore, readRaw } from './load.js';
import { SettingsError, type Settings } from './types.js';

/**
 * Change the settings file: re-read it (refusing a broken one), apply `change` to the raw object
 * so unknown-but-allowed keys survive, validate, and write atomically.
 */
export function updateSettings(home: Home, change: (raw: Record<string, unknown>) => void): Settings {
  try {
    fs.mkdirSync(path.dirname(home.configPath), { recursive: true });
  } catch (error) {
    throw describe(error, home.configPath);
  }
  // Read, change and write under a lock: eight `add`s at once must keep all eight feeds.
  return withLock(home.configPath, () => {
    const raw = readRaw(home) ?? {};
    change(raw);
    try {
      openStore(home).store = raw;
    } catch (error) {
      throw describe(error, home.configPath);
    }
    return merge(raw);
  });
}

const LOCK_WAIT_MS = 5000;
/** A lock older than this was left by a process that died mid-write (writes take milliseconds). */
const LOCK_STALE_MS = 10_000;

function withLock<T>(file: string, work: () => T): T {
  const lock = `${file}.lock`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      fs.closeSync(fs.openSync(lock, 'wx'));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw describe(error, file);
      try {
        if (Date.now() - fs.statSync(lock).mtimeMs > LOCK_STALE_MS) fs.rmSync(lock, { force: true });
      } catch {
        // Gone already: try again.
      }
      if (Date.now() > deadline) throw new SettingsError(`${file}: another Broadsheet is changing it (if none is, remove ${lock})`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
  try {
    return work();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}
