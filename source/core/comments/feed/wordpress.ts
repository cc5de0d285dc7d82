/**
 * WordPress comment feeds (README, Design: "Comment formats"):
 * - WordPress RSS2 has no parent element. Since WP 5.4 a reply's text starts with "In reply to
 *   <a href="…#comment-P">Author</a>." — HTML in content:encoded, entity-escaped once more in
 *   description, and translated per site language. So we match the `#comment-(\d+)` anchor of a short
 *   leading paragraph, never the words, and strip that paragraph from the shown body.
 * - Comment ids: WordPress ids become the bare number N (from `#comment-N` in guid/id or link), so that
 *   the anchors, the Atom refs and the ids all meet; other feeds keep their guid/id.
 */
import { decodeHTML } from 'entities';
import { parseDocument } from 'htmlparser2';
import { isElement, textOf } from './dom.js';

export const WP_COMMENT = /#comment-(\d+)\s*$/;

/**
 * WordPress description: the comment text passed through esc_html, so its markup arrives as escaped
 * text. Decode once to get the HTML back; a description that already holds real tags is left alone.
 */
export function descriptionHtml(s: string): string {
  return /<[a-z!/]/i.test(s) ? s : decodeHTML(s);
}

/** The WordPress "In reply to <a href=…#comment-P>X</a>." prefix: the parent number and the rest. */
export function splitReplyPrefix(html: string): { parent: string | null; rest: string } {
  const none = { parent: null, rest: html };
  if (!html.includes('#comment-')) return none;
  const doc = parseDocument(html, { withStartIndices: true, withEndIndices: true });
  const nodes = doc.children.filter((n) => !(n.type === 'comment' || (n.type === 'text' && textOf(n).trim() === '')));
  const first = nodes[0];
  if (!first) return none;

  // content:encoded / Atom: <p>In reply to <a href="…#comment-P">X</a>.</p>
  if (isElement(first) && first.name === 'p') {
    let anchor: string | null = null;
    let words = 0;
    for (const c of first.children) {
      if (c.type === 'text') words += textOf(c).trim().length;
      else if (isElement(c) && c.name === 'a' && anchor === null) anchor = WP_COMMENT.exec(c.attribs.href ?? '')?.[1] ?? null;
      else if (c.type !== 'comment') return none;
    }
    if (anchor === null || words > 120) return none;
    return { parent: anchor, rest: html.slice((first.endIndex ?? html.length - 1) + 1) };
  }

  // description (decoded): In reply to <a href="…#comment-P">X</a>.\n\nBody
  let words = 0;
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    if (n.type === 'text') {
      const t = textOf(n);
      words += t.trim().length;
      if (t.includes('\n') || words > 120) return none;
      continue;
    }
    if (!isElement(n) || n.name !== 'a') return none;
    const anchor = WP_COMMENT.exec(n.attribs.href ?? '')?.[1];
    if (!anchor) return none;
    const after = nodes[i + 1];
    const anchorEnd = (n.endIndex ?? html.length - 1) + 1;
    if (after?.type !== 'text') return { parent: anchor, rest: after ? html.slice(anchorEnd) : '' };
    const text = textOf(after);
    const nl = text.indexOf('\n');
    const tail = nl === -1 ? text : text.slice(0, nl);
    if (tail.trim().length > 40) return none;
    // Text nodes hold decoded entities, so measure the newline in the source, not in the node's text.
    const sourceNl = nl === -1 ? -1 : html.indexOf('\n', anchorEnd);
    return { parent: anchor, rest: sourceNl === -1 ? html.slice((after.endIndex ?? html.length - 1) + 1) : html.slice(sourceNl + 1) };
  }
  return none;
}

export function wpNumber(...candidates: string[]): string | null {
  for (const c of candidates) {
    const m = WP_COMMENT.exec(c);
    if (m) return m[1]!;
  }
  return null;
}
