/**
 * Sync with a server (README, Design: "Sync with a server"): with `sync` in the settings, the server's
 * subscriptions are the feed list, its categories the tags, and a refresh is a sync (sync/run.ts):
 * local marks out first (the outbox the marks themselves fill, store/sync-state.ts), then feeds, new
 * articles and states in. One interface per server kind (sync/types.ts); Tiny Tiny RSS is sync/ttrss.ts.
 */
import { normalizeFeedUrl, NOT_A_FEED_LOCATION, type FeedSetting, type Settings, type SyncSetting } from './settings.js';
import type { Store } from './store.js';
import type { SubscribeResult } from './subscribe.js';
import { TtrssBackend } from './sync/ttrss.js';
import { SyncError, type SyncBackend } from './sync/types.js';
import { runSync, type SyncSummary } from './sync/run.js';

export { pushOutbox, runSync, type SyncOptions, type SyncProgress, type SyncSummary } from './sync/run.js';
export { SyncError, type LocalView, type MarkBatch, type SubscribeOutcome, type SyncBackend } from './sync/types.js';
export { readPassword, splitCommand } from './sync/password.js';
export { TtrssBackend, type TtrssOptions } from './sync/ttrss.js';

/** The client for the settings' server. */
export function createBackend(sync: SyncSetting, fetch: Settings['fetch']): SyncBackend {
  return new TtrssBackend({
    url: sync.url,
    user: sync.user,
    passwordCommand: sync.passwordCommand,
    timeoutMs: fetch.timeoutSeconds * 1000,
    maxBytes: fetch.maxBytes,
  });
}

/** The feeds the cache lists while syncing: the server's, as of the last sync. */
export function syncedFeedSettings(store: Store): FeedSetting[] {
  return store.syncState().syncedFeeds();
}

/** The line printed at start when the settings list feeds that syncing leaves unfetched, or null. */
export function ignoredFeedsNotice(settings: Settings): string | null {
  const n = settings.feeds.length;
  if (!settings.sync || n === 0) return null;
  return `${n} feed${n === 1 ? '' : 's'} in the settings file ${n === 1 ? 'is' : 'are'} not fetched while syncing with ${settings.sync.url} (add ${n === 1 ? 'it' : 'them'} there: broadsheet add URL)`;
}

/** "synced with …: 3 marks sent, 12 new articles, 2 changed states, 6 requests (0.4 s)". */
export function syncSummaryLine(summary: SyncSummary, server: string): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const parts = [
    plural(summary.feeds, 'feed'),
    `${plural(summary.added, 'new article')}`,
    ...(summary.pushed ? [`${plural(summary.pushed, 'mark')} sent`] : []),
    ...(summary.stateChanges ? [`${plural(summary.stateChanges, 'state')} changed on the server`] : []),
    plural(summary.requests, 'request'),
  ];
  return `synced with ${server}: ${parts.join(', ')} (${(summary.elapsedMs / 1000).toFixed(1)} s)`;
}

/**
 * `add` and the reader's add key while syncing: subscribe on the server, have it fetch the feed now,
 * and sync, so the feed and its articles are in the cache. Answers as core/subscribe.ts does; a
 * server that cannot be reached is 'failed' too, one line.
 */
export async function subscribeOnServer(store: Store, backend: SyncBackend, input: string, tag?: string): Promise<SubscribeResult> {
  let url: string;
  try {
    url = normalizeFeedUrl(input);
  } catch {
    return { kind: 'failed', url: input.trim(), message: NOT_A_FEED_LOCATION };
  }
  if (!/^https?:/i.test(url)) return { kind: 'failed', url, message: 'a sync server can only subscribe to http(s) feeds' };
  try {
    const outcome = await backend.subscribe(url, tag);
    if (outcome.kind === 'failed') return { kind: 'failed', url, message: outcome.message };
    if (outcome.kind === 'already') return { kind: 'already', url };
    if (outcome.remoteId) await backend.fetchFeed(outcome.remoteId);
    await runSync(store, backend);
  } catch (error) {
    if (error instanceof SyncError) return { kind: 'failed', url, message: error.message };
    throw error;
  }
  const feed = store.feed(url);
  return { kind: 'added', title: feed?.title ?? '', url, articles: feed?.total ?? 0, replacedDemo: false };
}

/** Unsubscribe on the server; false when the server has no such feed (as of the last sync). */
export async function unsubscribeOnServer(store: Store, backend: SyncBackend, url: string): Promise<boolean> {
  const remoteId = store.syncState().remoteFeedIdOf(url);
  if (!remoteId) return false;
  await backend.unsubscribe(remoteId);
  await runSync(store, backend);
  return true;
}
