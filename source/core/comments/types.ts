/** The discussion model every comment source is normalized into. Every string in it has passed sanitize.ts. */

export type DiscussionSource = 'feed' | 'hackernews' | 'reddit' | 'lobsters' | PlatformSource;

/** The comment systems blogs use now, on any host (platforms.ts): fetched with several requests each. */
export type PlatformSource = 'mastodon' | 'bluesky' | 'discourse' | 'lemmy';

export interface Comment {
  id: string;
  parentId: string | null;
  author: string;
  /** ISO 8601, or null when the source gave no usable date. */
  published: string | null;
  /** Sanitized HTML body, for the article renderer (html.ts). */
  html: string;
  score: number | null;
  deleted: boolean;
  /** Absolute http(s) URL, or ''. */
  permalink: string;
  /** Its parent is not in the window: shown at top level, marked "reply to an earlier comment". */
  orphan: boolean;
  isOp?: boolean;
  /** A Reddit 'more' stub: N more replies not sent (0 = "continue this thread", a link to the deeper page). */
  more?: number;
  /** A Reddit 'more' stub's ids of the replies not sent (what `api/morechildren` is asked for). */
  moreIds?: string[];
  /** A content warning (Mastodon's spoiler text, Bluesky's labels): the body stays folded until opened. */
  warning?: string;
  /**
   * Set on a `deleted` comment that keeps its place whatever its replies: what to show instead of
   * "[deleted]" ("blocked post", "removed by a moderator").
   */
  placeholder?: string;
  children: Comment[];
}

export interface Discussion {
  source: DiscussionSource;
  /** The discussion page (http(s)), or '' when unknown. */
  url: string;
  title: string;
  /** The count the source claims, or the counted comments. */
  total: number;
  /** Top level, in the source's order (oldest first for feed comments). */
  comments: Comment[];
  fetchedAt: number;
  opAuthor?: string;
  /** One line about what the source did not send ("12 more replies are on the server"). */
  notice?: string;
}

/**
 * A discussion as a list of an article's discussions names it: what the thread finder (find-thread.ts)
 * returns, and `discussionLink` makes of a loaded one.
 */
export interface DiscussionLink {
  source: DiscussionSource;
  /** The thread's page (http(s)). */
  url: string;
  title?: string;
  /** Comments it has, when known. */
  comments?: number;
}

/** A comment before threading: what every adapter produces, in source order. */
export type FlatComment = Omit<Comment, 'children' | 'orphan'> & { orphan?: boolean };
