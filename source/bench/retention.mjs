/**
 * Retention over a year of daily use (retention-year.ts builds the cache and runs the passes): the first
 * pass over the whole year, then the next day's pass; time, the event loop's longest delay during the
 * pass, and the file before and after. The default scale is the issue's: 1,000 feeds x 10 articles a
 * day x 365 days (~9 GB before the first pass, several minutes to build); --retention-feeds 100 is a
 * tenth of it, and the pass is per feed, so its figures scale by feeds.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { BENCH_DIR, eachOption, runAsScript } from './lib.mjs';

export const description =
  "retention: a year of 1,000 feeds (10 articles a day), the first pass and the next day's: time, event-loop delay, file size before and after";
export const usage = `--retention-feeds N (1000)  --retention-per-day N (10)  --retention-days N (365)  --retention-keep-days N  --retention-keep-per-feed N  --retention-full-text-feeds N (10)  --keep`;

export async function run({ log = () => {}, argv = [], root = path.resolve(BENCH_DIR, '../..') } = {}) {
  const args = [];
  let keep = false;
  const pass = {
    '--retention-feeds': '--feeds',
    '--retention-per-day': '--per-day',
    '--retention-days': '--days',
    '--retention-keep-days': '--keep-days',
    '--retention-keep-per-feed': '--keep-per-feed',
  };
  eachOption(argv, (key, { int }) => {
    if (pass[key]) args.push(pass[key], String(int()));
    else if (key === '--keep') keep = true;
  });
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-bench-retention-'));
  const tsx = path.join(root, 'node_modules/.bin/tsx');
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  log(`building a year's cache in ${out} (${args.join(' ') || 'the default scale'})`);
  const started = performance.now();
  const r = spawnSync(tsx, [path.join(BENCH_DIR, 'retention-year.ts'), '--out', out, ...args], {
    encoding: 'utf8',
    env,
    cwd: root,
    timeout: 4 * 60 * 60 * 1000,
  });
  if (!keep) fs.rmSync(out, { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`retention-year failed: ${r.stderr || r.error?.message}`);
  const result = JSON.parse(r.stdout.trim().split('\n').pop());
  log(`built in ${result.buildSeconds} s; all done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  const scale = `${result.feeds} feeds x ${result.perDay}/day x ${result.days} days, keep ${result.keep.days} days / ${result.keep.perFeed} per feed`;
  return [
    { table: scale, pass: 'first (a whole year)', ...result.first },
    { table: scale, pass: 'the next day', ...result.next },
  ];
}

await runAsScript(import.meta.url, run);
