/**
 * Which feeds a running reader reloads in the background, and when: React-free and clock-free (the
 * caller passes `now`), so the rules are tested without timers.
 *
 * A feed's interval is its own `reloadMinutes` when the user set one (shorter or longer than what the
 * feed asks: the user decides), else the global `reloadMinutes`, lengthened to the feed's own `<ttl>` /
 * `sy:updatePeriod` when that is longer. 0 turns reloads off (globally, or for one feed). A server's
 * Retry-After is always honoured: it is a refusal, not a preference, and the refresh would skip the
 * feed anyway. Feeds due within a tenth of their interval (at most a minute) of each other are
 * reloaded together, so a thousand feeds refreshed over ten seconds come due as one reload, not a
 * thousand.
 */
import type { FeedReloadState } from './store.js';

export interface ReloadRules {
  reloadMinutes: number;
  feeds: readonly { url: string; reloadMinutes?: number }[];
}

export interface ReloadInput {
  feeds: readonly FeedReloadState[];
  rules: ReloadRules;
  now: number;
  /**
   * When this reader last began refreshing each feed. It counts instead of the cache's last check: that
   * one never moves for a skipped feed, and it spreads one reload's feeds over the seconds the reload
   * took, where the start keeps them one batch, due together, cycle after cycle.
   */
  attempted?: ReadonlyMap<string, number>;
  /** The reader did not refresh on start: nothing is due before one interval after `startedAt`. */
  startedAt?: number;
}

export interface ReloadPlan {
  /** Feeds to reload now. */
  due: string[];
  /** When the next feed comes due (epoch ms), or null when no feed is ever reloaded. */
  nextAt: number | null;
}

const MINUTE = 60_000;
const SLACK_SHARE = 0.1;
const MAX_SLACK_MS = MINUTE;

/** A feed's background reload interval in ms, or null when it is not reloaded in the background. */
export function reloadIntervalMs(globalMinutes: number, feedMinutes: number | undefined, feedOwnMinutes: number | null): number | null {
  if (feedMinutes !== undefined) return feedMinutes > 0 ? feedMinutes * MINUTE : null;
  if (!(globalMinutes > 0)) return null;
  return Math.max(globalMinutes, feedOwnMinutes ?? 0) * MINUTE;
}

export function planReloads(input: ReloadInput): ReloadPlan {
  const { now, rules } = input;
  const perFeed = new Map(rules.feeds.map((f) => [f.url, f.reloadMinutes]));
  const due: string[] = [];
  let nextAt: number | null = null;
  for (const feed of input.feeds) {
    const interval = reloadIntervalMs(rules.reloadMinutes, perFeed.get(feed.url), feed.minReloadMinutes);
    if (interval === null) continue;
    const last = input.attempted?.get(feed.url) ?? feed.lastChecked;
    let dueAt = last === null ? now : last + interval;
    if (input.startedAt !== undefined) dueAt = Math.max(dueAt, input.startedAt + interval);
    const retryAfter = feed.retryAfter ?? -Infinity;
    dueAt = Math.max(dueAt, retryAfter);
    if (dueAt <= now + Math.min(interval * SLACK_SHARE, MAX_SLACK_MS) && retryAfter <= now) due.push(feed.url);
    else nextAt = nextAt === null ? dueAt : Math.min(nextAt, dueAt);
  }
  return { due, nextAt };
}

/** What the last background reload brought. */
export interface ReloadResult {
  feeds: number;
  added: number;
  /** Feeds that brought at least one new article. */
  feedsWithNew: number;
  failed: number;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Local wall-clock time, hours and minutes. */
export const clockTime = (ms: number) => {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
};

/** "next reload 14:35 · last: 3 new in 2 feeds", for the status line; null when there is nothing to say. */
export function reloadNote(nextAt: number | null, last: ReloadResult | null, time: (ms: number) => string = clockTime): string | null {
  const parts: string[] = [];
  if (nextAt !== null) parts.push(`next reload ${time(nextAt)}`);
  if (last) {
    const brought = last.added > 0 ? `${last.added} new in ${plural(last.feedsWithNew, 'feed')}` : 'nothing new';
    parts.push(`last: ${brought}${last.failed > 0 ? `, ${last.failed} failed` : ''}`);
  }
  return parts.length ? parts.join(' · ') : null;
}
