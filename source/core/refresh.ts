/**
 * Refresh: fetch every feed (bounded concurrency, a small per-host limit), parse and store each feed
 * off the main thread (the pool's workers; each feed in its own transaction), reporting progress as events.
 * One feed's failure is recorded against that feed and never stops the others.
 */
import { withoutUserinfo, type FeedLogins } from './feed-auth.js';
import { fetchBytes, FetchError, type BasicCredentials } from './http.js';
import { FeedParseError } from './parse/errors.js';
import { inlinePool, type ParsePool } from './workers.js';
import type { Settings } from './settings.js';
import type { FilterSpec } from './filter-specs.js';
import type { Store } from './store.js';
import type { ParsedFeed } from './types.js';
import { runRetention, type RetentionOptions } from './retention.js';

export type FeedOutcome =
  | {
      url: string;
      status: 'updated';
      added: number;
      updated: number;
      /** Items in the document as parsed (or recovered, when broken). */
      items: number;
      /** Recovered from a broken document ("bozo"): why the strict parse failed. */
      broken: boolean;
      brokenReason?: string;
      movedTo: string | null;
      /** New articles the settings' filters hid (not counted in `added`). */
      hidden?: number;
      /** Filters skipped for this feed because they ran too long, one line each. */
      filterWarnings?: string[];
    }
  | { url: string; status: 'not-modified' }
  | { url: string; status: 'skipped'; reason: string }
  | { url: string; status: 'failed'; reason: string };

export interface RefreshProgress {
  done: number;
  total: number;
  outcome: FeedOutcome;
}

export interface RefreshSummary {
  total: number;
  updated: number;
  /** Of the updated feeds, those read from a broken document ("bozo"). */
  recovered: number;
  notModified: number;
  skipped: number;
  failed: FeedOutcome[];
  added: number;
  /** "URL: filters[1] took too long …", for each feed a filter was skipped on. */
  filterWarnings?: string[];
  bytes: number;
  parseMs: number;
  elapsedMs: number;
  /** Old read articles the retention pass removed afterwards (retention.ts). */
  removed: number;
  /** Why the retention pass failed, when it did (the refresh itself still counts). */
  retentionFailure?: string;
}

export interface RefreshOptions {
  store: Store;
  urls: string[];
  fetch: Settings['fetch'];
  pool: ParsePool;
  onProgress?: (p: RefreshProgress) => void;
  signal?: AbortSignal;
  now?: () => number;
  /** Filling an empty cache builds the list indexes after the load (Store.beginBulkLoad). Not for the reader. */
  bulkLoad?: boolean;
  /** The feeds' HTTP Basic credentials, asked for on the main thread just before each fetch. */
  logins?: Pick<FeedLogins, 'credentialsFor'>;
  /** The settings' filters, applied to each feed's new articles as they are stored (filters.ts). */
  filters?: FilterSpec[];
  /**
   * After the refresh, index its new articles for search (`pool.indexForSearch`). Absent (the
   * headless refresh), they wait for the first search that needs them (`articles --search`) or the
   * reader: indexing 30,000 articles' 99 MB of text takes about 8 s of one core.
   */
  indexForSearch?: boolean;
  /** After the refresh, remove the refreshed feeds' old read articles (retention.ts). */
  retention?: Omit<RetentionOptions, 'now'>;
}

/** A bulk load pays for building the list indexes at the end: worth it for many feeds only. */
const BULK_LOAD_MIN_FEEDS = 50;

const hostOf = (url: string) => {
  try {
    return new URL(url).host || 'local';
  } catch {
    return 'local';
  }
};

export async function refreshFeeds(options: RefreshOptions): Promise<RefreshSummary> {
  const { store, urls, pool, onProgress, signal } = options;
  const now = options.now ?? Date.now;
  const started = now();
  const summary: RefreshSummary = {
    total: urls.length,
    updated: 0,
    recovered: 0,
    notModified: 0,
    skipped: 0,
    failed: [],
    added: 0,
    bytes: 0,
    parseMs: 0,
    elapsedMs: 0,
    removed: 0,
  };
  const queue = [...new Set(urls)];
  summary.total = queue.length;
  const perHost = new Map<string, number>();
  let active = 0;
  let done = 0;

  const record = (outcome: FeedOutcome) => {
    done++;
    if (outcome.status === 'updated') {
      summary.updated++;
      if (outcome.broken) summary.recovered++;
      summary.added += outcome.added;
      if (outcome.filterWarnings) summary.filterWarnings = [...(summary.filterWarnings ?? []), ...outcome.filterWarnings.map((w) => `${outcome.url}: ${w}`)];
    } else if (outcome.status === 'not-modified') summary.notModified++;
    else if (outcome.status === 'skipped') summary.skipped++;
    else summary.failed.push(outcome);
    onProgress?.({ done, total: summary.total, outcome });
  };

  // Validators for every feed in one query, and 304s recorded in batches: a warm refresh is mostly these.
  const validators = store.allValidators();
  const bulk = options.bulkLoad === true && queue.length >= BULK_LOAD_MIN_FEEDS && store.beginBulkLoad();
  const notModified: Parameters<Store['markNotModified']>[0] = [];
  const flushNotModified = () => {
    if (notModified.length === 0) return;
    try {
      store.markNotModified(notModified.splice(0));
    } catch {
      // Only "last checked" times: a busy cache may keep the old ones.
    }
  };

  const refreshOne = async (url: string): Promise<FeedOutcome> => {
    const known = validators.get(url) ?? { etag: null, lastModified: null, retryAfter: null };
    if (known.retryAfter && known.retryAfter > now()) {
      const wait = Math.ceil((known.retryAfter - now()) / 1000);
      return { url, status: 'skipped', reason: `server asked to wait; retrying in ${wait} s` };
    }
    try {
      const credentials = await options.logins?.credentialsFor(url);
      const result = await fetchBytes(url, {
        timeoutMs: options.fetch.timeoutSeconds * 1000,
        maxBytes: options.fetch.maxBytes,
        etag: known.etag,
        lastModified: known.lastModified,
        signal,
        ...(credentials ? { credentials } : {}),
      });
      if (result.status === 'not-modified') {
        notModified.push({ url, etag: result.etag, lastModified: result.lastModified, now: now() });
        if (notModified.length >= 100) flushNotModified();
        return { url, status: 'not-modified' };
      }
      summary.bytes += result.bytes.byteLength;
      const saved = await pool.parseAndSave(result.bytes, result.contentType, result.url, {
        feedUrl: url,
        etag: result.etag,
        lastModified: result.lastModified,
        now: now(),
        ...(options.filters?.length ? { filters: options.filters } : {}),
      });
      summary.parseMs += saved.parseMs;
      return {
        url,
        status: 'updated',
        added: saved.added,
        updated: saved.updated,
        items: saved.items,
        broken: saved.broken,
        ...(saved.brokenReason ? { brokenReason: saved.brokenReason } : {}),
        movedTo: result.movedTo,
        ...(saved.hidden ? { hidden: saved.hidden } : {}),
        ...(saved.filterWarnings ? { filterWarnings: saved.filterWarnings } : {}),
      };
    } catch (error) {
      const reason = describeFailure(error);
      const retryAfter = error instanceof FetchError && error.retryAfterSeconds ? now() + error.retryAfterSeconds * 1000 : null;
      try {
        store.markFailed(url, reason, retryAfter, now());
      } catch {
        // The cache itself failing is reported by the caller's own error path.
      }
      return { url, status: 'failed', reason };
    }
  };

  // Queue per host, hosts computed once: the pump is O(hosts) per completed feed, not O(queued feeds).
  const byHost = new Map<string, string[]>();
  for (const url of queue) {
    const host = hostOf(url);
    const list = byHost.get(host);
    if (list) list.push(url);
    else byHost.set(host, [url]);
  }
  await new Promise<void>((resolve) => {
    const pump = () => {
      if (byHost.size === 0 && active === 0) return resolve();
      for (const [host, list] of byHost) {
        if (active >= options.fetch.concurrency) break;
        while (list.length > 0 && active < options.fetch.concurrency && (perHost.get(host) ?? 0) < options.fetch.perHost) {
          const url = list.shift()!;
          active++;
          perHost.set(host, (perHost.get(host) ?? 0) + 1);
          refreshOne(url).then((outcome) => {
            active--;
            perHost.set(host, perHost.get(host)! - 1);
            record(outcome);
            pump();
          });
        }
        if (list.length === 0) byHost.delete(host);
      }
    };
    pump();
  });
  flushNotModified();
  if (bulk) store.endBulkLoad();
  // The reader indexes the new articles for search now, in the parse workers (store/search.ts: each
  // article's HTML is read for its text), so it keeps drawing; a headless refresh leaves it to a search.
  if (options.indexForSearch) await pool.indexForSearch();
  if (options.retention) {
    try {
      summary.removed = (await runRetention(store, queue, { ...options.retention, now: now() })).removed;
    } catch (error) {
      summary.retentionFailure = describeFailure(error);
    }
  }
  summary.elapsedMs = now() - started;
  if (summary.updated > 0 || summary.removed > 0) store.optimize();
  return summary;
}

/** One short line for a feed that failed: never a stack trace. */
export function describeFailure(error: unknown): string {
  if (error instanceof FetchError || error instanceof FeedParseError) return error.message;
  const e = error as { code?: string; message?: string };
  if (e?.code === 'SQLITE_BUSY') return 'the cache is busy (another Broadsheet is refreshing)';
  return String(e?.message ?? error)
    .split('\n')[0]!
    .slice(0, 200);
}

/** Fetch and parse one feed outside a refresh: to show it (`feed URL`) or to check it before subscribing. */
export async function fetchAndParse(
  url: string,
  fetch: Settings['fetch'],
  credentials?: BasicCredentials,
): Promise<{
  feed: ParsedFeed;
  broken: boolean;
  /** When broken: what was wrong with the document, one line. */
  brokenReason?: string;
  finalUrl: string;
  etag: string | null;
  lastModified: string | null;
}> {
  const result = await fetchBytes(url, { timeoutMs: fetch.timeoutSeconds * 1000, maxBytes: fetch.maxBytes, ...(credentials ? { credentials } : {}) });
  if (result.status !== 'ok') throw new Error('the server answered 304 to a request without validators');
  const parsed = await inlinePool().parse(result.bytes, result.contentType, result.url);
  return {
    feed: parsed.feed,
    broken: parsed.broken,
    ...(parsed.brokenReason ? { brokenReason: parsed.brokenReason } : {}),
    finalUrl: result.movedTo ?? withoutUserinfo(url),
    etag: result.etag,
    lastModified: result.lastModified,
  };
}
