/** The one interface a sync server's client implements (README, Design: "Sync with a server"). */
import type { RemoteArticle, RemoteFeed, StateReport } from '../store.js';

export type { RemoteArticle, RemoteFeed, StateReport } from '../store.js';

/** Local marks to send, grouped: set `field` to `value` on every article in `ids` (server ids). */
export interface MarkBatch {
  field: 'read' | 'starred';
  value: boolean;
  ids: string[];
}

/** What the cache knows, for a backend that asks only about what differs. */
export interface LocalView {
  /** Unread synced articles per server feed id, once the articles `readElsewhere` are taken as read. */
  unreadByFeed(readElsewhere: string[]): Map<string, number>;
}

export type SubscribeOutcome = { kind: 'added'; remoteId: string | null } | { kind: 'already' } | { kind: 'failed'; message: string };

export interface SyncBackend {
  /** "Tiny Tiny RSS at https://…": for messages. */
  readonly label: string;
  /** Identifies the account, so that a cache never mixes the ids of two servers or users. */
  readonly account: string;
  /** Requests sent so far (the sync summary prints how many). */
  readonly requests: number;
  /** Largest number of ids one pushMarks call should carry. */
  readonly batchSize: number;
  /** The feeds subscribed on the server, each with its category (the feed's tag). */
  subscriptions(): Promise<RemoteFeed[]>;
  /** Articles newer than `cursor` ('' for all), page by page, bodies included; returns the next cursor. */
  articlesSince(cursor: string, onPage: (articles: RemoteArticle[]) => void): Promise<string>;
  /** Read and starred state of the articles the cache holds, in as few requests as the server allows. */
  states(local: LocalView): Promise<StateReport>;
  /** Send one batch of marks ("set to", never "toggle": sending one twice means the same). */
  pushMarks(batch: MarkBatch): Promise<void>;
  /** Subscribe on the server; `category` is a tag, created when missing. */
  subscribe(url: string, category?: string): Promise<SubscribeOutcome>;
  unsubscribe(remoteFeedId: string): Promise<void>;
  /** Ask the server to fetch a feed now (after subscribing), where it can. */
  fetchFeed(remoteFeedId: string): Promise<void>;
  close(): void;
}

/** A sync failure the user can act on: one line, naming the server (never a password). */
export class SyncError extends Error {}
