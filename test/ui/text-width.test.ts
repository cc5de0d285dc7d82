/**
 * The bundle's string-width (source/ui/text-width.ts, patched in by build.mjs) against
 * string-width itself: text summed per character gives string-width's own answer, for every character
 * that takes that path and for seeded lines of the reader's kind; text it cannot sum is left to the
 * segmenter; and the patch still applies to both installed string-width versions.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import stringWidth from 'string-width';
// Ink's wrap-ansi has its own, older string-width: the bundle patches both.
import stringWidth7 from '../../node_modules/ink/node_modules/wrap-ansi/node_modules/string-width/index.js';
import { patchStringWidth } from '../../source/scripts/build.mjs';
import { COMPLEX, characterWidths, simpleWidth } from '../../source/ui/text-width.js';
import { clip, fit } from '../../source/ui/format.js';
import { prng } from '../../source/bench/prng.mjs';

const chalk = new Chalk({ level: 3 });
const VERSIONS = [
  ['string-width 8', stringWidth],
  ['string-width 7', stringWidth7 as (text: string) => number],
] as const;

/** Every BMP character the sum covers (not COMPLEX, not a surrogate half). */
function simpleCharacters(): string[] {
  const out: string[] = [];
  for (let c = 0x20; c <= 0xffff; c++) {
    if (c >= 0xd800 && c <= 0xdfff) continue;
    const ch = String.fromCharCode(c);
    if (!COMPLEX.test(ch)) out.push(ch);
  }
  return out;
}

const PIECES = [
  'feed',
  ' ',
  '·',
  '—',
  '│',
  '“quoted”',
  '…',
  '中文标题',
  'Ünïcödé',
  'é',
  'e\u0301',
  '👩‍💻',
  '🇫🇷',
  'שלום',
  '한국어',
  'ᄀᄀ',
  'ｶﾞ',
  'क्षि',
  'soft\u00adhyphen',
  '★',
  '●',
  '12 comments',
  '\x1b]8;;x\x07',
];
const STYLES = [chalk.bold, chalk.dim, chalk.cyan, chalk.bgBlue.white, (s: string) => s];

describe('text widths summed per character', () => {
  const characters = simpleCharacters();

  for (const [name, width] of VERSIONS) {
    it(`agree with ${name} for every character they sum, beside others`, () => {
      const each = characterWidths(width);
      const wrong: string[] = [];
      for (const ch of characters) {
        const text = `a${ch}${ch}中·`;
        // One grapheme per code unit, as the sum assumes.
        if ([...new Intl.Segmenter().segment(text)].length !== text.length) wrong.push(`U+${ch.charCodeAt(0).toString(16)} joins`);
        else if (simpleWidth(text, each) !== width(text)) wrong.push(`U+${ch.charCodeAt(0).toString(16)}: ${simpleWidth(text, each)} != ${width(text)}`);
      }
      expect(wrong.slice(0, 10)).toEqual([]);
      expect(characters.length).toBeGreaterThan(50_000);
    });

    it(`agree with ${name} on seeded styled lines, or leave them to it`, () => {
      const each = characterWidths(width);
      let summed = 0;
      for (let seed = 1; seed <= 400; seed++) {
        const random = prng(seed);
        let text = '';
        const n = 1 + Math.floor(random() * 12);
        for (let i = 0; i < n; i++) {
          const style = STYLES[Math.floor(random() * STYLES.length)] ?? ((s: string) => s);
          text += style(PIECES[Math.floor(random() * PIECES.length)] ?? 'x');
        }
        const fast = simpleWidth(text, each);
        if (fast >= 0) {
          summed++;
          expect(fast, JSON.stringify(text)).toBe(width(text));
        }
      }
      // Both paths are exercised.
      expect(summed).toBeGreaterThan(40);
      expect(summed).toBeLessThan(400);
    });
  }

  it('sum the lines the reader paints, and leave marks, emoji, jamo and other escapes to the segmenter', () => {
    const each = characterWidths(stringWidth);
    const row = `${chalk.dim('│')} A title — “quoted” · 12 comments · 3 h`;
    expect(simpleWidth(row, each)).toBe(40);
    expect(stringWidth(row)).toBe(40);
    expect(simpleWidth('中文标题：终端', each)).toBe(14);
    for (const text of ['e\u0301', '👩‍💻', 'ᄀᄀ', 'soft\u00adhyphen', '\x1b]8;;https://x\x07link', 'a\tb']) expect(simpleWidth(text, each)).toBe(-1);
  });

  it('patches both installed string-width versions', () => {
    for (const file of ['node_modules/string-width/index.js', 'node_modules/ink/node_modules/wrap-ansi/node_modules/string-width/index.js']) {
      const source = fs.readFileSync(path.resolve(import.meta.dirname, '../..', file), 'utf8');
      const patched = patchStringWidth(source);
      expect(patched, file).not.toBe(source);
      expect(patched).toContain('simpleWidth(input, characterWidth)');
    }
  });
});

describe("the views' cuts (format.ts), summed or segmented", () => {
  /** The longest start of `text` (no colour codes) made of whole graphemes within `width` columns. */
  const reference = (text: string, width: number) => {
    let out = '';
    for (const { segment } of new Intl.Segmenter().segment(text)) {
      if (stringWidth(out + segment) > width) break;
      out += segment;
    }
    return out;
  };

  it('keep the longest start of whole graphemes that fits, on seeded lines of every kind', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const random = prng(seed);
      let text = '';
      const n = 1 + Math.floor(random() * 12);
      for (let i = 0; i < n; i++) text += PIECES.slice(0, -1)[Math.floor(random() * (PIECES.length - 1))] ?? 'x';
      const width = 1 + Math.floor(random() * 40);
      const clipped = clip(text, width);
      expect(clipped, JSON.stringify([text, width])).toBe(reference(text, width));
      const fitted = fit(text, width);
      expect(stringWidth(fitted), JSON.stringify([text, width])).toBe(width);
    }
  });

  it('keep colour codes and close them when they cut', () => {
    const text = `${chalk.cyan('│ “Quoted” title')} · 12 comments`;
    expect(clip(text, 10)).toBe(`${chalk.cyan('│ “Quoted”').slice(0, -5)}\x1b[0m`);
    expect(stringWidth(clip(text, 10))).toBe(10);
  });
});
