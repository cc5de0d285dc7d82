/**
 * Hacker News through Algolia: `GET {api}/items/{id}` returns the whole tree in one request
 * (`children[]`, `id`, `parent_id`, `author`, `text` HTML, `created_at_i`, `points`). Deleted comments
 * have null author and text but keep their children; Algolia has no `descendants`, so the total is
 * counted from the tree.
 *
 * Also accepted, because the corpus has one and it costs a few lines: the HNPWA / node-hnapi shape
 * (`user`, `time`, `content`, `comments[]`, `comments_count`), should an `api` setting point at such a
 * server with the same `/items/{id}` path.
 */
import { safeUrl, sanitizeLine, sanitizeText } from '../sanitize.js';
import { DiscussionError } from './errors.js';
import { isObject, isoFrom, num, str } from './net.js';
import { buildThread, countComments } from './thread.js';
import type { Discussion, FlatComment } from './types.js';

export const HN_ITEM = 'https://news.ycombinator.com/item?id=';

export function hackerNewsApiUrl(api: string, id: string): string {
  return `${api.replace(/\/+$/, '')}/items/${encodeURIComponent(id)}`;
}

/** Algolia (or HNPWA) item JSON -> Discussion (without fetchedAt). */
export function parseHackerNews(json: unknown, id: string, url: string): Omit<Discussion, 'fetchedAt'> {
  if (!isObject(json)) throw new DiscussionError('parse', url, 'not a Hacker News item');
  const hnpwa = !('children' in json) && ('comments' in json || 'user' in json);
  const kids = (node: Record<string, unknown>): unknown[] => {
    const list = hnpwa ? node.comments : node.children;
    return Array.isArray(list) ? list : [];
  };
  if (!hnpwa && !('children' in json) && !('author' in json)) throw new DiscussionError('parse', url, 'not a Hacker News item');

  const opAuthor = sanitizeLine(str(hnpwa ? json.user : json.author));
  const flat: FlatComment[] = [];
  // Iterative preorder; children pushed in reverse so siblings keep their order.
  const stack: Array<{ node: unknown; parentId: string | null }> = [];
  const top = kids(json);
  for (let i = top.length - 1; i >= 0; i--) stack.push({ node: top[i], parentId: null });
  while (stack.length > 0) {
    const { node, parentId } = stack.pop()!;
    if (!isObject(node)) continue;
    const cid = str(node.id);
    if (cid === '') continue;
    const rawAuthor = hnpwa ? node.user : node.author;
    const rawText = hnpwa ? node.content : node.text;
    const deleted = node.deleted === true || (rawAuthor == null && (rawText == null || rawText === '' || rawText === '[deleted]'));
    const author = sanitizeLine(str(rawAuthor));
    flat.push({
      id: cid,
      parentId,
      author,
      published: hnpwa ? isoFrom(node.time, 'seconds') : (isoFrom(node.created_at_i, 'seconds') ?? isoFrom(node.created_at)),
      html: deleted ? '' : sanitizeText(str(rawText)),
      score: num(node.points),
      deleted,
      permalink: /^\d+$/.test(cid) ? `${HN_ITEM}${cid}` : '',
      ...(author !== '' && author === opAuthor ? { isOp: true } : {}),
    });
    const children = kids(node);
    for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i], parentId: cid });
  }

  const comments = buildThread(flat);
  const type = str(json.type);
  const title = sanitizeLine(str(json.title)) || (type === 'comment' && opAuthor ? `Comment by ${opAuthor}` : `Hacker News item ${id}`);
  return {
    source: 'hackernews',
    url: safeUrl(`${HN_ITEM}${id}`),
    title,
    total: countComments(comments),
    comments,
    ...(opAuthor ? { opAuthor } : {}),
  };
}
