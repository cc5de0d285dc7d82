/**
 * Comment feeds: WordPress RSS2 (`…/slug/feed/`) and Atom with RFC 4685 threading (WordPress
 * `…/feed/atom/`, Blogger). Parsed with htmlparser2 in xmlMode: tolerant of the broken XML feeds are
 * known for, expands no DTD entities, and keeps the attributes of `thr:in-reply-to`.
 *
 * This is the public entry; the work is done in feed/ (README, Design: "Comment formats"): rss.ts and atom.ts
 * read one page of entries, wordpress.ts finds WordPress's "In reply to" anchors and comment numbers,
 * threading.ts links the entries of all pages to their parents. Paging: `<link rel="next">` (Blogger
 * pages 25 at a time; RFC 5005) is read with each page (dom.ts) and followed by the caller (index.ts).
 */
import { parseDocument } from 'htmlparser2';
import { safeUrl, sanitizeLine } from '../sanitize.js';
import { DiscussionError } from './errors.js';
import { readAtom } from './feed/atom.js';
import { child, childElements, localName } from './feed/dom.js';
import { readRss } from './feed/rss.js';
import { linkEntries } from './feed/threading.js';
import type { CommentFeedOptions, CommentFeedPage } from './feed/types.js';
import type { FlatComment } from './types.js';

export type { CommentFeedOptions, CommentFeedPage, RawEntry } from './feed/types.js';
export { linkEntries } from './feed/threading.js';
export { splitReplyPrefix } from './feed/wordpress.js';

/**
 * Read one page of a comment feed (entries unlinked). Throws DiscussionError('parse') when it is not an
 * RSS or Atom feed.
 */
export function readCommentFeedPage(xml: string, feedUrl: string): CommentFeedPage {
  const doc = parseDocument(xml, { xmlMode: true, withStartIndices: true, withEndIndices: true });
  const root = childElements(doc)[0];
  const rootName = root ? localName(root.name) : '';
  const base = safeUrl(feedUrl) || fileBase(feedUrl);
  if (root && rootName === 'rss') {
    const channel = child(root, 'channel');
    if (!channel) throw new DiscussionError('parse', feedUrl, 'RSS without a channel');
    return readRss(channel, childElements(channel, 'item'), base);
  }
  if (root && rootName === 'rdf') return readRss(child(root, 'channel') ?? root, childElements(root, 'item'), base);
  if (root && rootName === 'feed') return readAtom(root, xml, base);
  const what = rootName === 'html' ? 'an HTML page' : rootName ? `an XML document (<${sanitizeLine(rootName).slice(0, 30)}>)` : 'not XML';
  throw new DiscussionError('parse', feedUrl, `not an RSS or Atom comment feed: ${what}`);
}

/** A file:// feed (the demo) may still hold relative links to resolve; safeUrl keeps only http(s) results. */
function fileBase(feedUrl: string): string | undefined {
  return /^file:\/\//i.test(feedUrl) ? feedUrl : undefined;
}

/** One page, ready for buildThread: `readCommentFeedPage` + `linkEntries`. */
export function parseCommentFeed(
  xml: string,
  feedUrl: string,
  options: CommentFeedOptions = {},
): Omit<CommentFeedPage, 'entries'> & { comments: FlatComment[] } {
  const { entries, ...page } = readCommentFeedPage(xml, feedUrl);
  return { ...page, comments: linkEntries(entries, options) };
}
