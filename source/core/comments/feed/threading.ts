/**
 * Threading comment feed entries: every page's entries are read first, then each is linked to its parent.
 *
 * - Atom: `thr:in-reply-to ref=… href=…`. For a top-level comment `ref` is the post's id, which is not in
 *   the feed; a `ref` that is not in the feed either is the post (top level) or a comment beyond the
 *   window (orphan). We call it a comment when ref/href carry a comment marker (`#comment-N`, Blogger's
 *   `#cN` / `showComment=`); a ref equal to the article's id (when the caller knows it), or an href to a
 *   page without such a marker, is the post. Without either clue it is taken as top level.
 * - WordPress RSS2: the parent is the "In reply to" anchor (wordpress.ts).
 */
import { sanitizeText } from '../../sanitize.js';
import type { FlatComment } from '../types.js';
import { paragraphs } from './dom.js';
import type { CommentFeedOptions, RawEntry } from './types.js';
import { WP_COMMENT } from './wordpress.js';

/** A Blogger comment marker in a link: the `#cN` anchor or a `showComment=` query. */
const BLOGGER_COMMENT = /(?:#c(\d+)\s*$|[?&]showComment=\d+)/;
/** Blogger's `#cN` comment anchor; N is also the end of the comment's id (`….post-N`). */
const BLOGGER_ANCHOR = /#c(\d+)\s*$/;
const BLOGGER_ID = /\.post-(\d+)$/;

/** Keys under which an entry can be referred to: its id, its WordPress number, its Blogger number. */
export function aliasesOf(id: string, ...more: string[]): string[] {
  const out = new Set<string>([id]);
  for (const s of more) {
    if (s === '') continue;
    out.add(s);
    const wp = WP_COMMENT.exec(s)?.[1];
    if (wp) out.add(`wp:${wp}`);
    const blogger = BLOGGER_ANCHOR.exec(s)?.[1] ?? BLOGGER_ID.exec(s)?.[1];
    if (blogger) out.add(`bc:${blogger}`);
  }
  return [...out];
}

/** Keys a parent reference may match, strongest first. */
function refKeys(ref: string, href: string): string[] {
  const keys = [ref];
  const wp = WP_COMMENT.exec(ref)?.[1] ?? WP_COMMENT.exec(href)?.[1];
  if (wp) keys.push(wp, `wp:${wp}`);
  const blogger = BLOGGER_ANCHOR.exec(href)?.[1] ?? BLOGGER_ID.exec(ref)?.[1];
  if (blogger) keys.push(`bc:${blogger}`);
  if (href) keys.push(href);
  return keys.filter((k) => k !== '');
}

/**
 * Resolve parents across all the entries read (every page). A reference to an id that is not there is
 * kept as the parent id (buildThread then marks the comment an orphan) only when it names a comment; a
 * reference to the post means top level.
 */
export function linkEntries(entries: RawEntry[], options: CommentFeedOptions = {}): FlatComment[] {
  const byKey = new Map<string, string>();
  for (const e of entries) for (const k of e.aliases) if (!byKey.has(k)) byKey.set(k, e.id);
  const comments: FlatComment[] = [];

  for (const e of entries) {
    let parentId: string | null = null;
    let strip = false;
    if (e.thr && (e.thr.ref || e.thr.href)) {
      const { ref, href } = e.thr;
      const found = refKeys(ref, href)
        .map((k) => byKey.get(k))
        .find((v) => v !== undefined && v !== e.id);
      const isPost = options.postId !== undefined && ref === options.postId;
      if (found) parentId = found;
      else if (!isPost) {
        const isComment = WP_COMMENT.test(ref) || WP_COMMENT.test(href) || BLOGGER_COMMENT.test(href);
        const key = WP_COMMENT.exec(ref)?.[1] ?? WP_COMMENT.exec(href)?.[1] ?? (ref || href);
        if (isComment) parentId = key;
      }
      // Strip the WordPress prefix only when it names the same parent thr does (else it is the user's own link).
      strip = e.anchorParent !== null && parentId !== null && (parentId === e.anchorParent || byKey.get(`wp:${e.anchorParent}`) === parentId);
    } else if (e.anchorParent !== null) {
      parentId = byKey.get(`wp:${e.anchorParent}`) ?? byKey.get(e.anchorParent) ?? e.anchorParent;
      if (parentId === e.id) parentId = null;
      strip = true;
    }
    const body = strip ? e.strippedHtml : e.html;
    comments.push({
      id: e.id,
      parentId,
      author: e.author,
      published: e.published,
      html: sanitizeText(paragraphs(body)),
      score: null,
      deleted: false,
      permalink: e.permalink,
      orphan: false,
    });
  }
  return comments;
}
