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
import { resolveAction, keyNames, PANE_ACTIONS, type Action, type Keymap } from './keys.js';
import { initialState, layout, reduce, type Pane, type ReaderEvent, type ReaderState, type ScopeChoice } from './state/reader.js';
import { ReaderData, storeScope, type OpenArticle, type SidebarItem } from './reader-data.js';
import { navigationEvent } from './state/navigation.js';
import { BackgroundRefresh, type RefreshStatus, type RunRefresh } from './background-refresh.js';
import { editLine } from './state/line-edit.js';
import { CommentsModel } from './comments-model.js';
import { DiscussionsModel } from './discussions-model.js';
import type { Manners } from '../core/discussions/index.js';
import { helpLineCount } from './views/help-lines.js';

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
  /** Manners towards HN, Reddit and Lobsters (rate limits shared through the cache); absent, none. */
  manners?: Manners;
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
  readonly discussions: DiscussionsModel;
  readonly data: ReaderData;
  private listeners = new Set<() => void>();
  private undo: Undo | null = null;
  private background: BackgroundRefresh;

  constructor(private deps: ControllerDeps, columns: number, rows: number) {
    this.state = initialState(columns, rows);
    this.data = new ReaderData(deps.store, { color: deps.color ?? true, now: () => this.now() });
    this.discussions = new DiscussionsModel(deps, (id) => this.comments.listingChanged(id), () => this.countsChanged());
    this.comments = new CommentsModel(deps, this.discussions, () => this.changed(), () => this.countsChanged());
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
    for (const listener of this.listeners) listener();
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

  articleTextWidth(): number {
    const l = layout(this.state);
    return (l.articleWidth || this.state.columns) - 2;
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

  /** An article's comment count was learned: fresh rows, no recount (the lists' members are the same). */
  private countsChanged() {
    this.data.invalidateCounts();
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

  /**
   * Text prompts are edited here, in the one dispatcher, not by ink-text-input's own useInput:
   * its onSubmit sees the value of the last render, so text and Enter arriving in two chunks
   * before React re-renders lost the text (seen in test/ui/app.test.tsx).
   */
  private editPrompt(name: string): void {
    const prompt = this.state.prompt;
    if (prompt?.kind !== 'search' && prompt?.kind !== 'add-feed') return;
    if (prompt.kind === 'add-feed' && prompt.busy) return;
    const edit = editLine(prompt.value, name);
    if (edit === 'cancel') return prompt.kind === 'search' ? this.applySearch('') : this.dispatch({ type: 'prompt', prompt: null });
    if (edit === 'submit') return prompt.kind === 'search' ? this.applySearch(prompt.value) : this.submitAddFeed(prompt.value);
    if (edit !== prompt.value) this.dispatch({ type: 'prompt', prompt: { ...prompt, value: edit } });
  }

  handleKeyName(name: string) {
    const s = this.state;
    if (s.prompt?.kind === 'search' || s.prompt?.kind === 'add-feed') {
      // A quit key that cannot be typed (Ctrl-C) still quits from a prompt.
      if (name.startsWith('ctrl+') && resolveAction(name, ['quit-now'], this.deps.keymap)) return this.deps.exit();
      return this.editPrompt(name);
    }
    if (s.help) {
      // The help scrolls with the movement keys when it does not fit; any other key closes it.
      const move = resolveAction(name, ['down', 'up', 'page-down', 'page-up', 'half-page-down', 'half-page-up'], this.deps.keymap);
      const by = { down: 1, up: -1, 'page-down': 10, 'page-up': -10, 'half-page-down': 5, 'half-page-up': -5 }[move as string];
      if (by !== undefined) return this.dispatch({ type: 'help-scroll', by, lineCount: helpLineCount(this.state.columns) });
      this.dispatch({ type: 'help', show: false });
      if (resolveAction(name, ['quit-now'], this.deps.keymap) !== 'quit-now') return;
    }
    if (s.prompt?.kind === 'confirm-mark-all') {
      this.dispatch({ type: 'prompt', prompt: null });
      if (name === 'y' || name === 'Y') this.markAllRead();
      else this.dispatch({ type: 'status', text: 'Nothing marked.' });
      return;
    }
    if (/^[1-9]$/.test(name) && (s.focus === 'article' || s.focus === 'list')) {
      this.dispatch({ type: 'digit', digit: name });
      this.dispatch({ type: 'status', text: `Link ${this.state.digits}: press o to open it` });
      return;
    }
    const action = resolveAction(name, PANE_ACTIONS[s.focus], this.deps.keymap);
    if (action !== 'open-browser') this.dispatch({ type: 'clear-digits' });
    if (!action) return;
    if (s.status && action !== 'undo') this.dispatch({ type: 'status', text: null });
    this.perform(action);
  }

  perform(action: Action) {
    const s = this.state;
    const pane = s.focus;
    if (pane === 'comments' && this.comments.perform(action, layout(s).bodyHeight)) return;
    switch (action) {
      case 'quit-now':
        return this.deps.exit();
      case 'quit':
        if (pane === 'list') return this.deps.exit();
        return this.dispatch({ type: 'back' });
      case 'back':
        // Esc on a filtered list clears the filter first.
        if (pane === 'list' && s.search) return this.applySearch('');
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
    if (event) return this.dispatch(event);
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
    if (!item) return;
    this.dispatch({ type: 'scope', scope: item.scope });
    this.reloadList();
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
    if (row) this.discussions.articleOpened(row);
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
  }

  private mark(ids: number[], field: 'read' | 'starred', value: boolean) {
    const changed = field === 'read' ? this.deps.store.setRead(ids, value) : this.deps.store.setStarred(ids, value);
    if (changed) this.undo = { ids, field, value, label: field === 'read' ? (value ? 'marked read' : 'marked unread') : value ? 'starred' : 'unstarred' };
    this.marksChanged();
  }

  private markAllRead() {
    const ids = this.deps.store.markScopeRead(this.storeScope());
    this.undo = { ids, field: 'read', value: true, label: `marked ${ids.length} read` };
    this.dataChanged();
    this.dispatch({ type: 'status', text: `Marked ${ids.length} article${ids.length === 1 ? '' : 's'} read. u undoes.` });
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
      const article = this.state.openId === id ? this.openArticle() : undefined;
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
    if (clean) this.dispatch({ type: 'status', text: `${this.state.list.count} match${this.state.list.count === 1 ? '' : 'es'} for "${clean}" — Esc or / then Enter on an empty line clears.` });
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
    this.dispatch({ type: 'status', text: 'Pick a tag: j/k, Enter.' });
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

  private toggleComments() {
    const s = this.state;
    let id = s.openId;
    if (!s.commentsOpen && s.focus === 'list') {
      const row = this.rowAtCursor();
      if (!row) return;
      if (row.id !== s.openId) this.open(row.id);
      id = row.id;
    }
    this.dispatch({ type: 'toggle-comments' });
    this.comments.articleChanged(this.state.commentsOpen && id !== null ? this.deps.store.article(id) : undefined);
  }

  dispose() {
    this.background.dispose();
    this.comments.dispose();
    this.discussions.dispose();
  }
}
