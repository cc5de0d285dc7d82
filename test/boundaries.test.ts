/**
 * The source tree's boundaries and its lint, as part of `npm test`: dependency-cruiser with the rules in
 * .config/dependency-cruiser.cjs (no import cycles, React-free core, ui/ never imports commands/, folders
 * reached through their public face, the product importing only `dependencies`) and Biome's linter and
 * formatter with .ci/biome.json. Each must report nothing.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const bin = (name: string) => path.join(ROOT, 'node_modules/.bin', name);
const run = (command: string, args: string[]) => spawnSync(bin(command), args, { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });

describe('boundaries and lint', () => {
  it('dependency-cruiser finds no violation', () => {
    const r = run('depcruise', ['--config', '.config/dependency-cruiser.cjs', '--output-type', 'err', 'source']);
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
  }, 120_000);

  it('Biome finds nothing to lint or reformat', () => {
    const r = run('biome', ['ci', '--config-path', '.ci', '--reporter', 'summary', 'source', 'test']);
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
  }, 120_000);
});
