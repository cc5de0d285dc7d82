/**
 * The CPU-heavy part of reading a page, as a job a parse worker runs (parse-pool.ts): decode the
 * bytes, extract the article, and pack what the cache keeps of the page. Building a DOM and scoring it
 * takes 5-60 ms a page (over 250 ms for the largest): on the reader's thread that is a dropped frame.
 */
import type { PageRecord } from '../store.js';
import { gzipSync } from 'node:zlib';
import { decodeHtmlBytes } from './decode.js';
import { extractArticle } from './extract.js';

export interface PageJob {
  bytes: Uint8Array;
  contentType: string | null;
  /** The URL asked for (the cache's key: an article's link) and where the redirects ended. */
  url: string;
  finalUrl: string;
  etag: string | null;
  lastModified: string | null;
  fetchedAt: number;
  /** Store the record in the runner's cache when it has one (then `html` comes back null). */
  save?: boolean;
}

/** What the cache keeps of a fetched page (store/pages.ts). */
export type { PageRecord };

export function runPageJob(job: PageJob): PageRecord {
  const started = performance.now();
  const text = decodeHtmlBytes(job.bytes, job.contentType);
  const extracted = extractArticle(text, job.finalUrl);
  const extractMs = performance.now() - started;
  return {
    ...extracted,
    url: job.url,
    finalUrl: job.finalUrl,
    contentType: job.contentType,
    etag: job.etag,
    lastModified: job.lastModified,
    fetchedAt: job.fetchedAt,
    // Level 6 by default: a 5 MiB page in ~60 ms, to a fifth of its size; pages are read rarely.
    html: new Uint8Array(gzipSync(text)),
    extractMs,
  };
}
