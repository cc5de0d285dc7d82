/**
 * Flowing text: the inline content of one block, collected as plain runs with their style bits, with
 * HTML white space collapsed. When the block ends, the plain text is word-wrapped at the width its
 * context leaves, and only then styled, row by row, so every row opens and closes its own SGR codes and
 * a prefix never inherits a style.
 */
import type { LineWriter } from './lines.js';
import { DIM, MARKER, type StylePainter } from './style.js';
import { trimEndSpaces, wrapRanges } from './wrap.js';

const HTML_SPACE = /[ \t\n\f\r]+/g;

/** A run of inline text in one style. */
interface Run {
  text: string;
  style: number;
}

export class Paragraph {
  private runs: Run[] = [];
  private hasText = false;
  private lineHasText = false;
  private pendingSpace = false;

  constructor(
    private readonly writer: LineWriter,
    private readonly painter: StylePainter,
    /** Plain text: rows are lines as written, never wrapped or styled. */
    private readonly plain: boolean,
  ) {}

  /** Add sanitized text in `style`; false when it was only white space (nothing visible was added). */
  text(clean: string, style: number): boolean {
    const collapsed = clean.replace(HTML_SPACE, ' ');
    if (collapsed === ' ') {
      if (this.lineHasText) this.pendingSpace = true;
      return false;
    }
    const lead = collapsed.charCodeAt(0) === 0x20;
    const trail = collapsed.charCodeAt(collapsed.length - 1) === 0x20;
    const body = collapsed.slice(lead ? 1 : 0, trail ? -1 : undefined);
    if ((this.pendingSpace || lead) && this.lineHasText) this.space(style);
    this.push(body, style);
    this.hasText = this.lineHasText = true;
    this.pendingSpace = trail;
    return true;
  }

  /** Add an unbreakable piece (image label, inline list marker) with the usual spacing before it. */
  atom(text: string, style: number): void {
    if (this.pendingSpace && this.lineHasText) this.space(style);
    this.push(text, style);
    this.hasText = this.lineHasText = true;
    this.pendingSpace = false;
  }

  /** A link's number: glued to the link text, before any space that followed it. */
  marker(text: string): void {
    this.push(text, MARKER);
    this.hasText = this.lineHasText = true;
  }

  /** Separate whatever comes next from what came before by a space. */
  spaceNext(): void {
    this.pendingSpace = true;
  }

  /** A table cell separator swallows the spaces on both sides. */
  separator(text: string): void {
    this.push(text, DIM);
    this.pendingSpace = false;
    this.lineHasText = false;
  }

  lineBreak(): void {
    this.push('\n', 0);
    this.lineHasText = false;
    this.pendingSpace = false;
  }

  /** Append to the run list, merging with the last run when the style is the same. */
  private push(text: string, style: number): void {
    const last = this.runs[this.runs.length - 1];
    if (last !== undefined && last.style === style) last.text += text;
    else this.runs.push({ text, style });
  }

  /** A collapsed space: styled like its neighbours when both share a style (underlined link text). */
  private space(nextStyle: number): void {
    const last = this.runs[this.runs.length - 1];
    this.push(' ', last !== undefined && last.style === nextStyle ? nextStyle : 0);
  }

  /** End the paragraph: write its lines in the current context, and start an empty one. */
  flush(): void {
    const runs = this.runs;
    this.runs = [];
    const hasText = this.hasText;
    this.hasText = this.lineHasText = this.pendingSpace = false;
    if (!hasText) return;
    // Run offsets into the plain text, which is what gets wrapped.
    const starts: number[] = [];
    let plain = '';
    for (const run of runs) {
      starts.push(plain.length);
      plain += run.text;
    }
    // A trailing <br> adds no empty line, as in a browser.
    let end = plain.length;
    while (end > 0 && plain.charCodeAt(end - 1) === 0x0a) end--;
    plain = plain.slice(0, end);
    const writer = this.writer;
    const ctx = writer.ctx;

    if (this.plain) {
      for (const line of plain.split('\n')) {
        const trimmed = trimEndSpaces(line.trimStart());
        if (trimmed.trim() === '') writer.requestBlank();
        else writer.emit(trimmed, ctx, 0);
      }
      return;
    }

    // Wrap the plain text, then style each row from the runs it covers.
    const avail = Math.max(1, writer.width - ctx.width);
    let r = 0;
    for (const [a, b, w] of wrapRanges(plain, avail)) {
      // Empty, or only non-breaking spaces (WordPress's "<p>&nbsp;</p>" spacers): a blank line.
      if (a === b || plain.slice(a, b).trim() === '') {
        writer.requestBlank();
        continue;
      }
      while (r + 1 < runs.length && starts[r + 1]! <= a) r++;
      let out = '';
      for (let k = r; k < runs.length && starts[k]! < b; k++) {
        const run = runs[k]!;
        const s0 = starts[k]!;
        const piece = run.text.slice(Math.max(a, s0) - s0, Math.min(b, s0 + run.text.length) - s0);
        out += this.painter.paint(piece, run.style);
      }
      writer.emit(out, ctx, w);
    }
  }
}
