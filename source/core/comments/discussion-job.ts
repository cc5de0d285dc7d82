/**
 * The CPU-heavy part of loading a JSON discussion (Hacker News, Reddit, Lobsters) as a job that can run
 * in a parse worker: JSON parse, adapter, threading and the cache's serialized copy. In the reader these
 * were three tasks of 25-45 ms each on the main thread for a 3,000-comment thread (cold code, 2 cores),
 * which is past the 50 ms event-loop budget once anything else wants the CPU.
 *
 * What crosses back is the thread FLAT (preorder, parent ids: the cache's form, see cache.ts), because
 * structured clone recurses like JSON.stringify and a hostile 10,000-level thread would overflow it;
 * `discussionFromJob` rebuilds the tree, which is cheap.
 */
import { serializeDiscussion } from './cache.js';
import { parseHackerNews } from './hackernews.js';
import { parseLobsters } from './lobsters.js';
import { parseJsonBody } from './net.js';
import { parseReddit } from './reddit.js';
import { buildThread, toFlat } from './thread.js';
import type { Discussion, FlatComment } from './types.js';

export interface DiscussionJob {
  source: 'hackernews' | 'reddit' | 'lobsters';
  bytes: Uint8Array;
  /** The discussion's id at its source, and the URL it was fetched from (for errors). */
  id: string;
  url: string;
  /** The page the user would open, when the source names none (resolve.ts). */
  pageUrl: string;
  /**
   * The cache row to store the copy under. A runner with the reader's cache at hand (a parse worker)
   * stores it there itself and returns `cacheData: null`; otherwise the caller stores cacheData.
   */
  cacheKey?: string;
  /** For the cache's copy. */
  fetchedAt: number;
  etag: string | null;
  lastModified: string | null;
}

export interface ParsedDiscussion {
  discussion: Omit<Discussion, 'comments'>;
  /** The threaded comments in preorder, deleted ones already pruned. */
  flat: FlatComment[];
  /** What the cache stores for it (cache.ts), or null when the runner stored it (see cacheKey). */
  cacheData: string | null;
}

/** Runs a job somewhere: in a parse worker (workers/pool.ts) or, by default, right here. */
export type DiscussionParser = (job: DiscussionJob) => Promise<ParsedDiscussion>;

export const parseDiscussionHere: DiscussionParser = async (job) => runDiscussionJob(job);

export function runDiscussionJob(job: DiscussionJob): ParsedDiscussion {
  const json = parseJsonBody(job.bytes, job.url);
  const parse = job.source === 'hackernews' ? parseHackerNews : job.source === 'reddit' ? parseReddit : parseLobsters;
  const { comments, ...rest } = parse(json, job.id, job.url);
  const discussion = { ...rest, url: rest.url || job.pageUrl, fetchedAt: job.fetchedAt };
  return {
    discussion,
    flat: toFlat(comments),
    cacheData: serializeDiscussion({ ...discussion, comments }, job.etag, job.lastModified),
  };
}

/** The tree again, from a job's flat comments (as the cache rebuilds it). */
export function discussionFromJob(parsed: ParsedDiscussion): Discussion {
  return { ...parsed.discussion, comments: buildThread(parsed.flat, { order: 'source', pruneDeleted: false }) };
}
