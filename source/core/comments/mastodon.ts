/**
 * Mastodon, and the servers that speak its API (a status URL on any host: `/@user/<id>`,
 * `/@user@domain/<id>`, `/users/<user>/statuses/<id>`). Ids are local to the instance, so the thread
 * is asked of the URL's own origin:
 *   GET /api/v1/statuses/<id>           the status (the shape check: `id`, `content`, `account`)
 *   GET /api/v1/statuses/<id>/context   {ancestors, descendants}
 * Both at once. Descendants are threaded by `in_reply_to_id` (replies to the status itself are the top
 * level), bodies are HTML, `spoiler_text` (or `sensitive`) is a content warning, `favourites_count` the
 * score. Without a token a server sends at most 60 descendants, 40 ancestors and 20 levels: where a
 * status's `replies_count` is more than arrived, a "N more replies" stub opens it on the server.
 * Unauthenticated, 300 requests per 5 minutes per IP: two per thread, and the cache (index.ts) keeps it.
 */
import { htmlToPlainText } from '../html.js';
import { safeUrl, sanitizeLine, sanitizeText } from '../sanitize.js';
import { DiscussionError } from './errors.js';
import { isObject, isoFrom, num, str, type FetchContext } from './net.js';
import { count, getJson, moreStubs, probeJson, titleFrom } from './remote.js';
import { buildThread, countComments } from './thread.js';
import type { Discussion, FlatComment } from './types.js';

export interface MastodonRef {
  source: 'mastodon';
  id: string;
  /** The instance's origin. */
  base: string;
  pageUrl: string;
}

const AT_PATH = /^\/@([^/@\s]+(?:@[^/@\s]+)?)\/(\d{1,24})\/?$/;
const USERS_PATH = /^\/users\/([^/\s]+)\/statuses\/([0-9A-Za-z]{1,32})\/?$/;

/** A status URL on any host -> its ref; the answer decides whether it really is Mastodon. */
export function matchMastodonUrl(url: URL): MastodonRef | null {
  if (url.hash || url.search) return null;
  const m = AT_PATH.exec(url.pathname) ?? USERS_PATH.exec(url.pathname);
  if (!m) return null;
  return { source: 'mastodon', id: m[2]!, base: url.origin, pageUrl: `${url.origin}${url.pathname.replace(/\/$/, '')}` };
}

export function mastodonStatusUrl(base: string, id: string): string {
  return `${base}/api/v1/statuses/${encodeURIComponent(id)}`;
}

const isStatus = (v: unknown): v is Record<string, unknown> =>
  isObject(v) && (typeof v.id === 'string' || typeof v.id === 'number') && typeof v.content === 'string' && isObject(v.account);

export async function fetchMastodon(ref: MastodonRef, ctx: FetchContext): Promise<Omit<Discussion, 'fetchedAt'>> {
  const statusUrl = mastodonStatusUrl(ref.base, ref.id);
  // Both at once; the status decides whether this is Mastodon at all, so a failing context is only
  // reported when the status was fine.
  const context = getJson(`${statusUrl}/context`, ctx);
  context.catch(() => {});
  const status = await probeJson(ref.pageUrl, 'Mastodon', statusUrl, ctx, isStatus);
  const ctxJson = await context;
  if (!isObject(ctxJson) || !Array.isArray(ctxJson.descendants)) {
    throw new DiscussionError('parse', `${statusUrl}/context`, 'not a Mastodon context ({ancestors, descendants})');
  }
  return parseMastodon(status, ctxJson, ref);
}

function author(v: unknown): string {
  return isObject(v) ? sanitizeLine(str(v.acct)) || sanitizeLine(str(v.username)) : '';
}

function warningOf(s: Record<string, unknown>): string | undefined {
  const spoiler = sanitizeLine(str(s.spoiler_text));
  if (spoiler) return spoiler;
  return s.sensitive === true ? 'sensitive' : undefined;
}

/** A status and its context -> Discussion (without fetchedAt). */
export function parseMastodon(status: unknown, context: unknown, ref: MastodonRef): Omit<Discussion, 'fetchedAt'> {
  const root = isStatus(status) ? status : {};
  const rootId = str(root.id) || ref.id;
  const opAuthor = author(root.account);
  const pageUrl = safeUrl(str(root.url)) || ref.pageUrl;
  const ctx = isObject(context) ? context : {};
  const descendants = Array.isArray(ctx.descendants) ? ctx.descendants : [];
  const ancestors = Array.isArray(ctx.ancestors) ? ctx.ancestors.length : 0;

  const flat: FlatComment[] = [];
  const claimed = new Map<string | null, number>();
  const permalinks = new Map<string, string>();
  const rootReplies = num(root.replies_count);
  if (rootReplies !== null) claimed.set(null, rootReplies);
  for (const s of descendants) {
    if (!isStatus(s)) continue;
    const id = str(s.id);
    if (id === '' || id === rootId) continue;
    const parent = str(s.in_reply_to_id);
    const who = author(s.account);
    const warning = warningOf(s);
    const permalink = safeUrl(str(s.url)) || safeUrl(str(s.uri)) || `${ref.base}/@${encodeURIComponent(who)}/${encodeURIComponent(id)}`;
    permalinks.set(id, permalink);
    const replies = num(s.replies_count);
    if (replies !== null) claimed.set(id, replies);
    flat.push({
      id,
      parentId: parent === '' || parent === rootId ? null : parent,
      author: who,
      published: isoFrom(s.created_at),
      html: sanitizeText(str(s.content)),
      score: num(s.favourites_count),
      deleted: false,
      permalink,
      ...(who !== '' && who === opAuthor ? { isOp: true } : {}),
      ...(warning ? { warning } : {}),
    });
  }
  const missing = moreStubs(flat, claimed, { direct: true, permalink: (id) => (id === null ? pageUrl : (permalinks.get(id) ?? pageUrl)) });
  const comments = buildThread(flat, { pruneDeleted: false });
  const notes: string[] = [];
  if (missing > 0) notes.push(`${count(missing)} more ${missing === 1 ? 'reply is' : 'replies are'} on the server`);
  if (ancestors > 0) notes.push(`this post answers ${count(ancestors)} earlier ${ancestors === 1 ? 'post' : 'posts'}`);
  const text = titleFrom(warningOf(root) ?? htmlToPlainText(sanitizeText(str(root.content))));
  return {
    source: 'mastodon',
    url: pageUrl,
    title: opAuthor ? `@${opAuthor}: ${text}` : text || `Mastodon post ${ref.id}`,
    total: countComments(comments) + missing,
    comments,
    ...(opAuthor ? { opAuthor } : {}),
    ...(notes.length ? { notice: notes.join('; ') } : {}),
  };
}
