/**
 * The work one parse job does, wherever it runs (a worker thread or, in tests, the caller's thread):
 * decode the bytes with the right charset, then parse and normalize.
 */
import { decodeFeedBytes } from './charset.js';
import { parseFeed } from './parse.js';
import type { ParsedFeed } from './types.js';

export interface ParseJob {
  bytes: Uint8Array;
  contentType: string | null;
  url: string;
}

export interface ParseOutput {
  feed: ParsedFeed;
  /** The strict parse failed and what could be read was recovered ("bozo"). */
  broken: boolean;
  parseMs: number;
}

export async function runParseJob(job: ParseJob): Promise<ParseOutput> {
  const started = performance.now();
  const text = decodeFeedBytes(job.bytes, job.contentType);
  const feed = await parseFeed(text, job.url);
  return { feed, broken: feed.broken ?? false, parseMs: performance.now() - started };
}
