/**
 * Discourse: a topic URL `/t/<slug>/<id>` (or `/t/<id>`, `/t/<slug>/<id>/<post_number>`), possibly
 * under a subfolder (`/forum/t/slug/123`: the base is `<origin>/forum`).
 *   GET <base>/t/<id>.json                       the topic: `post_stream.posts` (the first 20) and
 *                                                `post_stream.stream` (every post id; deleted ones missing)
 *   GET <base>/t/<id>/posts.json?post_ids[]=…    the rest, 20 ids a request, three requests at a time,
 *                                                up to MAX_POSTS (the pane says so when the topic is longer)
 * Threaded by `reply_to_post_number` (null or 1: a reply to the topic, whose first post is the article
 * itself and not a comment). Bodies are `cooked` HTML; `like_count` (older servers: `actions_summary`
 * id 2) is the score; hidden and deleted posts stay as placeholders. Discourse allows 200 requests a
 * minute per IP: a 429 stops the walk, keeps what arrived, and says so (remote.ts remembers the wait).
 * `/embed/info` and `/embed/comments` are never asked: they are for the embedding site, not readers.
 */
import { safeUrl, sanitizeLine, sanitizeText } from '../sanitize.js';
import { isObject, isoFrom, num, str, type FetchContext } from './net.js';
import { count, getJson, probeJson, statusOf } from './remote.js';
import { buildThread, countComments } from './thread.js';
import type { Discussion, FlatComment } from './types.js';

export const MAX_POSTS = 1000;
const CHUNK = 20;
const PARALLEL = 3;

export interface DiscourseRef {
  source: 'discourse';
  id: string;
  /** Origin plus the forum's subfolder, if any. */
  base: string;
  pageUrl: string;
}

const TOPIC_PATH = /^((?:\/[^/]+){0,3}?)\/t\/(?:([^/]+)\/)?(\d{1,12})(?:\/(\d{1,9}))?\/?$/;

export function matchDiscourseUrl(url: URL): DiscourseRef | null {
  if (url.hash) return null;
  const m = TOPIC_PATH.exec(url.pathname);
  if (!m) return null;
  const base = `${url.origin}${m[1] ?? ''}`;
  const id = m[3]!;
  const slug = m[2] && !/^\d+$/.test(m[2]) ? m[2] : 'topic';
  return { source: 'discourse', id, base, pageUrl: `${base}/t/${slug}/${id}` };
}

export const discourseTopicUrl = (base: string, id: string): string => `${base}/t/${encodeURIComponent(id)}.json`;

const isTopic = (j: unknown): j is Record<string, unknown> =>
  isObject(j) && isObject(j.post_stream) && Array.isArray(j.post_stream.posts) && Array.isArray(j.post_stream.stream);

export async function fetchDiscourse(ref: DiscourseRef, ctx: FetchContext): Promise<Omit<Discussion, 'fetchedAt'>> {
  const topic = (await probeJson(ref.pageUrl, 'Discourse', discourseTopicUrl(ref.base, ref.id), ctx, isTopic)) as Record<string, unknown>;
  const stream = topic.post_stream as { posts: unknown[]; stream: unknown[] };
  const posts = [...stream.posts];
  const have = new Set(posts.map((p) => (isObject(p) ? num(p.id) : null)));
  const ids = stream.stream.map(num).filter((n): n is number => n !== null && Number.isInteger(n));
  const wanted = ids.slice(0, MAX_POSTS).filter((n) => !have.has(n));
  const chunks: number[][] = [];
  for (let i = 0; i < wanted.length; i += CHUNK) chunks.push(wanted.slice(i, i + CHUNK));

  let stopped: string | undefined;
  let next = 0;
  const worker = async () => {
    while (next < chunks.length && stopped === undefined) {
      const chunk = chunks[next++]!;
      const query = chunk.map((n) => `post_ids[]=${n}`).join('&');
      try {
        const json = await getJson(`${ref.base}/t/${encodeURIComponent(ref.id)}/posts.json?${query}`, ctx);
        const got = isObject(json) && isObject(json.post_stream) && Array.isArray(json.post_stream.posts) ? json.post_stream.posts : null;
        if (!got) throw new Error('not a Discourse post list');
        posts.push(...got);
      } catch (error) {
        if (ctx.signal?.aborted) throw error;
        stopped ??= statusOf(error) === 429 ? 'the server asked us to slow down' : 'a request failed';
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, chunks.length) }, worker));
  return parseDiscourse(topic, posts, ref, { streamLength: ids.length, ...(stopped ? { stopped } : {}) });
}

function likes(p: Record<string, unknown>): number | null {
  const direct = num(p.like_count);
  if (direct !== null) return direct;
  if (!Array.isArray(p.actions_summary)) return null;
  const like = p.actions_summary.find((a) => isObject(a) && num(a.id) === 2);
  return isObject(like) ? num(like.count) : null;
}

/** The topic and every post fetched -> Discussion (without fetchedAt). */
export function parseDiscourse(
  topic: Record<string, unknown>,
  posts: unknown[],
  ref: DiscourseRef,
  info: { streamLength: number; stopped?: string },
): Omit<Discussion, 'fetchedAt'> {
  const slug = sanitizeLine(str(topic.slug)).replace(/[^A-Za-z0-9_-]/g, '') || 'topic';
  const pageUrl = safeUrl(`${ref.base}/t/${slug}/${ref.id}`) || ref.pageUrl;
  const byNumber = new Map<number, Record<string, unknown>>();
  for (const p of posts) {
    if (!isObject(p)) continue;
    const n = num(p.post_number);
    if (n !== null && Number.isInteger(n) && n > 0 && !byNumber.has(n)) byNumber.set(n, p);
  }
  const numbers = [...byNumber.keys()].sort((a, b) => a - b);
  const first = byNumber.get(1);
  const opAuthor = first ? sanitizeLine(str(first.username)) : '';
  const flat: FlatComment[] = [];
  for (const n of numbers) {
    const p = byNumber.get(n)!;
    // The first post is the topic (the article, for an embedded blog); small actions ("closed the
    // topic") are not comments.
    if (n === 1 || num(p.post_type) === 3) continue;
    const replyTo = num(p.reply_to_post_number);
    const deleted = (p.deleted_at !== null && p.deleted_at !== undefined) || p.user_deleted === true;
    const hidden = p.hidden === true;
    const who = sanitizeLine(str(p.username));
    flat.push({
      id: String(n),
      parentId: replyTo !== null && replyTo > 1 ? String(replyTo) : null,
      author: deleted || hidden ? '' : who,
      published: isoFrom(p.created_at),
      html: deleted || hidden ? '' : sanitizeText(str(p.cooked)),
      score: deleted || hidden ? null : likes(p),
      deleted: deleted || hidden,
      permalink: `${pageUrl}/${n}`,
      ...(deleted ? { placeholder: 'deleted' } : hidden ? { placeholder: 'hidden by the community' } : {}),
      ...(!deleted && !hidden && who !== '' && who === opAuthor ? { isOp: true } : {}),
    });
  }
  const notes: string[] = [];
  const notLoaded = Math.max(0, info.streamLength - byNumber.size);
  if (info.streamLength > MAX_POSTS) notes.push(`showing the first ${count(MAX_POSTS)} of ${count(info.streamLength)} posts`);
  if (info.stopped) notes.push(`${info.stopped}: ${count(Math.min(info.streamLength, MAX_POSTS) - byNumber.size)} posts not loaded`);
  // The posts not read, as one stub at the end that opens the topic where they begin.
  if (notLoaded > 0) {
    const after = info.stopped ? '' : `/${(numbers.at(-1) ?? 0) + 1}`;
    flat.push({
      id: 'more:topic',
      parentId: null,
      author: '',
      published: null,
      html: '',
      score: null,
      deleted: false,
      permalink: `${pageUrl}${after}`,
      more: notLoaded,
    });
  }
  const comments = buildThread(flat, { pruneDeleted: false });
  const counted = countComments(comments);
  const claimed = num(topic.posts_count);
  return {
    source: 'discourse',
    url: pageUrl,
    title: sanitizeLine(str(topic.title)) || sanitizeLine(str(topic.fancy_title)) || `Discourse topic ${ref.id}`,
    total: claimed !== null && claimed - 1 >= counted ? Math.floor(claimed - 1) : counted,
    comments,
    ...(opAuthor ? { opAuthor } : {}),
    ...(notes.length ? { notice: notes.join('; ') } : {}),
  };
}
