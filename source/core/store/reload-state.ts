/**
 * What the background reloads need to know of each subscribed feed, in one query: when it was last
 * checked, the Retry-After deadline a server set, and the minimum interval the feed states itself.
 */
import type Database from 'better-sqlite3';

export interface FeedReloadState {
  url: string;
  /** When a fetch last answered (200, 304 or a failure), epoch ms; null when never. */
  lastChecked: number | null;
  /** Epoch ms before which the server asked not to be asked again (429/503 Retry-After). */
  retryAfter: number | null;
  /** The feed's own `<ttl>` / `sy:updatePeriod`, minutes. */
  minReloadMinutes: number | null;
}

export function feedReloadStates(db: Database.Database): FeedReloadState[] {
  return db
    .prepare(
      `SELECT url, last_checked AS lastChecked, retry_after AS retryAfter, min_reload_minutes AS minReloadMinutes
       FROM feeds WHERE active = 1`,
    )
    .all() as FeedReloadState[];
}
