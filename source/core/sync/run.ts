/**
 * One sync: push the outbox, then pull the feed list, the new articles and the states. Pushing first
 * means the server never overwrites a local mark with an older state of its own (NetNewsWire's lesson);
 * a mark made while the pull runs stays in the outbox, is not overwritten by the pull, and goes next time.
 */
import type { PendingMark, Store } from '../store.js';
import type { SyncBackend } from './types.js';

export interface SyncSummary {
  /** Marks the server took. */
  pushed: number;
  feeds: number;
  /** Feeds new to the cache. */
  newFeeds: number;
  /** Articles new to the cache. */
  added: number;
  /** Cached articles whose read or starred state the server changed. */
  stateChanges: number;
  requests: number;
  elapsedMs: number;
}

export type SyncProgress = (stage: 'push' | 'feeds' | 'articles' | 'states', count: number) => void;

export interface SyncOptions {
  /**
   * Index the new articles for search. Default: on this thread, in batches (`store.catchUpSearch`);
   * the reader passes its parse pool's `indexForSearch`, so a big pull never stalls its frames.
   */
  indexForSearch?: () => Promise<unknown>;
}

export async function runSync(store: Store, backend: SyncBackend, onProgress: SyncProgress = () => {}, options: SyncOptions = {}): Promise<SyncSummary> {
  const started = performance.now();
  const firstRequest = backend.requests;
  const state = store.syncState();
  let pushed = 0;
  let feeds: Awaited<ReturnType<SyncBackend['subscriptions']>>;
  if (state.value('account') === backend.account) {
    pushed = await pushOutbox(store, backend, (n) => onProgress('push', n));
    feeds = await backend.subscriptions();
  } else {
    // Another server or user than last time: the cache's server ids (and outbox) mean nothing there.
    // Forgotten only once the new one answered, so a mistyped URL costs nothing.
    feeds = await backend.subscriptions();
    state.switchAccount(backend.account);
  }
  const newFeeds = state.saveRemoteFeeds(feeds);
  onProgress('feeds', feeds.length);

  let added = 0;
  const cursor = await backend.articlesSince(state.value('cursor') ?? '', (page) => {
    added += state.saveRemoteArticles(page);
    onProgress('articles', added);
  });
  // Only after every page landed: a sync killed half-way fetches those pages again (upserts, no doubles).
  state.setValue('cursor', cursor);
  // The new articles enter the search index in bulk, as after a refresh.
  if (added > 0) await (options.indexForSearch ? options.indexForSearch() : store.catchUpSearch(100));

  let stateChanges = 0;
  const report = await backend.states({
    unreadByFeed: (readElsewhere) => {
      stateChanges += state.applyRemoteStates({ read: readElsewhere, unreadByFeed: new Map(), starred: null });
      return state.localUnreadByFeed();
    },
  });
  stateChanges += state.applyRemoteStates({ ...report, read: [] });
  onProgress('states', stateChanges);
  if (added > 1000) store.optimize();

  return {
    pushed,
    feeds: feeds.length,
    newFeeds,
    added,
    stateChanges,
    requests: backend.requests - firstRequest,
    elapsedMs: performance.now() - started,
  };
}

/** Send the outbox in batches of one field and value each; every batch the server takes is dropped at once. */
export async function pushOutbox(store: Store, backend: SyncBackend, onBatch: (pushed: number) => void = () => {}): Promise<number> {
  const state = store.syncState();
  const groups = new Map<string, PendingMark[]>();
  for (const mark of state.pendingMarks()) {
    const key = `${mark.field}:${mark.value}`;
    groups.set(key, [...(groups.get(key) ?? []), mark]);
  }
  let pushed = 0;
  for (const marks of groups.values()) {
    for (let start = 0; start < marks.length; start += backend.batchSize) {
      const batch = marks.slice(start, start + backend.batchSize);
      await backend.pushMarks({ field: batch[0]!.field, value: batch[0]!.value, ids: batch.map((m) => m.serverId) });
      state.acknowledgeMarks(batch);
      pushed += batch.length;
      onBatch(pushed);
    }
  }
  return pushed;
}
