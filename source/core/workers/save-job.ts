/**
 * One refreshed feed from bytes to the cache: parse it (parse-job.ts), then store it (store.ts).
 *
 * A refresh runs this in a parse worker that holds its own connection to the cache, so a feed's
 * articles never cross to the main thread: there the main thread spent half its time deserializing
 * parsed articles and writing them to SQLite, and the workers waited for it (1,000 feeds, 2 cores).
 * Where the cache cannot be shared with a worker (`:memory:`, or no worker script), it runs inline.
 */
import { runParseJob, type ParseJob, type ParseOutput } from './parse-job.js';
import type { SaveResult, Store } from '../store.js';

/** Where a parsed feed goes: its subscription URL (the cache's key) and the response's validators. */
export interface SaveTarget {
  feedUrl: string;
  etag: string | null;
  lastModified: string | null;
  now: number;
}

/** What a refresh needs to know of a stored feed: counts, not articles. */
export interface SavedFeed extends SaveResult {
  items: number;
  broken: boolean;
  brokenReason?: string;
  parseMs: number;
}

export async function runSaveJob(store: Store, job: ParseJob, target: SaveTarget): Promise<SavedFeed> {
  return saveParsed(store, await runParseJob(job), target);
}

/** Store a parse job's output under `target`: a large feed in steps (save-feed.ts). */
export async function saveParsed(store: Store, parsed: ParseOutput, target: SaveTarget): Promise<SavedFeed> {
  const saved = await store.saveFeedInSteps(target.feedUrl, parsed.feed, {
    etag: target.etag,
    lastModified: target.lastModified,
    broken: parsed.broken,
    now: target.now,
  });
  return {
    ...saved,
    items: parsed.feed.articles.length,
    broken: parsed.broken,
    ...(parsed.brokenReason ? { brokenReason: parsed.brokenReason } : {}),
    parseMs: parsed.parseMs,
  };
}
