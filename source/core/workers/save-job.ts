/**
 * One refreshed feed from bytes to the cache: parse it (parse-job.ts), then store it (store.ts).
 *
 * A refresh runs this in a parse worker that holds its own connection to the cache, so a feed's
 * articles never cross to the main thread: there the main thread spent half its time deserializing
 * parsed articles and writing them to SQLite, and the workers waited for it (1,000 feeds, 2 cores).
 * Where the cache cannot be shared with a worker (`:memory:`, or no worker script), it runs inline.
 */
import { runParseJob, type ParseJob, type ParseOutput } from './parse-job.js';
import type { NewArticleMarks, SaveResult, Store } from '../store.js';
import type { FilterSpec } from '../filter-specs.js';
import type { Article } from '../types.js';

/** Where a parsed feed goes: its subscription URL (the cache's key) and the response's validators. */
export interface SaveTarget {
  feedUrl: string;
  etag: string | null;
  lastModified: string | null;
  now: number;
  /** The settings' filters, as written: compiled where the job runs (expressions do not cross threads). */
  filters?: FilterSpec[];
}

/** What a refresh needs to know of a stored feed: counts, not articles. */
export interface SavedFeed extends SaveResult {
  items: number;
  broken: boolean;
  brokenReason?: string;
  parseMs: number;
  /** Filters skipped for this feed, one line each (filters.ts). */
  filterWarnings?: string[];
}

export async function runSaveJob(store: Store, job: ParseJob, target: SaveTarget): Promise<SavedFeed> {
  return saveParsed(store, await runParseJob(job), target);
}

/** Store a parse job's output under `target`: a large feed in steps (save-feed.ts). */
export async function saveParsed(store: Store, parsed: ParseOutput, target: SaveTarget): Promise<SavedFeed> {
  const filtered = target.filters?.length ? await runFilters(store, parsed, target.feedUrl, target.filters) : undefined;
  const saved = await store.saveFeedInSteps(target.feedUrl, parsed.feed, {
    etag: target.etag,
    lastModified: target.lastModified,
    broken: parsed.broken,
    now: target.now,
    ...(filtered ? { marks: filtered.marks } : {}),
  });
  return {
    ...saved,
    ...(filtered?.warnings.length ? { filterWarnings: filtered.warnings } : {}),
    items: parsed.feed.articles.length,
    broken: parsed.broken,
    ...(parsed.brokenReason ? { brokenReason: parsed.brokenReason } : {}),
    parseMs: parsed.parseMs,
  };
}

async function runFilters(store: Store, parsed: ParseOutput, feedUrl: string, specs: FilterSpec[]) {
  const { filterFeed } = await import('../filters.js');
  const result = filterFeed(store, feedUrl, parsed.feed, specs);
  return { marks: result.decisions as ReadonlyMap<Article, NewArticleMarks>, warnings: result.warnings };
}
