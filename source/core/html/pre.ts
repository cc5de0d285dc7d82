/**
 * Preformatted text (<pre>): collected verbatim, never reflowed. Leading and trailing blank lines are
 * dropped, tabs expanded, and a line wider than the pane is hard-wrapped at the column limit.
 */
import type { ChalkInstance } from 'chalk';
import type { LineWriter } from './lines.js';
import { expandTabs, hardWrap, trimEndSpaces, widthOf } from './wrap.js';

export class Preformatted {
  /** How many <pre> elements are open: text is preformatted while this is above zero. */
  depth = 0;
  private parts: string[] = [];

  constructor(
    private readonly writer: LineWriter,
    private readonly chalk: ChalkInstance,
    private readonly plain: boolean,
  ) {}

  /** Text inside the open <pre>, as it is: `\n` for a <br>, link numbers and image labels inline. */
  add(text: string): void {
    this.parts.push(text);
  }

  /** Write the collected block in the current context; `dim` inside a quote. */
  flush(dim: boolean): void {
    const lines = this.parts.join('').split('\n');
    this.parts = [];
    let start = 0;
    let end = lines.length;
    while (start < end && (lines[start] ?? '').trim() === '') start++;
    while (end > start && (lines[end - 1] ?? '').trim() === '') end--;
    const ctx = this.writer.ctx;
    const avail = Math.max(1, this.writer.width - ctx.width);
    for (let i = start; i < end; i++) {
      const line = this.plain ? trimEndSpaces(lines[i] ?? '') : trimEndSpaces(expandTabs(lines[i] ?? ''));
      if (line === '') {
        // A blank line inside code is content: kept verbatim, not collapsed.
        this.writer.emit('', ctx, 0);
        continue;
      }
      if (this.plain) {
        this.writer.emit(line, ctx, 0);
        continue;
      }
      // Code is never reflowed: a line wider than the pane is hard-wrapped at the column limit.
      for (const chunk of hardWrap(line, avail)) {
        this.writer.emit(this.chalk.green(dim ? this.chalk.dim(chunk) : chunk), ctx, widthOf(chunk));
      }
    }
  }
}
