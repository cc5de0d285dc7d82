/**
 * The worker threads: a pool of them (workers/pool.ts) that parse feeds and store what they parse
 * (parse-job.ts, save-job.ts), and parse and thread fetched discussions (the comments' job), off the
 * reader's thread. workers/worker.ts is the thread's entry, bundled as .build/parse-worker.mjs.
 */
export { createParsePool, inlinePool, type ParsePool } from './workers/pool.js';
export type { ParseJob, ParseOutput } from './workers/parse-job.js';
export type { SavedFeed, SaveTarget } from './workers/save-job.js';
