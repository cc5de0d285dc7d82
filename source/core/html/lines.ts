/**
 * The output lines and the block contexts that prefix them: quote rails, list markers and hanging
 * indents. Blank lines between blocks are asked for, not written, so that several requests make one
 * blank line and none is written before the first line.
 */
import { stripVTControlCharacters } from 'node:util';
import type { ChalkInstance } from 'chalk';
import { hardWrap, trimEndSpaces } from './wrap.js';

/**
 * A block context that prefixes its lines: a quote rail, a list item's marker and hanging indent, a dd's
 * indent. `first` is used for the first line emitted inside it (a list item's marker, and any marker of
 * an enclosing item that has not been shown yet), `rest` for every line after that.
 */
export class Ctx {
  pending: boolean;
  constructor(
    readonly parent: Ctx | null,
    readonly first: string,
    readonly rest: string,
    readonly width: number,
    /** Prefix of a blank line inside this context: the quote rails only. */
    readonly blank: string,
    readonly depth: number,
    pending: boolean,
  ) {
    this.pending = pending;
  }
}

/**
 * Last guard: a line whose measured width would overflow (it should not happen) loses its styling and is
 * cut with "…". `measured` is the caller's width of the line, so lines are not measured twice.
 */
function fitLine(line: string, measured: number, width: number): string {
  if (measured <= width) return line;
  const plain = stripVTControlCharacters(line);
  return (hardWrap(plain, width - 1)[0] ?? '') + '…';
}

export class LineWriter {
  readonly out: string[] = [];
  readonly root: Ctx;
  private current: Ctx;
  private lastCtx: Ctx | null = null;
  private pendingBlank = false;
  /** Indentation stops growing here, so deep nesting cannot squeeze the text to nothing. */
  private readonly maxIndent: number;

  constructor(
    /** Columns every line must fit. */
    readonly width: number,
    private readonly chalk: ChalkInstance,
    /** Plain text: no prefixes (no contexts are pushed), no styling, no width guard. */
    private readonly plain: boolean,
  ) {
    this.root = new Ctx(null, '', '', 0, '', 0, false);
    this.current = this.root;
    this.maxIndent = Math.floor(width / 2);
  }

  /** The innermost open context: the one new lines go into. */
  get ctx(): Ctx {
    return this.current;
  }

  /**
   * Open a context inside the current one, `ownWidth` columns wide; null (nothing opened) in plain
   * text, or when it would indent past half the width.
   */
  pushCtx(first: string, rest: string, ownWidth: number, quote: boolean): Ctx | null {
    if (this.plain) return null;
    const p = this.current;
    if (p.width + ownWidth > this.maxIndent) return null;
    const blank = quote ? p.rest + this.chalk.dim(first.includes('>') ? '>' : '│') : p.blank;
    const ctx = new Ctx(p, (p.pending ? p.first : p.rest) + first, p.rest + rest, p.width + ownWidth, blank, p.depth + 1, p.pending || first !== rest);
    this.current = ctx;
    return ctx;
  }

  popCtx(ctx: Ctx | null): void {
    if (ctx !== null) this.current = ctx.parent ?? this.root;
  }

  requestBlank(): void {
    this.pendingBlank = true;
  }

  /** The blank line between the last line and one in `ctx` keeps the quote rails they share. */
  private blankBetween(a: Ctx | null, b: Ctx): string {
    if (a === null) return '';
    let x: Ctx = a;
    let y: Ctx = b;
    while (x.depth > y.depth) x = x.parent!;
    while (y.depth > x.depth) y = y.parent!;
    while (x !== y) {
      x = x.parent!;
      y = y.parent!;
    }
    return x.blank;
  }

  /** Emit one line in `ctx`; `textWidth` is the visible width of `text` (the prefix's is known). */
  emit(text: string, ctx: Ctx, textWidth: number): void {
    if (this.pendingBlank) {
      if (this.out.length > 0) this.out.push(this.blankBetween(this.lastCtx, ctx));
      this.pendingBlank = false;
    }
    let prefix: string;
    if (ctx.pending) {
      prefix = ctx.first;
      for (let c: Ctx | null = ctx; c?.pending; c = c.parent) c.pending = false;
    } else {
      prefix = ctx.rest;
    }
    const line = text === '' ? trimEndSpaces(prefix) : prefix + text;
    this.out.push(this.plain ? line : fitLine(line, ctx.width + textWidth, this.width));
    this.lastCtx = ctx;
  }
}
