/**
 * The shapes a comment feed is read into: one page of entries, read but not yet linked to their parents
 * (pages are joined before linking, so a reply on page 2 finds its parent on page 1).
 */

/** One page of a comment feed. */
export interface CommentFeedPage {
  format: 'rss' | 'atom';
  title: string;
  /** The discussion page (channel link / Atom alternate link), http(s) or ''. */
  link: string;
  /** The next page (RFC 5005 / Blogger), resolved against the feed URL, or ''. */
  next: string;
  /** openSearch:totalResults when the feed states it. */
  claimedTotal: number | null;
  /** Entries in feed order, not yet linked to their parents: pages are joined before linking. */
  entries: RawEntry[];
}

export interface CommentFeedOptions {
  /** The post's id (RSS guid / Atom id), when known: a `thr:in-reply-to` ref equal to it is top level. */
  postId?: string;
}

/** One entry as its page holds it, with every key a reply may refer to it by. */
export interface RawEntry {
  id: string;
  aliases: string[];
  author: string;
  published: string | null;
  html: string;
  permalink: string;
  /** WordPress anchor parent number (RSS, or Atom without thr). */
  anchorParent: string | null;
  thr: { ref: string; href: string } | null;
  /** Body with the reply prefix removed (used when the prefix matches the parent). */
  strippedHtml: string;
}
