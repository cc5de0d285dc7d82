/**
 * Lemmy: a post URL `/post/<id>` on any host, read from that host's API (v3), both at once:
 *   GET /api/v3/post?id=<id>                                                     {post_view}
 *   GET /api/v3/comment/list?post_id=<id>&max_depth=8&sort=Hot&type_=All&limit=300   {comments: [comment_view]}
 * With max_depth the server sends a tree of at most 300 comments. A comment view is `comment {id, path,
 * content, published, deleted, removed}`, `creator {name, actor_id}`, `counts {score, child_count}`.
 * Threaded by `path` ("0.12.34": the root, the ancestors, itself): the parent is the second last id;
 * a parent that did not arrive leaves its reply an orphan, marked, as for feeds. Bodies are Markdown
 * (markdown.ts); deleted and removed comments stay as placeholders. Where `child_count` (all
 * descendants) is more than arrived, a "N more replies" stub opens the comment on the server.
 */
import { safeUrl, sanitizeLine } from '../sanitize.js';
import { DiscussionError } from './errors.js';
import { isObject, isoFrom, num, str, type FetchContext } from './net.js';
import { count, getJson, moreStubs, probeJson } from './remote.js';
import { buildThread, countComments } from './thread.js';
import type { Discussion, FlatComment } from './types.js';

export interface LemmyRef {
  source: 'lemmy';
  id: string;
  base: string;
  pageUrl: string;
}

export function matchLemmyUrl(url: URL): LemmyRef | null {
  // A fragment (`/post/12#comments`) is a blog's, never Lemmy's.
  if (url.hash) return null;
  const m = /^\/post\/(\d{1,12})\/?$/.exec(url.pathname);
  if (!m) return null;
  return { source: 'lemmy', id: m[1]!, base: url.origin, pageUrl: `${url.origin}/post/${m[1]}` };
}

export const lemmyPostUrl = (base: string, id: string): string => `${base}/api/v3/post?id=${encodeURIComponent(id)}`;
export const lemmyCommentsUrl = (base: string, id: string): string =>
  `${base}/api/v3/comment/list?post_id=${encodeURIComponent(id)}&max_depth=8&sort=Hot&type_=All&limit=300`;

const isPostView = (j: unknown): boolean => isObject(j) && isObject(j.post_view) && isObject(j.post_view.post);

export async function fetchLemmy(ref: LemmyRef, ctx: FetchContext): Promise<Omit<Discussion, 'fetchedAt'>> {
  const list = getJson(lemmyCommentsUrl(ref.base, ref.id), ctx);
  list.catch(() => {});
  const markdown = import('./markdown.js');
  const post = await probeJson(ref.pageUrl, 'Lemmy', lemmyPostUrl(ref.base, ref.id), ctx, isPostView);
  const comments = await list;
  if (!isObject(comments) || !Array.isArray(comments.comments)) {
    throw new DiscussionError('parse', lemmyCommentsUrl(ref.base, ref.id), 'not a Lemmy comment list');
  }
  return parseLemmy(post, comments, ref, (await markdown).markdownToHtml);
}

/** Lemmy before 0.19 sent UTC times without a zone, which Date.parse would take as local time. */
function lemmyDate(v: unknown): string | null {
  const s = str(v).trim();
  return isoFrom(/^\d{4}-\d\d-\d\dT[\d:.]+$/.test(s) ? `${s}Z` : s);
}

/** `name`, or `name@host` for someone from another instance. */
function creatorName(v: unknown, base: string): string {
  if (!isObject(v)) return '';
  const name = sanitizeLine(str(v.name));
  let host = '';
  try {
    host = new URL(str(v.actor_id)).host;
  } catch {
    // No actor id: a local name.
  }
  return host && name && host !== new URL(base).host ? `${name}@${sanitizeLine(host)}` : name;
}

export function parseLemmy(postJson: unknown, listJson: unknown, ref: LemmyRef, markdown: (s: string) => string): Omit<Discussion, 'fetchedAt'> {
  const view = isObject(postJson) && isObject(postJson.post_view) ? postJson.post_view : {};
  const post = isObject(view.post) ? view.post : {};
  const opAuthor = creatorName(view.creator, ref.base);
  const list = isObject(listJson) && Array.isArray(listJson.comments) ? listJson.comments : [];
  const flat: FlatComment[] = [];
  const claimed = new Map<string | null, number>();
  const claimedTotal = isObject(view.counts) ? num(view.counts.comments) : null;
  if (claimedTotal !== null) claimed.set(null, claimedTotal);
  for (const cv of list) {
    if (!isObject(cv) || !isObject(cv.comment)) continue;
    const c = cv.comment;
    const id = str(c.id);
    if (id === '') continue;
    const path = str(c.path).split('.');
    // "0.<ancestors>.<id>": a path that does not end with the comment's own id says nothing about it.
    const parent = path.length >= 3 && path[path.length - 1] === id ? path[path.length - 2]! : null;
    const removed = c.removed === true;
    const deleted = removed || c.deleted === true;
    const who = creatorName(cv.creator, ref.base);
    const counts = isObject(cv.counts) ? cv.counts : {};
    const children = num(counts.child_count);
    if (children !== null) claimed.set(id, children);
    flat.push({
      id,
      parentId: parent === null || parent === '0' ? null : parent,
      author: deleted ? '' : who,
      published: lemmyDate(c.published),
      html: deleted ? '' : markdown(str(c.content)),
      score: deleted ? null : num(counts.score),
      deleted,
      permalink: safeUrl(`${ref.base}/comment/${encodeURIComponent(id)}`),
      ...(deleted ? { placeholder: removed ? 'removed by a moderator' : 'deleted by its author' } : {}),
      ...(!deleted && who !== '' && who === opAuthor ? { isOp: true } : {}),
    });
  }
  const pageUrl = ref.pageUrl;
  const missing = moreStubs(flat, claimed, {
    direct: false,
    permalink: (id) => (id === null ? pageUrl : safeUrl(`${ref.base}/comment/${encodeURIComponent(id)}`)),
  });
  const comments = buildThread(flat, { pruneDeleted: false });
  const counted = countComments(comments);
  return {
    source: 'lemmy',
    url: pageUrl,
    title: sanitizeLine(str(post.name)) || `Lemmy post ${ref.id}`,
    total: claimedTotal !== null && claimedTotal >= counted ? Math.floor(claimedTotal) : counted,
    comments,
    ...(opAuthor ? { opAuthor } : {}),
    ...(missing > 0 ? { notice: `${count(missing)} more ${missing === 1 ? 'comment is' : 'comments are'} on the server` } : {}),
  };
}
