/**
 * Bluesky: a post URL `<web>/profile/<handle or did>/post/<rkey>` (web: settings `sources.bluesky.web`,
 * and always https://bsky.app) is read from the AppView at `sources.bluesky.api`:
 *   GET {api}/xrpc/com.atproto.identity.resolveHandle?handle=<handle>   -> {did}   (skipped for a did)
 *   GET {api}/xrpc/app.bsky.feed.getPostThread?uri=at://<did>/app.bsky.feed.post/<rkey>&depth=1000&parentHeight=0
 * The thread is nested `#threadViewPost {post, replies[]}`; a `#notFoundPost` or `#blockedPost` keeps its
 * place as a placeholder. Post text is plain, with links and mentions as facets over UTF-8 byte ranges
 * (bluesky-facets.ts makes them numbered links). The walk is iterative: a thread may be 1,000 deep.
 */
import { safeUrl, sanitizeLine } from '../sanitize.js';
import { facetsToHtml } from './bluesky-facets.js';
import { DiscussionError } from './errors.js';
import { isObject, isoFrom, num, str, type FetchContext } from './net.js';
import { count, moreStubs, notThere, probeJson, titleFrom } from './remote.js';
import { buildThread, countComments } from './thread.js';
import type { Discussion, FlatComment } from './types.js';

export const BLUESKY_WEB = 'https://bsky.app';

export interface BlueskyRef {
  source: 'bluesky';
  /** `<actor>/<rkey>`: the actor is a handle or a did. */
  id: string;
  pageUrl: string;
}

const ACTOR = /^(?:did:[a-z]+:[A-Za-z0-9._:%-]{1,2048}|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?)$/;
const RKEY = /^[A-Za-z0-9._:~-]{1,512}$/;

/** The web hosts whose post URLs name a Bluesky thread: bsky.app and the configured one. */
function webPrefixes(web: string | undefined): URL[] {
  const out: URL[] = [new URL(BLUESKY_WEB)];
  try {
    if (web) out.push(new URL(web));
  } catch {
    // The settings schema checks it; a bad one only loses the extra host.
  }
  return out;
}

export function matchBlueskyUrl(url: URL, web?: string): BlueskyRef | null {
  for (const prefix of webPrefixes(web)) {
    if (url.origin !== prefix.origin) continue;
    const root = prefix.pathname.replace(/\/+$/, '');
    if (!url.pathname.startsWith(`${root}/profile/`)) continue;
    const m = /^\/profile\/([^/]+)\/post\/([^/]+)\/?$/.exec(url.pathname.slice(root.length));
    const actor = m ? decodeURIComponent(m[1]!) : '';
    const rkey = m ? m[2]! : '';
    if (!ACTOR.test(actor) || !RKEY.test(rkey)) return null;
    return { source: 'bluesky', id: `${actor}/${rkey}`, pageUrl: `${webBase(web)}/profile/${actor}/post/${rkey}` };
  }
  return null;
}

const webBase = (web: string | undefined): string => (web ?? BLUESKY_WEB).replace(/\/+$/, '');
const xrpc = (api: string, method: string, query: string): string => `${api.replace(/\/+$/, '')}/xrpc/${method}?${query}`;

export function blueskyThreadUrl(api: string, did: string, rkey: string): string {
  const uri = `at://${did}/app.bsky.feed.post/${rkey}`;
  return xrpc(api, 'app.bsky.feed.getPostThread', `uri=${encodeURIComponent(uri)}&depth=1000&parentHeight=0`);
}

export async function fetchBluesky(ref: BlueskyRef, ctx: FetchContext, sources: { api: string; web?: string }): Promise<Omit<Discussion, 'fetchedAt'>> {
  const slash = ref.id.lastIndexOf('/');
  const actor = ref.id.slice(0, slash);
  const rkey = ref.id.slice(slash + 1);
  let did = actor;
  if (!actor.startsWith('did:')) {
    const url = xrpc(sources.api, 'com.atproto.identity.resolveHandle', `handle=${encodeURIComponent(actor)}`);
    const json = await probeJson(ref.pageUrl, 'Bluesky', url, ctx, (j) => isObject(j) && /^did:[a-z]+:\S+$/.test(str(j.did)));
    did = str((json as Record<string, unknown>).did);
  }
  const url = blueskyThreadUrl(sources.api, did, rkey);
  const json = await probeJson(ref.pageUrl, 'Bluesky', url, ctx, (j) => isObject(j) && isObject(j.thread));
  return parseBluesky(json, ref, webBase(sources.web));
}

const TYPE = 'app.bsky.feed.defs#';
/** Labels that mean "not without asking": Bluesky's own self-labels and moderation labels. */
const WARN_LABELS = new Set(['porn', 'sexual', 'nudity', 'graphic-media', 'gore', 'nsfl']);

function labelsOf(post: Record<string, unknown>): string | undefined {
  const vals: string[] = [];
  const add = (list: unknown) => {
    if (Array.isArray(list)) for (const l of list) if (isObject(l) && WARN_LABELS.has(str(l.val))) vals.push(str(l.val));
  };
  add(post.labels);
  if (isObject(post.record) && isObject(post.record.labels)) add(post.record.labels.values);
  return vals.length ? [...new Set(vals)].join(', ') : undefined;
}

/** at://did/app.bsky.feed.post/rkey -> the post's web page. */
function pageOf(uri: string, web: string): string {
  const m = /^at:\/\/([^/]+)\/app\.bsky\.feed\.post\/([^/]+)$/.exec(uri);
  return m ? safeUrl(`${web}/profile/${m[1]}/post/${m[2]}`) : '';
}

/** getPostThread's answer -> Discussion (without fetchedAt). */
export function parseBluesky(json: unknown, ref: BlueskyRef, web: string = BLUESKY_WEB): Omit<Discussion, 'fetchedAt'> {
  const thread = isObject(json) && isObject(json.thread) ? json.thread : {};
  const type = str(thread.$type);
  if (type === `${TYPE}notFoundPost`) throw notThere(ref.pageUrl, 'Bluesky', 'the post was not found (deleted?)');
  if (type === `${TYPE}blockedPost`) throw notThere(ref.pageUrl, 'Bluesky', 'the post is blocked');
  const root = isObject(thread.post) ? thread.post : null;
  if (!root) throw new DiscussionError('parse', ref.pageUrl, 'not a Bluesky thread (no post)');
  const rootUri = str(root.uri);
  const rootAuthor = isObject(root.author) ? root.author : {};
  const opDid = str(rootAuthor.did);
  const opAuthor = sanitizeLine(str(rootAuthor.handle));

  const flat: FlatComment[] = [];
  const claimed = new Map<string | null, number>();
  const permalinks = new Map<string, string>();
  const rootReplies = num(root.replyCount);
  if (rootReplies !== null) claimed.set(null, rootReplies);
  const stack: Array<{ node: unknown; parentId: string | null; n: number }> = [];
  const push = (replies: unknown, parentId: string | null) => {
    if (!Array.isArray(replies)) return;
    for (let i = replies.length - 1; i >= 0; i--) stack.push({ node: replies[i], parentId, n: i });
  };
  push(thread.replies, null);
  while (stack.length > 0) {
    const { node, parentId, n } = stack.pop()!;
    if (!isObject(node)) continue;
    const kind = str(node.$type);
    if (kind === `${TYPE}notFoundPost` || kind === `${TYPE}blockedPost`) {
      // Placeholders keep their place; they carry no replies of their own.
      const uri = str(node.uri);
      flat.push({
        id: uri || `gone:${parentId ?? 'root'}:${n}`,
        parentId,
        author: '',
        published: null,
        html: '',
        score: null,
        deleted: true,
        permalink: pageOf(uri, web),
        placeholder: kind.endsWith('blockedPost') ? 'blocked post' : 'post not found',
      });
      continue;
    }
    const post = isObject(node.post) ? node.post : null;
    if (!post) continue;
    const uri = str(post.uri);
    if (uri === '' || uri === rootUri) continue;
    const who = isObject(post.author) ? post.author : {};
    const record = isObject(post.record) ? post.record : {};
    const handle = sanitizeLine(str(who.handle)) || sanitizeLine(str(who.did));
    const permalink = pageOf(uri, web);
    permalinks.set(uri, permalink);
    const replies = num(post.replyCount);
    if (replies !== null) claimed.set(uri, replies);
    const warning = labelsOf(post);
    flat.push({
      id: uri,
      parentId,
      author: handle,
      published: isoFrom(record.createdAt) ?? isoFrom(post.indexedAt),
      html: facetsToHtml(str(record.text), record.facets, web),
      score: num(post.likeCount),
      deleted: false,
      permalink,
      ...(opDid !== '' && str(who.did) === opDid ? { isOp: true } : {}),
      ...(warning ? { warning } : {}),
    });
    push(node.replies, uri);
  }
  const pageUrl = pageOf(rootUri, web) || ref.pageUrl;
  const missing = moreStubs(flat, claimed, { direct: true, permalink: (id) => (id === null ? pageUrl : (permalinks.get(id) ?? pageUrl)) });
  const comments = buildThread(flat, { pruneDeleted: false });
  const record = isObject(root.record) ? root.record : {};
  const text = titleFrom(str(record.text));
  return {
    source: 'bluesky',
    url: pageUrl,
    title: opAuthor ? `@${opAuthor}: ${text}` : text || 'Bluesky post',
    total: countComments(comments) + missing,
    comments,
    ...(opAuthor ? { opAuthor } : {}),
    ...(missing > 0 ? { notice: `${count(missing)} more ${missing === 1 ? 'reply is' : 'replies are'} on Bluesky` } : {}),
  };
}
