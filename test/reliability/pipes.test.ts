/**
 * A reader that stops reading (`broadsheet articles | head -1`, a pager quit early) closes the pipe
 * under the headless commands. They must end quietly: no Node stack trace, no "Unhandled 'error' event"
 * (README: every failure ends as one line on stderr). Runs on the bundled demo feeds, no network.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { STACK_TRACE, cliEnv, collect, runCli, snapshotBundle, tempDir } from './helpers.js';

let tmp = '';
let cli = '';
let home = '';

describe('headless output into a closed pipe', () => {
  beforeAll(async () => {
    tmp = tempDir('pipes');
    cli = snapshotBundle(tmp);
    home = path.join(tmp, 'home');
    fs.mkdirSync(home);
    // No settings file: the demo feeds (local files) fill the cache.
    const r = await runCli(cli, ['refresh'], { home });
    expect(r.code, r.stderr).toBe(0);
  }, 120_000);

  afterAll(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  for (const args of [['articles'], ['articles', '--json'], ['export']]) {
    it(`${args.join(' ')} | (reader gone): ends quietly, no stack trace`, async () => {
      const child = spawn(process.execPath, [cli, ...args], { env: cliEnv(home), stdio: ['ignore', 'pipe', 'pipe'] });
      // Close our end before the child writes anything: its first write meets EPIPE.
      child.stdout!.destroy();
      const run = await collect(child, Date.now(), 30_000);
      expect(run.signal).toBeNull();
      expect(run.stderr, `stderr of ${args.join(' ')} | (closed)`).not.toMatch(STACK_TRACE);
      expect(run.stderr).not.toMatch(/EPIPE|Unhandled 'error' event/);
    }, 30_000);
  }
});
