/**
 * Links as numbered footnotes: the text shows "[N]" after each link, and a "Links" section at the end
 * lists the URLs. Terminal hyperlinks (OSC 8) are never used: a feed would choose their targets
 * (README, Design: "The terminal is hostile territory").
 */
import type { ChalkInstance } from 'chalk';
import type { LineWriter } from './lines.js';
import { hardWrap, widthOf } from './wrap.js';

export class Footnotes {
  /** Absolute http(s) URLs; link N is urls[N-1]. */
  readonly urls: string[] = [];
  private readonly numbers = new Map<string, number>();

  /** The number of a link to `url`: every link to the same URL shares one. */
  number(url: string): number {
    let n = this.numbers.get(url);
    if (n === undefined) {
      this.urls.push(url);
      n = this.urls.length;
      this.numbers.set(url, n);
    }
    return n;
  }

  /** The "Links" section, after a blank line: each URL after its number, hard-wrapped under it. */
  write(writer: LineWriter, chalk: ChalkInstance): void {
    if (this.urls.length === 0) return;
    writer.requestBlank();
    writer.emit(chalk.bold('Links'), writer.root, 5);
    const labelWidth = `[${this.urls.length}] `.length;
    const avail = Math.max(1, writer.width - labelWidth);
    this.urls.forEach((url, i) => {
      const label = `[${i + 1}]`;
      const chunks = hardWrap(url, avail);
      chunks.forEach((chunk, j) => {
        const head = j === 0 ? chalk.cyan(label) + ' '.repeat(labelWidth - label.length) : ' '.repeat(labelWidth);
        writer.emit(head + chunk, writer.root, labelWidth + widthOf(chunk));
      });
    });
  }
}
