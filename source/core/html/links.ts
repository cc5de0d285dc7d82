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

  /**
   * The "Links" section, after a blank line: each URL after its number, hard-wrapped under it. Only
   * the first `count` (the text's links; enclosures numbered after them have their own section).
   */
  write(writer: LineWriter, chalk: ChalkInstance, count = this.urls.length): void {
    writeNumbered(
      writer,
      chalk,
      'Links',
      this.urls.slice(0, count).map((url, i) => ({ n: i + 1, text: url })),
    );
  }
}

/** A section of numbered entries after a blank line, each hard-wrapped under its "[N]" label. */
export function writeNumbered(writer: LineWriter, chalk: ChalkInstance, title: string, entries: readonly { n: number; text: string }[]): void {
  if (entries.length === 0) return;
  writer.requestBlank();
  writer.emit(chalk.bold(title), writer.root, widthOf(title));
  const labelWidth = Math.max(...entries.map((e) => `[${e.n}] `.length));
  const avail = Math.max(1, writer.width - labelWidth);
  for (const { n, text } of entries) {
    const label = `[${n}]`;
    const chunks = hardWrap(text, avail);
    chunks.forEach((chunk, j) => {
      const head = j === 0 ? chalk.cyan(label) + ' '.repeat(labelWidth - label.length) : ' '.repeat(labelWidth);
      writer.emit(head + chunk, writer.root, labelWidth + widthOf(chunk));
    });
  }
}
