/**
 * What each action of the command table does in the reader: one function per intent, over the
 * controller's state, data and effects. The dispatcher (dispatcher.ts) decides which action a key is;
 * this module carries it out.
 */
import type { Action } from '../core/reader-actions.js';
import type { ReaderContext } from './reader-context.js';
import { layout, type Pane, type ScopeChoice } from './state/reader.js';
import { navigationEvent } from './state/navigation.js';
import { refreshTarget } from './refresh-target.js';
import { osc52ForUrl } from '../core/clipboard.js';
import { sanitizeLine } from '../core/sanitize.js';

export function perform(c: ReaderContext, action: Action) {
  const s = c.state;
  const pane = s.focus;
  switch (action) {
    case 'quit-now':
      return c.deps.exit();
    case 'quit':
      if (pane !== 'list') return c.dispatch({ type: 'back' });
      // From a feed, a tag or a filtered list, q goes back to All articles; only there does it quit.
      if (s.search) return c.applySearch('');
      if (s.scope.kind !== 'all') return showScope(c, { kind: 'all' });
      return c.deps.exit();
    case 'back':
      // Esc on a filtered list clears the filter first, then closes the article beside the list.
      if (pane === 'list' && s.search) return c.applySearch('');
      if (pane === 'list' && s.openId !== null) return closeArticle(c);
      return c.dispatch({ type: 'back' });
    case 'help':
      return c.dispatch({ type: 'help', show: true });
    case 'toggle-sidebar':
      c.dispatch({ type: 'toggle-sidebar' });
      return c.state.sidebar && c.dispatch({ type: 'sidebar-count', count: c.sidebarItems().length });
    case 'switch-pane':
      return switchPane(c);
    case 'search':
      return c.dispatch({ type: 'prompt', prompt: { kind: 'search', value: s.search } });
    case 'add-feed':
      return c.dispatch({ type: 'prompt', prompt: { kind: 'add-feed', value: '' } });
    case 'pick-tag':
      return pickTag(c);
    case 'refresh-all':
      // Syncing, a refresh is a sync of everything, even before the first sync listed any feed.
      return void c.startRefresh(c.deps.settings.sync ? [c.deps.settings.sync.url] : c.deps.settings.feeds.map((f) => f.url), 'all feeds');
    case 'refresh':
      return void refreshCurrent(c);
    case 'toggle-comments':
      return toggleComments(c);
    case 'copy-link':
      return copyLink(c);
    case 'remove-feed':
      return askToRemoveFeed(c);
  }
  return paneAction(c, pane, action);
}

/** Actions that touch data or the outside world; movement is mapped in state/navigation.ts. */
function paneAction(c: ReaderContext, pane: Pane, action: Action) {
  const event = navigationEvent(pane, action, { listHeight: c.state.list.height, articleLines: c.openArticle()?.lines.length ?? 0 });
  if (event) {
    c.dispatch(event);
    if (pane === 'list') followCursor(c);
    return;
  }
  const id = pane === 'article' ? (c.state.openId ?? undefined) : c.rowAtCursor()?.id;
  switch (action) {
    case 'open':
      if (pane === 'sidebar') return chooseSidebarItem(c);
      return id !== undefined && c.open(id);
    case 'next-unread':
    case 'prev-unread':
      return jumpUnread(c, action === 'next-unread' ? 1 : -1, pane === 'article');
    case 'next-match':
    case 'prev-match':
      return jumpMatch(c, action === 'next-match' ? 1 : -1);
    case 'toggle-read':
    case 'toggle-star': {
      const row = id === undefined ? undefined : c.deps.store.article(id);
      if (!row) return;
      c.marks.mark([row.id], action === 'toggle-read' ? (row.read ? 'unread' : 'read') : row.starred ? 'unstar' : 'star');
      return c.marksChanged();
    }
    case 'mark-all-read': {
      const count = c.unreadCount();
      if (count === 0) return c.dispatch({ type: 'status', text: 'Nothing unread here.' });
      return c.dispatch({ type: 'prompt', prompt: { kind: 'confirm-mark-all', count } });
    }
    case 'undo': {
      const undone = c.marks.undo();
      if (undone === null) return c.dispatch({ type: 'status', text: 'Nothing to undo.' });
      c.dataChanged();
      return c.dispatch({ type: 'status', text: `Undone: ${undone}.` });
    }
    case 'open-browser':
      return id !== undefined && openLink(c, id);
    case 'toggle-full-text':
      return id !== undefined && toggleFullText(c, id);
  }
}

function chooseSidebarItem(c: ReaderContext) {
  const item = c.sidebarItems()[c.state.sidebarCursor];
  if (item) showScope(c, item.scope);
}

function showScope(c: ReaderContext, scope: ScopeChoice) {
  c.dispatch({ type: 'scope', scope });
  c.comments.articleChanged(undefined);
  c.reloadList();
}

/** Beside an open article, the article pane shows the row under the list's cursor, not marked read. */
export function followCursor(c: ReaderContext) {
  const s = c.state;
  if (s.openId === null || !layout(s).articleWidth) return;
  const row = c.rowAtCursor();
  if (!row || row.id === s.openId) return;
  c.dispatch({ type: 'preview', id: row.id });
  c.comments.articleChanged(undefined);
}

function closeArticle(c: ReaderContext) {
  c.dispatch({ type: 'close-article' });
  c.comments.articleChanged(undefined);
}

function switchPane(c: ReaderContext) {
  const l = layout(c.state);
  const order: Pane[] = [];
  if (l.sidebarWidth) order.push('sidebar');
  if (l.listWidth) order.push('list');
  if (l.articleWidth && c.state.openId !== null) order.push('article');
  if (l.commentsWidth) order.push('comments');
  const next = order[(order.indexOf(c.state.focus) + 1) % order.length];
  if (next) c.dispatch({ type: 'focus', pane: next });
}

function jumpUnread(c: ReaderContext, direction: 1 | -1, openIt: boolean) {
  const from = openIt ? c.state.openId : c.rowAtCursor()?.id;
  const scope = c.storeScope();
  let target: number | undefined;
  if (from === null || from === undefined) target = c.deps.store.articles(scope, { limit: 1, unread: true })[0]?.id;
  else target = c.deps.store.neighbourUnread(scope, from, direction);
  if (target === undefined) return c.dispatch({ type: 'status', text: direction === 1 ? 'No more unread articles below.' : 'No unread articles above.' });
  const index = c.deps.store.position(scope, target);
  if (index >= 0) c.dispatch({ type: 'move-to', index });
  if (openIt) c.open(target);
  else followCursor(c);
}

/** Lines kept above a match that n or N brings into view, so it is read in its context. */
const MATCH_CONTEXT = 2;

/** The article's next (or previous) line holding a match, brought to the top of the pane. */
function jumpMatch(c: ReaderContext, direction: 1 | -1) {
  const article = c.openArticle();
  if (!article) return;
  const lines = article.matchLines;
  if (lines.length === 0) return c.dispatch({ type: 'status', text: 'No match in this article.' });
  const top = c.state.articleScroll + MATCH_CONTEXT;
  const index = direction === 1 ? lines.findIndex((line) => line > top) : lines.reduce((found, line, i) => (line < top ? i : found), -1);
  if (index < 0) return c.dispatch({ type: 'status', text: direction === 1 ? 'No more matches below.' : 'No more matches above.' });
  const before = c.state.articleScroll;
  c.dispatch({ type: 'scroll-article', by: Math.max(0, lines[index]! - MATCH_CONTEXT) - before, lineCount: article.lines.length });
  // At the end of the article the pane cannot scroll further: what is left is in view already.
  if (c.state.articleScroll === before) return c.dispatch({ type: 'status', text: 'The last matches are on screen.' });
  c.dispatch({ type: 'status', text: `Match ${index + 1} of ${lines.length} lines.` });
}

function openLink(c: ReaderContext, id: number) {
  const digits = c.state.digits;
  c.dispatch({ type: 'clear-digits' });
  let url: string | undefined;
  if (digits) {
    const article = c.data.article(id, Math.max(10, c.articleTextWidth()));
    url = article?.links[Number(digits) - 1];
    if (!url) return c.dispatch({ type: 'status', text: `No link ${digits} in this article.` });
  } else url = c.deps.store.article(id)?.link;
  if (!url || !/^https?:\/\//i.test(url)) return c.dispatch({ type: 'status', text: 'This article has no web link to open.' });
  c.deps.openUrl(url);
  c.dispatch({ type: 'status', text: `Opened ${url}` });
}

/** `y`: the link of what is in view, to the clipboard through the terminal (core/clipboard.ts). */
function copyLink(c: ReaderContext) {
  const s = c.state;
  const url =
    s.focus === 'comments'
      ? c.comments.linkToCopy()
      : s.focus === 'article' && s.openId !== null
        ? c.deps.store.article(s.openId)?.link
        : c.rowAtCursor()?.link;
  const built = osc52ForUrl(url ?? '', { inTmux: c.deps.inTmux ?? false });
  if (!built.ok) return c.dispatch({ type: 'status', text: `Nothing copied: ${built.reason}.` });
  if (!c.deps.writeToTerminal) return c.dispatch({ type: 'status', text: 'Nothing copied: no terminal to copy through.' });
  c.deps.writeToTerminal(built.sequence);
  c.dispatch({ type: 'status', text: `Copied to the clipboard: ${built.url}` });
}

function pickTag(c: ReaderContext) {
  const items = c.sidebarItems();
  const firstTag = items.findIndex((i) => i.kind === 'tag');
  if (firstTag < 0) return c.dispatch({ type: 'status', text: 'No tags yet: add "tags" to feeds, or a "tag:NAME" filter, in the settings file.' });
  if (!c.state.sidebar) perform(c, 'toggle-sidebar');
  c.dispatch({ type: 'focus', pane: 'sidebar' });
  c.dispatch({ type: 'sidebar-move', by: 'top' });
  c.dispatch({ type: 'sidebar-move', by: firstTag });
  c.dispatch({ type: 'status', text: `Pick a tag: ${c.key('down')}/${c.key('up')}, ${c.key('open')}.` });
}

/** The other text of an article (from the list: of the article under the cursor, opened). */
function toggleFullText(c: ReaderContext, id: number) {
  if (c.state.openId !== id) c.open(id);
  const row = c.deps.store.article(id);
  if (!row) return;
  c.fullText.toggle(row);
  c.dispatch({ type: 'scroll-article', by: 'top', lineCount: c.openArticle()?.lines.length ?? 0 });
}

function refreshCurrent(c: ReaderContext) {
  const s = c.state;
  // On an article showing its full text, the page is fetched again too (with its validators).
  const open = s.focus === 'article' && s.openId !== null ? c.deps.store.article(s.openId) : undefined;
  if (open) c.fullText.refetch(open);
  const row = s.focus === 'article' && s.openId !== null ? c.deps.store.article(s.openId) : c.rowAtCursor();
  const sidebarItem = s.focus === 'sidebar' ? c.sidebarItems()[s.sidebarCursor] : undefined;
  const { urls, label } = refreshTarget({ scope: s.scope, sidebarItem, row, feeds: c.feeds(), settingsFeeds: c.deps.settings.feeds });
  if (urls.length === 0) return c.dispatch({ type: 'status', text: 'No feed to refresh here.' });
  return c.startRefresh(urls, label);
}

/**
 * `c`: show the comments of the article in view; when they are already on screen, move into them;
 * from inside them, hide them.
 */
function toggleComments(c: ReaderContext) {
  const s = c.state;
  let id = s.openId;
  if (s.focus === 'list') {
    const row = c.rowAtCursor();
    if (!row) return;
    if (row.id !== s.openId) c.open(row.id);
    id = row.id;
  }
  if (c.state.commentsOpen && c.state.focus !== 'comments') return c.dispatch({ type: 'focus', pane: 'comments' });
  c.dispatch({ type: 'toggle-comments' });
  c.comments.articleChanged(c.state.commentsOpen && id !== null ? c.deps.store.article(id) : undefined);
}

/**
 * `D`: the feed to unsubscribe from is the sidebar's feed under the cursor, the feed in view, or the
 * feed of the article under the list's cursor; asked first, since it rewrites the settings file.
 */
function askToRemoveFeed(c: ReaderContext) {
  const s = c.state;
  const feeds = c.feeds();
  const sidebarItem = s.focus === 'sidebar' ? c.sidebarItems()[s.sidebarCursor] : undefined;
  const choice = sidebarItem ? sidebarItem.scope : s.scope;
  const feedId = choice.kind === 'feed' ? choice.feedId : sidebarItem ? undefined : c.rowAtCursor()?.feedId;
  const feed = feedId === undefined ? undefined : feeds.find((f) => f.id === feedId);
  if (!feed)
    return c.dispatch({ type: 'status', text: `${c.key('remove-feed')} unsubscribes from a feed: move to one in the sidebar, or to one of its articles.` });
  c.dispatch({ type: 'prompt', prompt: { kind: 'confirm-remove-feed', url: feed.url, title: sanitizeLine(feed.title || feed.url) } });
}
