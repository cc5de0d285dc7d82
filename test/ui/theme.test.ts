/**
 * The default palette on a light and on a dark background (issue 16: yellow counts and third-level
 * rails were faint on white). Every coloured element of the default theme, and every reply-rail colour,
 * is measured against white and black in two common terminal palettes (xterm's and Tango's, which GNOME
 * Terminal uses) with the WCAG contrast ratio. Modifiers (bold, dim, inverse) follow the text colour and
 * read on both. NO_COLOR drops colour and keeps the modifiers.
 */
import { describe, expect, it } from 'vitest';
import { buildTheme, DEFAULT_THEME, RAIL_COLOURS } from '../../source/ui/theme.js';

const PALETTES: Record<string, Record<string, string>> = {
  xterm: { red: 'cd0000', green: '00cd00', yellow: 'cdcd00', blue: '0000ee', magenta: 'cd00cd', cyan: '00cdcd', gray: '7f7f7f', white: 'e5e5e5' },
  tango: { red: 'cc0000', green: '4e9a06', yellow: 'c4a000', blue: '3465a4', magenta: '75507b', cyan: '06989a', gray: '555753', white: 'd3d7cf' },
};
const MODIFIERS = new Set(['bold', 'dim', 'italic', 'underline', 'inverse', 'strikethrough']);
/** Below this a colour is faint: xterm's yellow on white is 1.7, its cyan 2.0. */
const FLOOR = 2.1;

function luminance(hex: string): number {
  const [r, g, b] = [0, 2, 4].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}
const contrast = (a: string, b: string) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
};

describe('the default palette', () => {
  const colours = [...Object.entries(DEFAULT_THEME), ...RAIL_COLOURS.map((c, i) => [`rail ${i + 1}`, c] as const)].filter(([, spec]) => !MODIFIERS.has(spec));

  it("keeps to the terminal's own ANSI colours (no fixed hex values)", () => {
    for (const [element, spec] of colours) expect(Object.keys(PALETTES.xterm!), element).toContain(spec);
  });

  for (const [name, palette] of Object.entries(PALETTES)) {
    it(`reads on white and on black in the ${name} palette`, () => {
      for (const [element, spec] of colours) {
        const fg = palette[spec]!;
        expect(contrast(fg, 'ffffff'), `${element} (${spec}) on white`).toBeGreaterThanOrEqual(FLOOR);
        expect(contrast(fg, '000000'), `${element} (${spec}) on black`).toBeGreaterThanOrEqual(FLOOR);
      }
    });
  }

  it('the old yellow counts would have failed this measure', () => {
    expect(contrast(PALETTES.xterm!.yellow!, 'ffffff')).toBeLessThan(FLOOR);
  });

  it('NO_COLOR keeps bold, dim and inverse and drops every colour', () => {
    const { paint } = buildTheme({}, false);
    expect(paint.selected('x')).toBe('\x1b[7mx\x1b[27m');
    expect(paint.unread('x')).toBe('\x1b[1mx\x1b[22m');
    expect(paint.read('x')).toBe('\x1b[2mx\x1b[22m');
    expect(paint.comments('x')).toBe('x');
    expect(paint.feed('x')).toBe('x');
  });
});
