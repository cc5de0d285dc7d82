/**
 * Parsing is synchronous and slow (rss-parser: about 15 MB/s here), so a refresh parses in worker
 * threads, one per core, and the main thread stays free for the UI and the network.
 * Where no worker script is available (unit tests run from TypeScript sources) jobs run inline.
 */
import os from 'node:os';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { FeedParseError } from './parse.js';
import { runParseJob, type ParseJob, type ParseOutput } from './parse-job.js';
import type { Article } from './types.js';

export interface ParsePool {
  parse(bytes: Uint8Array, contentType: string | null, url: string): Promise<ParseOutput>;
  close(): Promise<void>;
  readonly threads: number;
}

/** The worker entry beside the running bundle (.build/parse-worker.mjs). */
function bundledWorker(): URL | null {
  const url = new URL('./parse-worker.mjs', import.meta.url);
  return url.protocol === 'file:' && fs.existsSync(fileURLToPath(url)) ? url : null;
}

export function inlinePool(): ParsePool {
  return { parse: (bytes, contentType, url) => runParseJob({ bytes, contentType, url }), close: async () => {}, threads: 0 };
}

export function createParsePool(threads = Math.max(1, Math.min(os.availableParallelism(), 4)), script = bundledWorker()): ParsePool {
  if (!script || threads < 1) return inlinePool();
  type Pending = { resolve: (o: ParseOutput) => void; reject: (e: Error) => void };
  const pending = new Map<number, Pending>();
  const partial = new Map<number, Article[][]>();
  const waiting: { id: number; job: ParseJob }[] = [];
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
      worker.postMessage(message, [message.job.bytes.buffer as ArrayBuffer]);
    }
  };

  const spawn = () => {
    const worker = new Worker(script, { resourceLimits: { maxOldGenerationSizeMb: 512 } });
    worker.unref();
    worker.on('message', (reply: { id: number; articles?: Article[]; output?: ParseOutput; error?: { name: string; message: string; discoveredUrl?: string } }) => {
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
        if (reply.output) entry.resolve(reply.output);
        else entry.reject(rebuildError(reply.error));
      }
      dispatch();
    });
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
  // Workers start on the first parse: a refresh where every feed answers 304 never pays for them.
  let started = false;

  return {
    threads,
    parse(bytes, contentType, url) {
      if (broken) return Promise.reject(broken);
      if (!started) {
        started = true;
        for (let i = 0; i < threads; i++) spawn();
      }
      return new Promise<ParseOutput>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        // Transferred, not cloned: a buffer of its own goes as it is; a view into a shared one is copied.
        const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && !(bytes.buffer instanceof SharedArrayBuffer);
        const own = whole ? bytes : new Uint8Array(bytes);
        waiting.push({ id, job: { bytes: own, contentType, url } });
        dispatch();
      });
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

/** A worker's error as the caller would have seen it inline: FeedParseError keeps its class and discovered feed URL. */
function rebuildError(error: { name: string; message: string; discoveredUrl?: string } | undefined): Error {
  if (error?.name !== 'FeedParseError') return new Error(error?.message ?? 'parser failed');
  const rebuilt = new FeedParseError(error.message) as FeedParseError & { discoveredUrl?: string };
  if (error.discoveredUrl) rebuilt.discoveredUrl = error.discoveredUrl;
  return rebuilt;
}
