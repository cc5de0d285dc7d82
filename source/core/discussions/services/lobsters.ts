/**
 * Lobsters: `GET {base}/stories/url/all.json?url=<url>` answers an array of stories (`short_id`, `title`,
 * `url`, `score`, `comment_count`, `created_at`, `comments_url`; `submitter_user` a string now, an object
 * before). The server finds http/https and slash variants itself, so one request per URL.
 */
import { safeUrl, sanitizeLine } from '../../sanitize.js';
import { LOBSTERS_WEB } from '../../comments/lobsters.js';
import { matchThreadUrl } from '../../comments/resolve.js';
import { DiscussionError } from '../../comments/errors.js';
import { isObject, isoFrom, num, str } from '../../comments/net.js';
import type { Hit, LookupService } from './types.js';

export const lobsters: LookupService = {
  name: 'lobsters',
  requests(url, sources) {
    return [`${sources.lobsters.base.replace(/\/+$/, '')}/stories/url/all.json?url=${encodeURIComponent(url)}`];
  },
  parse(json, requestUrl) {
    if (!Array.isArray(json)) throw new DiscussionError('parse', requestUrl, 'not a list of Lobsters stories');
    const hits: Hit[] = [];
    for (const s of json) {
      if (!isObject(s)) continue;
      const id = str(s.short_id);
      if (!/^[a-z0-9]{1,16}$/i.test(id)) continue;
      const page = safeUrl(str(s.comments_url));
      const thread = matchThreadUrl(page);
      const comments = num(s.comment_count);
      hits.push({
        submitted: str(s.url),
        ref: {
          source: 'lobsters',
          // The web page on lobste.rs, whatever host the API was asked on (settings may point elsewhere).
          url: thread?.source === 'lobsters' && thread.id === id ? page : `${LOBSTERS_WEB}/s/${id}`,
          title: sanitizeLine(str(s.title)) || `Lobsters story ${id}`,
          where: '',
          comments: comments !== null && comments >= 0 ? Math.floor(comments) : null,
          score: num(s.score),
          published: isoFrom(s.created_at),
        },
      });
    }
    return hits;
  },
};
