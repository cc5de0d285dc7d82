/**
 * Inline styles as bits, so a run of text carries its style as one number: which styles the open
 * elements ask for, and how each combination looks in the terminal.
 */
import type { ChalkInstance } from 'chalk';

export const BOLD = 1;
export const ITALIC = 2;
export const UNDERLINE = 4;
export const STRIKE = 8;
export const CODE = 16;
export const DIM = 32;
/** Link number markers. */
export const MARKER = 64;

/** How many open elements ask for each style: a style applies while any of them is open. */
export class OpenStyles {
  private bold = 0;
  private italic = 0;
  private underline = 0;
  private strike = 0;
  private code = 0;
  private dim = 0;

  /** An element asking for `style` (one or more bits) opened (+1) or closed (-1). */
  change(style: number, delta: 1 | -1): void {
    if (style & BOLD) this.bold += delta;
    if (style & ITALIC) this.italic += delta;
    if (style & UNDERLINE) this.underline += delta;
    if (style & STRIKE) this.strike += delta;
    if (style & CODE) this.code += delta;
    if (style & DIM) this.dim += delta;
  }

  /** The current style bits. */
  mask(): number {
    let mask = 0;
    if (this.bold > 0) mask |= BOLD;
    if (this.italic > 0) mask |= ITALIC;
    if (this.underline > 0) mask |= UNDERLINE;
    if (this.strike > 0) mask |= STRIKE;
    if (this.code > 0) mask |= CODE;
    if (this.dim > 0) mask |= DIM;
    return mask;
  }

  get dimmed(): boolean {
    return this.dim > 0;
  }
}

/** Styles text with chalk; each combination of bits is built into a chalk builder once. */
export class StylePainter {
  private readonly builders = new Map<number, ChalkInstance>();

  constructor(
    private readonly chalk: ChalkInstance,
    private readonly plain: boolean,
  ) {}

  paint(text: string, style: number): string {
    if (style === 0 || this.plain) return text;
    let c = this.builders.get(style);
    if (c === undefined) {
      c = this.chalk;
      if (style & BOLD) c = c.bold;
      if (style & ITALIC) c = c.italic;
      if (style & UNDERLINE) c = c.underline;
      if (style & STRIKE) c = c.strikethrough;
      if (style & CODE) c = c.green;
      if (style & MARKER) c = c.cyan;
      if (style & DIM) c = c.dim;
      this.builders.set(style, c);
    }
    return c(text);
  }
}

const COLOUR = /^(?:black|red|green|yellow|blue|magenta|cyan|white|gray|grey)(?:Bright)?$|^bg|^(?:hex|rgb|ansi256)$/;

/**
 * A chalk that keeps bold, dim, italic, underline, inverse and strikethrough but drops every colour:
 * NO_COLOR asks for no colour, not for no emphasis.
 */
export function monochrome(chalk: ChalkInstance): ChalkInstance {
  // The proxy's target is a bare function: chalk's own builders hold non-configurable properties,
  // which a proxy over them would have to report unchanged.
  const call = (...text: unknown[]) => chalk(...(text as [string]));
  return new Proxy(call, {
    get(_target, property) {
      if (typeof property === 'string' && COLOUR.test(property)) {
        return /^(?:hex|rgb|ansi256)$|^bg(?:Hex|Rgb|Ansi256)$/.test(property) ? () => monochrome(chalk) : monochrome(chalk);
      }
      const value = (chalk as unknown as Record<string | symbol, unknown>)[property];
      if (typeof property === 'string' && /^(?:bold|dim|italic|underline|inverse|strikethrough|reset|visible|hidden|overline)$/.test(property)) {
        return monochrome(value as ChalkInstance);
      }
      return value;
    },
  }) as unknown as ChalkInstance;
}
