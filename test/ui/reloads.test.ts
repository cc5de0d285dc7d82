/**
 * Background reloads in the reader's controller, with an injected clock and timer: the one timer is set
 * for the next due feed (never a poll), the due feeds are refreshed through the background refresh, and
 * the cursor and the open article stay while the list and its count change.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FEED_A, FEED_B, article, fixture } from './helpers.js';
import { hintLine } from '../../source/ui/hints.js';
import { initialState, reduce } from '../../source/ui/state/reader.js';
import { buildKeymap } from '../../source/ui/keys.js';
import type { RunRefresh } from '../../source/ui/background-refresh.js';

const MIN = 60_000;
let f: ReturnType<typeof fixture> | undefined;
afterEach(() => {
  f?.close();
  f = undefined;
});

/** A clock and a timer the test moves by hand. */
function fakeTime(start: number) {
  const clock = { now: start };
  const pending: { run: () => void; at: number; id: number }[] = [];
  let ids = 0;
  const timers = {
    set: (run: () => void, ms: number) => {
      const id = ++ids;
      pending.push({ run, at: clock.now + ms, id });
      return id;
    },
    clear: (id: unknown) => {
      const i = pending.findIndex((t) => t.id === id);
      if (i >= 0) pending.splice(i, 1);
    },
  };
  /** Move the clock to the first timer and fire it. */
  const fireNext = () => {
    pending.sort((a, b) => a.at - b.at);
    const t = pending.shift();
    if (!t) throw new Error('no timer is set');
    clock.now = Math.max(clock.now, t.at);
    t.run();
  };
  return { clock, pending, timers, fireNext };
}

/** Let a reload finish: its refresh, then the loop's own turn before it looks again. */
const settle = async () => {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('background reloads in the controller', () => {
  it('reloads the due feeds when the timer fires, keeping the cursor and the open article', async () => {
    const time = fakeTime(Date.now() + 1000);
    const calls: string[][] = [];
    // The reload brings one new article to feed A, dated between the existing ones.
    let bring = false;
    const refresh: RunRefresh = async (urls, onFeed) => {
      calls.push(urls);
      if (!bring) return 'Refreshed 2 feeds.';
      f!.store.saveFeed(
        FEED_A,
        {
          title: 'Alpha',
          link: '',
          articles: [article(1), article(3), article(40, { id: 'late', title: 'Late arrival', published: new Date(Date.UTC(2026, 10, 24, 1)).toISOString() })],
        },
        { etag: null, lastModified: null, now: time.clock.now },
      );
      f!.store.markNotModified([{ url: FEED_B, etag: null, lastModified: null, now: time.clock.now }]);
      onFeed(1, 2, true, { added: 1, failed: false });
      onFeed(2, 2, false, { added: 0, failed: false });
      return 'Refreshed 2 feeds.';
    };
    f = fixture(10, undefined, { refresh, now: () => time.clock.now, timers: time.timers });
    f.deps.settings.reloadMinutes = 5;
    f.press('j', 'j', 'enter');
    // The start-up refresh's report is on the status line when the first reload comes.
    await f.controller.startRefresh([FEED_A, FEED_B], 'all feeds');
    calls.length = 0;
    bring = true;
    expect(f.controller.state.status).toBe('Refreshed 2 feeds.');
    const openId = f.controller.state.openId;
    const cursorId = f.controller.rowAtCursor()!.id;
    const { cursor, offset } = f.controller.state.list;
    const unread = f.controller.unreadCount();

    f.controller.startReloads();
    // Both feeds were checked when the fixture saved them: one timer, five minutes out, and nothing run.
    expect(calls).toEqual([]);
    expect(time.pending).toHaveLength(1);
    expect(time.pending[0]!.at - time.clock.now).toBeGreaterThan(4 * MIN);
    expect(f.controller.state.reloadNote).toMatch(/^next reload \d\d:\d\d$/);

    time.fireNext();
    await settle();
    expect(calls).toEqual([[FEED_A, FEED_B]]);
    expect(f.controller.state.openId).toBe(openId);
    expect(f.controller.rowAtCursor()!.id).toBe(cursorId);
    expect(f.controller.state.list).toMatchObject({ cursor, offset, count: 11 });
    expect(f.controller.unreadCount()).toBe(unread + 1);
    // Quiet: the old report gives way to the hints; the note says what came and when the next reload is.
    expect(f.controller.state.status).toBeNull();
    expect(f.controller.state.reloadNote).toMatch(/^next reload \d\d:\d\d · last: 1 new in 1 feed$/);
    expect(time.pending).toHaveLength(1);
    expect(time.pending[0]!.at).toBe(time.clock.now + 5 * MIN);
  });

  it('keeps saying what the last reload brought when the next one is due at once (reloads slower than their interval)', async () => {
    const time = fakeTime(Date.now() + 1000);
    const calls: string[][] = [];
    const refresh: RunRefresh = async (urls, onFeed) => {
      calls.push(urls);
      time.clock.now += 10 * MIN; // a reload that takes longer than the interval
      onFeed(1, 1, true, { added: 2, failed: false });
      // The third one turns reloads off, so the chain ends.
      if (calls.length === 3) f!.deps.settings.reloadMinutes = 0;
      return '';
    };
    f = fixture(4, undefined, { refresh, now: () => time.clock.now, timers: time.timers });
    f.deps.settings.reloadMinutes = 5;
    f.deps.settings.feeds = [{ url: FEED_A }];
    f.store.syncFeeds(f.deps.settings.feeds);
    time.clock.now += 6 * MIN;
    f.controller.startReloads();
    for (let turn = 0; turn < 10 && calls.length < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
    // The first reload is done and the second began at once, with no timer: the note says what the first brought.
    expect(calls).toHaveLength(2);
    expect(time.pending).toEqual([]);
    expect(f.controller.state.reloadNote).toBe('last: 2 new in 1 feed');
    await settle();
    expect(calls).toHaveLength(3);
  });

  it('sets no timer at all when reloads are off', () => {
    const time = fakeTime(Date.now() + 1000);
    f = fixture(4, undefined, { now: () => time.clock.now, timers: time.timers });
    f.deps.settings.reloadMinutes = 0;
    f.controller.startReloads();
    expect(time.pending).toEqual([]);
    expect(f.controller.state.reloadNote).toBeNull();
  });

  it('waits for a running refresh instead of starting a second one, then reschedules', async () => {
    const time = fakeTime(Date.now() + 1000);
    let finish!: (s: string) => void;
    const calls: string[][] = [];
    const refresh: RunRefresh = (urls) => {
      calls.push(urls);
      return new Promise((resolve) => (finish = resolve));
    };
    f = fixture(4, undefined, { refresh, now: () => time.clock.now, timers: time.timers });
    f.deps.settings.reloadMinutes = 5;
    f.controller.startReloads();
    time.clock.now += 10 * MIN;
    const manual = f.controller.startRefresh([FEED_A], 'Alpha');
    time.fireNext();
    expect(calls).toEqual([[FEED_A]]);
    f.store.markNotModified([{ url: FEED_A, etag: null, lastModified: null, now: time.clock.now }]);
    finish('Refreshed Alpha.');
    await manual;
    await settle();
    // Feed B was still due: reloaded once the user's refresh was done, alone.
    expect(calls).toEqual([[FEED_A], [FEED_B]]);
    finish('');
    await settle();
    expect(time.pending).toHaveLength(1);
  });

  it('without a refresh on start, the first reload comes one interval after the start, not at once', () => {
    const time = fakeTime(Date.now() + 60 * MIN);
    const calls: string[][] = [];
    f = fixture(4, undefined, { refresh: async (urls) => (calls.push(urls), ''), now: () => time.clock.now, timers: time.timers });
    f.deps.settings.reloadMinutes = 5;
    f.deps.settings.refreshOnStart = false;
    f.controller.startReloads();
    expect(calls).toEqual([]);
    expect(time.pending.map((t) => t.at - time.clock.now)).toEqual([5 * MIN]);
  });

  it('stops its timer when the reader closes', () => {
    const time = fakeTime(Date.now() + 1000);
    f = fixture(4, undefined, { now: () => time.clock.now, timers: time.timers });
    f.deps.settings.reloadMinutes = 5;
    f.controller.startReloads();
    expect(time.pending).toHaveLength(1);
    f.controller.dispose();
    expect(time.pending).toEqual([]);
  });
});

describe('the reload note', () => {
  it('is reader state of its own: setting it moves nothing', () => {
    let s = reduce(reduce(initialState(120, 40), { type: 'list-count', count: 50 }), { type: 'move', by: 7 });
    s = reduce(s, { type: 'open', id: 12 });
    const next = reduce(s, { type: 'reload-note', text: 'next reload 14:35 · last: 3 new in 2 feeds' });
    expect(next.reloadNote).toBe('next reload 14:35 · last: 3 new in 2 feeds');
    expect(next.list).toBe(s.list);
    expect(next.openId).toBe(12);
    expect(next.focus).toBe(s.focus);
    expect(reduce(next, { type: 'reload-note', text: next.reloadNote })).toBe(next);
  });

  it('ends the hint line, in place of hints but never of those 80 columns show: whole, else its first part, else not at all', () => {
    const { keymap } = buildKeymap({});
    const note = 'next reload 14:35 · last: 3 new in 2 feeds';
    const core = hintLine('list', keymap, 80);
    for (const [width, tail] of [
      [200, note],
      [140, note],
      [120, note],
      [100, 'next reload 14:35'],
    ] as const) {
      const line = hintLine('list', keymap, width, note);
      expect(line.length, String(width)).toBe(width);
      expect(line.trimEnd().endsWith(`  ${tail}`), `${width}: ${line}`).toBe(true);
      // The hints an 80-column terminal shows are all still there, `?` last among them.
      for (const hint of core.trim().split('  ')) expect(line, `${width}: ${hint}`).toContain(hint);
      expect(
        line
          .slice(0, line.indexOf(`  ${tail}`))
          .trimEnd()
          .endsWith('? keys'),
        String(width),
      ).toBe(true);
    }
    expect(hintLine('list', keymap, 200, note).startsWith(hintLine('list', keymap, 200).trimEnd())).toBe(true);
    expect(hintLine('list', keymap, 80, note)).toBe(core);
  });
});
