/**
 * The one-line summary of a refresh, the same words for `broadsheet refresh` (on stderr) and the
 * reader's status line: what changed, what did not, what failed and how many articles are new; and the
 * warning for a broken feed that was read anyway, the same words for `refresh` and `feed URL`.
 */
import type { RefreshSummary } from './refresh.js';

export interface SummaryOptions {
  /** Add the bytes fetched and the time taken (`refresh` prints them; the status line has no room). */
  timing?: boolean;
  /** Name the first failed feed and why (the reader has no stderr to list each failure on). */
  firstFailure?: boolean;
}

const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "3 feeds: 1 updated (1 broken, recovered), 2 unchanged, 0 failed; 5 new articles; removed 40 old articles". */
export function refreshSummaryLine(s: RefreshSummary, options: SummaryOptions = {}): string {
  const failed = s.failed.length;
  const first = s.failed[0];
  const why = options.firstFailure && first?.status === 'failed' ? ` (${first.url}: ${first.reason}${failed > 1 ? '; …' : ''})` : '';
  const line =
    `${count(s.total, 'feed')}: ${s.updated} updated${s.recovered ? ` (${s.recovered} broken, recovered)` : ''}, ` +
    `${s.notModified} unchanged, ${s.skipped ? `${s.skipped} skipped, ` : ''}${failed} failed${why}; ${count(s.added, 'new article')}` +
    (s.removed ? `; removed ${count(s.removed, 'old article')}` : '') +
    (s.retentionFailure ? `; old articles not removed (${s.retentionFailure})` : '');
  // The reader has no stderr for a filter skipped as too slow either: say so, once.
  const warnings = s.filterWarnings ?? [];
  const slow = options.firstFailure && warnings.length ? `; ${warnings[0]}${warnings.length > 1 ? '; …' : ''}` : '';
  return options.timing ? `${line}; ${(s.bytes / 1e6).toFixed(1)} MB in ${(s.elapsedMs / 1000).toFixed(1)} s` : line + slow;
}

/**
 * "URL: recovered 3 items from a broken feed (XML error: Unclosed root tag, line 518)": a feed that was
 * read although its document is broken ("bozo"), with what was read and what was wrong.
 */
export function brokenFeedLine(url: string, items: number, reason: string | undefined): string {
  return `${url}: recovered ${count(items, 'item')} from a broken feed (${reason ?? 'XML error'})`;
}
