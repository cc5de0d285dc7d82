/**
 * The boundaries of the source tree, checked in `npm test` (test/boundaries.test.ts) and CI:
 * no import cycles; core/ is React-free and knows nothing of the reader or the commands; the reader
 * (ui/) never imports the headless commands; no module inside a folder imports back through its
 * folder's public face; and what runs in the product imports only `dependencies`.
 */
module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'core-is-react-free',
      comment: 'core/ holds the logic the reader and the commands share: no UI, no commands, no React or Ink.',
      severity: 'error',
      from: { path: '^source/core/' },
      to: { path: ['^source/ui/', '^source/commands/', '^source/cli', 'node_modules/(react|ink|ink-text-input)/'] },
    },
    {
      name: 'ui-never-imports-commands',
      severity: 'error',
      from: { path: '^source/ui/' },
      to: { path: '^source/commands/' },
    },
    {
      name: 'commands-never-import-ui',
      comment: 'Headless commands run without a terminal; only cli.tsx starts the reader.',
      severity: 'error',
      from: { path: '^source/commands/' },
      to: { path: '^source/ui/' },
    },
    {
      name: 'no-import-back-through-the-facade',
      comment: 'A module inside core/X/ imports its siblings directly, never core/X.ts or core/X/index.ts.',
      severity: 'error',
      from: { path: '^source/core/([^/]+)/' },
      to: { path: ['^source/core/$1[.]ts$', '^source/core/$1/index[.]ts$'] },
    },
    {
      name: 'product-imports-only-dependencies',
      comment: 'What the product runs must be in package.json "dependencies" (the bundle would hide it).',
      severity: 'error',
      from: { path: '^source/', pathNot: '^source/(bench|scripts)/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    // The rest of the tree reaches a folder's modules through its public face only (core/X.ts beside
    // core/X/). Two exceptions: parse/errors.ts, so that a parse failure is recognized on the main
    // thread without loading the parser (rss-parser and the rest load only in the worker threads); and
    // the workers, which load each job's own module (page/job.ts, comments/discussion-job.ts) lazily;
    // and core/discussions/, which asks the same services as core/comments/ with its HTTP helpers and
    // adapters (the two folders are one idea seen from two sides: a thread, and where threads are).
    ...['store', 'http', 'html', 'parse', 'workers', 'page', 'discussions', 'comments', 'sync', 'settings'].map((folder) => ({
      name: `through-the-face-of-core/${folder}`,
      severity: 'error',
      from: { pathNot: [`^source/core/${folder}/`, `^source/core/${folder}[.]ts$`, ...(folder === 'page' ? ['^source/core/workers/'] : []), ...(folder === 'comments' ? ['^source/core/workers/', '^source/core/discussions/'] : [])] },
      to: { path: `^source/core/${folder}/`, pathNot: '^source/core/parse/errors[.]ts$' },
    })),
    { name: 'no-unresolvable', severity: 'error', from: {}, to: { couldNotResolve: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.tsx', '.js', '.mjs', '.d.ts'] },
    exclude: { path: ['^source/scripts/stubs/'] },
  },
};
