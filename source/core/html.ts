/**
 * HTML -> terminal lines: paragraphs, headings, lists, quotes, code, tables, and links as numbered
 * footnotes. Built on htmlparser2's DOM (which decodes entities with `entities`), never regex stripping.
 *
 * Every piece of text is passed through sanitizeText after the parser decoded its entities (`&#27;` is an
 * ESC by then), every URL through safeUrl, so the only escape sequences in the output are the SGR codes
 * our own chalk instance produced (DESIGN.md, "The terminal is hostile territory"). No OSC 8, ever.
 *
 * Every line fits `width` columns as string-width measures them (the measure Ink uses). Each block's text
 * is collected as plain runs, word-wrapped (wrap-ansi's hard+trim semantics, see wrapRanges) at the width
 * left after the block's prefix (quote rails, list markers, indentation), and only then styled, so every
 * row opens and closes its own SGR codes and a prefix never inherits a style. A last guard cuts any line
 * that would still overflow.
 *
 * The walk over the DOM is iterative, so hostile nesting cannot overflow the call stack, and indentation
 * stops growing at half the width, so deep nesting cannot squeeze the text to nothing.
 */
import { stripVTControlCharacters } from 'node:util';
import { Chalk, type ChalkInstance } from 'chalk';
import { ElementType, parseDocument } from 'htmlparser2';
import stringWidth from 'string-width';
import { safeUrl, sanitizeLine, sanitizeText } from './sanitize.js';

export interface RenderOptions {
  /** Columns available, >= 10 (smaller values are honoured down to 2). */
  width: number;
  /** Default true; false = no ANSI at all. */
  color?: boolean;
  /** Resolve relative links and images against this URL. */
  baseUrl?: string;
}

export interface RenderedHtml {
  /** Each line fits `width` visible columns (string-width) and contains chalk SGR styling only. */
  lines: string[];
  /** Absolute http(s) URLs; link N is links[N-1]. */
  links: string[];
}

type DomNode = ReturnType<typeof parseDocument>['children'][number];
type DomElement = Extract<DomNode, { attribs: unknown }>;

/** Elements whose content is never shown. */
const SKIP = new Set([
  'script', 'style', 'iframe', 'object', 'embed', 'noscript', 'head', 'template', 'svg', 'math',
  'form', 'input', 'button', 'select', 'textarea', 'option', 'title', 'canvas', 'audio', 'video',
  'frameset', 'frame', 'applet', 'dialog', 'map',
]);

/** Blocks separated from their neighbours by a blank line (unless noted otherwise in enter()). */
const MARGIN_BLOCKS = new Set(['p', 'address', 'figure', 'fieldset', 'details']);
const HEADINGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
/** Blocks that only start and end a line. */
const LINE_BLOCKS = new Set([
  'div', 'section', 'article', 'aside', 'header', 'footer', 'main', 'nav', 'summary', 'hgroup',
  'body', 'html', 'menu', 'dir', 'thead', 'tbody', 'tfoot', 'legend', 'search', 'caption', 'figcaption',
  'dt', 'center', 'listing', 'xmp', 'plaintext',
]);

const TAB_SIZE = 4;
const ASCII_PRINTABLE = /^[\x20-\x7e]*$/;
const HTML_SPACE = /[ \t\n\f\r]+/g;
const segmenter = new Intl.Segmenter();

/**
 * Characters that can join their neighbours into one grapheme cluster or change its width: marks,
 * joiners, variation selectors, Hangul jamo, emoji, astral code points, prepend characters and the few
 * other spacing/extending characters outside \p{M}. A string without any of them is one cluster per
 * code point, so its width is the sum of its characters' widths.
 */
const COMPLEX =
  /[\p{M}\p{Cs}\p{Extended_Pictographic}\u{10000}-\u{10FFFF}\u200c\u200d\ufe00-\ufe0f\u1100-\u11ff\ua960-\ua97f\ud7b0-\ud7ff\u0600-\u0605\u06dd\u070f\u0890\u0891\u08e2\u0d4e\u0e33\u0eb3\uff9e\uff9f\u20e3]/u;

/** Style bits; combinations are cached as chalk builders. */
const BOLD = 1;
const ITALIC = 2;
const UNDERLINE = 4;
const STRIKE = 8;
const CODE = 16;
const DIM = 32;
/** Link number markers. */
const MARKER = 64;

/** A run of inline text in one style. */
interface Run {
  text: string;
  style: number;
}

/**
 * A block context that prefixes its lines: a quote rail, a list item's marker and hanging indent, a dd's
 * indent. `first` is used for the first line emitted inside it (a list item's marker, and any marker of
 * an enclosing item that has not been shown yet), `rest` for every line after that.
 */
class Ctx {
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

interface ListState {
  ordered: boolean;
  next: number;
  step: number;
  /** Visible width of the widest marker, e.g. 4 for "10. ". */
  markerWidth: number;
  /** Nesting depth among unordered lists, to alternate bullets. */
  bulletDepth: number;
}

interface ExitToken {
  ctx: Ctx | null;
  link?: { url: string; serial: number };
}

type Frame = { node: DomNode; exit?: undefined } | { exit: DomElement; token: ExitToken };

function isElement(node: DomNode): node is DomElement {
  return node.type === ElementType.Tag || node.type === ElementType.Script || node.type === ElementType.Style;
}

/**
 * Widths of single grapheme clusters, as string-width (the measure Ink uses) gives them. string-width
 * runs several Unicode-property regexes per cluster (about 1-2 µs each), so a 20,000-word article in
 * any non-ASCII script would take hundreds of milliseconds to measure; remembered per cluster, it does
 * not. Bounded, so hostile input cannot grow it without limit.
 */
const clusterWidths = new Map<string, number>();

function clusterWidth(cluster: string): number {
  let w = clusterWidths.get(cluster);
  if (w === undefined) {
    w = stringWidth(cluster);
    if (clusterWidths.size >= 50_000) clusterWidths.clear();
    clusterWidths.set(cluster, w);
  }
  return w;
}

/** Visible width of plain text (no escape sequences): exactly string-width's answer, faster. */
function widthOf(s: string): number {
  if (ASCII_PRINTABLE.test(s)) return s.length;
  let w = 0;
  if (!COMPLEX.test(s)) {
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      w += c >= 0x20 && c < 0x7f ? 1 : clusterWidth(s[i]!);
    }
    return w;
  }
  for (const { segment } of segmenter.segment(s)) w += clusterWidth(segment);
  return w;
}

/**
 * Greedy word wrap of plain text to `columns`, returning each row as a [start, end) range of `text` (so
 * styles can be applied afterwards from the runs the range covers). Semantics follow wrap-ansi with
 * `{hard: true, trim: true}` (the test suite checks them against it): words split on spaces, "\n" always
 * breaks, rows carry no leading or trailing spaces, a word wider than a row is cut between grapheme
 * clusters and starts on the current row unless that costs an extra row. wrap-ansi itself is not used:
 * it measures every non-ASCII word with string-width again (about 19 µs a word), which put a
 * 20,000-word article with accented Latin or CJK text at 350-600 ms.
 */
function wrapRanges(text: string, columns: number): Array<[number, number, number]> {
  const rows: Array<[number, number, number]> = [];
  let rowStart = 0;
  let rowEnd = 0;
  let rowWidth = 0;
  let rowOpen = false;
  const close = (): void => {
    rows.push([rowStart, rowEnd, rowWidth]);
    rowOpen = false;
    rowWidth = 0;
  };
  const open = (at: number): void => {
    rowStart = rowEnd = at;
    rowWidth = 0;
    rowOpen = true;
  };
  let i = 0;
  const n = text.length;
  let lineHasRow = false;
  while (i <= n) {
    const c = i < n ? text.charCodeAt(i) : 0x0a;
    if (c === 0x0a) {
      if (rowOpen) close();
      else if (!lineHasRow) rows.push([i, i, 0]);
      lineHasRow = false;
      i++;
      continue;
    }
    if (c === 0x20) {
      i++;
      continue;
    }
    // A word: up to the next space or newline.
    let j = i;
    while (j < n) {
      const d = text.charCodeAt(j);
      if (d === 0x20 || d === 0x0a) break;
      j++;
    }
    const word = text.slice(i, j);
    const w = widthOf(word);
    // The spaces between the row's last word and this one (the row range will include them).
    const gap = rowOpen ? i - rowEnd : 0;
    if (w > columns) {
      if (rowOpen) {
        const remaining = columns - rowWidth - gap;
        const breaksThisRow = 1 + Math.floor((w - remaining - 1) / columns);
        const breaksNextRow = Math.floor((w - 1) / columns);
        if (breaksNextRow < breaksThisRow) close();
      }
      if (!rowOpen) open(i);
      else rowWidth += gap;
      // Cut between clusters.
      let at = i;
      // One cluster per code unit unless COMPLEX (astral characters are COMPLEX).
      const pieces = COMPLEX.test(word) ? segmenter.segment(word) : null;
      const step = (cw: number, len: number): void => {
        if (rowWidth > 0 && rowWidth + cw > columns) {
          close();
          open(at);
        }
        at += len;
        rowEnd = at;
        rowWidth += cw;
      };
      if (pieces === null) {
        for (let k = 0; k < word.length; k++) {
          const c = word.charCodeAt(k);
          step(c >= 0x20 && c < 0x7f ? 1 : clusterWidth(word[k]!), 1);
        }
      } else {
        for (const { segment } of pieces) step(clusterWidth(segment), segment.length);
      }
      lineHasRow = true;
      i = j;
      continue;
    }
    if (rowOpen && w > 0 && rowWidth + gap + w > columns) close();
    if (!rowOpen) open(i);
    else rowWidth += gap;
    rowEnd = j;
    rowWidth += w;
    lineHasRow = true;
    i = j;
  }
  return rows;
}

/** Expand tabs to TAB_SIZE stops, counting columns by visible width. */
function expandTabs(line: string): string {
  if (!line.includes('\t')) return line;
  const parts = line.split('\t');
  let out = '';
  let col = 0;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? '';
    out += part;
    col += widthOf(part);
    if (i < parts.length - 1) {
      const pad = TAB_SIZE - (col % TAB_SIZE);
      out += ' '.repeat(pad);
      col += pad;
    }
  }
  return out;
}

/** Remove trailing ASCII spaces (a loop: a `/ +$/` regex backtracks quadratically on long space runs). */
function trimEndSpaces(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 0x20) end--;
  return end === s.length ? s : s.slice(0, end);
}

/** Cut plain text (no ANSI) into chunks of at most `width` columns, between grapheme clusters. */
function hardWrap(s: string, width: number): string[] {
  const w = Math.max(1, width);
  if (s === '') return [''];
  const chunks: string[] = [];
  if (ASCII_PRINTABLE.test(s)) {
    for (let i = 0; i < s.length; i += w) chunks.push(s.slice(i, i + w));
    return chunks;
  }
  let current = '';
  let col = 0;
  // One cluster per code unit unless COMPLEX (astral characters are COMPLEX).
  const clusters: Iterable<{ segment: string }> = COMPLEX.test(s)
    ? segmenter.segment(s)
    : Array.from(s, (segment) => ({ segment }));
  for (const { segment } of clusters) {
    const sw = clusterWidth(segment);
    if (col > 0 && col + sw > w) {
      chunks.push(current);
      current = '';
      col = 0;
    }
    current += segment;
    col += sw;
  }
  chunks.push(current);
  return chunks;
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

class Renderer {
  readonly out: string[] = [];
  readonly links: string[] = [];
  private readonly linkNumbers = new Map<string, number>();

  private readonly root: Ctx;
  private ctx: Ctx;
  private lastCtx: Ctx | null = null;
  private pendingBlank = false;
  private readonly maxIndent: number;

  // Inline buffer of the current paragraph: plain text runs, styled only after wrapping.
  private runs: Run[] = [];
  private hasText = false;
  private lineHasText = false;
  private pendingSpace = false;
  /** Bumped whenever visible content is added anywhere; tells whether a link had any content. */
  private serial = 0;

  // Preformatted text.
  private preDepth = 0;
  private preParts: string[] = [];

  // Inline style counters.
  private bold = 0;
  private italic = 0;
  private underline = 0;
  private strike = 0;
  private code = 0;
  private dim = 0;
  private readonly styleCache = new Map<number, ChalkInstance>();

  private readonly lists: ListState[] = [];
  private readonly rows: number[] = [];
  private urlLinkDepth = 0;

  constructor(
    private readonly width: number,
    private readonly chalk: ChalkInstance,
    private readonly plain: boolean,
    private readonly baseUrl: string | undefined,
  ) {
    this.root = new Ctx(null, '', '', 0, '', 0, false);
    this.ctx = this.root;
    this.maxIndent = Math.floor(width / 2);
  }

  // ---- walking ----

  walk(nodes: DomNode[]): void {
    const stack: Frame[] = [];
    for (let i = nodes.length - 1; i >= 0; i--) stack.push({ node: nodes[i]! });
    while (stack.length > 0) {
      const frame = stack.pop()!;
      if (frame.exit !== undefined) {
        this.exit(frame.exit, frame.token);
        continue;
      }
      const node = frame.node;
      if (node.type === ElementType.Text) {
        this.text(node.data);
      } else if (isElement(node)) {
        if (SKIP.has(node.name)) continue;
        const token = this.enter(node);
        stack.push({ exit: node, token });
        const children = node.children;
        for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i]! });
      }
      // Comments, doctypes and processing instructions are not shown.
    }
  }

  finish(): void {
    this.flushInline();
    if (this.preDepth > 0) {
      this.preDepth = 0;
      this.flushPre();
    }
    if (this.plain || this.links.length === 0) return;
    this.requestBlank();
    this.emit(this.chalk.bold('Links'), this.root, 5);
    const labelWidth = `[${this.links.length}] `.length;
    const avail = Math.max(1, this.width - labelWidth);
    this.links.forEach((url, i) => {
      const label = `[${i + 1}]`;
      const chunks = hardWrap(url, avail);
      chunks.forEach((chunk, j) => {
        const head = j === 0 ? this.chalk.cyan(label) + ' '.repeat(labelWidth - label.length) : ' '.repeat(labelWidth);
        this.emit(head + chunk, this.root, labelWidth + widthOf(chunk));
      });
    });
  }

  // ---- elements ----

  private enter(el: DomElement): ExitToken {
    const name = el.name;
    const token: ExitToken = { ctx: null };

    if (name === 'pre') {
      if (this.preDepth === 0) {
        this.flushInline();
        this.requestBlank();
        this.preParts = [];
      }
      this.preDepth++;
      return token;
    }

    if (this.preDepth === 0) {
      if (MARGIN_BLOCKS.has(name)) {
        this.flushInline();
        this.requestBlank();
      } else if (HEADINGS.has(name)) {
        this.flushInline();
        this.requestBlank();
        this.bold++;
        if (name === 'h1' || name === 'h2') this.underline++;
      } else if (LINE_BLOCKS.has(name)) {
        this.flushInline();
        if (name === 'dt') this.bold++;
        else if (name === 'figcaption' || name === 'caption') this.italic++;
      } else {
        switch (name) {
          case 'blockquote': {
            this.flushInline();
            this.requestBlank();
            this.dim++;
            const rail = this.chalk.dim('│') + ' ';
            token.ctx = this.pushCtx(rail, rail, widthOf('│ '), true);
            break;
          }
          case 'ul':
          case 'ol':
            this.flushInline();
            if (this.lists.length === 0) this.requestBlank();
            this.lists.push(this.listState(el, name === 'ol'));
            break;
          case 'li':
            this.flushInline();
            token.ctx = this.listItem(el);
            break;
          case 'dl':
          case 'table':
            this.flushInline();
            this.requestBlank();
            break;
          case 'dd':
            this.flushInline();
            token.ctx = this.pushCtx('  ', '  ', 2, false);
            break;
          case 'tr':
            this.flushInline();
            this.rows.push(0);
            break;
          case 'td':
          case 'th': {
            const last = this.rows.length - 1;
            if (last >= 0) {
              const cells = this.rows[last]!;
              if (cells > 0) this.separator(this.plain ? '\t' : ' │ ');
              this.rows[last] = cells + 1;
            }
            if (name === 'th') this.bold++;
            break;
          }
          case 'hr':
            this.flushInline();
            this.requestBlank();
            if (!this.plain) {
              const n = Math.max(1, this.width - this.ctx.width);
              this.emit(this.chalk.dim('─'.repeat(n)), this.ctx, n);
            }
            this.requestBlank();
            break;
          case 'br':
            this.lineBreak();
            break;
        }
      }
    } else if (name === 'br') {
      this.preParts.push('\n');
    }

    switch (name) {
      case 'b':
      case 'strong':
        this.bold++;
        break;
      case 'i':
      case 'em':
      case 'cite':
      case 'var':
      case 'dfn':
        this.italic++;
        break;
      case 'u':
      case 'ins':
        this.underline++;
        break;
      case 's':
      case 'strike':
      case 'del':
        this.strike++;
        break;
      case 'code':
      case 'kbd':
      case 'samp':
      case 'tt':
        this.code++;
        break;
      case 'q':
        this.text('“');
        break;
      case 'img':
        this.image(el);
        break;
      case 'a': {
        const href = el.attribs['href'];
        const url = href === undefined ? '' : safeUrl(href, this.baseUrl);
        if (url !== '') {
          token.link = { url, serial: this.serial };
          this.urlLinkDepth++;
          this.underline++;
        }
        break;
      }
    }
    return token;
  }

  private exit(el: DomElement, token: ExitToken): void {
    const name = el.name;

    switch (name) {
      case 'b':
      case 'strong':
        this.bold--;
        break;
      case 'i':
      case 'em':
      case 'cite':
      case 'var':
      case 'dfn':
        this.italic--;
        break;
      case 'u':
      case 'ins':
        this.underline--;
        break;
      case 's':
      case 'strike':
      case 'del':
        this.strike--;
        break;
      case 'code':
      case 'kbd':
      case 'samp':
      case 'tt':
        this.code--;
        break;
      case 'q':
        this.text('”');
        break;
      case 'a':
        if (token.link) {
          this.urlLinkDepth--;
          this.underline--;
          // A link with no visible content (an empty anchor) gets no number.
          if (this.serial !== token.link.serial) this.linkMarker(token.link.url);
        }
        break;
    }

    if (name === 'pre') {
      this.preDepth--;
      if (this.preDepth === 0) {
        this.flushPre();
        this.requestBlank();
      }
      return;
    }
    if (this.preDepth > 0) return;

    if (MARGIN_BLOCKS.has(name)) {
      this.flushInline();
      this.requestBlank();
    } else if (HEADINGS.has(name)) {
      this.flushInline();
      this.requestBlank();
      this.bold--;
      if (name === 'h1' || name === 'h2') this.underline--;
    } else if (LINE_BLOCKS.has(name)) {
      this.flushInline();
      if (name === 'dt') this.bold--;
      else if (name === 'figcaption' || name === 'caption') this.italic--;
    } else {
      switch (name) {
        case 'blockquote':
          this.flushInline();
          this.requestBlank();
          this.dim--;
          this.popCtx(token.ctx);
          break;
        case 'ul':
        case 'ol':
          this.flushInline();
          this.lists.pop();
          if (this.lists.length === 0) this.requestBlank();
          break;
        case 'li':
          this.flushInline();
          // An empty item still shows its marker.
          if (token.ctx?.pending && !this.plain) this.emit('', token.ctx, 0);
          this.popCtx(token.ctx);
          break;
        case 'dl':
        case 'table':
          this.flushInline();
          this.requestBlank();
          break;
        case 'dd':
          this.flushInline();
          this.popCtx(token.ctx);
          break;
        case 'tr':
          this.flushInline();
          this.rows.pop();
          break;
        case 'th':
          this.bold--;
          break;
      }
    }
  }

  private listState(el: DomElement, ordered: boolean): ListState {
    const parent = this.lists[this.lists.length - 1];
    const bulletDepth = parent === undefined ? 0 : parent.bulletDepth + (parent.ordered ? 0 : 1);
    if (!ordered) return { ordered, next: 1, step: 1, markerWidth: 2, bulletDepth };
    let count = 0;
    for (const child of el.children) if (isElement(child) && child.name === 'li') count++;
    const reversed = el.attribs['reversed'] !== undefined;
    const startAttr = Number.parseInt(el.attribs['start'] ?? '', 10);
    const start = Number.isSafeInteger(startAttr) ? startAttr : reversed ? count : 1;
    const step = reversed ? -1 : 1;
    const end = start + step * Math.max(0, count - 1);
    const markerWidth = Math.max(String(start).length, String(end).length) + 2;
    return { ordered, next: start, step, markerWidth, bulletDepth };
  }

  private listItem(el: DomElement): Ctx | null {
    const list = this.lists[this.lists.length - 1];
    let marker: string;
    let markerWidth: number;
    if (list?.ordered) {
      const value = Number.parseInt(el.attribs['value'] ?? '', 10);
      if (Number.isSafeInteger(value)) list.next = value;
      const label = `${list.next}.`;
      list.next += list.step;
      markerWidth = Math.max(list.markerWidth, label.length + 1);
      marker = label.padStart(markerWidth - 1) + ' ';
    } else {
      marker = (list && list.bulletDepth % 2 === 1 ? '◦' : '•') + ' ';
      markerWidth = widthOf(marker);
    }
    if (this.plain) return null;
    const ctx = this.pushCtx(marker, ' '.repeat(markerWidth), widthOf(marker), false);
    // Too deep to indent any further: the marker joins the text instead.
    if (ctx === null) {
      this.atom(marker.trim(), 0);
      this.pendingSpace = true;
    }
    return ctx;
  }

  private image(el: DomElement): void {
    const { width, height } = el.attribs;
    // Tracking pixels (feedburner and friends) are noise.
    if (width === '0' || width === '1' || height === '0' || height === '1') return;
    if (this.plain) return;
    const alt = sanitizeLine(el.attribs['alt'] ?? '');
    const label = alt === '' ? '[image]' : `[image: ${alt}]`;
    if (this.preDepth > 0) {
      this.preParts.push(label);
      this.serial++;
    } else {
      this.atom(label, DIM);
    }
    // An image inside a link is reached through the link's number.
    if (this.urlLinkDepth === 0) {
      const src = el.attribs['src'];
      const url = src === undefined ? '' : safeUrl(src, this.baseUrl);
      if (url !== '') this.linkMarker(url);
    }
  }

  private linkMarker(url: string): void {
    if (this.plain) return;
    let n = this.linkNumbers.get(url);
    if (n === undefined) {
      this.links.push(url);
      n = this.links.length;
      this.linkNumbers.set(url, n);
    }
    const marker = `[${n}]`;
    if (this.preDepth > 0) {
      this.preParts.push(marker);
    } else {
      // Glued to the link text, before any space that followed it.
      this.push(marker, MARKER);
      this.hasText = this.lineHasText = true;
    }
  }

  // ---- contexts and lines ----

  private pushCtx(first: string, rest: string, ownWidth: number, quote: boolean): Ctx | null {
    if (this.plain) return null;
    const p = this.ctx;
    if (p.width + ownWidth > this.maxIndent) return null;
    const blank = quote ? p.rest + this.chalk.dim('│') : p.blank;
    const ctx = new Ctx(
      p,
      (p.pending ? p.first : p.rest) + first,
      p.rest + rest,
      p.width + ownWidth,
      blank,
      p.depth + 1,
      p.pending || first !== rest,
    );
    this.ctx = ctx;
    return ctx;
  }

  private popCtx(ctx: Ctx | null): void {
    if (ctx !== null) this.ctx = ctx.parent ?? this.root;
  }

  private requestBlank(): void {
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
  private emit(text: string, ctx: Ctx, textWidth: number): void {
    if (this.pendingBlank) {
      if (this.out.length > 0) this.out.push(this.blankBetween(this.lastCtx, ctx));
      this.pendingBlank = false;
    }
    let prefix: string;
    if (ctx.pending) {
      prefix = ctx.first;
      for (let c: Ctx | null = ctx; c !== null && c.pending; c = c.parent) c.pending = false;
    } else {
      prefix = ctx.rest;
    }
    const line = text === '' ? trimEndSpaces(prefix) : prefix + text;
    this.out.push(this.plain ? line : fitLine(line, ctx.width + textWidth, this.width));
    this.lastCtx = ctx;
  }

  // ---- inline content ----

  /** The current style bits. */
  private mask(): number {
    let mask = 0;
    if (this.bold > 0) mask |= BOLD;
    if (this.italic > 0) mask |= ITALIC;
    if (this.underline > 0) mask |= UNDERLINE;
    if (this.strike > 0) mask |= STRIKE;
    if (this.code > 0) mask |= CODE;
    if (this.dim > 0) mask |= DIM;
    return mask;
  }

  private styled(text: string, style: number): string {
    if (style === 0 || this.plain) return text;
    let c = this.styleCache.get(style);
    if (c === undefined) {
      c = this.chalk;
      if (style & BOLD) c = c.bold;
      if (style & ITALIC) c = c.italic;
      if (style & UNDERLINE) c = c.underline;
      if (style & STRIKE) c = c.strikethrough;
      if (style & CODE) c = c.green;
      if (style & MARKER) c = c.cyan;
      if (style & DIM) c = c.dim;
      this.styleCache.set(style, c);
    }
    return c(text);
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

  private text(raw: string): void {
    const clean = sanitizeText(raw);
    if (clean === '') return;
    if (this.preDepth > 0) {
      this.preParts.push(clean);
      this.serial++;
      return;
    }
    const collapsed = clean.replace(HTML_SPACE, ' ');
    if (collapsed === ' ') {
      if (this.lineHasText) this.pendingSpace = true;
      return;
    }
    const lead = collapsed.charCodeAt(0) === 0x20;
    const trail = collapsed.charCodeAt(collapsed.length - 1) === 0x20;
    const body = collapsed.slice(lead ? 1 : 0, trail ? -1 : undefined);
    const style = this.plain ? 0 : this.mask();
    if ((this.pendingSpace || lead) && this.lineHasText) this.space(style);
    this.push(body, style);
    this.hasText = this.lineHasText = true;
    this.pendingSpace = trail;
    this.serial++;
  }

  /** Add an unbreakable piece (image label, inline list marker) with the usual spacing before it. */
  private atom(text: string, style: number): void {
    if (this.pendingSpace && this.lineHasText) this.space(style);
    this.push(text, style);
    this.hasText = this.lineHasText = true;
    this.pendingSpace = false;
    this.serial++;
  }

  /** A table cell separator swallows the spaces on both sides. */
  private separator(text: string): void {
    this.push(text, DIM);
    this.pendingSpace = false;
    this.lineHasText = false;
  }

  private lineBreak(): void {
    this.push('\n', 0);
    this.lineHasText = false;
    this.pendingSpace = false;
  }

  private flushInline(): void {
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
    const ctx = this.ctx;

    if (this.plain) {
      for (const line of plain.split('\n')) {
        const trimmed = trimEndSpaces(line.trimStart());
        if (trimmed.trim() === '') this.requestBlank();
        else this.emit(trimmed, ctx, 0);
      }
      return;
    }

    // Wrap the plain text, then style each row from the runs it covers.
    const avail = Math.max(1, this.width - ctx.width);
    let r = 0;
    for (const [a, b, w] of wrapRanges(plain, avail)) {
      // Empty, or only non-breaking spaces (WordPress's "<p>&nbsp;</p>" spacers): a blank line.
      if (a === b || plain.slice(a, b).trim() === '') {
        this.requestBlank();
        continue;
      }
      while (r + 1 < runs.length && starts[r + 1]! <= a) r++;
      let out = '';
      for (let k = r; k < runs.length && starts[k]! < b; k++) {
        const run = runs[k]!;
        const s0 = starts[k]!;
        out += this.styled(run.text.slice(Math.max(a, s0) - s0, Math.min(b, s0 + run.text.length) - s0), run.style);
      }
      this.emit(out, ctx, w);
    }
  }

  private flushPre(): void {
    const lines = this.preParts.join('').split('\n');
    this.preParts = [];
    let start = 0;
    let end = lines.length;
    while (start < end && (lines[start] ?? '').trim() === '') start++;
    while (end > start && (lines[end - 1] ?? '').trim() === '') end--;
    const ctx = this.ctx;
    const avail = Math.max(1, this.width - ctx.width);
    for (let i = start; i < end; i++) {
      const line = this.plain ? trimEndSpaces(lines[i] ?? '') : trimEndSpaces(expandTabs(lines[i] ?? ''));
      if (line === '') {
        // A blank line inside code is content: kept verbatim, not collapsed.
        this.emit('', ctx, 0);
        continue;
      }
      if (this.plain) {
        this.emit(line, ctx, 0);
        continue;
      }
      // Code is never reflowed: a line wider than the pane is hard-wrapped at the column limit.
      for (const chunk of hardWrap(line, avail)) {
        this.emit(this.chalk.green(this.dim > 0 ? this.chalk.dim(chunk) : chunk), ctx, widthOf(chunk));
      }
    }
  }
}

function normalizeWidth(width: number): number {
  return Number.isFinite(width) ? Math.max(2, Math.floor(width)) : 80;
}

/** Render HTML to terminal lines that fit `opts.width`, with links as numbered footnotes. */
export function renderHtml(html: string, opts: RenderOptions): RenderedHtml {
  const width = normalizeWidth(opts.width);
  const chalk = new Chalk({ level: opts.color === false ? 0 : 1 });
  const renderer = new Renderer(width, chalk, false, opts.baseUrl);
  if (typeof html === 'string' && html !== '') renderer.walk(parseDocument(html).children);
  renderer.finish();
  return { lines: renderer.out, links: renderer.links };
}

/**
 * HTML to plain text for search and `feed --json`: paragraphs separated by blank lines, one line per
 * paragraph (a <br> starts a new line), list items on their own lines, table cells tab-separated,
 * preformatted text verbatim; no markup, no link numbers or list, no image labels; sanitized.
 */
export function htmlToPlainText(html: string): string {
  if (typeof html !== 'string' || html === '') return '';
  const renderer = new Renderer(Number.MAX_SAFE_INTEGER, new Chalk({ level: 0 }), true, undefined);
  renderer.walk(parseDocument(html).children);
  renderer.finish();
  return renderer.out.join('\n');
}
