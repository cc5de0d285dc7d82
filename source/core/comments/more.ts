/**
 * Reddit's deeper threads. A comments page sends a few hundred comments and leaves 'more' stubs for
 * the rest: "N more replies" lists the ids not sent, which `api/morechildren` returns (at most 100 ids
 * a request, flat, each with its `parent_id`); "continue this thread" marks where the page's depth
 * ended, and the parent comment's own page (`/comments/<post>/_/<comment>.json`) goes on from there.
 *
 * Loaded replies take the stub's place: they are appended after their parent's other replies, which
 * is where Reddit puts its stubs, and whatever ids are left become a smaller stub after them.
 */
import type { Settings } from '../settings.js';
import { failureLine, userAgentFor, type Manners } from '../discussions.js';
import { readCache, writeCache, type DiscussionStore } from './cache.js';
import { DiscussionError } from './errors.js';
import { JSON_ACCEPT, get, isObject, parseJsonBody, type FetchContext } from './net.js';
import { parseReddit, redditThings } from './reddit.js';
import { matchThreadUrl } from './resolve.js';
import { buildThread, countComments, preorder, toFlat } from './thread.js';
import type { Comment, Discussion, FlatComment } from './types.js';

/** Reddit's cap on ids per morechildren request. */
export const MORE_BATCH = 100;
/** What `broadsheet comments` loads of a Reddit thread at most. */
export const HEADLESS_COMMENT_LIMIT = 2000;

export interface MoreOptions {
  settings: { sources: Settings['sources']; fetch: Pick<Settings['fetch'], 'timeoutSeconds' | 'maxBytes'> };
  manners?: Pick<Manners, 'run'>;
  signal?: AbortSignal;
}

export function redditPostId(d: Pick<Discussion, 'source' | 'url'>): string | null {
  const ref = d.source === 'reddit' ? matchThreadUrl(d.url) : null;
  return ref?.source === 'reddit' ? ref.id : null;
}

/** The 'more' stubs of a discussion, top to bottom. */
export function moreStubs(d: Pick<Discussion, 'comments'>): Comment[] {
  return preorder(d.comments).filter((c) => c.more !== undefined);
}

async function getJson(url: string, options: MoreOptions): Promise<unknown> {
  const ctx: FetchContext = {
    timeoutMs: options.settings.fetch.timeoutSeconds * 1000,
    maxBytes: options.settings.fetch.maxBytes,
    userAgent: userAgentFor('reddit')!,
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const send = async () => {
    const res = await get(url, ctx, { accept: JSON_ACCEPT });
    if (res.status !== 'ok') throw new DiscussionError('fetch', url, 'unexpected 304');
    return parseJsonBody(res.bytes, url);
  };
  return options.manners ? options.manners.run('reddit', send, options.signal) : send();
}

const base = (options: MoreOptions) => options.settings.sources.reddit.base.replace(/\/+$/, '');

async function fetchChildren(d: Discussion, post: string, ids: readonly string[], options: MoreOptions): Promise<FlatComment[]> {
  const url = `${base(options)}/api/morechildren.json?api_type=json&link_id=t3_${post}&children=${ids.join(',')}&raw_json=1`;
  const json = await getJson(url, options);
  const things = isObject(json) && isObject(json.json) && isObject(json.json.data) ? json.json.data.things : undefined;
  if (!Array.isArray(things)) throw new DiscussionError('parse', url, 'not a Reddit morechildren answer');
  return redditThings(things, { opAuthor: d.opAuthor ?? '', permalink: d.url, permalinkOf: new Map(), raw: true });
}

async function fetchContinuation(post: string, parentId: string, options: MoreOptions): Promise<FlatComment[]> {
  const url = `${base(options)}/comments/${post}/_/${encodeURIComponent(parentId)}.json`;
  const page = parseReddit(await getJson(url, options), post, url);
  const parent = preorder(page.comments).find((c) => c.id === parentId);
  return parent ? toFlat(parent.children) : [];
}

/**
 * The discussion with `loaded` in place of the stubs in `consumed` (stub id -> the ids still not
 * loaded, which stay behind as a smaller stub).
 */
export function spliceMore(d: Discussion, consumed: ReadonlyMap<string, readonly string[]>, loaded: readonly FlatComment[]): Discussion {
  const got = loaded.filter((c) => c.more === undefined).length;
  const kept: FlatComment[] = [];
  const rest: FlatComment[] = [];
  for (const c of toFlat(d.comments)) {
    const left = consumed.get(c.id);
    if (!left) {
      kept.push(c);
      continue;
    }
    if (left.length > 0) rest.push({ ...c, moreIds: [...left], more: Math.max(left.length, (c.more ?? 0) - got) });
  }
  return { ...d, comments: buildThread([...kept, ...loaded, ...rest], { order: 'source' }) };
}

/** Load what one stub stands for (at most MORE_BATCH of its ids) and put it in its place. */
export async function loadStub(d: Discussion, stubId: string, options: MoreOptions): Promise<Discussion> {
  const post = redditPostId(d);
  const stub = moreStubs(d).find((c) => c.id === stubId);
  if (!post || !stub) return d;
  const ids = stub.moreIds ?? [];
  if (ids.length === 0) {
    if (!stub.parentId) return spliceMore(d, new Map([[stub.id, []]]), []);
    return spliceMore(d, new Map([[stub.id, []]]), await fetchContinuation(post, stub.parentId, options));
  }
  const batch = ids.slice(0, MORE_BATCH);
  return spliceMore(d, new Map([[stub.id, ids.slice(MORE_BATCH)]]), await fetchChildren(d, post, batch, options));
}

export interface Expanded {
  discussion: Discussion;
  /** Set when stubs are left: why it stopped (the limit, or the failure as one line). */
  stopped?: string;
}

/**
 * Load every stub, top to bottom, until `limit` comments are in (for `broadsheet comments`). Ids of
 * several stubs share one request, up to MORE_BATCH.
 */
export async function expandReddit(d: Discussion, options: MoreOptions & { limit?: number }): Promise<Expanded> {
  const limit = options.limit ?? HEADLESS_COMMENT_LIMIT;
  const post = redditPostId(d);
  let current = d;
  for (let round = 0; post && round < 1000; round++) {
    const stubs = moreStubs(current);
    if (stubs.length === 0) return { discussion: current };
    if (countComments(current.comments) >= limit) return { discussion: current, stopped: `the ${limit.toLocaleString('en')}-comment limit` };
    try {
      const first = stubs[0]!;
      if (!first.moreIds?.length) {
        current = await loadStub(current, first.id, options);
        continue;
      }
      const consumed = new Map<string, string[]>();
      const batch: string[] = [];
      for (const stub of stubs) {
        const ids = stub.moreIds ?? [];
        if (ids.length === 0) continue;
        const take = ids.slice(0, MORE_BATCH - batch.length);
        batch.push(...take);
        consumed.set(stub.id, ids.slice(take.length));
        if (batch.length >= MORE_BATCH) break;
      }
      current = spliceMore(current, consumed, await fetchChildren(current, post, batch, options));
    } catch (error) {
      if (options.signal?.aborted) throw error;
      return { discussion: current, stopped: `Reddit: ${failureLine(error)}` };
    }
  }
  return { discussion: current };
}

/** Keep loaded replies with the cached thread (and its validators, so a 304 keeps them too). */
export function cacheExpanded(store: DiscussionStore | undefined, d: Discussion): void {
  const post = redditPostId(d);
  if (!store || !post) return;
  const key = `reddit:${post}`;
  const cached = readCache(store, key);
  writeCache(store, key, d, cached?.etag ?? null, cached?.lastModified ?? null);
}
