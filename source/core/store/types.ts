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
}

/** What a list shows: everything, one feed, or one tag; optionally only unread or only starred. */
export interface Scope {
  feedId?: number;
  tag?: string;
  unreadOnly?: boolean;
  starredOnly?: boolean;
  /** Case-insensitive substring of the title. */
  search?: string;
}

export interface SaveResult {
  added: number;
  updated: number;
}
