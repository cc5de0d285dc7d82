/**
 * The work one parse job does, wherever it runs (a worker thread or, in tests, the caller's thread):
 * decode the bytes with the right charset, then parse and normalize.
 *
 * When the strict parse fails, what can be read is recovered (recover.ts) and the feed is marked
 * broken ("bozo"); a feed the strict parse could only read after repairing it is marked broken too.
 * When the body is an HTML page that links to its feed, the error names that feed's URL.
 */
import { decodeFeedBytes } from '../charset.js';
import { discoverFeeds, discoveredFeedError, looksLikeHtml } from '../discover.js';
import { FeedParseError, parseFeedDetailed, recoverFeed } from '../parse.js';

import type { ParsedFeed } from '../types.js';

export interface ParseJob {
  bytes: Uint8Array;
  contentType: string | null;
  url: string;
}

export interface ParseOutput {
  feed: ParsedFeed;
  /** The strict parse failed and what could be read was recovered ("bozo"). */
  broken: boolean;
  /** When broken: the XML error the strict parse met, one line (e.g. "XML error: Unclosed root tag, line 518"). */
  brokenReason?: string;
  parseMs: number;
}

export async function runParseJob(job: ParseJob): Promise<ParseOutput> {
  const started = performance.now();
  const text = decodeFeedBytes(job.bytes, job.contentType);
  const done = (feed: ParsedFeed, brokenReason: string | null): ParseOutput => ({
    feed,
    broken: brokenReason !== null,
    ...(brokenReason !== null ? { brokenReason } : {}),
    parseMs: performance.now() - started,
  });
  try {
    const { feed, repair } = parseFeedDetailed(text, job.url);
    return done(feed, repair);
  } catch (error) {
    if (!(error instanceof FeedParseError)) throw error;
    const recovered = recoverFeed(text, job.url);
    if (recovered) return done(recovered.feed, error.message);
    if (looksLikeHtml(text) || error.message === 'not a feed: got an HTML page') {
      const [feed] = discoverFeeds(text, job.url);
      if (feed) throw discoveredFeedError(feed.url);
    }
    throw error;
  }
}
