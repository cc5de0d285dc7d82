/**
 * Reddit: `GET {base}/api/info.json?url=<url>&raw_json=1` is an exact lookup. The server lowercases the
 * host and drops `www.` and the fragment, but keeps scheme, path and query as given, so the variants it
 * does not merge are asked for one by one: http and https, with and without one trailing slash (no
 * slash is added after a file name such as `post.html`: nobody submits `post.html/`). Answers are a
 * Listing of `t3` links; ads come back among them marked `promoted: true` and are dropped here.
 */
import { safeUrl, sanitizeLine } from '../../sanitize.js';
import { REDDIT_WEB } from '../../comments/reddit.js';
import { matchThreadUrl } from '../../comments/resolve.js';
import { DiscussionError } from '../../comments/errors.js';
import { isObject, isoFrom, num, str } from '../../comments/net.js';
import type { Hit, LookupService } from './types.js';

/** The variants of `url` Reddit stores apart. */
export function redditVariants(url: string): string[] {
  const u = new URL(url);
  const paths = [u.pathname];
  if (u.pathname !== '/') {
    if (u.pathname.endsWith('/')) paths.push(u.pathname.slice(0, -1));
    else if (!/\.[a-z0-9]{1,5}$/i.test(u.pathname)) paths.push(`${u.pathname}/`);
  }
  const out: string[] = [];
  for (const scheme of [u.protocol, u.protocol === 'https:' ? 'http:' : 'https:']) {
    for (const p of paths) {
      const v = new URL(u.href);
      v.protocol = scheme;
      v.pathname = p;
      if (!out.includes(v.href)) out.push(v.href);
    }
  }
  return out;
}

export const reddit: LookupService = {
  name: 'reddit',
  requests(url, sources) {
    const base = sources.reddit.base.replace(/\/+$/, '');
    return redditVariants(url).map((v) => `${base}/api/info.json?url=${encodeURIComponent(v)}&raw_json=1&limit=100`);
  },
  parse(json, requestUrl) {
    const children = isObject(json) && isObject(json.data) ? json.data.children : undefined;
    if (!Array.isArray(children)) throw new DiscussionError('parse', requestUrl, 'not a Reddit listing');
    const hits: Hit[] = [];
    for (const child of children) {
      if (!isObject(child) || child.kind !== 't3' || !isObject(child.data)) continue;
      const d = child.data;
      if (d.promoted === true) continue;
      const thread = matchThreadUrl(safeUrl(str(d.permalink), REDDIT_WEB));
      const id = thread?.source === 'reddit' ? thread.id : str(d.id).toLowerCase();
      if (!/^[a-z0-9]{1,16}$/.test(id)) continue;
      const comments = num(d.num_comments);
      hits.push({
        submitted: str(d.url),
        ref: {
          source: 'reddit',
          url: safeUrl(str(d.permalink), REDDIT_WEB) || `${REDDIT_WEB}/comments/${id}/`,
          title: sanitizeLine(str(d.title)) || `Reddit post ${id}`,
          where: sanitizeLine(str(d.subreddit_name_prefixed)),
          comments: comments !== null && comments >= 0 ? Math.floor(comments) : null,
          score: num(d.score),
          published: isoFrom(d.created_utc, 'seconds'),
        },
      });
    }
    return hits;
  },
};
