/**
 * The shape of the settings as the rest of the tree sees them, and the values a key takes when the
 * file leaves it out. Kept apart from the schema and the reading so a module that only needs a type
 * (most of the tree) reads the shape in one place.
 */
import type { FeedAuth, UrlCredentials } from '../feed-auth.js';
import type { FilterSpec } from '../filter-specs.js';

export interface FeedSetting {
  url: string;
  title?: string;
  tags?: string[];
  /** Fetch the web pages of this feed's new articles after each refresh, to read them whole offline. */
  fullText?: boolean;
  /** false: never ask the discussion services about this feed's articles. */
  lookup?: boolean;
  /** HTTP Basic authentication: the user, and a command that prints the password (core/feed-auth.ts). */
  auth?: FeedAuth;
  /**
   * Not a key of the file: a user and password found in `url` when the settings were read. `url` is
   * then the URL without them, as the cache and every message name the feed.
   */
  urlCredentials?: UrlCredentials;
  /** This feed's own retention, over the top-level `keep` (either number alone). */
  keep?: Partial<KeepSetting>;
  /** This feed's background reload interval, minutes (0: never); overrides the global one and the feed's own <ttl>. */
  reloadMinutes?: number;
}

/**
 * How long read, unstarred articles stay in the cache (core/retention.ts): one is removed once it is
 * older than `days` or beyond the newest `perFeed` articles of its feed. Unread and starred stay.
 */
export interface KeepSetting {
  days: number;
  perFeed: number;
}

/** The services a lookup may ask (discussions/services/index.ts; test/settings.test.ts keeps them in step). */
export const LOOKUP_SERVICES = ['hackernews', 'reddit', 'lobsters'] as const;

export interface Settings {
  feeds: FeedSetting[];
  fetch: { concurrency: number; perHost: number; timeoutSeconds: number; maxBytes: number; pageMaxBytes: number };
  refreshOnStart: boolean;
  /** Reload feeds in the background while the reader runs, every so many minutes (fractions allowed); 0: never. */
  reloadMinutes: number;
  markReadOnOpen: boolean;
  /** The reader takes the mouse: the wheel scrolls the pane under the pointer, a click selects a row. */
  mouse: boolean;
  keys: Record<string, string[]>;
  theme: Record<string, string>;
  sources: {
    hackernews: { api: string };
    reddit: { base: string };
    lobsters: { base: string };
    /** The AppView answering getPostThread, and the web host whose post URLs name Bluesky threads. */
    bluesky: { api: string; web: string };
  };
  /** Which services are asked where an article was submitted; [] turns lookups off. */
  discussions: { lookup: Array<(typeof LOOKUP_SERVICES)[number]> };
  /** Applied to new articles as a refresh stores them (filters.ts). */
  filters: FilterSpec[];
  /** Saved searches: listed in the sidebar beside Unread and Starred, each a list of its matches. */
  views: SavedSearch[];
  /** A sync server whose subscriptions replace `feeds` (core/sync.ts); null: the feeds are fetched directly. */
  sync: SyncSetting | null;
  keep: KeepSetting;
}

export interface SavedSearch {
  name: string;
  /** A search as `/` takes it: words, "phrases". */
  query: string;
}

export interface SyncSetting {
  type: 'ttrss';
  /** The server's base URL (its API is at `${url}api/`). */
  url: string;
  user: string;
  /** Prints the password on stdout; split into words and run without a shell, when a password is needed. */
  passwordCommand: string;
}

export const DEFAULTS: Omit<Settings, 'feeds'> = {
  fetch: { concurrency: 8, perHost: 4, timeoutSeconds: 20, maxBytes: 32 * 1024 * 1024, pageMaxBytes: 5 * 1024 * 1024 },
  refreshOnStart: true,
  // A reader left open all day should stay current; an hour, with conditional GETs, is polite to servers.
  reloadMinutes: 60,
  markReadOnOpen: true,
  mouse: true,
  keys: {},
  theme: {},
  sources: {
    hackernews: { api: 'https://hn.algolia.com/api/v1' },
    reddit: { base: 'https://www.reddit.com' },
    lobsters: { base: 'https://lobste.rs' },
    bluesky: { api: 'https://public.api.bsky.app', web: 'https://bsky.app' },
  },
  discussions: { lookup: [...LOOKUP_SERVICES] },
  filters: [],
  views: [],
  sync: null,
  // Three months of what was read, and at most 500 articles of a fire-hose feed (more than 5 a day).
  keep: { days: 90, perFeed: 500 },
};

/** A settings problem the user must fix: printed as one line, exit code 2. */
export class SettingsError extends Error {}
