/** The background reload schedule (core/reload-schedule.ts): which feeds are due, when the next one is, and the note. */
import { describe, expect, it } from 'vitest';
import { planReloads, reloadIntervalMs, reloadNote, clockTime, type ReloadRules } from '../source/core/reload-schedule.js';
import type { FeedReloadState } from '../source/core/store.js';

const MIN = 60_000;
const NOW = Date.UTC(2026, 11, 3, 14, 0);
const feed = (url: string, over: Partial<FeedReloadState> = {}): FeedReloadState => ({
  url,
  lastChecked: NOW - 10 * MIN,
  retryAfter: null,
  minReloadMinutes: null,
  ...over,
});
const rules = (reloadMinutes: number, feeds: ReloadRules['feeds'] = []): ReloadRules => ({ reloadMinutes, feeds });

describe('reload intervals', () => {
  it('uses the global interval, lengthened to the feed’s own ttl when that is longer', () => {
    expect(reloadIntervalMs(5, undefined, null)).toBe(5 * MIN);
    expect(reloadIntervalMs(5, undefined, 60)).toBe(60 * MIN);
    expect(reloadIntervalMs(90, undefined, 60)).toBe(90 * MIN);
  });

  it('lets the user’s per-feed value win, even when shorter than the feed asks', () => {
    expect(reloadIntervalMs(60, 2, 30)).toBe(2 * MIN);
    expect(reloadIntervalMs(0, 0.05, null)).toBe(3000);
  });

  it('0 turns reloads off globally, or for one feed', () => {
    expect(reloadIntervalMs(0, undefined, 10)).toBeNull();
    expect(reloadIntervalMs(60, 0, null)).toBeNull();
  });
});

describe('planReloads', () => {
  it('reloads the feeds whose interval has passed and says when the next one is due', () => {
    const plan = planReloads({
      feeds: [feed('a', { lastChecked: NOW - 6 * MIN }), feed('b', { lastChecked: NOW - 2 * MIN }), feed('c', { lastChecked: null })],
      rules: rules(5),
      now: NOW,
    });
    expect(plan.due).toEqual(['a', 'c']);
    expect(plan.nextAt).toBe(NOW + 3 * MIN);
  });

  it('honours a feed’s own ttl unless the user set a shorter interval for that feed', () => {
    const feeds = [feed('ttl', { lastChecked: NOW - 10 * MIN, minReloadMinutes: 60 })];
    expect(planReloads({ feeds, rules: rules(5), now: NOW })).toEqual({ due: [], nextAt: NOW + 50 * MIN });
    expect(planReloads({ feeds, rules: rules(5, [{ url: 'ttl', reloadMinutes: 2 }]), now: NOW }).due).toEqual(['ttl']);
  });

  it('never reloads before a Retry-After deadline, whatever the user set', () => {
    const feeds = [feed('busy', { lastChecked: NOW - 10 * MIN, retryAfter: NOW + 7 * MIN })];
    expect(planReloads({ feeds, rules: rules(5, [{ url: 'busy', reloadMinutes: 1 }]), now: NOW })).toEqual({ due: [], nextAt: NOW + 7 * MIN });
    expect(planReloads({ feeds, rules: rules(5), now: NOW + 7 * MIN }).due).toEqual(['busy']);
  });

  it('groups feeds that come due close together into one reload', () => {
    // Refreshed over 20 s at start: with a 5-minute interval all of them come due together (30 s slack).
    const feeds = Array.from({ length: 5 }, (_, i) => feed(`f${i}`, { lastChecked: NOW - 5 * MIN + i * 5000 }));
    expect(planReloads({ feeds, rules: rules(5), now: NOW }).due).toHaveLength(5);
    // ... but not a feed due a whole minute later.
    const later = [...feeds, feed('late', { lastChecked: NOW - 4 * MIN })];
    expect(planReloads({ feeds: later, rules: rules(5), now: NOW })).toEqual({ due: feeds.map((f) => f.url), nextAt: NOW + MIN });
  });

  it('counts this reader’s own attempts, so a feed the cache never marks checked is not reloaded in a loop', () => {
    const feeds = [feed('stuck', { lastChecked: NOW - 60 * MIN })];
    const attempted = new Map([['stuck', NOW - 1000]]);
    expect(planReloads({ feeds, rules: rules(5), now: NOW, attempted })).toEqual({ due: [], nextAt: NOW - 1000 + 5 * MIN });
  });

  it('keeps the feeds of one reload one batch: counted from when the reload began, not from each feed’s check', () => {
    // A reload of 3 feeds began at T; their checks landed over the next 40 s (more than the 30 s slack).
    const T = NOW - 5 * MIN;
    const feeds = [0, 20, 40].map((s, i) => feed(`f${i}`, { lastChecked: T + s * 1000 }));
    const attempted = new Map(feeds.map((f) => [f.url, T]));
    expect(planReloads({ feeds, rules: rules(5), now: NOW, attempted }).due).toEqual(['f0', 'f1', 'f2']);
    expect(planReloads({ feeds, rules: rules(5), now: NOW }).due).toEqual(['f0', 'f1']);
  });

  it('without a refresh on start, waits one interval from the start', () => {
    const feeds = [feed('old', { lastChecked: NOW - 600 * MIN }), feed('never', { lastChecked: null })];
    expect(planReloads({ feeds, rules: rules(5), now: NOW, startedAt: NOW })).toEqual({ due: [], nextAt: NOW + 5 * MIN });
    expect(planReloads({ feeds, rules: rules(5), now: NOW + 5 * MIN, startedAt: NOW }).due).toEqual(['old', 'never']);
  });

  it('has nothing to schedule when reloads are off', () => {
    expect(planReloads({ feeds: [feed('a', { lastChecked: null })], rules: rules(0), now: NOW })).toEqual({ due: [], nextAt: null });
  });
});

describe('reloadNote', () => {
  const time = (ms: number) => `T+${(ms - NOW) / MIN}`;
  it('says when the next reload is due and what the last one brought', () => {
    expect(reloadNote(NOW + 5 * MIN, { feeds: 10, added: 3, feedsWithNew: 2, failed: 0 }, time)).toBe('next reload T+5 · last: 3 new in 2 feeds');
    expect(reloadNote(NOW, { feeds: 1, added: 1, feedsWithNew: 1, failed: 1 }, time)).toBe('next reload T+0 · last: 1 new in 1 feed, 1 failed');
    expect(reloadNote(null, { feeds: 4, added: 0, feedsWithNew: 0, failed: 0 }, time)).toBe('last: nothing new');
    expect(reloadNote(NOW, null, time)).toBe('next reload T+0');
    expect(reloadNote(null, null, time)).toBeNull();
  });

  it('shows local hours and minutes by default', () => {
    const at = new Date(2026, 11, 3, 9, 5).getTime();
    expect(clockTime(at)).toBe('09:05');
  });
});
