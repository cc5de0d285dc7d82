/** Records shared across the core modules. Every string in them has passed sanitize.ts. */

/** One article, normalized from an RSS or Atom item. */
export interface Article {
  /** Stable within its feed: guid, else link, else a hash of title+published. */
  id: string;
  title: string;
  /** Absolute http(s) URL, or '' when the item has none. */
  link: string;
  author: string;
  /** ISO 8601, or null when the feed gave no date or one that does not parse. */
  published: string | null;
  /** The item's HTML body (content:encoded / Atom content, else description / summary). */
  html: string;
  /** The discussion page (RSS <comments>, Atom rel="replies" type text/html), or ''. */
  commentsUrl: string;
  /** A machine-readable comment feed (wfw:commentRss, Atom rel="replies" atom+xml), or ''. */
  commentFeedUrl: string;
  /** slash:comments / thr:total / thr:count, or null when the feed does not say. */
  commentCount: number | null;
  /** feedburner:origLink: the article's own URL when `link` is a feed proxy's redirect; absent or ''. */
  origLink?: string;
  /** Podcasts, videos, images attached to the item, in feed order; absent when there are none. */
  enclosures?: Enclosure[];
}

/** A file attached to an article (RSS enclosure, Media RSS content, Atom rel="enclosure"). */
export interface Enclosure {
  /** Absolute http(s) URL. */
  url: string;
  /** A media type ("audio/mpeg") or a Media RSS medium ("video"), lower case; '' when the feed gave none. */
  type: string;
  /** Size in bytes, or null when the feed gave none (or 0). */
  length: number | null;
}

/** A parsed feed: its own metadata and its articles in feed order. */
export interface ParsedFeed {
  title: string;
  link: string;
  articles: Article[];
  /** The feed's own minimum reload interval (`<ttl>`, `sy:updatePeriod`), in minutes; absent when it states none. */
  minReloadMinutes?: number;
  /** Set when the strict parse failed and the articles were recovered by a tolerant one ("bozo"). */
  broken?: boolean;
}
