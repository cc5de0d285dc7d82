/** The rows and scopes the cache hands out: shared by the Store (store.ts) and its parts in this folder. */

export interface FeedRow {
  id: number;
  url: string;
  title: string;
  siteLink: string;
  etag: string | null;
  lastModified: string | null;
  lastChecked: number | null;
  lastUpdated: number | null;
  error: string | null;
  retryAfter: number | null;
  broken: boolean;
  tags: string[];
  unread: number;
  total: number;
}

export interface ArticleRow {
  id: number;
  feedId: number;
  feed: string;
  guid: string;
  title: string;
  link: string;
  author: string;
  published: string | null;
  sortKey: number;
  read: boolean;
  starred: boolean;
  commentsUrl: string;
  commentFeedUrl: string;
  commentCount: number | null;
  /** The feed's original link (feedburner:origLink) when its link is a proxy, or ''. */
  origLink: string;
  /** Comments in the threads a lookup found elsewhere (not the article's own), or null before one. */
  lookupCount: number | null;
}

/** What a list shows: everything, one feed, or one tag; optionally only unread or only starred. */
export interface Scope {
  feedId?: number;
  tag?: string;
  unreadOnly?: boolean;
  starredOnly?: boolean;
  /**
   * A search of titles and article text, as the user typed it (store/search.ts): words are ANDed
   * prefixes, "quoted phrases" exact, case folded in every script. A search's list is its newest
   * SEARCH_CAP matches within the rest of the scope (store/search-list.ts).
   */
  search?: string;
}

export interface SaveResult {
  /** New articles stored, not counting those a filter hid. */
  added: number;
  updated: number;
  /** New articles a filter hid (stored hidden and read), when there were any. */
  hidden?: number;
}

/** What the settings' filters (core/filters.ts) decided for a new article, stored with it. */
export interface NewArticleMarks {
  hidden: boolean;
  read: boolean;
  starred: boolean;
  tags: string[];
}

/** What was read from an article's web page: the article (Readability's), or why there is none. */
export interface ExtractedArticle {
  title: string;
  byline: string;
  /** ISO 8601, when the page states a date. */
  published: string | null;
  siteName: string;
  /** The article as HTML, links absolute; null when the page could not be read. */
  content: string | null;
  /** Why the page could not be read, one line; null when it could. */
  failure: string | null;
}

/** Where a page was fetched from and how to ask for it again. */
export interface PageOrigin {
  url: string;
  finalUrl: string;
  fetchedAt: number;
  etag: string | null;
  lastModified: string | null;
  contentType: string | null;
}

/**
 * An article's web page as the page module hands it to the cache (full text): its origin, what was read
 * from it, and the page itself, gzipped, for what else reads a page.
 */
export interface PageRecord extends PageOrigin, ExtractedArticle {
  /** The page as decoded, gzipped; null when the worker stored the record itself. */
  html: Uint8Array | null;
  /** Time to decode and extract, in the runner. */
  extractMs: number;
}
