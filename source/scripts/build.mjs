/**
 * Bundle the CLI with esbuild into .build/: `import 'ink'` from unbundled ESM costs most of a second
 * at start (README, Design: "Ink on Node 20"). better-sqlite3 stays external (bundled, its native binding crashes).
 * Usage: node source/scripts/build.mjs
 */
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const stub = (name) => path.join(root, 'source/scripts/stubs', `${name}.js`);

/** `source` with each [from, to] replaced once, or `source` itself when any `from` is missing. */
function replaced(source, edits) {
  let out = source;
  for (const [from, to] of edits) {
    if (!out.includes(from)) return source;
    out = out.replace(from, to);
  }
  return out;
}

/**
 * Ink's output.js with its caches kept across frames, and rows composed by stubs/ink-rows.js when the
 * frame allows (it does for every frame the reader draws). Exported for test/ui/ink-rows.test.ts.
 */
export function patchInkOutput(source) {
  const rows = JSON.stringify(path.join(root, 'source/scripts/stubs/ink-rows.js'));
  const patched = replaced(source, [
    ['    caches = new OutputCaches();', '    caches = sharedOutputCaches();'],
    [
      '    get() {\n',
      '    get() {\n        const rows = composeRows(this.width, this.height, this.operations, { tokenize, styledCharsFromTokens, styledCharsToString, stringWidth });\n        if (rows !== null) return rows;\n',
    ],
  ]);
  if (patched === source) return source;
  return `import { composeRows } from ${rows};\n${patched}
let sharedCaches = new OutputCaches();
function sharedOutputCaches() {
    if (sharedCaches.styledChars.size > 20000) sharedCaches = new OutputCaches();
    return sharedCaches;
}
`;
}

/**
 * string-width (8.3, and 7.2 under Ink's wrap-ansi) remembering each string's width, and summing it
 * per character when no character can join another (ui/text-width.ts): its segmenter path cost a
 * frame of new lines 6-12 ms. Exported for test/ui/text-width.test.ts.
 */
export function patchStringWidth(source) {
  const renamed = source.replace(/export default function stringWidth\((\w+), options = \{\}\)/, 'function stringWidthUncached($1, options = {})');
  if (renamed === source) return source;
  return `import { characterWidths, simpleWidth } from ${JSON.stringify(path.join(root, 'source/ui/text-width.ts'))};
${renamed}
const widthCache = new Map();
const characterWidth = characterWidths((character) => stringWidthUncached(character));
export default function stringWidth(input, options) {
    if (options !== undefined || typeof input !== 'string') return stringWidthUncached(input, options);
    let width = widthCache.get(input);
    if (width === undefined) {
        if (widthCache.size > 50000) widthCache.clear();
        width = simpleWidth(input, characterWidth);
        if (width < 0) width = stringWidthUncached(input);
        widthCache.set(input, width);
    }
    return width;
}
`;
}

/**
 * Patches to Ink and its dependencies, for speed and a flat heap. Two caches Ink 6.8 throws away on
 * every frame are kept across frames instead: each frame Ink re-tokenized and re-measured every styled
 * line on screen (`new OutputCaches()` per frame), and rows holding ● ★ 💬 miss string-width's ASCII
 * fast path: that was two thirds of a keypress's CPU (j in a 100k list: 16 -> 6.6 ms; output
 * byte-identical, checked with tmux capture-pane -e). Rows are composed without Ink's cell grid
 * (stubs/ink-rows.js), and the two caches Ink never empties are bounded.
 * Each patch fails the build if its source no longer matches, so an upgrade cannot silently drop it.
 */
const keepInkCaches = {
  name: 'keep-ink-caches',
  setup(b) {
    const patch = (filter, edit) =>
      b.onLoad({ filter }, (args) => {
        const source = fs.readFileSync(args.path, 'utf8');
        const contents = edit(source);
        if (contents === source) throw new Error(`keep-ink-caches: ${args.path} no longer matches; review the patch`);
        return { contents, loader: 'js' };
      });
    patch(/[\\/]ink[\\/]build[\\/]output\.js$/, patchInkOutput);
    // Ink keeps every text it ever measured or truncated, for the life of the process: a reader left
    // open for a day draws tens of thousands of distinct frames, each pane's text a few kilobytes.
    patch(/[\\/]ink[\\/]build[\\/]measure-text\.js$/, (source) =>
      replaced(source, [
        ['    const cachedDimensions = cache.get(text);', '    if (cache.size > 2000) cache.clear();\n    const cachedDimensions = cache.get(text);'],
      ]),
    );
    // Ink strips cursor movement from every text node at every frame, tokenizing each pane's text
    // again (8 ms of the c key's frame at 160 columns); a pane that did not change is the same string.
    patch(/[\\/]ink[\\/]build[\\/]sanitize-ansi\.js$/, (source) =>
      replaced(source, [
        ['const sanitizeAnsi = (text) => {', 'const sanitizeAnsiUncached = (text) => {'],
        [
          'export default sanitizeAnsi;',
          `const sanitized = new Map();
const sanitizeAnsi = (text) => {
    let clean = sanitized.get(text);
    if (clean === undefined) {
        if (sanitized.size > 200) sanitized.clear();
        clean = sanitizeAnsiUncached(text);
        sanitized.set(text, clean);
    }
    return clean;
};
export default sanitizeAnsi;`,
        ],
      ]),
    );
    patch(/[\\/]ink[\\/]build[\\/]wrap-text\.js$/, (source) =>
      replaced(source, [
        ['const cache = {};', 'let cache = {};\nlet cached = 0;'],
        [
          '    cache[cacheKey] = wrappedText;',
          '    if (++cached > 2000) {\n        cache = {};\n        cached = 1;\n    }\n    cache[cacheKey] = wrappedText;',
        ],
      ]),
    );
    // Yoga (Ink's layout engine) loads its WebAssembly from a base64 data: URL. Where a global fetch
    // exists it fetches that URL: in Node 20 the first touch of fetch loads undici, and undici then
    // decodes the 100 KB URL, ~16 ms of every start before the first frame. Its own synchronous
    // base64 path, which it takes where there is no fetch, gives the same bytes.
    patch(/[\\/]yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/, (source) =>
      source.replace('return w||"function"!=typeof fetch?Promise.resolve()', 'return w||true?Promise.resolve()'),
    );
    patch(/[\\/]node_modules[\\/]string-width[\\/]index\.js$/, patchStringWidth);
  },
};

export async function bundle() {
  // Build beside the old bundle and swap it in at the end, so a rebuild never leaves a running
  // reader or a test run with half a bundle.
  const next = path.join(root, `.build-next-${process.pid}`);
  fs.rmSync(next, { recursive: true, force: true });
  await build({
    absWorkingDir: root,
    entryPoints: { cli: 'source/cli.tsx', 'parse-worker': 'source/core/workers/worker.ts' },
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
    plugins: [keepInkCaches],
    logLevel: 'warning',
    legalComments: 'none',
    // Less to parse and compile at every start (Node 20 has no compile cache); names stay for stack traces.
    minifyWhitespace: true,
    minifySyntax: true,
  });
  fs.chmodSync(path.join(next, 'cli.mjs'), 0o755);
  const old = path.join(root, `.build-old-${process.pid}`);
  if (fs.existsSync(path.join(root, '.build'))) fs.renameSync(path.join(root, '.build'), old);
  fs.renameSync(next, path.join(root, '.build'));
  fs.rmSync(old, { recursive: true, force: true });
}

if (import.meta.url === `file://${process.argv[1]}`) await bundle();
