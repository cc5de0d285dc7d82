/**
 * What each HTML element is to the layout: never shown, a block (with or without a blank line around
 * it), and the style it gives its text. The renderer adds what is particular to some (the contexts of
 * quotes, list items and definitions, table cells, rules, <pre>, <br>, <img>, <a>, <q>); any other
 * element is transparent: its content flows as if it were not there.
 */
import { ElementType, type parseDocument } from 'htmlparser2';
import { BOLD, CODE, DIM, ITALIC, STRIKE, UNDERLINE } from './style.js';

export type DomNode = ReturnType<typeof parseDocument>['children'][number];
export type DomElement = Extract<DomNode, { attribs: unknown }>;

export function isElement(node: DomNode): node is DomElement {
  return node.type === ElementType.Tag || node.type === ElementType.Script || node.type === ElementType.Style;
}

/** Elements whose content is never shown. */
export const SKIP = new Set([
  'script',
  'style',
  'iframe',
  'object',
  'embed',
  'noscript',
  'head',
  'template',
  'svg',
  'math',
  'form',
  'input',
  'button',
  'select',
  'textarea',
  'option',
  'title',
  'canvas',
  'audio',
  'video',
  'frameset',
  'frame',
  'applet',
  'dialog',
  'map',
]);

/** Blocks separated from their neighbours by a blank line. */
export const MARGIN_BLOCKS = new Set(['p', 'address', 'figure', 'fieldset', 'details', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'dl', 'table']);
/** Blocks that only start and end a line (lists get a blank line around them at the top level only). */
export const LINE_BLOCKS = new Set([
  'div',
  'section',
  'article',
  'aside',
  'header',
  'footer',
  'main',
  'nav',
  'summary',
  'hgroup',
  'body',
  'html',
  'menu',
  'dir',
  'thead',
  'tbody',
  'tfoot',
  'legend',
  'search',
  'caption',
  'figcaption',
  'dt',
  'center',
  'listing',
  'xmp',
  'plaintext',
  'ul',
  'ol',
  'li',
  'dd',
  'tr',
]);

/**
 * The style each element gives its text. A link's underline is not here: only a link with a URL we
 * show gets one.
 */
export const ELEMENT_STYLES = new Map<string, number>([
  ['b', BOLD],
  ['strong', BOLD],
  ['i', ITALIC],
  ['em', ITALIC],
  ['cite', ITALIC],
  ['var', ITALIC],
  ['dfn', ITALIC],
  ['u', UNDERLINE],
  ['ins', UNDERLINE],
  ['s', STRIKE],
  ['strike', STRIKE],
  ['del', STRIKE],
  ['code', CODE],
  ['kbd', CODE],
  ['samp', CODE],
  ['tt', CODE],
  ['h1', BOLD | UNDERLINE],
  ['h2', BOLD | UNDERLINE],
  ['h3', BOLD],
  ['h4', BOLD],
  ['h5', BOLD],
  ['h6', BOLD],
  ['dt', BOLD],
  ['th', BOLD],
  ['caption', ITALIC],
  ['figcaption', ITALIC],
  ['blockquote', DIM],
]);
