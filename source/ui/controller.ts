/**
 * The reader's controller: it owns the UI state (through the pure reducer), reads pages of rows from
 * the cache, runs background refreshes and opens links; keys go through the dispatcher (dispatcher.ts)
 * to the actions (actions.ts). React-free, so it is tested without Ink; the Ink views only subscribe
 * to it and draw what it exposes.
 */
import type { Key } from 'ink';
import type { ArticleRow, FeedRow, Scope } from '../core/store.js';
import type { ControllerDeps, ReaderContext } from './reader-context.js';
import type { SubscribeResult } from '../core/subscribe.js';
import { keyNames, keyOf, type Action, type Keymap } from './keys.js';
import { initialState, layout, reduce, type ReaderEvent, type ReaderState } from './state/reader.js';
import { ReaderData, searchOf, storeScope, type OpenArticle, type SidebarItem } from './reader-data.js';
import { BackgroundRefresh, type RefreshStatus } from './background-refresh.js';
import { ReloadLoop } from './background-reload.js';
import { CommentsModel } from './comments-model.js';
import { dispatchKey } from './dispatcher.js';
import { applyMark, MarkHistory } from '../core/marks.js';
import { perform } from './actions.js';
import { performMouse } from './mouse-actions.js';
import { mouseIntent, parseMouse, type MouseReport } from './state/mouse.js';
import { FullTextModel } from './full-text.js';
import { pageLoader } from '../core/page.js';
import { inlinePool } from '../core/workers.js';

import { DiscussionsModel } from './discussions-model.js';

export type { ControllerDeps } from './reader-context.js';

export class ReaderController implements ReaderContext {
  state: ReaderState;
  version = 0;
  readonly comments: CommentsModel;
  readonly discussions: DiscussionsModel;
  readonly fullText: FullTextModel;
  readonly data: ReaderData;
  private listeners = new Set<() => void>();
  /** Inside a key press: changes are noted and the view is told once, when the key is done. */
  private batching = 0;
  private pending = false;
  readonly marks: MarkHistory;
  private background: BackgroundRefresh;
  private reloads: ReloadLoop;

  constructor(
    readonly deps: ControllerDeps,
    columns: number,
    rows: number,
  ) {
    this.state = initialState(columns, rows);
    this.data = new ReaderData(deps.store, {
      color: deps.color ?? true,
      now: () => this.now(),
      commentsKey: () => this.key('toggle-comments'),
      openKey: () => this.key('open-browser'),
      views: () => deps.settings.views,
      mark: deps.paint?.match,
    });
    this.marks = new MarkHistory(deps.store);
    this.discussions = new DiscussionsModel(
      deps,
      (id) => this.comments.listingChanged(id),
      () => this.countsChanged(),
    );
    this.comments = new CommentsModel(
      deps,
      this.discussions,
      () => this.changed(),
      () => this.countsChanged(),
    );
    this.fullText = new FullTextModel({
      store: deps.store,
      settings: deps.settings,
      load: deps.loadPage ?? pageLoader(deps.store, () => inlinePool(deps.store), deps.settings.fetch),
      key: keyOf(deps.keymap, 'toggle-full-text'),
      openLink: () => (this.state.openId === null ? undefined : this.deps.store.article(this.state.openId)?.link),
      changed: () => this.changed(),
      status: (text) => this.dispatch({ type: 'status', text }),
      now: () => this.now(),
    });
    this.background = new BackgroundRefresh(deps.refresh, {
      progress: () => this.changed(),
      dataChanged: () => this.dataChanged(),
      done: (text) => this.dispatch({ type: 'status', text }),
    });
    this.reloads = new ReloadLoop({
      feeds: deps.reloadFeeds ?? (() => deps.store.reloadStates()),
      rules: deps.settings,
      run: (urls) => this.reload(urls),
      busy: () => this.background.running,
      note: (text) => this.dispatch({ type: 'reload-note', text }),
      now: () => this.now(),
      timers: deps.timers,
    });
    this.reloadList();
  }

  /** Start the background reloads (the reader calls this once its start-up refresh, if any, has begun). */
  startReloads() {
    this.reloads.start({ waitFirst: !this.deps.settings.refreshOnStart });
  }

  private async reload(urls: string[]) {
    const tally = await this.background.start(urls, 'due feeds', { quiet: true });
    this.fullText.refreshed(urls);
    // An earlier refresh's report is older news than this reload: the line goes back to the hints and the reload note.
    if (this.state.status !== null && this.state.status === this.background.lastMessage) this.dispatch({ type: 'status', text: null });
    return tally;
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
    return this.data.unreadCount(this.storeScope());
  }

  /** The search in force matches more than its list holds: its newest SEARCH_CAP are listed. */
  searchCapped(): boolean {
    return this.data.capped(this.storeScope());
  }

  feeds(): FeedRow[] {
    return this.data.feeds();
  }

  sidebarItems(): SidebarItem[] {
    return this.data.sidebarItems();
  }

  /** The open article rendered for the article pane's width. */
  openArticle(): OpenArticle | undefined {
    if (this.state.openId === null) return undefined;
    return this.data.article(this.state.openId, Math.max(10, this.articleTextWidth()), this.fullText, searchOf(this.state.scope, this.state.search));
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
    this.relist(anchorId);
  }

  /**
   * Count the list of the scope and search in force, from what is remembered of the cache: a new search
   * changes which list is read, not the cache, so the sidebar's counts (160 ms at 1,000 feeds and
   * 300,000 articles) and other lists stay remembered.
   */
  private relist(anchorId?: number) {
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
    // A mouse report is never keys: read as characters, `[<65;10;5M` would be `[`, digits and `M`.
    const report = parseMouse(input);
    if (report) return this.handleMouse(report);
    for (const name of keyNames(input, key)) this.handleKeyName(name);
  }

  handleMouse(report: MouseReport) {
    if (this.deps.settings.mouse === false) return;
    const intent = mouseIntent(this.state, report);
    if (intent) this.batch(() => performMouse(this, intent));
  }

  handleKeyName(name: string) {
    this.batch(() => dispatchKey(this, name));
  }

  /** Whatever `work` changes, the view is told once, when it is done. */
  private batch(work: () => void) {
    this.batching++;
    try {
      work();
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

  /** Carry out an action of the command table (actions.ts). */
  perform(action: Action) {
    perform(this, action);
  }

  // ---------------------------------------------------------------- effects

  open(id: number) {
    this.dispatch({ type: 'open', id });
    const row = this.deps.store.article(id);
    if (row) this.discussions.articleOpened(row);
    if (row && !row.read && this.deps.settings.markReadOnOpen) {
      applyMark(this.deps.store, [id], 'read');
      this.marksChanged();
    }
    this.comments.articleChanged(this.state.commentsOpen ? row : undefined);
  }

  markAllRead() {
    const ids = this.marks.markAllRead(this.storeScope());
    this.dataChanged();
    this.dispatch({ type: 'status', text: `Marked ${ids.length} article${ids.length === 1 ? '' : 's'} read. ${this.key('undo')} undoes.` });
  }

  applySearch(query: string) {
    const clean = query.replace(/[\x00-\x1f\x7f]/g, '').trim();
    this.dispatch({ type: 'search', query: clean });
    this.dispatch({ type: 'prompt', prompt: null });
    this.relist();
    if (!clean) return;
    const n = this.state.list.count;
    const found = this.searchCapped()
      ? `More than ${n.toLocaleString('en')} matches for "${clean}": the newest ${n.toLocaleString('en')} are listed; more words narrow the search.`
      : `${n.toLocaleString('en')} match${n === 1 ? '' : 'es'} for "${clean}".`;
    this.dispatch({ type: 'status', text: `${found} ${this.key('back')} clears.` });
  }

  submitAddFeed(url: string) {
    const clean = url.replace(/[\x00-\x1f\x7f]/g, '').trim();
    if (!clean) return this.dispatch({ type: 'prompt', prompt: null });
    this.dispatch({ type: 'prompt', prompt: { kind: 'add-feed', value: clean, busy: true } });
    this.dispatch({ type: 'status', text: `Checking ${clean}…` });
    this.deps.addFeed(clean).then(
      (result) => {
        if (result.kind === 'found-feed') {
          // The page links to its feed: offer that URL in the prompt; Enter subscribes, Esc cancels.
          const note = 'That is a web page. Its feed (Enter subscribes, Esc cancels): ';
          return this.dispatch({ type: 'prompt', prompt: { kind: 'add-feed', value: result.feedUrl, note } });
        }
        this.dispatch({ type: 'prompt', prompt: null });
        this.dispatch({ type: 'status', text: subscribeMessage(result) });
        if (result.kind !== 'failed') this.reloadList();
      },
      (error: Error) => {
        this.dispatch({ type: 'prompt', prompt: null });
        this.dispatch({ type: 'status', text: `Not added: ${error.message}` });
      },
    );
  }

  removeFeed(url: string, title: string) {
    if (!this.deps.removeFeed) return this.dispatch({ type: 'status', text: 'Feeds cannot be removed here.' });
    const removedId = this.feeds().find((f) => f.url === url)?.id;
    this.deps.removeFeed(url).then(
      (result) => {
        if (result.kind === 'not-subscribed') return this.dispatch({ type: 'status', text: `Not subscribed to ${title}.` });
        // The view of the feed just removed would list nothing: back to All articles.
        const scope = this.state.scope;
        if (scope.kind === 'feed' && scope.feedId === removedId) this.dispatch({ type: 'scope', scope: { kind: 'all' } });
        this.dataChanged();
        this.dispatch({ type: 'status', text: `Unsubscribed from ${title}; its articles stay in the cache.` });
      },
      (error: Error) => this.dispatch({ type: 'status', text: `Not removed: ${error.message}` }),
    );
  }

  async startRefresh(urls: string[], label: string): Promise<void> {
    if (this.background.running) return this.dispatch({ type: 'status', text: 'A refresh is already running.' });
    this.reloads.noteAttempt(urls, this.now());
    await this.background.start(urls, label);
    this.fullText.refreshed(urls);
    // The feeds just refreshed are not due again for a while: the next reload moves.
    this.reloads.schedule();
  }

  /** Refresh progress for the header, or null. */
  get refreshing(): RefreshStatus | null {
    return this.background.status;
  }

  dispose() {
    this.reloads.stop();
    this.background.dispose();
    this.comments.dispose();
    this.discussions.dispose();
    this.fullText.dispose();
  }
}

/** The status line for a subscription that did not end in a found feed. */
function subscribeMessage(result: Exclude<SubscribeResult, { kind: 'found-feed' }>): string {
  if (result.kind === 'already') return `Already subscribed to ${result.url}.`;
  if (result.kind === 'failed') return `Not added: ${result.url}: ${result.message}`;
  const added = `Added "${result.title || result.url}" (${result.articles} article${result.articles === 1 ? '' : 's'}).`;
  const cache = result.cacheError ? ` Its articles could not be cached (${result.cacheError}); r refreshes it.` : '';
  return added + cache + (result.replacedDemo ? ' Your feeds replace the demo feeds from now on.' : '');
}
