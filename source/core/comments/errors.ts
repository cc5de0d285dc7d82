/** The one error the comments modules throw: a single line naming the URL and what went wrong. */
import { sanitizeLine } from '../sanitize.js';

export type DiscussionErrorKind =
  /** The article has no discussion we know how to read, or the URL is not one. */
  | 'none'
  /** The fetch failed (network, HTTP status, timeout, size cap). */
  | 'fetch'
  /** The body is not what the source should send (not JSON, not a feed, wrong shape). */
  | 'parse';

export class DiscussionError extends Error {
  readonly kind: DiscussionErrorKind;
  readonly url: string;
  /** What went wrong, without the URL (where the caller names the source instead). */
  readonly reason: string;

  constructor(kind: DiscussionErrorKind, url: string, why: string, options?: { cause?: unknown }) {
    super(oneLine(url ? `${url}: ${why}` : why), options);
    this.name = 'DiscussionError';
    this.kind = kind;
    this.url = url;
    this.reason = oneLine(why);
  }
}

/** URLs come from feeds: one short line, no controls, no bidi tricks. */
function oneLine(s: string): string {
  const flat = sanitizeLine(s);
  return flat.length > 300 ? `${flat.slice(0, 299)}…` : flat;
}

/** A DiscussionError from a worker, as plain data, and back. */
export type DiscussionErrorData = { name: 'DiscussionError'; kind: DiscussionErrorKind; url: string; message: string };

export function rebuildDiscussionError(data: DiscussionErrorData): DiscussionError {
  const error = new DiscussionError(data.kind, '', data.message);
  Object.defineProperty(error, 'url', { value: data.url });
  return error;
}
