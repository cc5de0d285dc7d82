/**
 * The reader's controller: the one key dispatcher. It owns the UI state (through the pure reducer),
 * reads pages of rows from the cache, runs background refreshes and opens links. React-free, so it
 * is tested without Ink; the Ink views only subscribe to it and draw what it exposes.
 */
import type { Key } from 'ink';
import type { ChalkInstance } from 'chalk';
import type { Paint } from './theme.js';
import type { ArticleRow, FeedRow, Scope, Store } from '../core/store.js';
import type { Settings } from '../core/settings.js';
import type { DiscussionParser } from '../core/comments/index.js';
import { keyNames, keyOf, type Action, type Keymap } from './keys.js';
import { initialState, layout, reduce, type Pane, type ReaderEvent, type ReaderState, type ScopeChoice } from './state/reader.js';
import { ReaderData, storeScope, type OpenArticle, type SidebarItem } from './reader-data.js';
import { navigationEvent } from './state/navigation.js';
import { BackgroundRefresh, type RefreshStatus, type RunRefresh } from './background-refresh.js';
import { CommentsModel } from './comments-model.js';
import { dispatchKey } from './dispatcher.js';

export interface ControllerDeps {
  store: Store;
  settings: Settings;
  keymap: Keymap;
  /** Opens an http(s) URL in the browser; never through a shell. */
  openUrl: (url: string) => void;
  exit: () => void;
  /** Runs a refresh of `urls` in the background; calls back with progress and when done. */
  refresh: RunRefresh;
  /** Checks and subscribes to a feed; resolves to a message for the status bar. */
  addFeed: (url: string) => Promise<string>;
  /** Parses and threads a fetched JSON discussion off the main thread; default inline. */
  parseDiscussion?: DiscussionParser;
  /** Start the threads that parse discussions (~70 ms): an article with one on HN, Reddit or Lobsters opened. */
  warmParsers?: () => void;
  color?: boolean;
  /** Colours for the comments pane (plain when absent, as in tests). */
  paint?: Paint;
  chalk?: ChalkInstance;
  now?: () => number;
}

type Undo = { ids: number[]; field: 'read' | 'starred'; value: boolean; label: string };

export class ReaderController {
  state: ReaderState;
  version = 0;
  readonly comments: CommentsModel;
  readonly data: ReaderData;
  private listeners = new Set<() => void>();
  /** Inside a key press: changes are noted and the view is told once, when the key is done. */
  private batching = 0;
  private pending = false;
  private undo: Undo | null = null;
  private background: BackgroundRefresh;

  constructor(private deps: ControllerDeps, columns: number, rows: number) {
    this.state = initialState(columns, rows);
    this.data = new ReaderData(deps.store, { color: deps.color ?? true, now: () => this.now(), commentsKey: () => this.key('toggle-comments'), openKey: () => this.key('open-browser') });
    this.comments = new CommentsModel(deps, () => this.changed(), () => this.dataChanged());
    this.background = new BackgroundRefresh(deps.refresh, {
      progress: () => this.changed(),
      dataChanged: () => this.dataChanged(),
      done: (text) => this.dispatch({ type: 'status', text }),
    });
    this.reloadList();
  }

  // ---------------------------------------------------------------- subscription (for React)

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  getVersion = () => this.version;

  private changed() {
    this.version++;
    if (this.batching) {
      this.pending = true;
      return;
    }
    for (const listener of this.listeners) listener();
  }

  get keymap(): Keymap {
    return this.deps.keymap;
  }

  /** The key bound to an action, as messages name it. */
  key(action: Action): string {
    return keyOf(this.deps.keymap, action);
  }

  dispatch(event: ReaderEvent) {
    const next = reduce(this.state, event);
    if (next !== this.state) {
      this.state = next;
      this.changed();
    }
  }

  // ---------------------------------------------------------------- data

  storeScope(): Scope {
    return storeScope(this.state.scope, this.state.search);
  }

  /** The rows on screen, and only those. */
  visibleRows(): ArticleRow[] {
    return this.data.rows(this.storeScope(), this.state.list.offset, this.state.list.height);
  }

  rowAtCursor(): ArticleRow | undefined {
    const { cursor, offset } = this.state.list;
    return this.visibleRows()[cursor - offset];
  }

  unreadCount(): number {
    return this.data.count({ ...this.storeScope(), unreadOnly: true });
  }

  feeds(): FeedRow[] {
    return this.data.feeds();
  }

  sidebarItems(): SidebarItem[] {
    return this.data.sidebarItems();
  }

  /** The open article rendered for the article pane's width. */
  openArticle(): OpenArticle | undefined {
    return this.state.openId === null ? undefined : this.data.article(this.state.openId, Math.max(10, this.articleTextWidth()));
  }

  /** The article's text column: a space after the rule on its left and one before the pane's right edge. */
  articleTextWidth(): number {
    const l = layout(this.state);
    return (l.articleWidth || this.state.columns) - 3;
  }

  private now() {
    return (this.deps.now ?? Date.now)();
  }

  /** Count the list again (scope, search or data changed), keeping the cursor on its article. */
  reloadList(anchorId?: number) {
    this.data.invalidate();
    const scope = this.storeScope();
    const count = this.data.count(scope);
    const index = anchorId === undefined ? -1 : this.deps.store.position(scope, anchorId);
    this.dispatch(index >= 0 ? { type: 'list-reanchor', count, index } : { type: 'list-count', count });
    // The sidebar's per-feed counts cost a scan: only while it is shown.
    if (this.state.sidebar) this.dispatch({ type: 'sidebar-count', count: this.sidebarItems().length });
    this.changed();
  }

  /** Read or starred marks changed: a list that does not filter on them keeps its rows and count. */
  marksChanged() {
    const scope = this.storeScope();
    if (scope.unreadOnly || scope.starredOnly) return this.dataChanged();
    this.data.invalidateMarks();
    this.changed();
  }

  /** The store changed under us (a mark, a refresh): redraw from fresh rows without moving. */
  dataChanged() {
    this.reloadList(this.rowAtCursor()?.id);
  }

  // ---------------------------------------------------------------- keys

  handleInput(input: string, key: Key) {
    for (const name of keyNames(input, key)) this.handleKeyName(name);
  }

  handleKeyName(name: string) {
    this.batching++;
    try {
      dispatchKey(this, name);
    } finally {
      this.batching--;
      if (!this.batching && this.pending) {
        this.pending = false;
        this.changed();
      }
    }
  }

  /** How many links the article in view has (for `9 o`), or undefined when no article is in view. */
  linksInView(): number | undefined {
    const s = this.state;
    const id = s.focus === 'article' ? s.openId : this.rowAtCursor()?.id;
    if (id === null || id === undefined) return undefined;
    return this.data.article(id, Math.max(10, this.articleTextWidth()))?.links.length;
  }

  perform(action: Action) {
    const s = this.state;
    const pane = s.focus;
    switch (action) {
      case 'quit-now':
        return this.deps.exit();
      case 'quit':
        if (pane !== 'list') return this.dispatch({ type: 'back' });
        // From a feed, a tag or a filtered list, q goes back to All articles; only there does it quit.
        if (s.search) return this.applySearch('');
        if (s.scope.kind !== 'all') return this.showScope({ kind: 'all' });
        return this.deps.exit();
      case 'back':
        // Esc on a filtered list clears the filter first, then closes the article beside the list.
        if (pane === 'list' && s.search) return this.applySearch('');
        if (pane === 'list' && s.openId !== null) return this.closeArticle();
        return this.dispatch({ type: 'back' });
      case 'help':
        return this.dispatch({ type: 'help', show: true });
      case 'toggle-sidebar':
        this.dispatch({ type: 'toggle-sidebar' });
        return this.state.sidebar && this.dispatch({ type: 'sidebar-count', count: this.sidebarItems().length });
      case 'switch-pane':
        return this.switchPane();
      case 'search':
        return this.dispatch({ type: 'prompt', prompt: { kind: 'search', value: s.search } });
      case 'add-feed':
        return this.dispatch({ type: 'prompt', prompt: { kind: 'add-feed', value: '' } });
      case 'pick-tag':
        return this.pickTag();
      case 'refresh-all':
        return void this.startRefresh(this.deps.settings.feeds.map((f) => f.url), 'all feeds');
      case 'refresh':
        return void this.refreshCurrent();
      case 'toggle-comments':
        return this.toggleComments();
    }
    return this.paneAction(pane, action);
  }

  /** Actions that touch data or the outside world; movement is mapped in state/navigation.ts. */
  private paneAction(pane: Pane, action: Action) {
    const event = navigationEvent(pane, action, { listHeight: this.state.list.height, articleLines: this.openArticle()?.lines.length ?? 0 });
    if (event) {
      this.dispatch(event);
      if (pane === 'list') this.followCursor();
      return;
    }
    const id = pane === 'article' ? (this.state.openId ?? undefined) : this.rowAtCursor()?.id;
    switch (action) {
      case 'open':
        if (pane === 'sidebar') return this.chooseSidebarItem();
        return id !== undefined && this.open(id);
      case 'next-unread':
      case 'prev-unread':
        return this.jumpUnread(action === 'next-unread' ? 1 : -1, pane === 'article');
      case 'toggle-read':
      case 'toggle-star': {
        const row = id === undefined ? undefined : this.deps.store.article(id);
        if (!row) return;
        return action === 'toggle-read' ? this.mark([row.id], 'read', !row.read) : this.mark([row.id], 'starred', !row.starred);
      }
      case 'mark-all-read': {
        const count = this.unreadCount();
        if (count === 0) return this.dispatch({ type: 'status', text: 'Nothing unread here.' });
        return this.dispatch({ type: 'prompt', prompt: { kind: 'confirm-mark-all', count } });
      }
      case 'undo':
        return this.undoLast();
      case 'open-browser':
        return id !== undefined && this.openLink(id);
    }
  }

  private chooseSidebarItem() {
    const item = this.sidebarItems()[this.state.sidebarCursor];
    if (item) this.showScope(item.scope);
  }

  private showScope(scope: ScopeChoice) {
    this.dispatch({ type: 'scope', scope });
    this.comments.articleChanged(undefined);
    this.reloadList();
  }

  /** Beside an open article, the article pane shows the row under the list's cursor, not marked read. */
  private followCursor() {
    const s = this.state;
    if (s.openId === null || !layout(s).articleWidth) return;
    const row = this.rowAtCursor();
    if (!row || row.id === s.openId) return;
    this.dispatch({ type: 'preview', id: row.id });
    this.comments.articleChanged(undefined);
  }

  private closeArticle() {
    this.dispatch({ type: 'close-article' });
    this.comments.articleChanged(undefined);
  }

  private switchPane() {
    const l = layout(this.state);
    const order: Pane[] = [];
    if (l.sidebarWidth) order.push('sidebar');
    if (l.listWidth) order.push('list');
    if (l.articleWidth && this.state.openId !== null) order.push('article');
    if (l.commentsWidth) order.push('comments');
    const next = order[(order.indexOf(this.state.focus) + 1) % order.length];
    if (next) this.dispatch({ type: 'focus', pane: next });
  }

  // ---------------------------------------------------------------- effects

  open(id: number) {
    this.dispatch({ type: 'open', id });
    const row = this.deps.store.article(id);
    if (row) this.comments.articleOpened(row);
    if (row && !row.read && this.deps.settings.markReadOnOpen) {
      this.deps.store.setRead([id], true);
      this.marksChanged();
    }
    this.comments.articleChanged(this.state.commentsOpen ? row : undefined);
  }

  private jumpUnread(direction: 1 | -1, openIt: boolean) {
    const from = openIt ? this.state.openId : this.rowAtCursor()?.id;
    const scope = this.storeScope();
    let target: number | undefined;
    if (from === null || from === undefined) target = this.deps.store.articles({ ...scope, unreadOnly: true }, { limit: 1 })[0]?.id;
    else target = this.deps.store.neighbourUnread(scope, from, direction);
    if (target === undefined) return this.dispatch({ type: 'status', text: direction === 1 ? 'No more unread articles below.' : 'No unread articles above.' });
    const index = this.deps.store.position(scope, target);
    if (index >= 0) this.dispatch({ type: 'move-to', index });
    if (openIt) this.open(target);
    else this.followCursor();
  }

  private mark(ids: number[], field: 'read' | 'starred', value: boolean) {
    const changed = field === 'read' ? this.deps.store.setRead(ids, value) : this.deps.store.setStarred(ids, value);
    if (changed) this.undo = { ids, field, value, label: field === 'read' ? (value ? 'marked read' : 'marked unread') : value ? 'starred' : 'unstarred' };
    this.marksChanged();
  }

  markAllRead() {
    const ids = this.deps.store.markScopeRead(this.storeScope());
    this.undo = { ids, field: 'read', value: true, label: `marked ${ids.length} read` };
    this.dataChanged();
    this.dispatch({ type: 'status', text: `Marked ${ids.length} article${ids.length === 1 ? '' : 's'} read. ${this.key('undo')} undoes.` });
  }

  private undoLast() {
    const undo = this.undo;
    if (!undo) return this.dispatch({ type: 'status', text: 'Nothing to undo.' });
    this.undo = null;
    if (undo.field === 'read') this.deps.store.setRead(undo.ids, !undo.value);
    else this.deps.store.setStarred(undo.ids, !undo.value);
    this.dataChanged();
    this.dispatch({ type: 'status', text: `Undone: ${undo.label}.` });
  }

  private openLink(id: number) {
    const digits = this.state.digits;
    this.dispatch({ type: 'clear-digits' });
    let url: string | undefined;
    if (digits) {
      const article = this.data.article(id, Math.max(10, this.articleTextWidth()));
      url = article?.links[Number(digits) - 1];
      if (!url) return this.dispatch({ type: 'status', text: `No link ${digits} in this article.` });
    } else url = this.deps.store.article(id)?.link;
    if (!url || !/^https?:\/\//i.test(url)) return this.dispatch({ type: 'status', text: 'This article has no web link to open.' });
    this.deps.openUrl(url);
    this.dispatch({ type: 'status', text: `Opened ${url}` });
  }

  applySearch(query: string) {
    const clean = query.replace(/[\x00-\x1f\x7f]/g, '').trim();
    this.dispatch({ type: 'search', query: clean });
    this.dispatch({ type: 'prompt', prompt: null });
    this.reloadList();
    if (clean) this.dispatch({ type: 'status', text: `${this.state.list.count} match${this.state.list.count === 1 ? '' : 'es'} for "${clean}". ${this.key('back')} clears.` });
  }

  submitAddFeed(url: string) {
    const clean = url.replace(/[\x00-\x1f\x7f]/g, '').trim();
    if (!clean) return this.dispatch({ type: 'prompt', prompt: null });
    this.dispatch({ type: 'prompt', prompt: { kind: 'add-feed', value: clean, busy: true } });
    this.dispatch({ type: 'status', text: `Checking ${clean}…` });
    this.deps.addFeed(clean).then(
      (message) => {
        this.dispatch({ type: 'prompt', prompt: null });
        this.dispatch({ type: 'status', text: message });
        this.reloadList();
      },
      (error: Error & { discoveredUrl?: string }) => {
        if (error.discoveredUrl) {
          // The page links to its feed: offer that URL in the prompt; Enter subscribes, Esc cancels.
          const note = 'That is a web page. Its feed (Enter subscribes, Esc cancels): ';
          return this.dispatch({ type: 'prompt', prompt: { kind: 'add-feed', value: error.discoveredUrl, note } });
        }
        this.dispatch({ type: 'prompt', prompt: null });
        this.dispatch({ type: 'status', text: `Not added: ${error.message}` });
      },
    );
  }

  private pickTag() {
    const items = this.sidebarItems();
    const firstTag = items.findIndex((i) => i.kind === 'tag');
    if (firstTag < 0) return this.dispatch({ type: 'status', text: 'No tags yet: add "tags" to feeds in the settings file.' });
    if (!this.state.sidebar) this.perform('toggle-sidebar');
    this.dispatch({ type: 'focus', pane: 'sidebar' });
    this.dispatch({ type: 'sidebar-move', by: 'top' });
    this.dispatch({ type: 'sidebar-move', by: firstTag });
    this.dispatch({ type: 'status', text: `Pick a tag: ${this.key('down')}/${this.key('up')}, ${this.key('open')}.` });
  }

  private refreshCurrent() {
    const s = this.state;
    let urls: string[];
    let label: string;
    if (s.focus === 'sidebar') {
      const item = this.sidebarItems()[s.sidebarCursor];
      urls = item ? this.urlsOf(item.scope) : [];
      label = item?.label ?? '';
    } else if (s.scope.kind === 'feed' || s.scope.kind === 'tag') {
      urls = this.urlsOf(s.scope);
      label = s.scope.kind === 'feed' ? s.scope.title : `#${s.scope.tag}`;
    } else {
      // In a mixed list, "this feed" is the feed of the article under the cursor.
      const row = s.focus === 'article' && s.openId !== null ? this.deps.store.article(s.openId) : this.rowAtCursor();
      const feed = row ? this.feeds().find((f) => f.id === row.feedId) : undefined;
      urls = feed ? [feed.url] : [];
      label = feed?.title ?? '';
    }
    if (urls.length === 0) return this.dispatch({ type: 'status', text: 'No feed to refresh here.' });
    return this.startRefresh(urls, label);
  }

  private urlsOf(scope: ScopeChoice): string[] {
    if (scope.kind === 'feed') return this.feeds().filter((f) => f.id === scope.feedId).map((f) => f.url);
    if (scope.kind === 'tag') return this.feeds().filter((f) => f.tags.includes(scope.tag)).map((f) => f.url);
    return this.deps.settings.feeds.map((f) => f.url);
  }

  async startRefresh(urls: string[], label: string): Promise<void> {
    if (this.background.running) return this.dispatch({ type: 'status', text: 'A refresh is already running.' });
    await this.background.start(urls, label);
  }

  /** Refresh progress for the header, or null. */
  get refreshing(): RefreshStatus | null {
    return this.background.status;
  }

  /**
   * `c`: show the comments of the article in view; when they are already on screen, move into them;
   * from inside them, hide them.
   */
  private toggleComments() {
    const s = this.state;
    let id = s.openId;
    if (s.focus === 'list') {
      const row = this.rowAtCursor();
      if (!row) return;
      if (row.id !== s.openId) this.open(row.id);
      id = row.id;
    }
    if (this.state.commentsOpen && this.state.focus !== 'comments') return this.dispatch({ type: 'focus', pane: 'comments' });
    this.dispatch({ type: 'toggle-comments' });
    this.comments.articleChanged(this.state.commentsOpen && id !== null ? this.deps.store.article(id) : undefined);
  }

  dispose() {
    this.background.dispose();
    this.comments.dispose();
  }
}
