/**
 * A private copy of the built CLI for test files that run it for long (tmux sessions, kill -9 rounds):
 * a rebuild elsewhere during the run must not pull chunks from under a running reader.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BUILT = path.join(ROOT, '.build');

function newest(dir: string): number {
  return fs.readdirSync(dir, { withFileTypes: true }).reduce((max, e) => {
    const p = path.join(dir, e.name);
    return Math.max(max, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }, 0);
}

/**
 * Build the bundle when it is missing or older than the sources, then copy it into `into`/pkg: a
 * rebuild elsewhere during the run (`npm test`, another test file) deletes .build/ first and would
 * pull chunks from under a running CLI. The copy has package.json and feeds/ beside it (how the
 * bundle finds its package root) and a link to node_modules (better-sqlite3 is external).
 * Returns the path of the private cli.mjs.
 */
export function snapshotBundle(into: string): string {
  const pkg = path.join(into, 'pkg');
  for (let attempt = 1; attempt <= 4; attempt++) {
    const cli = path.join(BUILT, 'cli.mjs');
    const built = fs.existsSync(cli) ? fs.statSync(cli).mtimeMs : 0;
    if (built < newest(path.join(ROOT, 'source'))) {
      const r = spawnSync(process.execPath, [path.join(ROOT, 'source/scripts/build.mjs')], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
      if (r.status !== 0) throw new Error(`build failed:\n${r.stderr}`);
    }
    fs.rmSync(pkg, { recursive: true, force: true });
    fs.mkdirSync(pkg, { recursive: true });
    try {
      fs.cpSync(BUILT, path.join(pkg, '.build'), { recursive: true });
      fs.cpSync(path.join(ROOT, 'feeds'), path.join(pkg, 'feeds'), { recursive: true });
      fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(pkg, 'package.json'));
      fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(pkg, 'node_modules'), 'dir');
      const dir = path.join(pkg, '.build');
      const files = fs.readdirSync(dir);
      const missing = files
        .filter((f) => f.endsWith('.mjs'))
        .flatMap((f) => [...fs.readFileSync(path.join(dir, f), 'utf8').matchAll(/["']\.\/([\w.-]+\.mjs)["']/g)].map((m) => m[1]!))
        .filter((f) => !files.includes(f));
      if (files.includes('cli.mjs') && files.includes('parse-worker.mjs') && missing.length === 0) {
        // Readable by everyone: some settings tests run the CLI as `nobody`.
        spawnSync('chmod', ['-R', 'a+rX', into]);
        return path.join(dir, 'cli.mjs');
      }
    } catch {
      // .build/ changed under us: try again.
    }
    spawnSync('sleep', ['1']);
  }
  throw new Error('could not copy a complete .build/ (is something rebuilding it?)');
}
