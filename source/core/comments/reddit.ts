/**
 * Reddit: `GET {base}/comments/{id}.json` returns `[Listing(t3), Listing(t1 | more)]`. A t1 has
 * `parent_id` (`t1_…` or `t3_…`), `depth`, `replies` ("" or a Listing), `body_html` entity-escaped once
 * (decode once to get the HTML), `author` ("[deleted]" when the account is gone; the comment itself is
 * deleted when its body is "[deleted]"/"[removed]" too), `score`, `created_utc`, and — in newer
 * responses — a relative `permalink`. A `kind:"more"` stub lists ids not sent (`count` of them); the one
 * with id "_" and count 0 is "continue this thread" (the thread goes deeper than the page).
 * Total: the t3's `num_comments`. OP: the t3's author.
 */
import { decodeHTML } from 'entities';
import { safeUrl, sanitizeLine, sanitizeText } from '../sanitize.js';
import { DiscussionError } from './errors.js';
import { isObject, isoFrom, num, str } from './net.js';
import { buildThread } from './thread.js';
import type { Discussion, FlatComment } from './types.js';

export const REDDIT_WEB = 'https://www.reddit.com';

export function redditApiUrl(base: string, id: string): string {
  return `${base.replace(/\/+$/, '')}/comments/${encodeURIComponent(id)}.json`;
}

export function listingChildren(v: unknown): unknown[] {
  if (!isObject(v) || !isObject(v.data)) return [];
  const children = v.data.children;
  return Array.isArray(children) ? children : [];
}

/** `t1_abc` -> 'abc'; `t3_…` (the post) and anything else -> null. */
function parentOf(v: unknown): string | null {
  const s = str(v);
  return s.startsWith('t1_') && s.length > 3 ? s.slice(3) : null;
}

/** What turning Reddit things into comments needs to know about their post. */
export interface RedditPost {
  opAuthor: string;
  permalink: string;
  /** Permalinks of the comments seen so far, for the stubs under them. */
  permalinkOf: Map<string, string>;
  /** Asked with `raw_json=1`: `body_html` is not entity-escaped, so it is not decoded. */
  raw?: boolean;
}

/**
 * Reddit things (t1 comments, 'more' stubs, nested `replies` Listings or flat with `parent_id`, as
 * `api/morechildren` sends them) -> flat comments in preorder. Iterative: threads can be very deep.
 */
export function redditThings(top: readonly unknown[], post: RedditPost): FlatComment[] {
  const { opAuthor, permalink: postPermalink, permalinkOf } = post;
  const flat: FlatComment[] = [];
  const stack: Array<{ thing: unknown; parentId: string | null }> = [];
  for (let i = top.length - 1; i >= 0; i--) stack.push({ thing: top[i], parentId: null });
  while (stack.length > 0) {
    const { thing, parentId: structuralParent } = stack.pop()!;
    if (!isObject(thing) || !isObject(thing.data)) continue;
    const d = thing.data;
    const parentId = 'parent_id' in d ? parentOf(d.parent_id) : structuralParent;

    if (thing.kind === 'more') {
      const ids = Array.isArray(d.children) ? d.children.filter((x): x is string => typeof x === 'string' && /^[a-z0-9]{1,16}$/i.test(x)) : [];
      const count = Math.max(0, Math.floor(num(d.count) ?? ids.length));
      flat.push({
        // "_" stubs repeat: make the id unique per parent.
        id: `more:${parentId ?? 't3'}:${str(d.id) || str(d.name)}`,
        parentId,
        author: '',
        published: null,
        html: '',
        score: null,
        deleted: false,
        permalink: (parentId !== null ? permalinkOf.get(parentId) : undefined) ?? postPermalink,
        more: count,
        ...(ids.length > 0 ? { moreIds: ids } : {}),
      });
      continue;
    }
    if (thing.kind !== 't1') continue;
    const cid = str(d.id);
    if (cid === '') continue;
    const rawAuthor = str(d.author);
    const body = str(d.body).trim();
    const deleted = rawAuthor === '[deleted]' && (body === '[deleted]' || body === '[removed]');
    const permalink =
      safeUrl(str(d.permalink), REDDIT_WEB) || safeUrl(`${encodeURIComponent(cid)}/`, postPermalink.endsWith('/') ? postPermalink : `${postPermalink}/`);
    permalinkOf.set(cid, permalink);
    const author = sanitizeLine(rawAuthor);
    flat.push({
      id: cid,
      parentId,
      author,
      published: isoFrom(d.created_utc, 'seconds'),
      html: deleted ? '' : sanitizeText(post.raw ? str(d.body_html) : decodeHTML(str(d.body_html))),
      score: d.score_hidden === true ? null : num(d.score),
      deleted,
      permalink,
      ...(!deleted && author !== '' && author !== '[deleted]' && author === opAuthor ? { isOp: true } : {}),
    });
    const replies = listingChildren(d.replies);
    for (let i = replies.length - 1; i >= 0; i--) stack.push({ thing: replies[i], parentId: cid });
  }
  return flat;
}

export function parseReddit(json: unknown, id: string, url: string): Omit<Discussion, 'fetchedAt'> {
  if (!Array.isArray(json) || json.length < 2) throw new DiscussionError('parse', url, 'not a Reddit comments listing');
  const post = listingChildren(json[0])[0];
  const t3 = isObject(post) && isObject(post.data) ? post.data : undefined;
  if (!t3) throw new DiscussionError('parse', url, 'not a Reddit comments listing (no post)');

  const opAuthor = sanitizeLine(str(t3.author));
  const postPermalink = safeUrl(str(t3.permalink), REDDIT_WEB) || `${REDDIT_WEB}/comments/${encodeURIComponent(id)}/`;
  const flat = redditThings(listingChildren(json[1]), { opAuthor, permalink: postPermalink, permalinkOf: new Map() });

  const comments = buildThread(flat);
  const claimed = num(t3.num_comments);
  return {
    source: 'reddit',
    url: postPermalink,
    title: sanitizeLine(str(t3.title)) || `Reddit post ${id}`,
    total: claimed !== null && claimed >= 0 ? Math.floor(claimed) : flat.filter((c) => c.more === undefined && !c.deleted).length,
    comments,
    ...(opAuthor && opAuthor !== '[deleted]' ? { opAuthor } : {}),
  };
}
