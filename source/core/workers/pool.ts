/**
 * Parsing is synchronous and slow (rss-parser: about 15 MB/s here), so a refresh parses in worker
 * threads, one per core, and the main thread stays free for the UI and the network. Given the cache,
 * the workers also store what they parse (save-job.ts): the main thread only sees counts.
 * Where no worker script is available (unit tests run from TypeScript sources) jobs run inline.
 */
import os from 'node:os';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { FeedParseError } from '../parse/errors.js';
import type { ParseJob, ParseOutput } from './parse-job.js';
import type { SavedFeed, SaveTarget } from './save-job.js';
import type { DiscussionJob, ParsedDiscussion } from '../comments/discussion-job.js';
import type { PageJob, PageRecord } from '../page/job.js';
import { rebuildDiscussionError, type DiscussionErrorData } from '../comments/errors.js';
import type { Store } from '../store.js';
import { releaseDeadOwner, writeLockMemory } from '../store.js';
import type { Article } from '../types.js';

export interface ParsePool {
  parse(bytes: Uint8Array, contentType: string | null, url: string): Promise<ParseOutput>;
  /** Parse a refreshed feed and store it in the pool's cache (createParsePool's `store`). */
  parseAndSave(bytes: Uint8Array, contentType: string | null, url: string, target: SaveTarget): Promise<SavedFeed>;
  /** Parse and thread a JSON discussion (comments/discussion-job.ts). */
  discussion(job: DiscussionJob): Promise<ParsedDiscussion>;
  /**
   * Extract a fetched web page's article (page/job.ts); with `job.save`, store it in the pool's cache
   * (the record's `html` then comes back null). `first`: someone is waiting for it, ahead of the queue.
   */
  page(job: PageJob, options?: { first?: boolean }): Promise<PageRecord>;
  /**
   * Index for search the cached articles not yet indexed (store/search.ts), in a worker where there
   * are workers (reading each article's HTML for its text took the reader 40-60 ms a batch of 100).
   * Resolves with the number indexed.
   */
  indexForSearch(): Promise<number>;
  /** Start the worker threads now (they take ~70 ms), ahead of a job that is likely to come. */
  warm(): void;
  close(): Promise<void>;
  readonly threads: number;
}

export interface PoolOptions {
  /** Worker threads (default: one per core, at most 4). */
  threads?: number;
  /** The worker script (default: .build/parse-worker.mjs beside the bundle; none: run inline). */
  script?: URL | null;
  /** The cache parseAndSave writes to. A file cache is opened by each worker; `:memory:` is written here. */
  store?: Store;
}

/** The worker entry beside the running bundle (.build/parse-worker.mjs). */
function bundledWorker(): URL | null {
  const url = new URL('./parse-worker.mjs', import.meta.url);
  return url.protocol === 'file:' && fs.existsSync(fileURLToPath(url)) ? url : null;
}

const noStore = (): never => {
  throw new Error('this parse pool was created without a cache to save into');
};

// The parser itself (rss-parser, htmlparser2...) loads only where a job runs inline: a refresh whose
// workers do the parsing starts ~50 ms sooner without it (a warm refresh takes half a second in all).
const parseJobs = () => import('./parse-job.js');
const saveJobs = () => import('./save-job.js');

export function inlinePool(store?: Store): ParsePool {
  return {
    parse: async (bytes, contentType, url) => (await parseJobs()).runParseJob({ bytes, contentType, url }),
    parseAndSave: async (bytes, contentType, url, target) => (await saveJobs()).runSaveJob(store ?? noStore(), { bytes, contentType, url }, target),
    discussion: async (job) => (await import('../comments/discussion-job.js')).runDiscussionJob(job),
    page: async (job) => savedHere(store, (await import('../page/job.js')).runPageJob(job), job.save),
    // On this thread, a batch at a time with a turn of the event loop between them.
    indexForSearch: async () => (store ? store.catchUpSearch(100) : 0),
    warm: () => {},
    close: async () => {},
    threads: 0,
  };
}

export function createParsePool(options: PoolOptions = {}): ParsePool {
  const threads = options.threads ?? Math.max(1, Math.min(os.availableParallelism(), 4));
  const script = options.script === undefined ? bundledWorker() : options.script;
  const store = options.store;
  if (!script || threads < 1) return inlinePool(store);
  // A file cache is shared with the workers through its path; an in-memory one cannot be.
  const cacheFile = store && !store.db.memory && !store.db.readonly ? store.db.name : null;
  // The workers take turns to write (store/write-lock.ts); the main thread's own writes are small.
  const writeLock = writeLockMemory();
  type Pending = { resolve: (o: never) => void; reject: (e: Error) => void };
  const pending = new Map<number, Pending>();
  const partial = new Map<number, Article[][]>();
  type Message =
    | { id: number; job: ParseJob; save?: SaveTarget }
    | { id: number; discussion: DiscussionJob }
    | { id: number; page: PageJob }
    | { id: number; searchIndex: true };
  const waiting: Message[] = [];
  const idle: Worker[] = [];
  const workers: Worker[] = [];
  let nextId = 0;
  /** Crashes since the last answer: a worker that cannot even start (its script gone mid-upgrade) would
   * otherwise be respawned forever, burning a core, while the jobs wait. */
  let crashesInARow = 0;
  let broken: Error | null = null;

  const dispatch = () => {
    while (idle.length > 0 && waiting.length > 0) {
      const worker = idle.pop()!;
      const message = waiting.shift()!;
      (worker as Worker & { jobId?: number }).jobId = message.id;
      const bytes = 'job' in message ? message.job.bytes : 'page' in message ? message.page.bytes : 'discussion' in message ? message.discussion.bytes : null;
      worker.postMessage(message, bytes ? [bytes.buffer as ArrayBuffer] : []);
    }
  };

  const spawn = () => {
    const worker = new Worker(script, { resourceLimits: { maxOldGenerationSizeMb: 512 }, workerData: { cacheFile, writeLock } });
    worker.unref();
    worker.on(
      'message',
      (reply: {
        id: number;
        articles?: Article[];
        output?: ParseOutput;
        saved?: SavedFeed;
        parsed?: ParsedDiscussion;
        page?: PageRecord;
        indexed?: number;
        error?: WorkerError;
      }) => {
        if (reply.articles) {
          // A batch of a large feed's articles; the final message carries the rest (parse-worker.ts).
          const parts = partial.get(reply.id) ?? [];
          parts.push(reply.articles);
          partial.set(reply.id, parts);
          return;
        }
        const parts = partial.get(reply.id);
        partial.delete(reply.id);
        if (parts && reply.output) reply.output.feed.articles = [...parts.flat(), ...reply.output.feed.articles];
        const entry = pending.get(reply.id);
        pending.delete(reply.id);
        (worker as Worker & { jobId?: number }).jobId = undefined;
        crashesInARow = 0;
        idle.push(worker);
        if (entry) {
          const answer = reply.output ?? reply.saved ?? reply.parsed ?? reply.page ?? reply.indexed;
          if (answer !== undefined) entry.resolve(answer as never);
          else entry.reject(rebuildError(reply.error));
        }
        dispatch();
      },
    );
    // Its id, kept: once the thread has ended, worker.threadId reads -1.
    const owner = worker.threadId;
    worker.once('exit', () => releaseDeadOwner(writeLock, owner));
    worker.on('error', (error) => {
      // A worker that dies (out of memory on a hostile feed, say) fails its job and is replaced.
      const id = (worker as Worker & { jobId?: number }).jobId;
      const entry = id === undefined ? undefined : pending.get(id);
      if (id !== undefined) {
        pending.delete(id);
        partial.delete(id);
      }
      entry?.reject(new FeedParseError(`parser crashed: ${error.message}`));
      workers.splice(workers.indexOf(worker), 1);
      // A worker that died while idle must not be handed the next job: it would never answer.
      const at = idle.indexOf(worker);
      if (at >= 0) idle.splice(at, 1);
      if (++crashesInARow <= threads * 3) {
        spawn();
        dispatch();
      } else if (workers.length === 0) {
        broken = new FeedParseError(`the parser threads cannot start: ${error.message}`);
        for (const { id: jobId } of waiting.splice(0)) {
          pending.get(jobId)?.reject(broken);
          pending.delete(jobId);
        }
      }
    });
    workers.push(worker);
    idle.push(worker);
  };
  // Workers start on the first parse (or warm()): a refresh where every feed answers 304 never pays for them.
  let started = false;
  const warm = () => {
    if (started) return;
    started = true;
    for (let i = 0; i < threads; i++) spawn();
  };

  /** `first`: ahead of the queued jobs (someone is waiting to read it, a refresh is not). */
  const start = <T>(message: (id: number) => Message, first = false): Promise<T> => {
    if (broken) return Promise.reject(broken);
    warm();
    return new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (o: never) => void, reject });
      if (first) waiting.unshift(message(id));
      else waiting.push(message(id));
      dispatch();
    });
  };
  const submit = <T>(bytes: Uint8Array, contentType: string | null, url: string, save?: SaveTarget): Promise<T> =>
    start<T>((id) => ({ id, job: { bytes: transferable(bytes), contentType, url }, ...(save ? { save } : {}) }));

  return {
    threads,
    parse: (bytes, contentType, url) => submit<ParseOutput>(bytes, contentType, url),
    async parseAndSave(bytes, contentType, url, target) {
      if (cacheFile !== null) return submit<SavedFeed>(bytes, contentType, url, target);
      return (await saveJobs()).saveParsed(store ?? noStore(), await submit<ParseOutput>(bytes, contentType, url), target);
    },
    warm,
    // A cache in memory cannot be opened by a worker: indexed here, as inlinePool does.
    indexForSearch: () => (cacheFile !== null ? start<number>((id) => ({ id, searchIndex: true })) : (store?.catchUpSearch(100) ?? Promise.resolve(0))),
    // The reader's one worker may have a background refresh queued: the open pane goes first.
    discussion: (job) => start<ParsedDiscussion>((id) => ({ id, discussion: { ...job, bytes: transferable(job.bytes) } }), true),
    async page(job, options = {}) {
      // An in-memory cache cannot be opened by a worker: the record comes back and is stored here.
      const save = job.save === true && cacheFile !== null;
      const record = await start<PageRecord>((id) => ({ id, page: { ...job, save, bytes: transferable(job.bytes) } }), options.first === true);
      return savedHere(store, record, job.save);
    },
    async close() {
      // Each worker closes its cache connection, then its thread ends; terminate() only if it hangs.
      await Promise.all(
        workers.map(
          (w) =>
            new Promise<void>((resolve) => {
              const timer = setTimeout(() => void w.terminate().then(() => resolve()), 2000);
              w.once('exit', () => {
                clearTimeout(timer);
                resolve();
              });
              w.postMessage({ close: true });
            }),
        ),
      );
    },
  };
}

/** Store a page record on this thread when asked to and a cache is at hand; its HTML stays in the cache. */
function savedHere(store: Store | undefined, record: PageRecord, save: boolean | undefined): PageRecord {
  if (!save || !store || record.html === null) return record;
  store.savePage({ ...record, html: record.html });
  return { ...record, html: null };
}

/** Bytes to transfer, not clone: a buffer of its own goes as it is; a view into a shared one is copied. */
function transferable(bytes: Uint8Array): Uint8Array {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && !(bytes.buffer instanceof SharedArrayBuffer);
  return whole ? bytes : new Uint8Array(bytes);
}

type WorkerError = { name: string; message: string; discoveredUrl?: string; code?: string; kind?: undefined } | DiscussionErrorData;

/**
 * A worker's error as the caller would have seen it inline: FeedParseError keeps its class and
 * discovered feed URL; others keep their code (SQLITE_BUSY names a busy cache: refresh.ts).
 */
function rebuildError(error: WorkerError | undefined): Error {
  if (error?.kind !== undefined) return rebuildDiscussionError(error);
  if (error?.name !== 'FeedParseError') return Object.assign(new Error(error?.message ?? 'parser failed'), error?.code ? { code: error.code } : {});
  const rebuilt = new FeedParseError(error.message) as FeedParseError & { discoveredUrl?: string };
  if (error.discoveredUrl) rebuilt.discoveredUrl = error.discoveredUrl;
  return rebuilt;
}
