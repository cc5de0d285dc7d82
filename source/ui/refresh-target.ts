/** What `r` refreshes: the feed or tag in view, the sidebar's item under the cursor, or the feed of the article in view. */
import type { ArticleRow, FeedRow } from '../core/store.js';
import type { ScopeChoice } from './state/reader.js';
import type { SidebarItem } from './reader-data.js';

export interface RefreshTargetInput {
  scope: ScopeChoice;
  /** Set when the sidebar has focus. */
  sidebarItem: SidebarItem | undefined;
  /** The article in view (open, or under the list's cursor). */
  row: ArticleRow | undefined;
  feeds: FeedRow[];
  settingsFeeds: { url: string }[];
}

export function refreshTarget(input: RefreshTargetInput): { urls: string[]; label: string } {
  const { scope, sidebarItem, row, feeds } = input;
  const urlsOf = (choice: ScopeChoice): string[] => {
    if (choice.kind === 'feed') return feeds.filter((f) => f.id === choice.feedId).map((f) => f.url);
    if (choice.kind === 'tag') return feeds.filter((f) => f.tags.includes(choice.tag)).map((f) => f.url);
    return input.settingsFeeds.map((f) => f.url);
  };
  if (sidebarItem) return { urls: urlsOf(sidebarItem.scope), label: sidebarItem.label };
  if (scope.kind === 'feed') return { urls: urlsOf(scope), label: scope.title };
  if (scope.kind === 'tag') return { urls: urlsOf(scope), label: `#${scope.tag}` };
  // In a mixed list, "this feed" is the feed of the article in view.
  const feed = row ? feeds.find((f) => f.id === row.feedId) : undefined;
  return { urls: feed ? [feed.url] : [], label: feed?.title ?? '' };
}
