/**
 * Worker thread entry: runs parse jobs posted by pool.ts. A job with a `save` target is stored
 * here too, through this worker's own connection to the cache (workerData.cacheFile; see save-job.ts).
 * Discussion jobs parse and thread a JSON discussion (comments/discussion-job.ts); page jobs extract a
 * web page's article (page/job.ts) and store it too. A search job indexes the articles the cache
 * holds and the search index does not yet (store/search.ts), off the reader's thread.
 */
import { parentPort, threadId, workerData } from 'node:worker_threads';
import type { ParseJob } from './parse-job.js';
import type { SaveTarget } from './save-job.js';
import type { DiscussionJob } from '../comments/discussion-job.js';
import type { PageJob } from '../page/job.js';
import type { Store } from '../store.js';

// Loaded at the first job that needs them: a worker answers its first discussion in ~70 ms instead of
// ~120 ms spent loading the feed parser, htmlparser2 and SQLite it does not use.
const feedJobs = () => import('./parse-job.js');
const saveJobs = async () => ({ ...(await import('./save-job.js')), ...(await import('../store.js')) });
const discussionJobs = () => import('../comments/discussion-job.js');
const pageJobs = () => import('../page/job.js');

/**
 * Articles sent back per message. A 20 MB feed's 6,000 parsed articles in one message cost the main
 * thread ~50 ms to deserialize and collect at once; in batches each is a small task of its own.
 */
const BATCH = 500;

const data = (workerData ?? {}) as { cacheFile?: string | null; writeLock?: SharedArrayBuffer };
const cacheFile = data.cacheFile ?? null;
/** Opened at the first save job: a pool that only parses (`broadsheet feed URL`) never opens the cache. */
let store: Store | null = null;

async function openStore(): Promise<Store> {
  if (cacheFile === null) throw new Error('this parser thread has no cache to save into');
  const { Store: StoreClass, sharedWriteLock, unlocked } = await saveJobs();
  store ??= StoreClass.openWriter(cacheFile, data.writeLock ? sharedWriteLock(data.writeLock, threadId) : unlocked);
  return store;
}
/**
 * Feed bytes saved since this worker's last checkpoint. SQLite's own checkpoint runs inside a commit,
 * while the other worker waits for the write lock; here it runs after, beside the other's writes.
 */
let savedSinceCheckpoint = 0;
const CHECKPOINT_EVERY_BYTES = 8 * 1024 * 1024;

type Message =
  | { id: number; job: ParseJob; save?: SaveTarget }
  | { id: number; discussion: DiscussionJob }
  | { id: number; page: PageJob }
  | { id: number; searchIndex: true }
  | { close: true };

/**
 * Articles indexed per transaction in a worker. The reader's own writes (a refresh's 304s, marks) wait for
 * the transaction to end, blocking its thread: 200 a batch made it wait up to 338 ms while 30,000 were indexed.
 */
const SEARCH_BATCH = 50;
const CHECKPOINT_EVERY_INDEXED = 1000;

parentPort!.on('message', async (message: Message) => {
  if ('close' in message) {
    store?.close();
    store = null;
    parentPort!.close();
    return;
  }
  try {
    if ('searchIndex' in message) {
      const store = await openStore();
      let indexed = 0;
      for (let n = store.indexSearchBatch(SEARCH_BATCH); n > 0; n = store.indexSearchBatch(SEARCH_BATCH)) {
        indexed += n;
        // The index grows the write-ahead log as saves do: checkpointed here, or the reader's next
        // commit checkpoints it all (450 ms on its thread after 30,000 articles).
        if (indexed % CHECKPOINT_EVERY_INDEXED < n) store.checkpoint();
      }
      if (indexed > 0) store.checkpoint();
      parentPort!.postMessage({ id: message.id, indexed });
      return;
    }
    if ('discussion' in message) {
      const { runDiscussionJob } = await discussionJobs();
      const parsed = runDiscussionJob(message.discussion);
      const key = message.discussion.cacheKey;
      // Stored here, the copy (1.9 MB for 3,000 comments) never crosses to the reader's thread.
      if (key && cacheFile !== null && parsed.cacheData !== null) {
        try {
          (await openStore()).saveDiscussion(key, message.discussion.source, parsed.cacheData, message.discussion.fetchedAt);
          parsed.cacheData = null;
        } catch {
          // A busy cache: the caller stores the copy instead.
        }
      }
      parentPort!.postMessage({ id: message.id, parsed });
      return;
    }
    if ('page' in message) {
      const record = (await pageJobs()).runPageJob(message.page);
      // Stored here, a page (up to the 5 MiB cap) never crosses to the reader's thread.
      if (message.page.save && cacheFile !== null && record.html !== null) {
        try {
          (await openStore()).savePage({ ...record, html: record.html });
          record.html = null;
        } catch {
          // A busy cache: the caller stores it instead.
        }
      }
      parentPort!.postMessage({ id: message.id, page: record }, record.html ? [record.html.buffer as ArrayBuffer] : []);
      return;
    }
    if (message.save) {
      const { runSaveJob } = await saveJobs();
      const store = await openStore();
      savedSinceCheckpoint += message.job.bytes.byteLength;
      parentPort!.postMessage({ id: message.id, saved: await runSaveJob(store, message.job, message.save) });
      if (savedSinceCheckpoint >= CHECKPOINT_EVERY_BYTES) {
        savedSinceCheckpoint = 0;
        store.checkpoint();
      }
      return;
    }
    const output = await (await feedJobs()).runParseJob(message.job);
    const articles = output.feed.articles;
    for (let start = 0; start + BATCH < articles.length; start += BATCH) {
      parentPort!.postMessage({ id: message.id, articles: articles.slice(start, start + BATCH) });
    }
    const rest = articles.slice(Math.floor(Math.max(0, articles.length - 1) / BATCH) * BATCH);
    parentPort!.postMessage({ id: message.id, output: { ...output, feed: { ...output.feed, articles: rest } } });
  } catch (error) {
    const e = error as Error & { discoveredUrl?: string; code?: string; kind?: string; url?: string };
    if (e?.name === 'DiscussionError') {
      parentPort!.postMessage({ id: message.id, error: { name: 'DiscussionError', kind: e.kind, url: e.url, message: e.message } });
      return;
    }
    const discoveredUrl = typeof e?.discoveredUrl === 'string' ? e.discoveredUrl : undefined;
    const code = typeof e?.code === 'string' ? e.code : undefined;
    parentPort!.postMessage({ id: message.id, error: { name: e?.name ?? 'Error', message: String(e?.message ?? error), discoveredUrl, code } });
  }
});
