/**
 * The discussions of an article: where it is being talked about, as one flat list of references.
 *
 * A source is one entry in DISCUSSION_SOURCES, and that is all a new source needs here: its name for
 * the pane and the `discussions` command. Ordering, merging, the pane's header, the list's comment count
 * and `discussions --json` work from DiscussionRef alone. How a source's threads are found (a search
 * API: services/; links in the article's page) and read (comments/) lives with the source.
 */
import { matchThreadUrl } from '../comments/resolve.js';

export const DISCUSSION_SOURCES = {
  /** The article's own site: its comment feed. */
  site: { name: 'the site' },
  hackernews: { name: 'Hacker News' },
  reddit: { name: 'Reddit' },
  lobsters: { name: 'Lobsters' },
  mastodon: { name: 'Mastodon' },
  bluesky: { name: 'Bluesky' },
  discourse: { name: 'Discourse' },
  lemmy: { name: 'Lemmy' },
} as const satisfies Record<string, { name: string }>;

export type DiscussionRefSource = keyof typeof DISCUSSION_SOURCES;

/** One discussion of an article. Every string in it has passed sanitize.ts. */
export interface DiscussionRef {
  source: DiscussionRefSource;
  /** The thread's web page (what `broadsheet comments` accepts), http(s). */
  url: string;
  title: string;
  /** Where on the source: the subreddit (`r/programming`), or ''. */
  where: string;
  /** The count the source claims, or null when unknown. */
  comments: number | null;
  score: number | null;
  /** When it was submitted (ISO 8601), or null. */
  published: string | null;
}

export function sourceName(source: DiscussionRefSource): string {
  return DISCUSSION_SOURCES[source]?.name ?? source;
}

/**
 * The same thread whatever URL names it: a Hacker News, Reddit or Lobsters thread by its id (Reddit
 * permalinks with and without the subreddit and slug are one thread), anything else by source and URL.
 */
export function refKey(ref: Pick<DiscussionRef, 'source' | 'url'>): string {
  const thread = matchThreadUrl(ref.url);
  return thread ? `${thread.source}:${thread.id}` : `${ref.source}:${ref.url}`;
}

const time = (iso: string | null) => (iso ? Date.parse(iso) : Number.NaN);

/** Most comments first, then most points, then the newest; unknown counts last. */
export function byComments(a: DiscussionRef, b: DiscussionRef): number {
  const comments = (b.comments ?? -1) - (a.comments ?? -1);
  if (comments !== 0) return comments;
  const score = (b.score ?? -1) - (a.score ?? -1);
  if (score !== 0) return score;
  const ta = time(a.published);
  const tb = time(b.published);
  return (Number.isFinite(tb) ? tb : -Infinity) - (Number.isFinite(ta) ? ta : -Infinity) || 0;
}

/**
 * One list per article: `own` (what the article's feed names: its site's comments, a thread its
 * `<comments>` points at) first, in their order, then every other thread found, by comments. A found
 * thread that is one of the own ones lends them what it knows (the subreddit, the score, the date).
 */
export function mergeDiscussions(own: readonly DiscussionRef[], ...found: ReadonlyArray<readonly DiscussionRef[]>): DiscussionRef[] {
  const ownKeys = own.map(refKey);
  const mergedOwn = own.map((r) => ({ ...r }));
  const others = new Map<string, DiscussionRef>();
  for (const list of found) {
    for (const ref of list) {
      const key = refKey(ref);
      const at = ownKeys.indexOf(key);
      if (at >= 0) {
        const o = mergedOwn[at]!;
        mergedOwn[at] = {
          ...o,
          where: o.where || ref.where,
          score: o.score ?? ref.score,
          published: o.published ?? ref.published,
          comments: o.comments ?? ref.comments,
          title: o.title || ref.title,
        };
        continue;
      }
      const seen = others.get(key);
      // The same thread asked about under two URL variants: keep the fuller answer.
      if (!seen || (ref.comments ?? -1) > (seen.comments ?? -1)) others.set(key, ref);
    }
  }
  return [...mergedOwn, ...[...others.values()].sort(byComments)];
}
