/**
 * The package as npm ships it: every package the program imports at run time is a dependency (not a
 * devDependency), and the tarball of `npm pack`, installed into an empty folder, runs: `--version`,
 * then a refresh of the bundled demo feeds and `articles`, with nothing from this checkout around it.
 *
 * Bounded: the install comes from npm's cache where it can (--prefer-offline) and runs no install
 * scripts. The one script that matters, better-sqlite3's, compiles SQLite (about a minute on two busy
 * cores, measured), so the test puts this checkout's compiled addon into the installed copy instead,
 * after checking both are the same better-sqlite3 version. The tarball is packed with --ignore-scripts:
 * `npm test` has just built .build/, and the prepack build would swap it under the other test files.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  bin: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  scripts: Record<string, string>;
};

/** Bare package names a source file imports at run time (type-only imports and `node:` modules left out). */
function runtimeImports(text: string): string[] {
  const specifiers: string[] = [];
  const patterns = [
    /(?:^|\n)\s*(?:import|export)\s+(?!type\s)[^;'"]*?\sfrom\s+['"]([^'"]+)['"]/g,
    /(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) for (const m of text.matchAll(pattern)) specifiers.push(m[1]!);
  return specifiers
    .filter((s) => !s.startsWith('.') && !s.startsWith('node:'))
    .map((s) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!));
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.(ts|tsx|mjs|js)$/.test(e.name) ? [p] : [];
  });
}

describe('package.json', () => {
  it('lists every package the program imports at run time in dependencies', () => {
    // The benchmarks and build scripts are development tools: they may use devDependencies.
    const program = sourceFiles(path.join(ROOT, 'source')).filter((f) => !/\/source\/(bench|scripts)\//.test(f));
    const imported = new Set(program.flatMap((f) => runtimeImports(fs.readFileSync(f, 'utf8'))));
    // The JSX runtime comes from react (tsconfig "jsx": "react-jsx").
    expect(imported.has('react')).toBe(true);
    const missing = [...imported].filter((name) => !(name in pkg.dependencies)).sort();
    expect(missing, 'imported at run time but not in dependencies').toEqual([]);
    const unused = Object.keys(pkg.dependencies).filter((name) => !imported.has(name));
    expect(unused, 'dependencies nothing imports').toEqual([]);
  });

  it('builds the bundle before packing, and points its bin at the bundle', () => {
    expect(pkg.scripts.prepack).toMatch(/source\/scripts\/build\.mjs/);
    expect(pkg.bin.broadsheet).toBe('.build/cli.mjs');
  });
});

describe('the packed tarball, installed into an empty folder', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'broadsheet-pack-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  // npm run from `npm test` exports npm_config_* and npm_package_* for this checkout; none may leak in.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  const npm = (args: string[], cwd: string, timeout: number) => {
    const r = spawnSync('npm', args, { cwd, env, encoding: 'utf8', timeout });
    if (r.status !== 0) throw new Error(`npm ${args.join(' ')} failed (${r.status ?? r.signal}): ${r.error?.message ?? ''}${r.stderr.slice(-2000)}`);
    return r.stdout;
  };

  it('holds the bundle, the demo feeds and the licence, installs, and runs offline', () => {
    if (!fs.existsSync(path.join(ROOT, '.build/cli.mjs'))) throw new Error('build first: node source/scripts/build.mjs (npm test does)');
    const started = Date.now();
    const [packed] = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], ROOT, 60_000)) as Array<{
      filename: string;
      files: Array<{ path: string }>;
    }>;
    const files = packed!.files.map((f) => f.path);
    for (const need of ['package.json', 'LICENSE', 'README.md', '.build/cli.mjs', '.build/parse-worker.mjs', 'feeds/broadsheet-blog.rss'])
      expect(files).toContain(need);
    expect(files.filter((f) => /^(test|node_modules)\//.test(f))).toEqual([]);

    const app = path.join(tmp, 'app');
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'package.json'), '{ "name": "empty", "private": true }\n');
    npm(['install', path.join(tmp, packed!.filename), '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], app, 240_000);
    const installed = path.join(app, 'node_modules');
    const version = (dir: string) => (JSON.parse(fs.readFileSync(path.join(dir, 'better-sqlite3/package.json'), 'utf8')) as { version: string }).version;
    expect(version(installed)).toBe(version(path.join(ROOT, 'node_modules')));
    const addon = 'better-sqlite3/build/Release/better_sqlite3.node';
    fs.mkdirSync(path.dirname(path.join(installed, addon)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, 'node_modules', addon), path.join(installed, addon));
    const installMs = Date.now() - started;

    const bin = path.join(installed, '.bin/broadsheet');
    const home = path.join(tmp, 'home');
    const run = (args: string[]) => spawnSync(bin, ['--home', home, ...args], { cwd: tmp, env: { ...env, NO_COLOR: '1' }, encoding: 'utf8', timeout: 60_000 });
    const v = run(['--version']);
    expect([v.status, v.stdout.trim()], v.stderr).toEqual([0, pkg.version]);
    const refresh = run(['refresh']);
    expect(refresh.status, refresh.stderr).toBe(0);
    const listed = run(['articles', '--json']);
    expect(listed.status, listed.stderr).toBe(0);
    const articles = JSON.parse(listed.stdout) as Array<{ title: string; feed: string }>;
    expect(articles.length).toBeGreaterThan(5);
    console.log(`package: ${files.length} files packed, installed in ${(installMs / 1000).toFixed(1)} s; the demo feeds gave ${articles.length} articles`);
  }, 300_000);
});
