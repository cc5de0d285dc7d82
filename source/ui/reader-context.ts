/**
 * What the reader's controller offers the dispatcher and the actions, and what it is built from: the
 * two sides of the controller as types alone, so that dispatcher.ts and actions.ts depend on this
 * contract and not on the controller's module (which imports them).
 */
import type { ChalkInstance } from 'chalk';
import type { Paint } from './theme.js';
import type { ArticleRow, FeedReloadState, FeedRow, Scope, Store } from '../core/store.js';
import type { Settings } from '../core/settings.js';
import type { SubscribeResult, UnsubscribeResult } from '../core/subscribe.js';
import type { DiscussionParser } from '../core/comments.js';
import type { MarkHistory } from '../core/marks.js';
import type { Action, Keymap } from '../core/reader-actions.js';
import type { ReaderEvent, ReaderState } from './state/reader.js';
import type { OpenArticle, ReaderData, SidebarItem } from './reader-data.js';
import type { RunRefresh } from './background-refresh.js';
import type { Timers } from './background-reload.js';
import type { CommentsModel } from './comments-model.js';
import type { FullTextModel } from './full-text.js';
import type { PageLoader } from '../core/page.js';
import type { Manners } from '../core/discussions.js';

export interface ControllerDeps {
  store: Store;
  settings: Settings;
  keymap: Keymap;
  /** Opens an http(s) URL in the browser; never through a shell. */
  openUrl: (url: string) => void;
  exit: () => void;
  /**
   * Writes escape sequences of our own (the clipboard's OSC 52) straight to the terminal, between
   * frames; absent, nothing can be copied.
   */
  writeToTerminal?: (bytes: string) => void;
  /** Whether the terminal is inside tmux (the clipboard sequence is sent through its passthrough too). */
  inTmux?: boolean;
  /** Runs a refresh of `urls` in the background; calls back with progress and when done. */
  refresh: RunRefresh;
  /** Checks and subscribes to a feed (core/subscribe.ts); rejects only when the settings cannot be written. */
  addFeed: (url: string) => Promise<SubscribeResult>;
  /**
   * What the background reloads schedule, when it is not the cache's feeds (with a sync server: the
   * server itself, one sync for all its feeds).
   */
  reloadFeeds?: () => FeedReloadState[];
  /** Unsubscribes from a feed (core/subscribe.ts, or on the sync server); rejects when that cannot be done. */
  removeFeed?: (url: string) => Promise<UnsubscribeResult>;
  /** Parses and threads a fetched JSON discussion off the main thread; default inline. */
  parseDiscussion?: DiscussionParser;
  /** Start the threads that parse discussions (~70 ms): an article with one on HN, Reddit or Lobsters opened. */
  warmParsers?: () => void;
  /** Fetches an article's page and stores its full text (core/page); default: extracted inline. */
  loadPage?: PageLoader;
  /** Manners towards HN, Reddit and Lobsters (rate limits shared through the cache); absent, none. */
  manners?: Manners;
  color?: boolean;
  /** Colours for the comments pane (plain when absent, as in tests). */
  paint?: Paint;
  chalk?: ChalkInstance;
  now?: () => number;
  /** The background reloads' timer (tests inject their own); default setTimeout. */
  timers?: Timers | undefined;
}

export interface ReaderContext {
  readonly state: ReaderState;
  readonly deps: ControllerDeps;
  readonly keymap: Keymap;
  readonly comments: CommentsModel;
  readonly fullText: FullTextModel;
  readonly marks: MarkHistory;
  readonly data: ReaderData;
  dispatch(event: ReaderEvent): void;
  perform(action: Action): void;
  /** The key bound to an action, as messages name it. */
  key(action: Action): string;
  storeScope(): Scope;
  rowAtCursor(): ArticleRow | undefined;
  unreadCount(): number;
  feeds(): FeedRow[];
  sidebarItems(): SidebarItem[];
  openArticle(): OpenArticle | undefined;
  articleTextWidth(): number;
  linksInView(): number | undefined;
  reloadList(anchorId?: number): void;
  marksChanged(): void;
  dataChanged(): void;
  open(id: number): void;
  markAllRead(): void;
  applySearch(query: string): void;
  submitAddFeed(url: string): void;
  removeFeed(url: string, title: string): void;
  startRefresh(urls: string[], label: string): Promise<void>;
}
