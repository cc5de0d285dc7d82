/**
 * Full text: an article's web page, fetched (fetch.ts, through http.ts), decoded (decode.ts), its
 * article extracted in a parse worker (job.ts, extract.ts) and kept in the cache (store/pages.ts), so
 * an article read in full once reads offline. This is the public face: `readPage` for
 * `broadsheet page URL` (and the benchmark), `pageLoader` for the reader, and the background queue.
 *
 * The extractor (linkedom, Readability) is loaded only where a job runs: the reader's first frame
 * never pays for it.
 */
import { FetchError } from './http.js';
import { htmlToPlainText, renderHtml } from './html.js';
import type { ParsePool } from './workers.js';
import type { FeedSetting, Settings } from './settings.js';
import type { Store, StoredPage } from './store.js';
import type { FeedLogins } from './feed-auth.js';
import { fetchPage, type PageLimits } from './page/fetch.js';
import type { PageJob, PageRecord } from './page/job.js';

export { DEFAULT_PAGE_MAX_BYTES, fetchPage, pageUrl, refuseNonHtml, type PageLimits } from './page/fetch.js';
export { PageQueue, type QueueSummary } from './page/queue.js';
import { PageQueue, type QueueSummary } from './page/queue.js';
export type { PageJob, PageRecord } from './page/job.js';
export type { Extracted } from './page/extract.js';

/** A page that could not be fetched or read: the message is one line. */
export class PageError extends Error {
  override name = 'PageError';
}

/** One line for a failure: FetchError's messages are ours; anything else loses its stack. */
export function describePageFailure(error: unknown): string {
  if (error instanceof FetchError || error instanceof PageError) return error.message;
  const e = error as { code?: string; message?: string };
  if (e?.code === 'SQLITE_BUSY') return 'the cache is busy';
  return String(e?.message ?? error)
    .split('\n')[0]!
    .slice(0, 200);
}

/** A page read for `broadsheet page`: its article as plain text, and the article's links. */
export interface ReadablePage {
  /** The final URL, after redirects. */
  url: string;
  title: string;
  byline: string;
  published: string | null;
  siteName: string;
  /** The article's HTML (untrusted: render it, never print it). */
  content: string;
  /** Plain text, as `feed --json` gives an article's. */
  text: string;
  /** Absolute http(s) URLs in the article, in the order the rendered text numbers them. */
  links: string[];
  /** Decode and extraction time (ms), in the runner. */
  extractMs: number;
}

const jobs = () => import('./page/job.js');

/** Extract in `pool` when given (a worker), else on this thread. */
async function extract(job: PageJob, pool: ParsePool | undefined, first: boolean): Promise<PageRecord> {
  return pool ? pool.page(job, { first }) : (await jobs()).runPageJob(job);
}

/** Where a page's login comes from: the feeds' logins, by the page's origin. */
export type PageLogins = Pick<FeedLogins, 'credentialsForPage'>;

/** Fetch and read one page. Throws PageError naming the URL, with one line saying why. */
export async function readPage(
  url: string,
  limits: PageLimits,
  options: { pool?: ParsePool; signal?: AbortSignal; logins?: PageLogins } = {},
): Promise<ReadablePage> {
  let record: PageRecord;
  try {
    const credentials = await options.logins?.credentialsForPage(url);
    const result = await fetchPage(url, limits, { ...(options.signal ? { signal: options.signal } : {}), ...(credentials ? { credentials } : {}) });
    if (result.status !== 'ok') throw new PageError('the server answered 304 to a request without validators');
    const { bytes, contentType, etag, lastModified } = result;
    record = await extract({ bytes, contentType, url, finalUrl: result.url, etag, lastModified, fetchedAt: Date.now() }, options.pool, true);
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new PageError(`${url}: ${describePageFailure(error)}`);
  }
  if (record.content === null) throw new PageError(`${url}: ${record.failure ?? 'the page could not be read'}`);
  const { links } = renderHtml(record.content, { width: 80, color: false, baseUrl: record.finalUrl });
  return {
    url: record.finalUrl,
    title: record.title,
    byline: record.byline,
    published: record.published,
    siteName: record.siteName,
    content: record.content,
    text: htmlToPlainText(record.content),
    links,
    extractMs: record.extractMs,
  };
}

/** Loads an article's page into the cache and returns what is stored; rejects with a PageError. */
export type PageLoader = (url: string, options?: { refetch?: boolean; first?: boolean }) => Promise<StoredPage>;

/**
 * The reader's loader: a page in the cache is returned as it is unless `refetch` (then it is asked for
 * again with its validators, and a failure keeps the stored copy); a failure is recorded so that the
 * background fetch does not retry it at once. The article is extracted and stored by a parse worker.
 */
export function pageLoader(store: Store, pool: () => ParsePool, limits: PageLimits, now: () => number = Date.now, logins?: PageLogins): PageLoader {
  return async (url, options = {}) => {
    const known = store.page(url);
    if (known?.fetched && !options.refetch) return known;
    const validators = known?.fetched ? { etag: known.etag, lastModified: known.lastModified } : {};
    try {
      // A password-protected feed's pages on its own site need its login too (a failed command is this page's failure).
      const credentials = await logins?.credentialsForPage(url);
      const result = await fetchPage(url, limits, { ...validators, ...(credentials ? { credentials } : {}) });
      if (result.status === 'not-modified') {
        store.pageNotModified(url, result.etag, result.lastModified, now());
      } else {
        const { bytes, contentType, etag, lastModified } = result;
        await extract({ bytes, contentType, url, finalUrl: result.url, etag, lastModified, fetchedAt: now(), save: true }, pool(), options.first === true);
      }
    } catch (error) {
      const reason = describePageFailure(error);
      try {
        store.pageFailed(url, reason, now());
      } catch {
        // Only the time of a failure: a busy cache may miss it.
      }
      throw new PageError(reason);
    }
    const stored = store.page(url);
    if (!stored) throw new PageError('the page was not stored');
    return stored;
  };
}

/** A `fullText` feed's newest articles are considered after each refresh, this many per feed. */
export const FULL_TEXT_NEWEST = 30;
/** A page that failed is tried again by the background fetch after this long (or at once by a key). */
export const RETRY_FAILED_AFTER_MS = 6 * 3600 * 1000;

/** The pages the background fetch should get: those of `fullText` feeds among `feedUrls` not yet stored. */
export function wantedPages(store: Store, feeds: FeedSetting[], feedUrls: string[], now: number): string[] {
  const refreshed = new Set(feedUrls);
  return feeds
    .filter((f) => f.fullText === true && refreshed.has(f.url))
    .flatMap((f) => store.pagesWanted(f.url, FULL_TEXT_NEWEST, now - RETRY_FAILED_AFTER_MS));
}

/** The background queue with the feeds' limits. */
export function pageLimits(fetch: Settings['fetch']): { concurrency: number; perHost: number } {
  return { concurrency: fetch.concurrency, perHost: fetch.perHost };
}

/**
 * Fetch what `wantedPages` names and wait for all of it (for `broadsheet refresh`, which has no reader
 * to stay behind): the summary counts pages read, and those that could not be fetched or read.
 */
export function fetchWantedPages(urls: string[], load: PageLoader, fetch: Settings['fetch']): Promise<QueueSummary> {
  if (urls.length === 0) return Promise.resolve({ done: 0, failed: 0 });
  return new Promise((resolve) => {
    const queue = new PageQueue((url) => load(url).then((page) => page.content !== null), pageLimits(fetch), { idle: resolve });
    queue.add(urls);
  });
}
