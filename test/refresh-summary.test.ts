/** The one refresh summary line of `refresh` and the reader, and the broken-feed warning of `refresh` and `feed URL`. */
import { describe, expect, it } from 'vitest';
import type { RefreshSummary } from '../source/core/refresh.js';
import { brokenFeedLine, refreshSummaryLine } from '../source/core/refresh-summary.js';

const summary = (over: Partial<RefreshSummary> = {}): RefreshSummary => ({
  total: 3,
  updated: 1,
  recovered: 0,
  notModified: 2,
  skipped: 0,
  failed: [],
  added: 5,
  bytes: 1_234_567,
  parseMs: 3.3,
  elapsedMs: 1_260,
  removed: 0,
  ...over,
});

describe('refreshSummaryLine', () => {
  it('says what changed, what did not, what failed and what is new', () => {
    expect(refreshSummaryLine(summary())).toBe('3 feeds: 1 updated, 2 unchanged, 0 failed; 5 new articles');
    expect(refreshSummaryLine(summary({ total: 1, updated: 1, notModified: 0, added: 1 }))).toBe('1 feed: 1 updated, 0 unchanged, 0 failed; 1 new article');
  });

  it('counts recovered broken feeds and skipped ones', () => {
    expect(refreshSummaryLine(summary({ recovered: 1, skipped: 1, notModified: 1 }))).toBe(
      '3 feeds: 1 updated (1 broken, recovered), 1 unchanged, 1 skipped, 0 failed; 5 new articles',
    );
  });

  it('adds the bytes and time for the command, the first failure for the reader', () => {
    const failed = [
      { url: 'https://a.example/f', status: 'failed' as const, reason: 'HTTP 404' },
      { url: 'https://b.example/f', status: 'failed' as const, reason: 'timed out after 20 s' },
    ];
    expect(refreshSummaryLine(summary({ notModified: 0, failed }), { timing: true })).toBe(
      '3 feeds: 1 updated, 0 unchanged, 2 failed; 5 new articles; 1.2 MB in 1.3 s',
    );
    expect(refreshSummaryLine(summary({ notModified: 0, failed }), { firstFailure: true })).toBe(
      '3 feeds: 1 updated, 0 unchanged, 2 failed (https://a.example/f: HTTP 404; …); 5 new articles',
    );
  });

  it('says how many old articles the retention pass removed, or why it could not', () => {
    expect(refreshSummaryLine(summary({ removed: 1 }))).toBe('3 feeds: 1 updated, 2 unchanged, 0 failed; 5 new articles; removed 1 old article');
    expect(refreshSummaryLine(summary({ removed: 40 }), { timing: true })).toBe(
      '3 feeds: 1 updated, 2 unchanged, 0 failed; 5 new articles; removed 40 old articles; 1.2 MB in 1.3 s',
    );
    expect(refreshSummaryLine(summary({ retentionFailure: 'the cache is busy (another Broadsheet is refreshing)' }))).toBe(
      '3 feeds: 1 updated, 2 unchanged, 0 failed; 5 new articles; old articles not removed (the cache is busy (another Broadsheet is refreshing))',
    );
  });
});

describe('brokenFeedLine', () => {
  it('names the feed, what was read and what was wrong', () => {
    expect(brokenFeedLine('https://example.org/feed.xml', 3, 'XML error: Unclosed root tag, line 518')).toBe(
      'https://example.org/feed.xml: recovered 3 items from a broken feed (XML error: Unclosed root tag, line 518)',
    );
    expect(brokenFeedLine('/tmp/feed.xml', 1, undefined)).toBe('/tmp/feed.xml: recovered 1 item from a broken feed (XML error)');
  });
});
