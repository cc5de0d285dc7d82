/**
 * The walk over htmlparser2's DOM that turns elements into layout: where paragraphs end, which contexts
 * (quotes, list items, definitions) prefix their lines, what is styled, where link numbers go.
 *
 * The walk is iterative, so hostile nesting cannot overflow the call stack. Text is sanitized here, after
 * the parser decoded its entities (`&#27;` is an ESC by then), and every URL goes through safeUrl.
 */
import type { ChalkInstance } from 'chalk';
import { ElementType } from 'htmlparser2';
import { safeUrl, sanitizeLine, sanitizeText } from '../sanitize.js';
import { ELEMENT_STYLES, LINE_BLOCKS, MARGIN_BLOCKS, SKIP, isElement, type DomElement, type DomNode } from './elements.js';
import { LineWriter, type Ctx } from './lines.js';
import { Footnotes, writeNumbered } from './links.js';
import { enclosureLine } from './enclosures.js';
import type { Enclosure } from '../types.js';
import { itemMarker, openList, type ListState } from './lists.js';
import { Paragraph } from './paragraph.js';
import { Preformatted } from './pre.js';
import { DIM, OpenStyles, StylePainter, UNDERLINE } from './style.js';
import { widthOf } from './wrap.js';

/** What an element's exit must undo: the context it opened, the link it started. */
interface ExitToken {
  ctx: Ctx | null;
  link?: { url: string; serial: number };
}

type Frame = { node: DomNode; exit?: undefined } | { exit: DomElement; token: ExitToken };

export const QUOTE_MARK = '>';

export class Renderer {
  private readonly writer: LineWriter;
  private readonly footnotes = new Footnotes();
  private readonly paragraph: Paragraph;
  private readonly pre: Preformatted;
  private readonly styles = new OpenStyles();
  /** Bumped whenever visible content is added anywhere; tells whether a link had any content. */
  private serial = 0;
  private readonly lists: ListState[] = [];
  /** Cells so far in each open table row. */
  private readonly rows: number[] = [];
  /** Open links that have a URL: an image inside one is reached through the link's number. */
  private urlLinkDepth = 0;

  constructor(
    private readonly width: number,
    private readonly chalk: ChalkInstance,
    /** Plain text for search: no styling, prefixes, link numbers or image labels. */
    private readonly plain: boolean,
    private readonly baseUrl: string | undefined,
  ) {
    this.writer = new LineWriter(width, chalk, plain);
    this.paragraph = new Paragraph(this.writer, new StylePainter(chalk, plain), plain);
    this.pre = new Preformatted(this.writer, chalk, plain);
  }

  get lines(): string[] {
    return this.writer.out;
  }

  /** Absolute http(s) URLs; link N is links[N-1]. */
  get links(): string[] {
    return this.footnotes.urls;
  }

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

  /**
   * Close the text and write its footnotes; then `enclosures`, numbered after the text's links (an
   * enclosure the text links to keeps that link's number), so `N o` opens any of them.
   */
  finish(enclosures: readonly Enclosure[] = []): void {
    this.paragraph.flush();
    if (this.plain) return;
    const textLinks = this.footnotes.urls.length;
    const numbered = enclosures.map((e) => ({ n: this.footnotes.number(e.url), text: enclosureLine(e) }));
    this.footnotes.write(this.writer, this.chalk, textLinks);
    writeNumbered(this.writer, this.chalk, 'Enclosures', numbered);
  }

  // ---- elements ----

  private enter(el: DomElement): ExitToken {
    const name = el.name;
    const token: ExitToken = { ctx: null };

    if (name === 'pre') {
      if (this.pre.depth === 0) this.blockBreak();
      this.pre.depth++;
      return token;
    }

    // Counted inside preformatted text too, where nothing reads them, so that every exit undoes its enter.
    const style = ELEMENT_STYLES.get(name);
    if (style !== undefined) this.styles.change(style, 1);
    if (this.pre.depth === 0) this.enterBlock(el, token);
    else if (name === 'br') this.pre.add('\n');

    if (name === 'q') {
      this.text('“');
    } else if (name === 'img') {
      this.image(el);
    } else if (name === 'a') {
      const href = el.attribs.href;
      const url = href === undefined ? '' : safeUrl(href, this.baseUrl);
      if (url !== '') {
        token.link = { url, serial: this.serial };
        this.urlLinkDepth++;
        this.styles.change(UNDERLINE, 1);
      }
    }
    return token;
  }

  /** An element outside preformatted text: end the paragraph before a block, open its context. */
  private enterBlock(el: DomElement, token: ExitToken): void {
    const name = el.name;
    this.blockEdge(name);
    switch (name) {
      case 'blockquote': {
        // '>' as in mail, not a bar: in a comment the bar is the reply rail, and without colour
        // (NO_COLOR) a quote must still look different from a reply.
        const rail = this.chalk.dim(QUOTE_MARK) + ' ';
        token.ctx = this.writer.pushCtx(rail, rail, widthOf(`${QUOTE_MARK} `), true);
        break;
      }
      case 'ul':
      case 'ol':
        if (this.lists.length === 0) this.writer.requestBlank();
        this.lists.push(openList(el, name === 'ol', this.lists[this.lists.length - 1]));
        break;
      case 'li':
        token.ctx = this.listItem(el);
        break;
      case 'dd':
        token.ctx = this.writer.pushCtx('  ', '  ', 2, false);
        break;
      case 'tr':
        this.rows.push(0);
        break;
      case 'td':
      case 'th': {
        const last = this.rows.length - 1;
        if (last >= 0) {
          const cells = this.rows[last]!;
          if (cells > 0) this.paragraph.separator(this.plain ? '\t' : ' │ ');
          this.rows[last] = cells + 1;
        }
        break;
      }
      case 'hr':
        this.blockBreak();
        if (!this.plain) {
          const ctx = this.writer.ctx;
          const n = Math.max(1, this.width - ctx.width);
          this.writer.emit(this.chalk.dim('─'.repeat(n)), ctx, n);
        }
        this.writer.requestBlank();
        break;
      case 'br':
        this.paragraph.lineBreak();
        break;
    }
  }

  private exit(el: DomElement, token: ExitToken): void {
    const name = el.name;
    const style = ELEMENT_STYLES.get(name);
    if (style !== undefined) this.styles.change(style, -1);

    if (name === 'q') {
      this.text('”');
    } else if (name === 'a' && token.link) {
      this.urlLinkDepth--;
      this.styles.change(UNDERLINE, -1);
      // A link with no visible content (an empty anchor) gets no number.
      if (this.serial !== token.link.serial) this.linkMarker(token.link.url);
    }

    if (name === 'pre') {
      this.pre.depth--;
      if (this.pre.depth === 0) {
        this.pre.flush(this.styles.dimmed);
        this.writer.requestBlank();
      }
      return;
    }
    if (this.pre.depth > 0) return;

    this.blockEdge(name);
    switch (name) {
      case 'blockquote':
      case 'dd':
        this.writer.popCtx(token.ctx);
        break;
      case 'ul':
      case 'ol':
        this.lists.pop();
        if (this.lists.length === 0) this.writer.requestBlank();
        break;
      case 'li':
        // An empty item still shows its marker.
        if (token.ctx?.pending && !this.plain) this.writer.emit('', token.ctx, 0);
        this.writer.popCtx(token.ctx);
        break;
      case 'tr':
        this.rows.pop();
        break;
    }
  }

  /** A block's start or end ends the paragraph; a spaced block's also asks for a blank line. */
  private blockEdge(name: string): void {
    if (MARGIN_BLOCKS.has(name)) this.blockBreak();
    else if (LINE_BLOCKS.has(name)) this.paragraph.flush();
  }

  /** End the paragraph, with a blank line before whatever comes next. */
  private blockBreak(): void {
    this.paragraph.flush();
    this.writer.requestBlank();
  }

  private listItem(el: DomElement): Ctx | null {
    const { marker, markerWidth } = itemMarker(this.lists[this.lists.length - 1], el);
    if (this.plain) return null;
    const ctx = this.writer.pushCtx(marker, ' '.repeat(markerWidth), widthOf(marker), false);
    // Too deep to indent any further: the marker joins the text instead.
    if (ctx === null) {
      this.atom(marker.trim(), 0);
      this.paragraph.spaceNext();
    }
    return ctx;
  }

  private image(el: DomElement): void {
    const { width, height } = el.attribs;
    // Tracking pixels (feedburner and friends) are noise.
    if (width === '0' || width === '1' || height === '0' || height === '1') return;
    if (this.plain) return;
    const alt = sanitizeLine(el.attribs.alt ?? '');
    const label = alt === '' ? '[image]' : `[image: ${alt}]`;
    if (this.pre.depth > 0) {
      this.pre.add(label);
      this.serial++;
    } else {
      this.atom(label, DIM);
    }
    // An image inside a link is reached through the link's number.
    if (this.urlLinkDepth === 0) {
      const src = el.attribs.src;
      const url = src === undefined ? '' : safeUrl(src, this.baseUrl);
      if (url !== '') this.linkMarker(url);
    }
  }

  private linkMarker(url: string): void {
    if (this.plain) return;
    const marker = `[${this.footnotes.number(url)}]`;
    if (this.pre.depth > 0) this.pre.add(marker);
    else this.paragraph.marker(marker);
  }

  // ---- text ----

  private text(raw: string): void {
    const clean = sanitizeText(raw);
    if (clean === '') return;
    if (this.pre.depth > 0) {
      this.pre.add(clean);
      this.serial++;
    } else if (this.paragraph.text(clean, this.plain ? 0 : this.styles.mask())) {
      this.serial++;
    }
  }

  private atom(text: string, style: number): void {
    this.paragraph.atom(text, style);
    this.serial++;
  }
}
