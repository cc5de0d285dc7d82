/**
 * The design record is in the repository: every document a comment names can be opened from a clone.
 *
 * Scanned: every .ts/.tsx/.mjs/.js file under source/ and test/ except test/fixtures/ (vendored data).
 * A document name is any `\b[\w./-]+\.md\b` in such a file, with a leading `./` or `../` kept, once URLs
 * (`scheme://…`) are taken out of the line. The rule: a name resolves when it is a file inside the repository
 *   1. relative to the repository root (`README.md`, `test/fixtures/SOURCES.md`), or
 *   2. relative to the citing file's own folder (`../README.md` from source/core/store.ts), or
 *   3. relative to source/, which is how a source folder's note is named (`core/store/README.md`), or
 *   4. for a bare name without a folder, in any folder below the citing file's folder (`SOURCES.md` from
 *      test/conformance.test.ts is test/fixtures/SOURCES.md).
 * A path that leaves the repository (an absolute path, or `../` past the root) never resolves. The two
 * background notes that once lived outside the clone are not to be cited at all, even without `.md`.
 *
 * Also: every folder under source/ has a README.md (its idea, its entry, what it may import), and every
 * citation of the form `(README, Design: "The cache")` in those files and in the folder notes names a
 * `### The cache` heading inside the `## Design` section of README.md.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SKIP = new Set(['node_modules', '.git', '.build']);

/** Every file of the repository, as a path relative to the root with `/` separators. */
function walk(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue;
    const rel = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) walk(rel, out);
    else if (entry.isFile()) out.push(rel);
  }
  return out;
}

const files = walk('');
const fileSet = new Set(files);
const mdFiles = files.filter((f) => f.endsWith('.md'));
const codeFiles = files.filter((f) => /^(source|test)\//.test(f) && !f.startsWith('test/fixtures/') && /\.(ts|tsx|mjs|js)$/.test(f));
const sourceDirs = [...new Set(files.filter((f) => f.startsWith('source/')).map((f) => path.posix.dirname(f)))].sort();

const DOC_NAME = /(?:\.\.?\/)*\b[\w./-]+\.md\b/g;
const URL_TEXT = /\b[a-z][\w+.-]*:\/\/\S+/gi;

/** A path inside the repository, normalized, or null when it leaves it. */
function inside(p: string): string | null {
  const n = path.posix.normalize(p);
  return n.startsWith('/') || n === '..' || n.startsWith('../') ? null : n;
}

/** The rule of the header comment: does `name`, cited in `from`, name a document of the repository? */
export function resolves(name: string, from: string): boolean {
  const dir = path.posix.dirname(from);
  for (const candidate of [name, path.posix.join(dir, name), path.posix.join('source', name)]) {
    const p = inside(candidate);
    if (p !== null && fileSet.has(p)) return true;
  }
  if (!name.includes('/')) return mdFiles.some((f) => path.posix.basename(f) === name && f.startsWith(`${dir}/`));
  return false;
}

/** `file:line: name` for every document name in `file` that does not resolve. */
function missingDocs(file: string, text: string): string[] {
  const missing: string[] = [];
  text.split('\n').forEach((line, i) => {
    for (const [name] of line.replace(URL_TEXT, ' ').matchAll(DOC_NAME)) {
      if (!resolves(name, file)) missing.push(`${file}:${i + 1}: ${name}`);
    }
  });
  return missing;
}

/** The `### ` headings inside README.md's `## Design` section. */
function designHeadings(readme: string): Set<string> {
  const headings = new Set<string>();
  let inDesign = false;
  for (const line of readme.split('\n')) {
    if (/^## /.test(line)) inDesign = line.trim() === '## Design';
    else if (inDesign && /^### /.test(line)) headings.add(line.slice(4).trim());
  }
  return headings;
}

const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

describe('the design record is in the repository', () => {
  it('finds the files it checks', () => {
    expect(codeFiles.length).toBeGreaterThan(100);
    expect(codeFiles).toContain('test/docs.test.ts');
    expect(codeFiles.some((f) => f.startsWith('test/fixtures/'))).toBe(false);
  });

  it('resolves names by the rule in its header', () => {
    expect(resolves('README.md', 'source/core/comments/feed/wordpress.ts')).toBe(true);
    expect(resolves('SOURCES.md', 'test/conformance.test.ts')).toBe(true);
    expect(resolves('test/fixtures/SOURCES.md', 'test/conformance.test.ts')).toBe(true);
    expect(resolves('core/store/README.md', 'test/store.test.ts')).toBe(true);
    expect(resolves('../README.md', 'source/core/store.ts')).toBe(true);
    expect(resolves('./feed/' + 'README.md', 'source/core/comments/feed.ts')).toBe(true);
    // Documents outside the clone (built from pieces, so this file names none itself).
    expect(resolves('DESIGN' + '.md', 'source/core/store.ts')).toBe(false);
    expect(resolves('INK_NOTES' + '.md', 'source/ui/App.tsx')).toBe(false);
    expect(resolves('../../../' + 'shared' + '/docs/DESIGN' + '.md', 'source/core/store.ts')).toBe(false);
    expect(resolves('/work/' + 'shared' + '/docs/DESIGN' + '.md', 'source/core/store.ts')).toBe(false);
    expect(resolves('../../../../' + 'README.md', 'source/core/comments/index.ts')).toBe(false);
    expect(missingDocs('source/core/x.ts', ' * see ../README' + '.md')).toEqual([]);
    expect(missingDocs('source/x.ts', ' * see NOTES' + '.md and https://example.org/CHANGELOG' + '.md')).toEqual(['source/x.ts:1: NOTES' + '.md']);
  });

  it('every document named in source/ and test/ exists in the repository', () => {
    const missing = codeFiles.flatMap((file) => missingDocs(file, read(file)));
    expect(missing).toEqual([]);
  });

  it('no comment cites the notes that live outside the repository, with or without .md', () => {
    // Those two documents were never in the clone; their facts are in README.md's Design section now.
    const outside = /\b(?:DESIGN|INK_NOTES)\b/;
    const cites = codeFiles
      .filter((file) => file !== 'test/docs.test.ts')
      .flatMap((file) =>
        read(file)
          .split('\n')
          .flatMap((line, i) => (outside.test(line) ? [`${file}:${i + 1}`] : [])),
      );
    expect(cites).toEqual([]);
  });

  it('every folder under source/ has a README.md', () => {
    expect(sourceDirs.length).toBeGreaterThan(10);
    expect(sourceDirs.filter((dir) => !fileSet.has(`${dir}/README.md`))).toEqual([]);
  });

  it('every Design subsection cited exists as a ### heading of README.md', () => {
    const headings = designHeadings(read('README.md'));
    expect(headings.size).toBeGreaterThan(0);
    const cited = /README,\s*Design:\s*"([^"\n]*)"/g;
    const anyCitation = /README,\s*Design:/g;
    const bad: string[] = [];
    for (const file of [...codeFiles, ...mdFiles.filter((f) => f.startsWith('source/'))]) {
      const text = read(file);
      const lineOf = (index: number) => text.slice(0, index).split('\n').length;
      const wellFormed = new Set<number>();
      for (const m of text.matchAll(cited)) {
        wellFormed.add(m.index);
        if (!headings.has(m[1]!)) bad.push(`${file}:${lineOf(m.index)}: no "### ${m[1]}" in README.md's Design section`);
      }
      for (const m of text.matchAll(anyCitation)) {
        if (!wellFormed.has(m.index)) bad.push(`${file}:${lineOf(m.index)}: a Design citation names its subsection in "double quotes" on the same line`);
      }
    }
    expect(bad).toEqual([]);
  });
});
