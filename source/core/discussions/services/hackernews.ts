/**
 * Hacker News through Algolia: `GET {api}/search?query=<url>&restrictSearchableAttributes=url&tags=story`
 * answers `hits[]` with `objectID`, `title`, `url`, `points`, `num_comments`, `created_at_i`. The search
 * is typo tolerant, so hits are near misses as often as matches: lookup.ts checks each hit's `url`.
 * The query leaves the scheme out: a story submitted as http matches an https link.
 */
import { sanitizeLine } from '../../sanitize.js';
import { HN_ITEM } from '../../comments/hackernews.js';
import { DiscussionError } from '../../comments/errors.js';
import { isObject, isoFrom, num, str } from '../../comments/net.js';
import type { Hit, LookupService } from './types.js';

const count = (v: unknown) => {
  const n = num(v);
  return n !== null && n >= 0 ? Math.floor(n) : null;
};

export const hackerNews: LookupService = {
  name: 'hackernews',
  requests(url, sources) {
    const query = url.replace(/^https?:\/\//i, '');
    return [
      `${sources.hackernews.api.replace(/\/+$/, '')}/search?query=${encodeURIComponent(query)}&restrictSearchableAttributes=url&tags=story&hitsPerPage=20`,
    ];
  },
  parse(json, requestUrl) {
    if (!isObject(json) || !Array.isArray(json.hits)) throw new DiscussionError('parse', requestUrl, 'not an Algolia search answer');
    const hits: Hit[] = [];
    for (const h of json.hits) {
      if (!isObject(h)) continue;
      const id = str(h.objectID);
      if (!/^\d{1,12}$/.test(id)) continue;
      hits.push({
        submitted: str(h.url),
        ref: {
          source: 'hackernews',
          url: `${HN_ITEM}${id}`,
          title: sanitizeLine(str(h.title)) || `Hacker News item ${id}`,
          where: '',
          comments: count(h.num_comments),
          score: num(h.points),
          published: isoFrom(h.created_at_i, 'seconds') ?? isoFrom(h.created_at),
        },
      });
    }
    return hits;
  },
};
