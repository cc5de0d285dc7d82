#!/usr/bin/env node
/**
 * `npm run bench`: build the bundle, then run every benchmark module in BENCHES (or only some of them)
 * and print each one's figures as a table. Benchmarks print figures; they are never pass/fail unit tests
 * (README, Design: "Performance budgets"), although a module may report its own targets as rows.
 *
 * A benchmark module exports
 *   export async function run({ log, argv, root }) -> rows
 * where `log(text)` writes a progress line to stderr, `argv` is the command line minus run.mjs's own
 * options (each module picks the options it knows and ignores the rest), `root` is the repository root,
 * and `rows` is an array of plain objects (one per table row; the keys are the columns). A row with a
 * `table` key goes into the table of that name, so one module can print several tables. A module may
 * also export `description` (one line) and `usage` (its options, for --help).
 *
 * Usage: node source/bench/run.mjs [--only NAME[,NAME...]] [--list] [--build|--no-build] [--json] [module options]
 *   --only NAME   run only these modules (repeatable or comma-separated)
 *   --list        list the modules and exit
 *   --build       rebuild .build/ first; by default it is rebuilt only when missing or older than a file in
 *                 source/ (build.mjs deletes .build/ first, which breaks anyone else's running CLI)
 *   --no-build    use .build/ as it is
 *   --json        print the rows as one JSON object per module on stdout instead of tables
 * Exit code: 0 when every module ran (targets that FAIL do not change it), 1 when a module threw, 2 bad usage.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The benchmark modules, in the order they run. Add new ones here. */
export const BENCHES = [
  { name: 'refresh', file: './refresh.mjs' },
  { name: 'tui', file: './tui.mjs' },
  { name: 'comments', file: './comments.mjs' },
  { name: 'lookup', file: './lookup.mjs' },
];
BENCHES.push({ name: 'fulltext', file: './fulltext.mjs' });
BENCHES.push({ name: 'fedi', file: './fedi.mjs' });
BENCHES.push({ name: 'filters', file: './filters.mjs' });
BENCHES.push({ name: 'search', file: './search.mjs' });
BENCHES.push({ name: 'sync', file: './sync.mjs' });
BENCHES.push({ name: 'retention', file: './retention.mjs' });
BENCHES.push({ name: 'reloads', file: './reloads.mjs' });
BENCHES.push({ name: 'coverage', file: './coverage.mjs' });

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

function parseOwnArgs(argv) {
  const own = { only: [], list: false, build: 'auto', json: false, help: false };
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [key, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (key === '--only') {
      const value = inline ?? argv[++i];
      if (!value) throw new Error('--only needs a module name');
      own.only.push(
        ...value
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      );
    } else if (key === '--list') own.list = true;
    else if (key === '--no-build') own.build = false;
    else if (key === '--build') own.build = true;
    else if (key === '--json') own.json = true;
    else if (key === '--help' || key === '-h') own.help = true;
    else rest.push(arg);
  }
  return { own, rest };
}

/** Format rows as aligned text tables (grouped by their `table` key). */
export function formatTables(rows) {
  const groups = new Map();
  for (const row of rows ?? []) {
    const name = row.table ?? '';
    if (!groups.has(name)) groups.set(name, []);
    const { table, ...cells } = row;
    groups.get(name).push(cells);
  }
  const out = [];
  for (const [name, group] of groups) {
    const columns = [];
    for (const row of group) for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
    const text = (v) => (v === undefined || v === null ? '' : typeof v === 'number' ? formatNumber(v) : String(v));
    const cells = group.map((row) => columns.map((c) => text(row[c])));
    const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)));
    const numeric = columns.map((c, i) => group.every((row) => row[c] === undefined || row[c] === null || typeof row[c] === 'number'));
    const pad = (s, i) => (numeric[i] ? s.padStart(widths[i]) : s.padEnd(widths[i]));
    if (name) out.push(`${name}`);
    out.push(columns.map(pad).join('  ').trimEnd());
    out.push(widths.map((w) => '-'.repeat(w)).join('  '));
    for (const r of cells) out.push(r.map(pad).join('  ').trimEnd());
    out.push('');
  }
  return out.join('\n');
}

function formatNumber(v) {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  const abs = Math.abs(v);
  return v.toFixed(abs >= 100 ? 0 : abs >= 10 ? 1 : 2);
}

/** .build/cli.mjs is missing or older than some file under source/ (the benchmarks themselves excepted). */
function bundleIsStale() {
  let built;
  try {
    built = fs.statSync(path.join(root, '.build/cli.mjs')).mtimeMs;
  } catch {
    return true;
  }
  const newer = (dir) =>
    fs.readdirSync(dir, { withFileTypes: true }).some((e) => {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) return p !== here && newer(p);
      return fs.statSync(p).mtimeMs > built;
    });
  return newer(path.join(root, 'source')) || fs.statSync(path.join(root, 'package.json')).mtimeMs > built;
}

async function main() {
  let parsed;
  try {
    parsed = parseOwnArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`bench: ${error.message}\n`);
    return 2;
  }
  const { own, rest } = parsed;
  const unknown = own.only.filter((n) => !BENCHES.some((b) => b.name === n));
  if (unknown.length) {
    process.stderr.write(`bench: unknown module(s) ${unknown.join(', ')}; known: ${BENCHES.map((b) => b.name).join(', ')}\n`);
    return 2;
  }
  const selected = own.only.length ? BENCHES.filter((b) => own.only.includes(b.name)) : BENCHES;

  if (own.list || own.help) {
    const lines = [];
    if (own.help) lines.push('usage: node source/bench/run.mjs [--only NAME[,NAME]] [--list] [--build|--no-build] [--json] [module options]', '');
    for (const bench of selected) {
      const mod = await import(pathToFileURL(path.join(here, bench.file)).href);
      lines.push(`${bench.name}${mod.description ? ` — ${mod.description}` : ''}`);
      if (own.help && mod.usage) lines.push(mod.usage.replace(/^/gm, '    '));
    }
    process.stdout.write(lines.join('\n') + '\n');
    return 0;
  }

  if (own.build === true || (own.build === 'auto' && bundleIsStale())) {
    const started = performance.now();
    const { bundle } = await import(pathToFileURL(path.join(root, 'source/scripts/build.mjs')).href);
    await bundle();
    process.stderr.write(`bench: built .build/ in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  }

  let failed = 0;
  const results = {};
  for (const bench of selected) {
    const log = (text) => process.stderr.write(`[${bench.name}] ${text}\n`);
    const started = performance.now();
    try {
      const mod = await import(pathToFileURL(path.join(here, bench.file)).href);
      const rows = (await mod.run({ log, argv: rest, root })) ?? [];
      results[bench.name] = rows;
      if (own.json) process.stdout.write(JSON.stringify({ bench: bench.name, rows }) + '\n');
      else process.stdout.write(`\n== ${bench.name} (${((performance.now() - started) / 1000).toFixed(1)} s)\n\n${formatTables(rows)}`);
    } catch (error) {
      failed++;
      process.stderr.write(`[${bench.name}] failed: ${error?.stack ?? error}\n`);
    }
  }
  return failed ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = await main();
