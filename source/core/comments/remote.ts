/**
 * What the platform adapters (Mastodon, Bluesky, Discourse, Lemmy) share. Unlike Hacker News, Reddit and
 * Lobsters, these run on any host and take several requests per thread, so:
 *   - a URL only looks like a thread: the first answer decides. HTML, other JSON or a 4xx there means
 *     "no discussion here", one line naming the page, never a crash (`probeJson`);
 *   - a server's 429/503 Retry-After is remembered per origin for this process, and no request goes
 *     there until it has passed (Discourse allows 200 requests a minute per IP, Mastodon 300 in 5 minutes);
 *   - what a server holds back (Mastodon sends at most 60 descendants without a token) becomes "N more
 *     replies" stubs under the comment they belong to (`moreStubs`), which `o` opens.
 */
import { FetchError } from '../http.js';
import { sanitizeLine } from '../sanitize.js';
import { DiscussionError } from './errors.js';
import { JSON_ACCEPT, get, parseJsonBody, type FetchContext } from './net.js';
import type { FlatComment } from './types.js';

/** Origin -> epoch ms before which we do not ask it again. */
const backoff = new Map<string, number>();
/** A 429 without Retry-After: wait a minute (both rate windows are a minute or more). */
const DEFAULT_BACKOFF_S = 60;

function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/** Forget every remembered Retry-After (tests). */
export function clearBackoff(): void {
  backoff.clear();
}

/** GET a JSON document; throws DiscussionError ('fetch' for the network and HTTP, 'parse' for the body). */
export async function getJson(url: string, ctx: FetchContext, now: () => number = Date.now): Promise<unknown> {
  const host = origin(url);
  const until = backoff.get(host);
  if (until !== undefined) {
    if (now() < until) throw new DiscussionError('fetch', url, `rate limited by the server: retry after ${Math.ceil((until - now()) / 1000)} s`);
    backoff.delete(host);
  }
  try {
    const res = await get(url, ctx, { accept: JSON_ACCEPT });
    if (res.status !== 'ok') throw new DiscussionError('fetch', url, 'answered 304 to a request without validators');
    return parseJsonBody(res.bytes, url);
  } catch (error) {
    const cause = error instanceof DiscussionError ? error.cause : undefined;
    if (cause instanceof FetchError && (cause.status === 429 || (cause.status === 503 && cause.retryAfterSeconds !== undefined))) {
      backoff.set(host, now() + 1000 * (cause.retryAfterSeconds ?? DEFAULT_BACKOFF_S));
    }
    throw error;
  }
}

/** The HTTP status behind a DiscussionError, if any. */
export function statusOf(error: unknown): number | undefined {
  const cause = error instanceof DiscussionError ? error.cause : undefined;
  return cause instanceof FetchError ? cause.status : undefined;
}

/**
 * The first request of a thread: its JSON when it has the platform's shape. Anything else about the
 * answer (HTML, other JSON, a client error) is DiscussionError('none') naming the page, because the URL
 * only looked like a thread; network trouble, timeouts, 429 and 5xx stay 'fetch' errors.
 */
export async function probeJson(pageUrl: string, platform: string, apiUrl: string, ctx: FetchContext, isShape: (json: unknown) => boolean): Promise<unknown> {
  let json: unknown;
  try {
    json = await getJson(apiUrl, ctx);
  } catch (error) {
    if (ctx.signal?.aborted || !(error instanceof DiscussionError)) throw error;
    const status = statusOf(error);
    if (error.kind === 'parse') throw notThere(pageUrl, platform, bodyWhy(error.message));
    if (status !== undefined && status >= 400 && status < 500 && status !== 429) throw notThere(pageUrl, platform, `its API answered HTTP ${status}`);
    throw new DiscussionError('fetch', pageUrl, whyOf(error.message, apiUrl), { cause: error.cause });
  }
  if (!isShape(json)) throw notThere(pageUrl, platform, `the answer is JSON of another shape`);
  return json;
}

export function notThere(pageUrl: string, platform: string, why: string): DiscussionError {
  return new DiscussionError('none', pageUrl, `no ${platform} discussion here: ${why}`);
}

/** "url: why" -> "why" (the message of a DiscussionError already names its URL). */
function whyOf(message: string, url: string): string {
  const flat = sanitizeLine(url);
  return message.startsWith(`${flat}: `) ? message.slice(flat.length + 2) : message;
}

function bodyWhy(message: string): string {
  if (message.endsWith('got HTML or XML, not JSON')) return 'the server answered HTML, not its API';
  if (message.endsWith('empty response')) return 'the server answered an empty page';
  return 'the server did not answer JSON';
}

/**
 * "N more replies" stubs, appended (so each is the last child of its parent): for every comment whose
 * source claims more replies than arrived. `claimed` maps a comment id (or null: the thread itself) to
 * the replies the source counts below it; `direct` says whether that count is of direct replies
 * (Mastodon, Bluesky) or of all descendants (Lemmy). For the latter, a reply that arrived accounts for
 * itself and everything its own count claims, so a held-back subtree is counted once, at its parent.
 * Returns the replies held back in all.
 */
export function moreStubs(
  flat: FlatComment[],
  claimed: ReadonlyMap<string | null, number>,
  options: { direct: boolean; permalink: (id: string | null) => string },
): number {
  const present = new Set(flat.map((c) => c.id));
  const parentOf = (c: FlatComment): string | null => (c.parentId !== null && present.has(c.parentId) ? c.parentId : null);
  // Descendants that arrived, for a comment without a count of its own (descendant counts only).
  const arrived = new Map<string, number>();
  if (!options.direct) {
    const byId = new Map(flat.map((c) => [c.id, c]));
    for (const c of flat) {
      // Bounded, so that a cycle in hostile data cannot hang.
      let p = parentOf(c);
      for (let guard = 0; p !== null && guard < 10_000; guard++) {
        arrived.set(p, (arrived.get(p) ?? 0) + 1);
        const up = byId.get(p);
        p = up ? parentOf(up) : null;
      }
    }
  }
  const accounted = new Map<string | null, number>();
  for (const c of flat) {
    // An orphan is no direct reply of the thread's; it is one of its descendants.
    if (options.direct && c.parentId !== null && !present.has(c.parentId)) continue;
    const p = parentOf(c);
    const weight = options.direct ? 1 : 1 + (claimed.get(c.id) ?? arrived.get(c.id) ?? 0);
    accounted.set(p, (accounted.get(p) ?? 0) + weight);
  }
  let missing = 0;
  const stubs: FlatComment[] = [];
  for (const [id, count] of claimed) {
    if (id !== null && !present.has(id)) continue;
    const held = Math.floor(count) - (accounted.get(id) ?? 0);
    if (!(held > 0)) continue;
    missing += held;
    stubs.push({
      id: `more:${id ?? 'thread'}`,
      parentId: id,
      author: '',
      published: null,
      html: '',
      score: null,
      deleted: false,
      permalink: options.permalink(id),
      more: held,
    });
  }
  flat.push(...stubs);
  return missing;
}

/** "1,000". */
export const count = (n: number): string => n.toLocaleString('en-US');

/** A post's text as a one-line title: the first line, at most `max` characters. */
export function titleFrom(text: string, max = 100): string {
  const line = sanitizeLine(text.split('\n').find((l) => l.trim() !== '') ?? '');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
