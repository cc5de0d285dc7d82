/** The pane's list of discussions as pure state: the default, ]/[, updates from a lookup, the header. */
import { describe, expect, it } from 'vitest';
import type { ListedDiscussion, ServiceOutcome } from '../../source/core/discussions.js';
import { defaultDiscussion } from '../../source/core/discussions.js';
import { cycle, initialList, listHeader, updateList, MAX_LISTED } from '../../source/ui/state/discussion-list.js';

const NOW = Date.UTC(2026, 0, 10, 12);
const entry = (key: string, comments: number | null, own = false, extra: Partial<ListedDiscussion['ref']> = {}): ListedDiscussion => ({
  key,
  own,
  ref: {
    source: own ? 'site' : (key.split(':')[0] as 'hackernews'),
    url: `https://x.example/${key}`,
    title: key,
    where: '',
    comments,
    score: null,
    published: new Date(NOW - 2 * 86_400_000).toISOString(),
    ...extra,
  },
});
const rest = { services: [] as ServiceOutcome[], asking: [] as never[], lookupOn: true };

describe('the default discussion', () => {
  it("is the site's own when it has comments or may have, else the thread with most comments", () => {
    expect(defaultDiscussion([entry('feed:a', 4, true), entry('hackernews:1', 300)])).toBe(0);
    expect(defaultDiscussion([entry('feed:a', null, true), entry('hackernews:1', 300)])).toBe(0);
    expect(defaultDiscussion([entry('feed:a', 0, true), entry('hackernews:1', 300), entry('reddit:b', 20)])).toBe(1);
    expect(defaultDiscussion([entry('feed:a', 0, true), entry('hackernews:1', 0)])).toBe(0);
    expect(defaultDiscussion([entry('hackernews:1', 0), entry('reddit:b', 0)])).toBe(0);
    expect(defaultDiscussion([])).toBe(-1);
  });
});

describe('choosing', () => {
  const entries = [entry('feed:a', 4, true), entry('hackernews:1', 300), entry('reddit:b', 20)];

  it('starts on a remembered choice that is still listed, else the default', () => {
    expect(initialList(entries, 'reddit:b', rest)).toMatchObject({ current: 2, chosen: true });
    expect(initialList(entries, 'lobsters:gone', rest)).toMatchObject({ current: 0, chosen: false });
  });

  it("] and [ go round the list, and the choice is the reader's from then on", () => {
    let list = initialList(entries, undefined, rest);
    list = cycle(list, 1);
    expect(list).toMatchObject({ current: 1, chosen: true });
    list = cycle(cycle(list, 1), 1);
    expect(list.current).toBe(0);
    expect(cycle(list, -1).current).toBe(2);
    expect(cycle(initialList([], undefined, rest), 1).current).toBe(-1);
  });

  it('a lookup answering keeps the shown discussion, and fills an empty pane with the default', () => {
    const empty = initialList([], undefined, { ...rest, asking: ['hackernews'] as never });
    expect(empty.current).toBe(-1);
    const found = updateList(empty, [entry('hackernews:1', 300), entry('reddit:b', 20)], rest);
    expect(found.current).toBe(0);
    const reading = cycle(found, 1);
    // A thread found later with more comments does not move the reader off the one chosen.
    const more = updateList(reading, [entry('lobsters:c', 900), entry('hackernews:1', 300), entry('reddit:b', 20)], rest);
    expect(more.entries[more.current]!.key).toBe('reddit:b');
    // Unchosen, an own discussion known to be empty gives way to a thread with comments.
    const own = initialList([entry('feed:a', null, true)], undefined, rest);
    expect(updateList(own, [entry('feed:a', 0, true), entry('hackernews:1', 300)], rest).current).toBe(1);
    expect(updateList(own, [entry('feed:a', 3, true), entry('hackernews:1', 300)], rest).current).toBe(0);
  });
});

describe('the header', () => {
  it('lists every discussion, the shown one marked: source, where, comments, age', () => {
    const entries = [
      entry('feed:a', 4, true),
      entry('hackernews:1', 300),
      entry('reddit:b', 20, false, { source: 'reddit', where: 'r/programming' }),
      entry('lobsters:c', 1, false, { source: 'lobsters', published: null }),
    ];
    const lines = listHeader({ ...initialList(entries, undefined, rest), current: 2 }, NOW, 60).map((l) => l.trimEnd());
    expect(lines).toEqual([
      '4 discussions — ] next, [ previous',
      '  the site · 4 comments · 2d',
      '  Hacker News · 300 comments · 2d',
      '▸ Reddit r/programming · 20 comments · 2d',
      '  Lobsters · 1 comment',
    ]);
  });

  it('names a failed or rate-limited service in one line each; what is being asked; nothing found', () => {
    const services: ServiceOutcome[] = [
      { service: 'hackernews', refs: [], fetchedAt: null, fromCache: false },
      { service: 'reddit', refs: [entry('reddit:b', 2).ref], fetchedAt: NOW - 3 * 3_600_000, fromCache: true, error: 'connection refused' },
      { service: 'lobsters', refs: [], fetchedAt: null, fromCache: true, error: 'rate limited until 14:05', rateLimited: true },
    ];
    const lines = listHeader({ ...initialList([entry('reddit:b', 2)], undefined, rest), services, asking: [] }, NOW, 80).map((l) => l.trimEnd());
    expect(lines).toEqual(['Reddit: connection refused; showing what it said 3 h ago', 'Lobsters: rate limited until 14:05']);
    const asking = listHeader(initialList([], undefined, { ...rest, asking: ['hackernews', 'reddit', 'lobsters'] as never }), NOW, 80);
    expect(asking.map((l) => l.trimEnd())).toEqual(['Asking Hacker News, Reddit and Lobsters where this was submitted…']);
    const none = listHeader(initialList([], undefined, { ...rest, services: [services[0]!] }), NOW, 80);
    expect(none.map((l) => l.trimEnd())).toEqual(['No discussion found on Hacker News.']);
    expect(listHeader(initialList([], undefined, { ...rest, lookupOn: false }), NOW, 80)[0]!.trimEnd()).toBe('This article has no discussion.');
  });

  it('lists at most a few, keeping the shown one in view, and fits the width', () => {
    const entries = Array.from({ length: 12 }, (_, i) => entry(`hackernews:${i}`, 100 - i));
    const lines = listHeader({ ...initialList(entries, undefined, rest), current: 10 }, NOW, 30);
    expect(lines).toHaveLength(1 + MAX_LISTED + 1);
    expect(lines.some((l) => l.startsWith('▸ Hacker News'))).toBe(true);
    expect(lines.at(-1)!.trimEnd()).toBe(`  … ${12 - MAX_LISTED} more`);
    expect(lines.every((l) => l.length === 30)).toBe(true);
  });
});
