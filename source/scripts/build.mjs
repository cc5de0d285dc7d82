/**
 * Bundle the CLI with esbuild into .build/: `import 'ink'` from unbundled ESM costs most of a second
 * at start (INK_NOTES.md). better-sqlite3 stays external (bundled, its native binding crashes).
 * Usage: node source/scripts/build.mjs
 */
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const stub = (name) => path.join(root, 'source/scripts/stubs', `${name}.js`);

export async function bundle() {
  // Build beside the old bundle and swap it in at the end, so a rebuild never leaves a running
  // reader or a test run with half a bundle.
  const next = path.join(root, `.build-next-${process.pid}`);
  fs.rmSync(next, { recursive: true, force: true });
  await build({
    absWorkingDir: root,
    entryPoints: { cli: 'source/cli.tsx', 'parse-worker': 'source/core/parse-worker.ts' },
    outdir: next,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    jsx: 'automatic',
    external: ['better-sqlite3'],
    alias: { 'is-in-ci': stub('is-in-ci'), 'react-devtools-core': stub('react-devtools-core') },
    define: { 'process.env.NODE_ENV': '"production"', __BROADSHEET_VERSION__: JSON.stringify(pkg.version) },
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    logLevel: 'warning',
    legalComments: 'none',
  });
  fs.chmodSync(path.join(next, 'cli.mjs'), 0o755);
  const old = path.join(root, `.build-old-${process.pid}`);
  if (fs.existsSync(path.join(root, '.build'))) fs.renameSync(path.join(root, '.build'), old);
  fs.renameSync(next, path.join(root, '.build'));
  fs.rmSync(old, { recursive: true, force: true });
}

if (import.meta.url === `file://${process.argv[1]}`) await bundle();
