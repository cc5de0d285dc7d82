/** What a search service contributes to a lookup: the requests that ask about a URL, and their answers read. */
import type { Settings } from '../../settings.js';
import type { DiscussionRef } from '../types.js';

/** A thread the service says was submitted with `submitted` as its URL (unchecked: lookup.ts checks it). */
export interface Hit {
  ref: DiscussionRef;
  submitted: string;
}

export interface LookupService {
  name: 'hackernews' | 'reddit' | 'lobsters';
  /** The GET URLs that ask where `url` was submitted: one per variant the server does not merge. */
  requests(url: string, sources: Settings['sources']): string[];
  /** One answer's hits; throws DiscussionError('parse') when the answer is not the service's shape. */
  parse(json: unknown, requestUrl: string): Hit[];
}
