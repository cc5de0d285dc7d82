/**
 * The bundle's row composer (source/scripts/stubs/ink-rows.js) against Ink 6.8's own cell grid: for
 * seeded frames of side-by-side panes in the reader's shape (styled lines, wide and zero-width
 * characters, gaps, a rule column), every row holds the same character in the same cell with the same
 * styles. Frames it cannot compose (a clip, overlapping lines, a line past the width)
 * are left to the grid. And the build's patch still applies to the installed Ink.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
// Ink's own modules, as its output.js imports them (not exported by its package: read by path).
import { styledCharsFromTokens, styledCharsToString, tokenize } from '../../node_modules/@alcalzone/ansi-tokenize/build/index.js';
import Output from '../../node_modules/ink/build/output.js';
import stringWidth from 'string-width';
import { patchInkOutput } from '../../source/scripts/build.mjs';
import { composeRows } from '../../source/scripts/stubs/ink-rows.js';
import { prng } from '../../source/bench/prng.mjs';

const INK = { tokenize, styledCharsFromTokens, styledCharsToString, stringWidth };
const chalk = new Chalk({ level: 3 });
type Write = { type: 'write'; x: number; y: number; text: string; transformers: ((s: string, index: number) => string)[] };

/**
 * A row as a terminal shows it: each grapheme with the SGR state an xterm would draw it in (22 ends
 * bold and dim alike, 0 or an empty code ends everything), whatever bytes encoded that state.
 */
function cells(frame: string): string[][] {
  const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  return frame.split('\n').map((row) => {
    const state = new Map<string, string>();
    const out: string[] = [];
    for (const part of row.split(/(\x1b\[[0-9;]*m)/)) {
      const sgr = /^\x1b\[([0-9;]*)m$/.exec(part);
      if (sgr) {
        applySgr(state, sgr[1] ?? '');
        continue;
      }
      const look = [...state].sort().join(',');
      for (const { segment } of graphemes.segment(part)) out.push(`${segment}|${look}`);
    }
    return out;
  });
}

const ATTRIBUTES: Record<number, [string, string | null]> = {
  1: ['bold', 'on'],
  2: ['dim', 'on'],
  3: ['italic', 'on'],
  4: ['underline', 'on'],
  7: ['inverse', 'on'],
  9: ['strike', 'on'],
  23: ['italic', null],
  24: ['underline', null],
  27: ['inverse', null],
  29: ['strike', null],
  39: ['fg', null],
  49: ['bg', null],
};

function applySgr(state: Map<string, string>, params: string): void {
  const codes = params === '' ? [0] : params.split(';').map(Number);
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i] ?? 0;
    if (code === 0) state.clear();
    else if (code === 22) {
      state.delete('bold');
      state.delete('dim');
    } else if (code === 38 || code === 48) {
      const key = code === 38 ? 'fg' : 'bg';
      const n = codes[i + 1] === 5 ? 2 : 4;
      state.set(key, codes.slice(i + 1, i + 1 + n).join(':'));
      i += n;
    } else if ((code >= 30 && code <= 37) || (code >= 90 && code <= 97)) state.set('fg', String(code));
    else if ((code >= 40 && code <= 47) || (code >= 100 && code <= 107)) state.set('bg', String(code));
    else {
      const [name, value] = ATTRIBUTES[code] ?? [`sgr${code}`, 'on'];
      if (value === null) state.delete(name);
      else state.set(name, value);
    }
  }
}

function inkGrid(width: number, height: number, writes: Write[]): string {
  const output = new Output({ width, height });
  for (const w of writes) output.write(w.x, w.y, w.text, { transformers: w.transformers });
  return output.get().output;
}

const WORDS = [
  'feed',
  'article',
  '中文标题',
  'Ünïcödé',
  'e\u0301t\u00e9',
  '👩‍💻',
  '🇫🇷',
  'שלום',
  '★',
  '●',
  '💬',
  'a-very-long-word',
  '12:34',
  '“quoted”',
  '…',
  '┃',
  '한국어',
  'ᄀᄀ',
  'ｶﾞ',
  'क्षि',
  'soft\u00adhyphen',
  '\x1b[2mdim',
];
const STYLES = [chalk.bold, chalk.dim, chalk.inverse, chalk.underline, chalk.cyan, chalk.yellow.bold, chalk.bgBlue.white, (s: string) => s];

/** A line of styled words no wider than `width` cells as Ink counts them. */
function line(random: () => number, width: number): string {
  let out = '';
  let used = 0;
  for (;;) {
    const word = WORDS[Math.floor(random() * WORDS.length)] ?? 'x';
    const style = STYLES[Math.floor(random() * STYLES.length)] ?? ((s: string) => s);
    const piece = (used === 0 ? '' : ' ') + style(word);
    const cellsOf = styledCharsFromTokens(tokenize(piece)).reduce((n: number, c: { value: string }) => n + Math.max(1, stringWidth(c.value)), 0);
    if (used + cellsOf > width || random() < 0.1) return out;
    out += piece;
    used += cellsOf;
  }
}

/** The reader's shape: a list pane, a rule, an article pane, a status line; some lines empty. */
function frame(seed: number): { width: number; height: number; writes: Write[] } {
  const random = prng(seed);
  const width = 40 + Math.floor(random() * 200);
  const height = 5 + Math.floor(random() * 50);
  const left = Math.floor(width * (0.2 + random() * 0.5));
  const pane = (w: number) => Array.from({ length: height - 1 }, () => (random() < 0.1 ? '' : line(random, w))).join('\n');
  const writes: Write[] = [
    { type: 'write', x: 0, y: 0, text: pane(left), transformers: [] },
    { type: 'write', x: left, y: 0, text: Array.from({ length: height - 1 }, () => chalk.gray('│')).join('\n'), transformers: [] },
    { type: 'write', x: left + 1, y: 0, text: pane(width - left - 1), transformers: [] },
    { type: 'write', x: 0, y: height - 1, text: line(random, width), transformers: [(s: string) => chalk.dim(s)] },
  ];
  // Ink writes in tree order, not left to right.
  if (random() < 0.5) writes.reverse();
  return { width, height, writes };
}

describe('composeRows, against Ink’s grid', () => {
  it.each(Array.from({ length: 60 }, (_, i) => i + 1))('seed %i: the same cells', (seed) => {
    const { width, height, writes } = frame(seed);
    const fast = composeRows(width, height, writes, INK);
    expect(fast).not.toBeNull();
    expect(fast?.height).toBe(height);
    expect(cells(fast?.output ?? '')).toEqual(cells(inkGrid(width, height, writes)));
  });

  it('gives Ink’s bytes for unstyled lines, and closes a styled line’s colours at its end', () => {
    const plain: Write[] = [
      { type: 'write', x: 0, y: 0, text: 'one  \ntwo', transformers: [] },
      { type: 'write', x: 10, y: 1, text: '中文 x  ', transformers: [] },
    ];
    expect(composeRows(30, 3, plain, INK)?.output).toBe(inkGrid(30, 3, plain));
    const open: Write[] = [
      { type: 'write', x: 0, y: 0, text: '\x1b[1mbold, never closed', transformers: [] },
      { type: 'write', x: 20, y: 0, text: 'plain', transformers: [] },
    ];
    expect(cells(composeRows(30, 1, open, INK)?.output ?? '')).toEqual(cells(inkGrid(30, 1, open)));
  });

  it('applies a Text’s transforms as the grid does, and leaves to it a clip, overlapping lines, a line past the width, a fractional place', () => {
    const write = (x: number, text: string, transformers: Write['transformers'] = []): Write => ({ type: 'write', x, y: 0, text, transformers });
    expect(composeRows(20, 2, [{ type: 'clip', clip: { x1: 0, x2: 5 } }, write(0, 'abc')], INK)).toBeNull();
    const upper = [write(0, 'abc\ndef', [(s, i) => `${i}${s.toUpperCase()}`])];
    expect(composeRows(20, 2, upper, INK)?.output).toBe(inkGrid(20, 2, upper));
    expect(composeRows(20, 2, [write(0, 'abcdef'), write(3, 'xyz')], INK)).toBeNull();
    expect(composeRows(5, 2, [write(0, 'abcdef')], INK)).toBeNull();
    expect(composeRows(20, 2, [write(1.5, 'abc')], INK)).toBeNull();
    expect(composeRows(20, 2, [write(0, 'ab'), write(2, 'cd')], INK)?.output).toBe(inkGrid(20, 2, [write(0, 'ab'), write(2, 'cd')]));
  });

  it('is patched into the installed Ink’s output.js by the build', () => {
    const file = path.join(import.meta.dirname, '../../node_modules/ink/build/output.js');
    const source = fs.readFileSync(file, 'utf8');
    const patched = patchInkOutput(source);
    expect(patched).not.toBe(source);
    expect(patched).toContain('const rows = composeRows(this.width, this.height, this.operations');
  });
});
